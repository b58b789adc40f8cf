//! Minting development tokens signed with the shared secret, for
//! `make up`'s printed tokens, the `dev-token` tool and tests. Production
//! tokens come from the identity provider, never from here.

use super::Role;
use serde::Serialize;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The claims of a development token.
#[derive(Debug, Clone)]
pub struct DevToken<'a> {
    pub issuer: &'a str,
    pub audience: &'a str,
    pub subject: &'a str,
    pub roles: &'a [Role],
    pub team: Option<&'a str>,
    /// How long from now it is valid; a negative-looking past expiry is
    /// made with [`DevToken::expired`].
    pub valid_for: Duration,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    aud: &'a str,
    sub: &'a str,
    iat: u64,
    exp: u64,
    roles: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    team: Option<&'a str>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl DevToken<'_> {
    /// The token, HS256-signed with `secret`.
    pub fn sign(&self, secret: &str) -> String {
        self.sign_with_expiry(secret, now() + self.valid_for.as_secs())
    }

    /// The same token, but expired an hour ago (for tests).
    pub fn expired(&self, secret: &str) -> String {
        self.sign_with_expiry(secret, now().saturating_sub(3600))
    }

    fn sign_with_expiry(&self, secret: &str, exp: u64) -> String {
        let claims = Claims {
            iss: self.issuer,
            aud: self.audience,
            sub: self.subject,
            iat: now(),
            exp,
            roles: self.roles.iter().map(|r| r.as_str()).collect(),
            team: self.team,
        };
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
        )
        .expect("HS256 signing of serialisable claims cannot fail")
    }
}
