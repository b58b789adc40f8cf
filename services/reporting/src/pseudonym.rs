//! The keyed pseudonym that keys the anonymised log (R-MON-3, R-MON-4).

use hmac::{Hmac, Mac};
use platform::{SettingsError, Source};
use sha2::Sha256;
use std::fmt;

/// The setting holding the key, shared with intake.
pub const SETTING: &str = "MONITORING_PSEUDONYM_KEY";

/// The secret shared with intake: hex(HMAC-SHA256(key, submission id)) is
/// the pseudonym of a submission's record and of its monitoring answers.
#[derive(Clone)]
pub struct PseudonymKey(Vec<u8>);

impl PseudonymKey {
    /// The shortest key accepted, in characters.
    pub const MIN_LEN: usize = 32;

    /// Reads [`SETTING`]: required, at least [`Self::MIN_LEN`] characters.
    pub fn from_source(source: &Source) -> Result<Self, SettingsError> {
        let invalid = |reason: &str| SettingsError {
            key: SETTING.into(),
            reason: reason.into(),
        };
        let key = source
            .raw(SETTING)
            .ok_or_else(|| invalid("is required (the key intake uses)"))?;
        if key.chars().count() < Self::MIN_LEN {
            return Err(invalid("must be at least 32 characters"));
        }
        Ok(Self(key.as_bytes().to_vec()))
    }

    /// The pseudonym of `submission_id`, hex-encoded.
    pub fn pseudonym(&self, submission_id: &str) -> String {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(submission_id.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
}

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PseudonymKey(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(key: Option<&str>) -> Source {
        Source::from_map(
            key.map(|k| (SETTING.to_string(), k.to_string()))
                .into_iter()
                .collect(),
        )
        .unwrap()
    }

    #[test]
    fn the_key_is_required_and_at_least_32_characters() {
        assert_eq!(
            PseudonymKey::from_source(&source(None)).unwrap_err().key,
            SETTING
        );
        assert!(PseudonymKey::from_source(&source(Some("short"))).is_err());
        assert!(PseudonymKey::from_source(&source(Some(&"k".repeat(32)))).is_ok());
    }

    #[test]
    fn the_pseudonym_is_the_hex_hmac_of_the_submission_id() {
        let key = PseudonymKey::from_source(&source(Some(&"k".repeat(32)))).unwrap();
        let p = key.pseudonym("0190-submission");
        assert_eq!(p.len(), 64);
        assert_eq!(p, key.pseudonym("0190-submission"));
        assert_ne!(p, key.pseudonym("another"));
        let other = PseudonymKey::from_source(&source(Some(&"x".repeat(32)))).unwrap();
        assert_ne!(p, other.pseudonym("0190-submission"));
        assert!(!format!("{key:?}").contains("kkk"));
    }
}
