//! Every figure of the procedure that may vary, with the procedure's
//! defaults. Nothing in the domain hard-codes one of these numbers.

use super::types::{StaffId, Team};
use calendar::WorkingDays;

/// The configurable figures of the procedure.
#[derive(Debug, Clone)]
pub struct Policy {
    /// R-S1-1, R-INT-8: staff make contact within this many working days of
    /// a written submission (default 7; it may vary at times of high volume).
    pub first_contact: WorkingDays,
    /// R-S2-4: the Stage 2 manager aims to respond within this many working
    /// days of escalation (default 20).
    pub stage2_response: WorkingDays,
    /// R-S3-4: a Stage 3 request is acknowledged within this many working
    /// days of receipt (default 5).
    pub stage3_acknowledgement: WorkingDays,
    /// R-S3-5: the full Stage 3 response is due within this many working
    /// days of receipt (default 20).
    pub stage3_response: WorkingDays,
    /// R-S2-1, R-S3-1: the next stage must be asked for within this many
    /// calendar days of receipt of an outcome (default 14).
    pub escalation_window: u32,
    /// R-S2-1, R-S3-1: a posted outcome is received this many working days
    /// after the day it is posted (default 2); an emailed one the day it is
    /// sent.
    pub postal_delivery: WorkingDays,
    /// A deadline counts as approaching this many working days before it is
    /// due (default 2).
    pub deadline_warning: WorkingDays,
    /// R-UPC-2: new issues after closure are considered within this many
    /// months of the complainant becoming aware of them (default 6, as a
    /// matter at intake, R-INT-2); later ones wait for a staff decision.
    pub new_issues_within_months: u32,
    /// R-S3-3: the Corporate Compliance Manager, to whom Stage 3 is allocated.
    pub compliance_manager: StaffId,
    /// R-S3-3: the Corporate Compliance Manager's team.
    pub compliance_team: Team,
    /// R-S3-3 with independence: who takes Stage 3 when the Corporate
    /// Compliance Manager decided an earlier stage of the complaint (held
    /// it or recorded its outcome), so Stage 3 never waits for someone the
    /// procedure bars from it. `None`: no deputy is nominated.
    pub stage3_deputy: Option<StaffId>,
}

impl Policy {
    /// The procedure's defaults, with the given Corporate Compliance Manager
    /// and their team.
    pub fn with_defaults(compliance_manager: StaffId, compliance_team: Team) -> Self {
        Self {
            first_contact: WorkingDays::new(7),
            stage2_response: WorkingDays::new(20),
            stage3_acknowledgement: WorkingDays::new(5),
            stage3_response: WorkingDays::new(20),
            escalation_window: 14,
            postal_delivery: WorkingDays::new(2),
            deadline_warning: WorkingDays::new(2),
            new_issues_within_months: 6,
            compliance_manager,
            compliance_team,
            stage3_deputy: None,
        }
    }
}
