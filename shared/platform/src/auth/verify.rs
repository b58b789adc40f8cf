//! Verifying bearer tokens: signature against the configured keys, then
//! issuer, audience and expiry. The keys are a JWKS (RS256, ES256, EdDSA)
//! in production, or a shared secret (HS256) for development only.

use super::{Principal, Role};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt;

/// Where token signatures are checked against.
#[derive(Clone)]
pub enum Keys {
    /// Public keys by key id (`AUTH_JWKS_FILE`).
    Jwks(JwkSet),
    /// A shared secret (`AUTH_DEV_SECRET`): anyone holding it can mint any
    /// token, so it is for a developer's machine and tests only.
    DevSecret(String),
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Keys::Jwks(set) => write!(f, "Jwks({} keys)", set.keys.len()),
            Keys::DevSecret(_) => f.write_str("DevSecret(<redacted>)"),
        }
    }
}

/// What a token must say to be accepted.
#[derive(Debug, Clone)]
pub struct AuthSettings {
    pub issuer: String,
    pub audience: String,
    pub keys: Keys,
    /// Clock skew allowed on `exp` and `nbf`, in seconds.
    pub leeway_seconds: u64,
}

/// Why a token was refused. The message goes back to the caller and names
/// no key material.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AuthError {
    #[error("no bearer token in the authorization metadata")]
    Missing,
    #[error("the authorization metadata is not `Bearer <token>`")]
    Malformed,
    #[error("the token is not valid: {0}")]
    Invalid(String),
    #[error("the token has expired")]
    Expired,
    #[error("the token's key id is not among the configured keys")]
    UnknownKey,
}

#[derive(Debug, Deserialize)]
struct Claims {
    sub: String,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    team: Option<String>,
}

/// Checks tokens against [`AuthSettings`].
#[derive(Debug, Clone)]
pub struct Verifier {
    settings: AuthSettings,
}

impl Verifier {
    pub fn new(settings: AuthSettings) -> Self {
        Self { settings }
    }

    pub fn settings(&self) -> &AuthSettings {
        &self.settings
    }

    /// The principal of an `authorization` metadata value.
    pub fn verify_header(&self, value: Option<&str>) -> Result<Principal, AuthError> {
        let value = value.ok_or(AuthError::Missing)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(AuthError::Malformed)?;
        self.verify(token.trim())
    }

    /// The principal of a compact JWT.
    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let header =
            jsonwebtoken::decode_header(token).map_err(|e| AuthError::Invalid(e.to_string()))?;
        let (key, algorithm) = match &self.settings.keys {
            Keys::DevSecret(secret) => (
                DecodingKey::from_secret(secret.as_bytes()),
                Algorithm::HS256,
            ),
            Keys::Jwks(set) => {
                // A shared-secret algorithm against a public key is the
                // classic confusion attack: only asymmetric ones count.
                if matches!(
                    header.alg,
                    Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512
                ) {
                    return Err(AuthError::Invalid(
                        "symmetric algorithms are not accepted".into(),
                    ));
                }
                let jwk = match &header.kid {
                    Some(kid) => set.find(kid),
                    None if set.keys.len() == 1 => set.keys.first(),
                    None => None,
                }
                .ok_or(AuthError::UnknownKey)?;
                let key =
                    DecodingKey::from_jwk(jwk).map_err(|e| AuthError::Invalid(e.to_string()))?;
                (key, header.alg)
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = self.settings.leeway_seconds;
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| match e
            .kind()
        {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
            _ => AuthError::Invalid(e.to_string()),
        })?;
        let claims = data.claims;
        if claims.sub.trim().is_empty() {
            return Err(AuthError::Invalid("the subject is empty".into()));
        }
        // Unknown role names grant nothing; they are not an error, so a
        // newer identity provider does not lock everyone out.
        let roles: BTreeSet<Role> = claims.roles.iter().filter_map(|r| r.parse().ok()).collect();
        Ok(Principal {
            subject: claims.sub,
            roles,
            team: claims.team.filter(|t| !t.is_empty()),
        })
    }
}
