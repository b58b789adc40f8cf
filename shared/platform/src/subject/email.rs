//! The email address a person is known by: checked once at the edge, so a
//! subject access export (and intake's submissions) work with a value that
//! is valid by construction.

use std::fmt;

/// An email address that at least looks deliverable: one `@`, a local part,
/// a domain with a dot, no spaces, at most 254 characters.
#[derive(Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    /// An address the mailer will send to: the local part and the domain
    /// pass the same checks lettre makes before it sends (so an address
    /// accepted here is never one the sender cannot use), the domain has a
    /// dot, and nothing in it is whitespace or a control character.
    pub fn parse(raw: &str) -> Option<Self> {
        let raw = raw.trim();
        let (local, domain) = raw.rsplit_once('@')?;
        let valid = raw.len() <= 254
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !raw
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || !c.is_ascii())
            && email_address::EmailAddress::is_valid_local_part(local)
            && email_address::EmailAddress::is_valid_domain(domain);
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
            "a\0da@example.org",
            "ada@exa\u{202E}mple.org",
            "ada\r\n@example.org",
            "ad\u{85}a@example.org",
            "ada@ex@ample.org",
            "ada@exam ple.org",
        ] {
            assert!(EmailAddress::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn every_address_accepted_here_is_one_the_mailer_accepts() {
        for good in [
            "ada@example.org",
            "a.b+c@mail.example.co.uk",
            "o'neil@example.ie",
        ] {
            let parsed = EmailAddress::parse(good).unwrap();
            assert!(
                email_address::EmailAddress::is_valid(parsed.as_str()),
                "{good}"
            );
        }
    }
}
