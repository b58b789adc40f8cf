//! The reporting service's own settings, read with the platform's
//! [`Source`] at start: the pseudonym key shared with intake and the
//! working-day calendar deadline compliance is counted over.

use crate::pseudonym::{self, PseudonymKey};
use calendar::Calendar;
use platform::{SettingsError, Source};

#[derive(Debug, Clone)]
pub struct ReportingSettings {
    pub key: PseudonymKey,
    pub calendar: Calendar,
}

impl ReportingSettings {
    /// Every key [`ReportingSettings::from_source`] reads, beyond the
    /// platform's [`platform::Settings::KEYS`]: what deployment files may
    /// set for reporting (a test holds this list to the loader).
    pub const KEYS: &[&str] = &[
        pseudonym::SETTING,
        "BANK_HOLIDAYS_FILE",
        "OFFICE_CLOSURES_FILE",
    ];

    /// The keys without a default: reporting does not start without them.
    pub const REQUIRED: &[&str] = &[pseudonym::SETTING];

    pub fn from_source(source: &Source) -> Result<Self, SettingsError> {
        Ok(Self {
            key: PseudonymKey::from_source(source)?,
            calendar: source.calendar()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_published_keys_are_exactly_the_keys_the_loader_reads() {
        let source =
            Source::from_map([(pseudonym::SETTING.to_owned(), "k".repeat(32))].into()).unwrap();
        ReportingSettings::from_source(&source).unwrap();
        let mut published = ReportingSettings::KEYS.to_vec();
        published.sort_unstable();
        assert_eq!(source.keys_asked(), published);
    }

    #[test]
    fn each_required_setting_stops_the_start_by_name_when_missing() {
        let error = ReportingSettings::from_source(&Source::default()).unwrap_err();
        assert_eq!(error.key, pseudonym::SETTING);
        assert_eq!(ReportingSettings::REQUIRED, [pseudonym::SETTING]);
    }
}
