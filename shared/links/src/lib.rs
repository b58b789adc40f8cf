//! Signed, expiring links for the complainant's side: a letter carries a
//! link to follow a complaint, a consent request carries a link to answer
//! it, and nobody needs an account.
//!
//! A token is `v1.<purpose>.<record>.<expires>.<mac>`:
//! - `v1`: the format's version, so it can change without old links
//!   being misread (an unknown version is refused, never guessed at);
//! - `<purpose>`: `f` (follow a complaint) or `c` (answer a consent
//!   request), so a link sent for one thing cannot be used for another;
//! - `<record>`: the complaint reference or the submission id, an id and
//!   never personal data, since a link travels in letters and addresses;
//! - `<expires>`: seconds since 1970 (UTC) after which it is refused;
//! - `<mac>`: HMAC-SHA256 under `LINK_SECRET` of everything before it,
//!   base64url without padding.
//!
//! Who holds the secret and who verifies: notifications signs (it writes
//! the letters); complaints, notifications and intake verify every token
//! sent with a request for the record the request names, beside the
//! caller's `portal` role, so the public listener cannot read or act on
//! any other complaint with its portal token alone. The public listener
//! holds no secret: it can neither make nor check a link, only read which
//! record a token claims ([`peek`]) and pass the token on; a bad link is
//! refused by the service and the page says only that it no longer works.
//!
//! Why a token is refused ([`LinkError`]) is kept apart for the record
//! (a counter and a log line name the kind); a complainant is only ever
//! told that the link no longer works.
#![forbid(unsafe_code)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ring::hmac;
use std::fmt;

/// The only format this version signs and reads.
const VERSION: &str = "v1";
/// The shortest secret accepted: 256 bits, HMAC-SHA256's own strength.
pub const MIN_SECRET_BYTES: usize = 32;
/// The longest record id a token carries.
const MAX_RECORD: usize = 64;

/// What a link lets its holder do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Follow a complaint: see its stage and letters, ask for the next stage.
    Follow,
    /// Answer a consent request (R-INT-4): give or withdraw consent.
    Consent,
}

impl Purpose {
    fn code(self) -> &'static str {
        match self {
            Self::Follow => "f",
            Self::Consent => "c",
        }
    }

    fn from_code(code: &str) -> Option<Self> {
        match code {
            "f" => Some(Self::Follow),
            "c" => Some(Self::Consent),
            _ => None,
        }
    }
}

/// What a verified token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub purpose: Purpose,
    /// The complaint reference or the submission id.
    pub record: String,
    /// Seconds since 1970 (UTC) after which the link is refused.
    pub expires_at: i64,
}

/// Why a token was refused. Each kind is recorded as itself; the
/// complainant sees one page for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LinkError {
    /// Not a token of any format this version knows.
    #[error("the link is not a token")]
    Malformed,
    /// A format version this version does not read.
    #[error("the link's format version is unknown")]
    UnknownVersion,
    /// The signature does not match: changed, or signed with another secret.
    #[error("the link was tampered with")]
    Tampered,
    #[error("the link has expired")]
    Expired,
    /// A genuine link, for another purpose.
    #[error("the link is for another purpose")]
    WrongPurpose,
    /// A genuine link, for another record than the one asked about.
    #[error("the link is for another record")]
    WrongRecord,
}

impl LinkError {
    /// A short name for metric labels and log lines (no personal data).
    pub fn kind(self) -> &'static str {
        match self {
            Self::Malformed => "malformed",
            Self::UnknownVersion => "unknown_version",
            Self::Tampered => "tampered",
            Self::Expired => "expired",
            Self::WrongPurpose => "wrong_purpose",
            Self::WrongRecord => "wrong_record",
        }
    }
}

/// The secret is too short or the record id cannot go in a link.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("must be at least {MIN_SECRET_BYTES} bytes (it is {0})")]
    TooShort(usize),
    #[error("a record id in a link is 1 to 64 letters, digits and hyphens")]
    BadRecord,
}

/// The shared secret, ready to sign and verify.
#[derive(Clone)]
pub struct LinkKey {
    key: hmac::Key,
}

impl fmt::Debug for LinkKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LinkKey { .. }")
    }
}

fn record_ok(record: &str) -> bool {
    !record.is_empty()
        && record.len() <= MAX_RECORD
        && record
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

impl LinkKey {
    /// The key from `LINK_SECRET`'s bytes; at least [`MIN_SECRET_BYTES`].
    pub fn new(secret: &[u8]) -> Result<Self, KeyError> {
        if secret.len() < MIN_SECRET_BYTES {
            return Err(KeyError::TooShort(secret.len()));
        }
        Ok(Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, secret),
        })
    }

    /// A token for `record` and `purpose`, valid until `expires_at`.
    pub fn sign(
        &self,
        purpose: Purpose,
        record: &str,
        expires_at: i64,
    ) -> Result<String, KeyError> {
        if !record_ok(record) {
            return Err(KeyError::BadRecord);
        }
        let body = format!("{VERSION}.{}.{record}.{expires_at}", purpose.code());
        let mac = hmac::sign(&self.key, body.as_bytes());
        Ok(format!("{body}.{}", URL_SAFE_NO_PAD.encode(mac.as_ref())))
    }

    /// What `token` says, when it is genuine, unexpired at `now` (seconds
    /// since 1970) and for `purpose`. The signature is checked before
    /// anything the token says is believed, in constant time.
    pub fn verify(&self, token: &str, purpose: Purpose, now: i64) -> Result<Link, LinkError> {
        if token.len() > 256 {
            return Err(LinkError::Malformed);
        }
        let (body, mac) = token.rsplit_once('.').ok_or(LinkError::Malformed)?;
        let mut parts = body.split('.');
        let (Some(version), Some(code), Some(record), Some(expires), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(LinkError::Malformed);
        };
        if version != VERSION {
            let numbered = version
                .strip_prefix('v')
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            return Err(if numbered {
                LinkError::UnknownVersion
            } else {
                LinkError::Malformed
            });
        }
        let mac = URL_SAFE_NO_PAD
            .decode(mac)
            .map_err(|_| LinkError::Tampered)?;
        hmac::verify(&self.key, body.as_bytes(), &mac).map_err(|_| LinkError::Tampered)?;
        // Signed by us: what follows is ours, but read it carefully anyway.
        let given = Purpose::from_code(code).ok_or(LinkError::Malformed)?;
        let expires_at: i64 = expires.parse().map_err(|_| LinkError::Malformed)?;
        if !record_ok(record) {
            return Err(LinkError::Malformed);
        }
        if now >= expires_at {
            return Err(LinkError::Expired);
        }
        if given != purpose {
            return Err(LinkError::WrongPurpose);
        }
        Ok(Link {
            purpose: given,
            record: record.to_owned(),
            expires_at,
        })
    }

    /// As [`LinkKey::verify`], and for `record` exactly.
    pub fn verify_for(
        &self,
        token: &str,
        purpose: Purpose,
        record: &str,
        now: i64,
    ) -> Result<Link, LinkError> {
        let link = self.verify(token, purpose, now)?;
        if link.record != record {
            return Err(LinkError::WrongRecord);
        }
        Ok(link)
    }
}

/// What a token claims, read WITHOUT checking it: for the public listener,
/// which holds no secret and so can neither make nor check a link, to know
/// which record to ask the services about (they check the token). `None`
/// when it is not a token of this format.
pub fn peek(token: &str) -> Option<(Purpose, &str)> {
    if token.len() > 256 {
        return None;
    }
    let mut parts = token.split('.');
    let (Some(VERSION), Some(code), Some(record), Some(_), Some(_), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let purpose = Purpose::from_code(code)?;
    record_ok(record).then_some((purpose, record))
}

/// A genuine, live link to a record the service no longer holds: destroyed
/// at the end of its retention period (R-CONF-2), or never opened. The
/// signature is fine; what it points at is gone, so the link is refused
/// like any other and counted as this kind.
pub const RECORD_GONE: &str = "record_gone";

/// Counts of refused links by kind, for a service's metrics: the kinds
/// are fixed names, never anything from the token.
#[derive(Debug, Default)]
pub struct Refusals {
    counts: [std::sync::atomic::AtomicU64; Refusals::KINDS.len()],
}

impl Refusals {
    /// Every kind counted: [`LinkError::kind`]s, `links_off` (no
    /// `LINK_SECRET` set, so no link can be checked) and
    /// [`RECORD_GONE`] (a genuine link to a record no longer held).
    pub const KINDS: [&'static str; 8] = [
        "malformed",
        "unknown_version",
        "tampered",
        "expired",
        "wrong_purpose",
        "wrong_record",
        "links_off",
        RECORD_GONE,
    ];

    pub const fn new() -> Self {
        Self {
            counts: [const { std::sync::atomic::AtomicU64::new(0) }; Refusals::KINDS.len()],
        }
    }

    /// Counts one refusal of `kind` (one of [`Refusals::KINDS`]).
    pub fn record(&self, kind: &str) {
        if let Some(i) = Self::KINDS.iter().position(|k| *k == kind) {
            self.counts[i].fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// Each kind with its count so far.
    pub fn counts(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        Self::KINDS
            .iter()
            .zip(&self.counts)
            .map(|(k, c)| (*k, c.load(std::sync::atomic::Ordering::Relaxed)))
    }
}

/// `LINK_SECRET` as a setting: absent is `None` (links off: letters carry
/// none and the services refuse every link), present is checked.
pub fn from_setting(raw: Option<&str>) -> Result<Option<LinkKey>, KeyError> {
    raw.map(|s| LinkKey::new(s.as_bytes())).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a-link-secret-of-at-least-32-bytes!!";
    const NOW: i64 = 1_800_000_000;

    fn key() -> LinkKey {
        LinkKey::new(SECRET).unwrap()
    }

    #[test]
    fn a_signed_link_verifies_for_its_purpose_and_record_until_it_expires() {
        let token = key()
            .sign(Purpose::Follow, "CMP-2026-000123", NOW + 60)
            .unwrap();
        assert!(token.starts_with("v1.f.CMP-2026-000123."));
        let link = key()
            .verify_for(&token, Purpose::Follow, "CMP-2026-000123", NOW)
            .unwrap();
        assert_eq!(link.record, "CMP-2026-000123");
        assert_eq!(link.expires_at, NOW + 60);
        assert_eq!(
            key().verify(&token, Purpose::Follow, NOW + 60),
            Err(LinkError::Expired)
        );
        assert_eq!(
            key().verify_for(&token, Purpose::Follow, "CMP-2026-000124", NOW),
            Err(LinkError::WrongRecord)
        );
    }

    #[test]
    fn a_link_for_one_purpose_is_refused_for_the_other() {
        let token = key()
            .sign(Purpose::Consent, "0190a1b2-c3d4", NOW + 60)
            .unwrap();
        assert_eq!(
            key().verify(&token, Purpose::Follow, NOW),
            Err(LinkError::WrongPurpose)
        );
        assert!(key().verify(&token, Purpose::Consent, NOW).is_ok());
    }

    #[test]
    fn any_change_to_a_token_is_tampering() {
        let token = key()
            .sign(Purpose::Follow, "CMP-2026-000123", NOW + 60)
            .unwrap();
        let other_record = token.replace("000123", "000124");
        let longer = token.replace(&format!(".{}.", NOW + 60), &format!(".{}.", NOW + 6000));
        let other_purpose = token.replacen(".f.", ".c.", 1);
        for changed in [other_record, longer, other_purpose] {
            assert_eq!(
                key().verify(&changed, Purpose::Follow, NOW),
                Err(LinkError::Tampered),
                "{changed}"
            );
        }
        let mut mac_changed = token.clone();
        let last = mac_changed.pop().unwrap();
        mac_changed.push(if last == 'A' { 'B' } else { 'A' });
        assert_eq!(
            key().verify(&mac_changed, Purpose::Follow, NOW),
            Err(LinkError::Tampered)
        );
        let other_key = LinkKey::new(b"another-secret-of-at-least-32-bytes!!").unwrap();
        assert_eq!(
            other_key.verify(&token, Purpose::Follow, NOW),
            Err(LinkError::Tampered)
        );
    }

    #[test]
    fn what_is_not_a_token_is_malformed_and_an_unknown_version_is_refused() {
        for junk in ["", "v1", "v1.f.CMP-1.1", "....", &"x".repeat(300)] {
            assert_eq!(
                key().verify(junk, Purpose::Follow, NOW),
                Err(LinkError::Malformed),
                "{junk:?}"
            );
        }
        let token = key().sign(Purpose::Follow, "CMP-1", NOW + 60).unwrap();
        assert_eq!(
            key().verify(&token.replacen("v1.", "v2.", 1), Purpose::Follow, NOW),
            Err(LinkError::UnknownVersion)
        );
    }

    #[test]
    fn peek_reads_what_a_token_claims_without_trusting_it() {
        let token = key().sign(Purpose::Follow, "CMP-2026-000123", NOW).unwrap();
        assert_eq!(peek(&token), Some((Purpose::Follow, "CMP-2026-000123")));
        assert_eq!(peek("v1.f.CMP-1.1"), None);
        assert_eq!(peek("v2.f.CMP-1.1.x"), None);
        assert_eq!(peek("v1.x.CMP-1.1.x"), None);
        let refusals = Refusals::new();
        refusals.record("expired");
        refusals.record("expired");
        refusals.record("not a kind");
        assert!(refusals.counts().any(|(k, n)| k == "expired" && n == 2));
        assert_eq!(refusals.counts().map(|(_, n)| n).sum::<u64>(), 2);
    }

    #[test]
    fn a_short_secret_and_a_record_that_is_not_an_id_are_refused() {
        assert_eq!(LinkKey::new(b"short").unwrap_err(), KeyError::TooShort(5));
        assert!(from_setting(None).unwrap().is_none());
        assert!(from_setting(Some("short")).is_err());
        for record in ["", "a.b", "jane@example.org", "a b", &"x".repeat(65)] {
            assert_eq!(
                key().sign(Purpose::Follow, record, NOW).unwrap_err(),
                KeyError::BadRecord
            );
        }
    }
}
