//! The figures and mappings operators configure for triage.

use calendar::{Calendar, WorkingDays};

/// Where complaints about a service with its own procedure go (R-INT-6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// Query category, compared without regard to case.
    pub category: String,
    /// e.g. "Appeals Team".
    pub to: String,
    /// e.g. "the Appeals Manager".
    pub dealt_with_by: String,
}

/// Triage rules as configured.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Working days within which staff make contact (R-INT-8, R-S1-1); 7 by default.
    pub contact_within: WorkingDays,
    /// A matter older than this many months waits for staff (R-INT-2); 6 by default.
    pub out_of_time_months: u32,
    pub redirects: Vec<Redirect>,
    pub calendar: Calendar,
}

impl Policy {
    /// The redirect for `category`, if it has its own procedure.
    pub fn redirect_for(&self, category: &str) -> Option<&Redirect> {
        self.redirects
            .iter()
            .find(|r| r.category.eq_ignore_ascii_case(category.trim()))
    }
}
