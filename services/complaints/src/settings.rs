//! The complaints service's own settings, read with the platform's
//! [`Source`] at start. Every figure of the procedure that may vary is here.

use crate::domain::Policy;
use crate::domain::types::{StaffId, Team};
use crate::qualifications::{APPENDIX_D, Qualifications};
use calendar::{Calendar, WorkingDays};
use platform::{SettingsError, Source};
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct ComplaintsSettings {
    pub policy: Policy,
    pub calendar: Calendar,
    pub qualifications: Qualifications,
    /// How often the deadline watcher looks for deadlines approaching or missed.
    pub watch_interval: Duration,
    /// The secret follow links are checked with (`LINK_SECRET`, the same
    /// as notifications', which signs them); absent, every link is refused.
    pub links: Option<links::LinkKey>,
}

fn invalid(key: &str, reason: impl Into<String>) -> SettingsError {
    SettingsError {
        key: key.into(),
        reason: reason.into(),
    }
}

fn working_days(source: &Source, key: &str, default: u32) -> Result<WorkingDays, SettingsError> {
    let n: u32 = source.get(key, default)?;
    if n == 0 {
        return Err(invalid(key, "must be at least 1"));
    }
    Ok(WorkingDays::new(n))
}

impl ComplaintsSettings {
    /// Every key [`ComplaintsSettings::from_source`] reads, beyond the
    /// platform's [`platform::Settings::KEYS`]: what deployment files may
    /// set for the complaints service (a test holds this list to the
    /// loader). None is required.
    pub const KEYS: &[&str] = &[
        "COMPLIANCE_MANAGER_ID",
        "COMPLIANCE_TEAM",
        "STAGE3_DEPUTY",
        "CONTACT_WITHIN_WORKING_DAYS",
        "STAGE2_RESPONSE_WORKING_DAYS",
        "STAGE3_ACKNOWLEDGEMENT_WORKING_DAYS",
        "STAGE3_RESPONSE_WORKING_DAYS",
        "ESCALATION_WINDOW_DAYS",
        "POSTAL_DELIVERY_WORKING_DAYS",
        "DEADLINE_WARNING_WORKING_DAYS",
        "NEW_ISSUES_WITHIN_MONTHS",
        "QUALIFICATIONS_FILE",
        "BANK_HOLIDAYS_FILE",
        "OFFICE_CLOSURES_FILE",
        "DEADLINE_WATCH_INTERVAL_SECONDS",
        "LINK_SECRET",
    ];

    /// The keys without a default: none, every figure has the procedure's.
    pub const REQUIRED: &[&str] = &[];

    pub fn from_source(source: &Source) -> Result<Self, SettingsError> {
        let manager =
            StaffId::new(source.string("COMPLIANCE_MANAGER_ID", "corporate-compliance-manager"))
                .map_err(|e| invalid("COMPLIANCE_MANAGER_ID", e.to_string()))?;
        let team = Team::new(source.string("COMPLIANCE_TEAM", "Compliance"))
            .map_err(|e| invalid("COMPLIANCE_TEAM", e.to_string()))?;
        let mut policy = Policy::with_defaults(manager, team);
        // R-S3-3: optional; a staff id other than the compliance manager's.
        policy.stage3_deputy = match source.raw("STAGE3_DEPUTY") {
            None => None,
            Some(raw) => {
                let deputy =
                    StaffId::new(raw).map_err(|e| invalid("STAGE3_DEPUTY", e.to_string()))?;
                if deputy == policy.compliance_manager {
                    return Err(invalid(
                        "STAGE3_DEPUTY",
                        "is the Corporate Compliance Manager; the deputy is someone else",
                    ));
                }
                Some(deputy)
            }
        };
        // Shared with intake, whose automatic reply promises the same figure (R-INT-8).
        policy.first_contact = working_days(source, "CONTACT_WITHIN_WORKING_DAYS", 7)?;
        policy.stage2_response = working_days(source, "STAGE2_RESPONSE_WORKING_DAYS", 20)?;
        policy.stage3_acknowledgement =
            working_days(source, "STAGE3_ACKNOWLEDGEMENT_WORKING_DAYS", 5)?;
        policy.stage3_response = working_days(source, "STAGE3_RESPONSE_WORKING_DAYS", 20)?;
        policy.escalation_window = source.get("ESCALATION_WINDOW_DAYS", 14)?;
        if policy.escalation_window == 0 {
            return Err(invalid("ESCALATION_WINDOW_DAYS", "must be at least 1"));
        }
        // R-S2-1, R-S3-1: 0 counts a posted outcome as received the day it
        // is posted.
        policy.postal_delivery = WorkingDays::new(source.get("POSTAL_DELIVERY_WORKING_DAYS", 2)?);
        policy.deadline_warning = working_days(source, "DEADLINE_WARNING_WORKING_DAYS", 2)?;
        // R-UPC-2: the prescribed timescale for new issues after closure.
        policy.new_issues_within_months = source.get("NEW_ISSUES_WITHIN_MONTHS", 6)?;
        if policy.new_issues_within_months == 0 {
            return Err(invalid("NEW_ISSUES_WITHIN_MONTHS", "must be at least 1"));
        }
        let qualifications = match source.raw("QUALIFICATIONS_FILE") {
            None => Qualifications::parse(APPENDIX_D),
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {path}: {e}"))
                .and_then(|text| Qualifications::parse(&text)),
        }
        .map_err(|reason| invalid("QUALIFICATIONS_FILE", reason))?;
        Ok(Self {
            policy,
            calendar: source.calendar()?,
            qualifications,
            watch_interval: source.duration(
                "DEADLINE_WATCH_INTERVAL_SECONDS",
                60,
                Duration::from_secs,
            )?,
            links: links::from_setting(source.raw("LINK_SECRET"))
                .map_err(|e| invalid("LINK_SECRET", e.to_string()))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_keys_are_exactly_the_keys_the_loader_reads() {
        let source = Source::from_map(Default::default()).unwrap();
        ComplaintsSettings::from_source(&source).unwrap();
        let mut published = ComplaintsSettings::KEYS.to_vec();
        published.sort_unstable();
        assert_eq!(source.keys_asked(), published);
    }

    fn with(pairs: &[(&str, &str)]) -> Result<ComplaintsSettings, SettingsError> {
        let map = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ComplaintsSettings::from_source(&Source::from_map(map).unwrap())
    }

    #[test]
    fn r_s3_3_the_stage_3_deputy_is_an_optional_staff_id_other_than_the_compliance_manager() {
        assert_eq!(with(&[]).unwrap().policy.stage3_deputy, None);
        let deputy = with(&[("STAGE3_DEPUTY", "deputy-ccm")]).unwrap();
        assert_eq!(
            deputy.policy.stage3_deputy.as_ref().map(StaffId::as_str),
            Some("deputy-ccm")
        );
        let same = with(&[
            ("COMPLIANCE_MANAGER_ID", "ccm-1"),
            ("STAGE3_DEPUTY", "ccm-1"),
        ]);
        assert_eq!(same.unwrap_err().key, "STAGE3_DEPUTY");
        assert_eq!(
            with(&[("STAGE3_DEPUTY", "not\na staff id")])
                .unwrap_err()
                .key,
            "STAGE3_DEPUTY"
        );
    }
}
