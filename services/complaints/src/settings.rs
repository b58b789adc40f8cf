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
        "CONTACT_WITHIN_WORKING_DAYS",
        "STAGE2_RESPONSE_WORKING_DAYS",
        "STAGE3_ACKNOWLEDGEMENT_WORKING_DAYS",
        "STAGE3_RESPONSE_WORKING_DAYS",
        "ESCALATION_WINDOW_DAYS",
        "DEADLINE_WARNING_WORKING_DAYS",
        "QUALIFICATIONS_FILE",
        "BANK_HOLIDAYS_FILE",
        "OFFICE_CLOSURES_FILE",
        "DEADLINE_WATCH_INTERVAL_SECONDS",
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
        policy.deadline_warning = working_days(source, "DEADLINE_WARNING_WORKING_DAYS", 2)?;
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
}
