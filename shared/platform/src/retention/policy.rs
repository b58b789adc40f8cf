//! The retention policies (R-CONF-2, procedure section 8) as settings:
//! how long each kind of record is kept, and how often the retention job
//! looks. Parsed once at start into these types; a bad value stops the
//! service naming its key.

use crate::{SettingsError, Source};
use chrono::{Months, NaiveDate};
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Why a period or interval setting was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("expected a whole number followed by y (years) or d (days), e.g. 6y")]
    NotAPeriod,
    #[error("expected off, or a whole number followed by s, m, h or d, e.g. 1h")]
    NotAnInterval,
    #[error("must be at least 1")]
    Zero,
}

/// How long a record is kept: whole years (a year after 29 February is
/// 28 February) or whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Years(u32),
    Days(u32),
}

impl Period {
    /// The first day a record that started its period on `from` is due.
    pub fn due_on(self, from: NaiveDate) -> NaiveDate {
        match self {
            Self::Years(n) => from
                .checked_add_months(Months::new(n.saturating_mul(12)))
                .unwrap_or(NaiveDate::MAX),
            Self::Days(n) => from
                .checked_add_days(chrono::Days::new(u64::from(n)))
                .unwrap_or(NaiveDate::MAX),
        }
    }
}

/// Splits `6y` into (6, 'y'), refusing zero.
fn number_and_unit(raw: &str, error: PolicyError) -> Result<(u32, char), PolicyError> {
    let raw = raw.trim();
    let unit = raw.chars().last().ok_or(error.clone())?;
    let n: u32 = raw[..raw.len() - unit.len_utf8()]
        .parse()
        .map_err(|_| error.clone())?;
    if n == 0 {
        return Err(PolicyError::Zero);
    }
    Ok((n, unit.to_ascii_lowercase()))
}

impl FromStr for Period {
    type Err = PolicyError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match number_and_unit(raw, PolicyError::NotAPeriod)? {
            (n, 'y') => Ok(Self::Years(n)),
            (n, 'd') => Ok(Self::Days(n)),
            _ => Err(PolicyError::NotAPeriod),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Years(n) => write!(f, "{n}y"),
            Self::Days(n) => write!(f, "{n}d"),
        }
    }
}

/// Which retention policy a record falls under.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Complaints, counted from their closure.
    ClosedComplaints,
    /// Compliments, counted from their receipt.
    Compliments,
    /// Submissions redirected to another procedure or declined as out of
    /// time, counted from their receipt.
    RedirectedOrDeclined,
}

impl PolicyKind {
    pub const ALL: [Self; 3] = [
        Self::ClosedComplaints,
        Self::Compliments,
        Self::RedirectedOrDeclined,
    ];

    fn name(self) -> &'static str {
        match self {
            Self::ClosedComplaints => "closed-complaints",
            Self::Compliments => "compliments",
            Self::RedirectedOrDeclined => "redirected-or-declined",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::ClosedComplaints => "RETENTION_CLOSED_COMPLAINTS",
            Self::Compliments => "RETENTION_COMPLIMENTS",
            Self::RedirectedOrDeclined => "RETENTION_REDIRECTED_OR_DECLINED",
        }
    }

    fn default_period(self) -> Period {
        match self {
            Self::ClosedComplaints => Period::Years(6),
            Self::Compliments => Period::Years(2),
            Self::RedirectedOrDeclined => Period::Years(1),
        }
    }
}

/// The period of each policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policies {
    pub closed_complaints: Period,
    pub compliments: Period,
    pub redirected_or_declined: Period,
}

impl Default for Policies {
    fn default() -> Self {
        Self {
            closed_complaints: PolicyKind::ClosedComplaints.default_period(),
            compliments: PolicyKind::Compliments.default_period(),
            redirected_or_declined: PolicyKind::RedirectedOrDeclined.default_period(),
        }
    }
}

impl Policies {
    pub fn period(&self, kind: PolicyKind) -> Period {
        match kind {
            PolicyKind::ClosedComplaints => self.closed_complaints,
            PolicyKind::Compliments => self.compliments,
            PolicyKind::RedirectedOrDeclined => self.redirected_or_declined,
        }
    }

    /// The policy's label, naming its period: `closed-complaints-6y`. It is
    /// what tombstones and the published fact carry.
    pub fn label(&self, kind: PolicyKind) -> String {
        format!("{}-{}", kind.name(), self.period(kind))
    }
}

/// How often the retention job runs; `None` when switched off (it then
/// runs only when asked, with `RunRetention`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobInterval(pub Option<Duration>);

impl FromStr for JobInterval {
    type Err = PolicyError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        if raw.trim().eq_ignore_ascii_case("off") {
            return Ok(Self(None));
        }
        let (n, unit) = number_and_unit(raw, PolicyError::NotAnInterval)?;
        let seconds = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            _ => return Err(PolicyError::NotAnInterval),
        };
        Ok(Self(Some(Duration::from_secs(u64::from(n) * seconds))))
    }
}

/// The retention settings every service reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionSettings {
    pub policies: Policies,
    pub job_interval: JobInterval,
}

impl RetentionSettings {
    /// The keys [`RetentionSettings::from_source`] reads.
    pub const KEYS: &[&str] = &[
        "RETENTION_CLOSED_COMPLAINTS",
        "RETENTION_COMPLIMENTS",
        "RETENTION_REDIRECTED_OR_DECLINED",
        "RETENTION_JOB_INTERVAL",
    ];

    pub fn from_source(source: &Source) -> Result<Self, SettingsError> {
        let period = |kind: PolicyKind| source.get(kind.key(), kind.default_period());
        Ok(Self {
            policies: Policies {
                closed_complaints: period(PolicyKind::ClosedComplaints)?,
                compliments: period(PolicyKind::Compliments)?,
                redirected_or_declined: period(PolicyKind::RedirectedOrDeclined)?,
            },
            job_interval: source.get(
                "RETENTION_JOB_INTERVAL",
                JobInterval(Some(Duration::from_secs(3_600))),
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(pairs: &[(&str, &str)]) -> Source {
        Source::from_map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
        .unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn r_conf_2_the_defaults_are_six_years_two_years_one_year_and_hourly() {
        let settings = RetentionSettings::from_source(&source(&[])).unwrap();
        assert_eq!(settings.policies.closed_complaints, Period::Years(6));
        assert_eq!(settings.policies.compliments, Period::Years(2));
        assert_eq!(settings.policies.redirected_or_declined, Period::Years(1));
        assert_eq!(
            settings.job_interval,
            JobInterval(Some(Duration::from_secs(3_600)))
        );
        assert_eq!(
            settings.policies.label(PolicyKind::ClosedComplaints),
            "closed-complaints-6y"
        );
    }

    #[test]
    fn r_conf_2_each_policy_and_the_interval_can_be_overridden_in_years_or_days() {
        let settings = RetentionSettings::from_source(&source(&[
            ("RETENTION_CLOSED_COMPLAINTS", "7y"),
            ("RETENTION_COMPLIMENTS", "400d"),
            ("RETENTION_REDIRECTED_OR_DECLINED", "30D"),
            ("RETENTION_JOB_INTERVAL", "15m"),
        ]))
        .unwrap();
        assert_eq!(settings.policies.closed_complaints, Period::Years(7));
        assert_eq!(settings.policies.compliments, Period::Days(400));
        assert_eq!(settings.policies.redirected_or_declined, Period::Days(30));
        assert_eq!(
            settings.job_interval,
            JobInterval(Some(Duration::from_secs(900)))
        );
        let off =
            RetentionSettings::from_source(&source(&[("RETENTION_JOB_INTERVAL", "off")])).unwrap();
        assert_eq!(off.job_interval, JobInterval(None));
    }

    #[test]
    fn r_conf_2_a_bad_retention_value_is_refused_naming_its_key() {
        for (key, value) in [
            ("RETENTION_CLOSED_COMPLAINTS", "six years"),
            ("RETENTION_COMPLIMENTS", "0y"),
            ("RETENTION_REDIRECTED_OR_DECLINED", "12m"),
            ("RETENTION_JOB_INTERVAL", "hourly"),
            ("RETENTION_JOB_INTERVAL", "0s"),
        ] {
            let error = RetentionSettings::from_source(&source(&[(key, value)])).unwrap_err();
            assert_eq!(error.key, key, "{value}");
            assert!(error.to_string().starts_with(&format!("setting {key}:")));
        }
    }

    #[test]
    fn r_conf_2_a_period_in_years_keeps_the_day_and_a_leap_day_falls_back() {
        assert_eq!(
            Period::Years(6).due_on(date(2026, 3, 31)),
            date(2032, 3, 31)
        );
        assert_eq!(
            Period::Years(1).due_on(date(2028, 2, 29)),
            date(2029, 2, 28)
        );
        assert_eq!(Period::Days(30).due_on(date(2026, 1, 31)), date(2026, 3, 2));
    }

    #[test]
    fn the_published_retention_keys_are_exactly_the_keys_the_loader_reads() {
        let s = source(&[]);
        RetentionSettings::from_source(&s).unwrap();
        let mut keys = RetentionSettings::KEYS.to_vec();
        keys.sort_unstable();
        assert_eq!(s.keys_asked(), keys);
    }
}
