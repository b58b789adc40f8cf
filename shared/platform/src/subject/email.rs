//! The email address a person is known by: checked once at the edge, so a
//! subject access export (and intake's submissions) work with a value that
//! is valid by construction.

use std::fmt;

/// An email address that at least looks deliverable: one `@`, a local part,
/// a domain with a dot, no spaces, at most 254 characters.
#[derive(Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let (local, domain) = raw.split_once('@')?;
        let valid = raw.len() <= 254
            && !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !raw.chars().any(char::is_whitespace);
        valid.then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `stored` is this address. People type their address in
    /// different cases on different occasions, and mail reaches them
    /// either way, so a subject access search ignores ASCII case.
    pub fn is(&self, stored: &str) -> bool {
        self.0.eq_ignore_ascii_case(stored.trim())
    }
}

/// Never prints the address: it is personal data.
impl fmt::Debug for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EmailAddress(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::EmailAddress;

    #[test]
    fn an_address_matches_itself_in_any_case_and_prints_nothing_of_itself() {
        let email = EmailAddress::parse(" Ada.L@Example.org ").unwrap();
        assert!(email.is("ada.l@example.org"));
        assert!(!email.is("ada@example.org"));
        assert!(!format!("{email:?}").contains("Ada"));
    }

    #[test]
    fn text_without_a_local_part_or_a_dotted_domain_is_not_an_address() {
        for bad in [
            "",
            "ada",
            "@example.org",
            "ada@example",
            "ada@.org",
            "a da@example.org",
        ] {
            assert!(EmailAddress::parse(bad).is_none(), "{bad:?}");
        }
    }
}
