//! Intake's own settings, read with the platform's [`Source`] at start.

use crate::attachments;
use crate::domain::{Policy, Redirect};
use calendar::WorkingDays;
use hmac::{Hmac, Mac};
use platform::{SettingsError, Source};
use sha2::Sha256;
use std::fmt;

/// Default redirects for categories with their own procedure (R-INT-6).
const DEFAULT_REDIRECTS: &str = "Exam results appeal=>Appeals Team|the Appeals Manager;\
Conduct of a regulated member=>CILEx Regulation|the Investigations Manager";

/// Everything intake needs beyond the platform settings.
#[derive(Debug, Clone)]
pub struct IntakeSettings {
    pub policy: Policy,
    pub attachments: AttachmentLimits,
    pub compliments: ComplimentRoutes,
    pub monitoring_key: MonitoringKey,
    /// The secret consent links are checked with (`LINK_SECRET`, the same
    /// as notifications', which signs them); absent, every link is refused.
    pub links: Option<links::LinkKey>,
}

/// Upload limits for the web form (R-INT-1).
#[derive(Debug, Clone)]
pub struct AttachmentLimits {
    pub max_bytes: usize,
    /// Short type names, e.g. "pdf".
    pub allowed: Vec<&'static str>,
}

/// Which managers receive compliments about which team (R-POS-1).
#[derive(Debug, Clone)]
pub struct ComplimentRoutes {
    routes: Vec<(String, Vec<String>)>,
    fallback: Vec<String>,
}

impl ComplimentRoutes {
    /// The managers for `team`, or the fallback route.
    pub fn managers_for(&self, team: &str) -> &[String] {
        self.routes
            .iter()
            .find(|(t, _)| t.eq_ignore_ascii_case(team.trim()))
            .map_or(&self.fallback, |(_, managers)| managers)
    }
}

/// The key that pseudonymises equality monitoring answers (R-MON-4): only
/// services holding it (intake and reporting) can join answers to cases.
#[derive(Clone)]
pub struct MonitoringKey(Vec<u8>);

impl MonitoringKey {
    /// A keyed hash of `submission_id`, hex-encoded.
    pub fn pseudonym(&self, submission_id: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(submission_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl fmt::Debug for MonitoringKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MonitoringKey(..)")
    }
}

fn invalid(key: &str, reason: impl Into<String>) -> SettingsError {
    SettingsError {
        key: key.into(),
        reason: reason.into(),
    }
}

impl IntakeSettings {
    /// Every key [`IntakeSettings::from_source`] reads, beyond the
    /// platform's [`platform::Settings::KEYS`]: what deployment files may
    /// set for intake (a test holds this list to the loader).
    pub const KEYS: &[&str] = &[
        "CONTACT_WITHIN_WORKING_DAYS",
        "OUT_OF_TIME_MONTHS",
        "REDIRECT_CATEGORIES",
        "BANK_HOLIDAYS_FILE",
        "OFFICE_CLOSURES_FILE",
        "ATTACHMENT_MAX_BYTES",
        "ATTACHMENT_TYPES",
        "COMPLIMENT_ROUTES",
        "MONITORING_PSEUDONYM_KEY",
        "LINK_SECRET",
    ];

    /// The keys without a default: intake does not start without them.
    pub const REQUIRED: &[&str] = &["MONITORING_PSEUDONYM_KEY"];

    pub fn from_source(source: &Source) -> Result<Self, SettingsError> {
        let contact_within: u32 = source.get("CONTACT_WITHIN_WORKING_DAYS", 7)?;
        if contact_within == 0 {
            return Err(invalid("CONTACT_WITHIN_WORKING_DAYS", "must be at least 1"));
        }
        let out_of_time_months: u32 = source.get("OUT_OF_TIME_MONTHS", 6)?;
        if out_of_time_months == 0 {
            return Err(invalid("OUT_OF_TIME_MONTHS", "must be at least 1"));
        }
        Ok(Self {
            policy: Policy {
                contact_within: WorkingDays::new(contact_within),
                out_of_time_months,
                redirects: redirects(&source.string("REDIRECT_CATEGORIES", DEFAULT_REDIRECTS))?,
                calendar: source.calendar()?,
            },
            attachments: AttachmentLimits {
                max_bytes: source.get("ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)?,
                allowed: attachment_types(
                    &source.string("ATTACHMENT_TYPES", "pdf,png,jpeg,docx,txt"),
                )?,
            },
            compliments: compliment_routes(
                &source.string("COMPLIMENT_ROUTES", "*=>head-of-customer-experience"),
            )?,
            monitoring_key: monitoring_key(source.raw("MONITORING_PSEUDONYM_KEY"))?,
            links: links::from_setting(source.raw("LINK_SECRET"))
                .map_err(|e| invalid("LINK_SECRET", e.to_string()))?,
        })
    }
}

/// `Category=>Where|Who;...`
fn redirects(raw: &str) -> Result<Vec<Redirect>, SettingsError> {
    entries(raw)
        .map(|entry| {
            let bad = || {
                invalid(
                    "REDIRECT_CATEGORIES",
                    format!("{entry:?} must read Category=>Where|Who"),
                )
            };
            let (category, rest) = entry.split_once("=>").ok_or_else(bad)?;
            let (to, who) = rest.split_once('|').ok_or_else(bad)?;
            let (category, to, who) = (category.trim(), to.trim(), who.trim());
            if category.is_empty() || to.is_empty() || who.is_empty() {
                return Err(bad());
            }
            Ok(Redirect {
                category: category.to_owned(),
                to: to.to_owned(),
                dealt_with_by: who.to_owned(),
            })
        })
        .collect()
}

fn attachment_types(raw: &str) -> Result<Vec<&'static str>, SettingsError> {
    raw.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|name| {
            attachments::KNOWN
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.name)
                .ok_or_else(|| {
                    let known: Vec<_> = attachments::KNOWN.iter().map(|t| t.name).collect();
                    invalid(
                        "ATTACHMENT_TYPES",
                        format!("{name:?} is not one of {}", known.join(", ")),
                    )
                })
        })
        .collect()
}

/// `Team=>manager-1,manager-2;*=>fallback-manager`
fn compliment_routes(raw: &str) -> Result<ComplimentRoutes, SettingsError> {
    let mut routes = Vec::new();
    let mut fallback = Vec::new();
    for entry in entries(raw) {
        let bad = || {
            invalid(
                "COMPLIMENT_ROUTES",
                format!("{entry:?} must read Team=>manager-id,manager-id"),
            )
        };
        let (team, managers) = entry.split_once("=>").ok_or_else(bad)?;
        let managers: Vec<String> = managers
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
            .collect();
        if team.trim().is_empty() || managers.is_empty() {
            return Err(bad());
        }
        if team.trim() == "*" {
            fallback = managers;
        } else {
            routes.push((team.trim().to_owned(), managers));
        }
    }
    if fallback.is_empty() {
        return Err(invalid(
            "COMPLIMENT_ROUTES",
            "needs a fallback route *=>manager-id",
        ));
    }
    Ok(ComplimentRoutes { routes, fallback })
}

fn monitoring_key(raw: Option<&str>) -> Result<MonitoringKey, SettingsError> {
    match raw {
        None => Err(invalid(
            "MONITORING_PSEUDONYM_KEY",
            "is required: a secret of at least 32 characters shared with the reporting service",
        )),
        Some(key) if key.len() < 32 => Err(invalid(
            "MONITORING_PSEUDONYM_KEY",
            "must be at least 32 characters",
        )),
        Some(key) => Ok(MonitoringKey(key.as_bytes().to_vec())),
    }
}

fn entries(raw: &str) -> impl Iterator<Item = &str> {
    raw.split(';').map(str::trim).filter(|e| !e.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(pairs: &[(&str, &str)]) -> Source {
        let mut map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        map.entry("MONITORING_PSEUDONYM_KEY".into())
            .or_insert_with(|| "k".repeat(32));
        Source::from_map(map).unwrap()
    }

    #[test]
    fn defaults_follow_the_procedure() {
        let settings = IntakeSettings::from_source(&source(&[])).unwrap();
        assert_eq!(
            settings.policy.contact_within.get(),
            7,
            "R-INT-8: 7 working days"
        );
        assert_eq!(settings.policy.out_of_time_months, 6, "R-INT-2: 6 months");
        assert!(
            settings
                .policy
                .redirect_for("exam results appeal")
                .is_some()
        );
        assert_eq!(
            settings.compliments.managers_for("Anyone"),
            ["head-of-customer-experience"]
        );
    }

    #[test]
    fn malformed_mappings_and_a_missing_key_are_refused_by_name() {
        for (key, value) in [
            ("REDIRECT_CATEGORIES", "Appeals without a target"),
            ("COMPLIMENT_ROUTES", "Finance=>a"),
            ("ATTACHMENT_TYPES", "pdf,exe"),
            ("CONTACT_WITHIN_WORKING_DAYS", "0"),
            ("MONITORING_PSEUDONYM_KEY", "short"),
        ] {
            let error = IntakeSettings::from_source(&source(&[(key, value)])).unwrap_err();
            assert_eq!(error.key, key, "{error}");
        }
    }

    #[test]
    fn the_published_keys_are_exactly_the_keys_the_loader_reads() {
        let source = source(&[]);
        IntakeSettings::from_source(&source).unwrap();
        let mut published = IntakeSettings::KEYS.to_vec();
        published.sort_unstable();
        assert_eq!(source.keys_asked(), published);
    }

    #[test]
    fn each_required_setting_stops_the_start_by_name_when_missing() {
        for missing in IntakeSettings::REQUIRED {
            let others = IntakeSettings::REQUIRED
                .iter()
                .filter(|k| *k != missing)
                .map(|k| (k.to_string(), "k".repeat(32)))
                .collect();
            let error =
                IntakeSettings::from_source(&Source::from_map(others).unwrap()).unwrap_err();
            assert_eq!(&error.key, missing, "{error}");
        }
    }

    #[test]
    fn pseudonyms_depend_on_the_key() {
        let a = monitoring_key(Some(&"a".repeat(32))).unwrap();
        let b = monitoring_key(Some(&"b".repeat(32))).unwrap();
        assert_eq!(a.pseudonym("x"), a.pseudonym("x"));
        assert_ne!(a.pseudonym("x"), b.pseudonym("x"));
    }
}
