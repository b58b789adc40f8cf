//! Verifying bearer tokens: signature against the configured keys, then
//! issuer, audience, expiry (`exp`, required), not-before (`nbf`) and the
//! time of issue (`iat`, never ahead of now by more than the leeway). The keys are a JWKS (RS256, ES256, EdDSA)
//! in production, or a shared secret (HS256) for development only.

use super::remote::RemoteKeys;
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
    /// Public keys by key id, fetched and refreshed from the identity
    /// provider (`AUTH_JWKS_URL`).
    Remote(RemoteKeys),
    /// A shared secret (`AUTH_DEV_SECRET`): anyone holding it can mint any
    /// token, so it is for a developer's machine and tests only.
    DevSecret(String),
}

impl fmt::Debug for Keys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Keys::Jwks(set) => write!(f, "Jwks({} keys)", set.keys.len()),
            Keys::Remote(remote) => remote.fmt(f),
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
    #[error("the token is not valid yet (its nbf is in the future)")]
    NotYetValid,
    #[error("the token was issued in the future (its iat is ahead of the clock)")]
    IssuedInFuture,
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
    /// Seconds since the epoch; checked against the clock with the leeway.
    #[serde(default)]
    iat: Option<f64>,
}

fn now_seconds() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The public key a token names in `set`, and its algorithm. A
/// shared-secret algorithm against a public key is the classic confusion
/// attack: only asymmetric ones count.
fn public_key(
    header: &jsonwebtoken::Header,
    set: &JwkSet,
) -> Result<(DecodingKey, Algorithm), AuthError> {
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
    let key = DecodingKey::from_jwk(jwk).map_err(|e| AuthError::Invalid(e.to_string()))?;
    Ok((key, header.alg))
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
            Keys::Jwks(set) => public_key(&header, set)?,
            Keys::Remote(remote) => {
                let set = remote.current();
                public_key(&header, &set).inspect_err(|e| {
                    if *e == AuthError::UnknownKey {
                        remote.nudge();
                    }
                })?
            }
        };
        let mut validation = Validation::new(algorithm);
        validation.set_issuer(&[&self.settings.issuer]);
        validation.set_audience(&[&self.settings.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = self.settings.leeway_seconds;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        let data = jsonwebtoken::decode::<Claims>(token, &key, &validation).map_err(|e| match e
            .kind()
        {
            jsonwebtoken::errors::ErrorKind::ExpiredSignature => AuthError::Expired,
            jsonwebtoken::errors::ErrorKind::ImmatureSignature => AuthError::NotYetValid,
            _ => AuthError::Invalid(e.to_string()),
        })?;
        let claims = data.claims;
        if let Some(iat) = claims.iat {
            // A token minted "in the future" is either a badly wrong clock
            // at the issuer or one made to outlive a key rotation.
            let latest = now_seconds().saturating_add(self.settings.leeway_seconds) as f64;
            if !iat.is_finite() || iat > latest {
                return Err(AuthError::IssuedInFuture);
            }
        }
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use base64::Engine;
    use jsonwebtoken::{EncodingKey, Header};
    use ring::signature::{Ed25519KeyPair, KeyPair};

    /// An identity provider's signing key, as a test holds it.
    pub(crate) struct SigningKey {
        pub kid: String,
        pkcs8: Vec<u8>,
        public: Vec<u8>,
    }

    impl SigningKey {
        pub(crate) fn generate(kid: &str) -> Self {
            let rng = ring::rand::SystemRandom::new();
            let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng)
                .unwrap()
                .as_ref()
                .to_vec();
            let public = Ed25519KeyPair::from_pkcs8(&pkcs8)
                .unwrap()
                .public_key()
                .as_ref()
                .to_vec();
            Self {
                kid: kid.into(),
                pkcs8,
                public,
            }
        }

        /// The public half, as a JWK in a JWKS document.
        pub(crate) fn jwk(&self) -> serde_json::Value {
            serde_json::json!({
                "kty": "OKP",
                "crv": "Ed25519",
                "use": "sig",
                "alg": "EdDSA",
                "kid": self.kid,
                "x": base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&self.public),
            })
        }

        pub(crate) fn token(&self, subject: &str, roles: &[&str]) -> String {
            let mut header = Header::new(Algorithm::EdDSA);
            header.kid = Some(self.kid.clone());
            let claims = serde_json::json!({
                "sub": subject,
                "iss": "https://id.example.org",
                "aud": "complaints",
                "exp": chrono::Utc::now().timestamp() + 600,
                "roles": roles,
            });
            jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(&self.pkcs8)).unwrap()
        }
    }

    pub(crate) fn jwks(keys: &[&SigningKey]) -> String {
        serde_json::json!({ "keys": keys.iter().map(|k| k.jwk()).collect::<Vec<_>>() }).to_string()
    }

    pub(crate) fn settings(keys: Keys) -> AuthSettings {
        AuthSettings {
            issuer: "https://id.example.org".into(),
            audience: "complaints".into(),
            keys,
            leeway_seconds: 0,
        }
    }

    fn verifier(keys: &[&SigningKey]) -> Verifier {
        Verifier::new(settings(Keys::Jwks(
            serde_json::from_str(&jwks(keys)).unwrap(),
        )))
    }

    #[test]
    fn r_conf_1_a_token_signed_by_a_key_in_the_jwks_is_accepted_with_its_roles() {
        let key = SigningKey::generate("2026-11");
        let principal = verifier(&[&key])
            .verify(&key.token("handler-7", &["handler"]))
            .unwrap();
        assert_eq!(principal.subject, "handler-7");
        assert!(principal.has(Role::Handler));
    }

    #[test]
    fn r_conf_1_a_token_signed_by_a_key_not_in_the_jwks_is_refused() {
        let known = SigningKey::generate("known");
        let stranger = SigningKey::generate("stranger");
        let refused = verifier(&[&known]).verify(&stranger.token("x", &["handler"]));
        assert_eq!(refused.unwrap_err(), AuthError::UnknownKey);
        // The same key id with another key's signature fails the signature.
        let impostor = SigningKey {
            kid: "known".into(),
            ..SigningKey::generate("known")
        };
        let forged = verifier(&[&known]).verify(&impostor.token("x", &["handler"]));
        assert!(matches!(forged, Err(AuthError::Invalid(_))), "{forged:?}");
    }

    /// A token signed by a trusted key but issued for another issuer or
    /// another audience is refused: a key shared between systems does not
    /// make one system's tokens good for the other.
    #[test]
    fn r_conf_1_a_token_from_another_issuer_or_for_another_audience_is_refused() {
        let key = SigningKey::generate("k");
        let signed = |iss: &str, aud: &str| {
            let mut header = Header::new(Algorithm::EdDSA);
            header.kid = Some("k".into());
            let claims = serde_json::json!({
                "sub": "x", "iss": iss, "aud": aud,
                "exp": chrono::Utc::now().timestamp() + 600, "roles": ["handler"],
            });
            jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(&key.pkcs8)).unwrap()
        };
        let verifier = verifier(&[&key]);
        assert!(
            verifier
                .verify(&signed("https://id.example.org", "complaints"))
                .is_ok()
        );
        for (iss, aud) in [
            ("https://other.example.org", "complaints"),
            ("https://id.example.org", "payroll"),
        ] {
            let refused = verifier.verify(&signed(iss, aud));
            assert!(
                matches!(refused, Err(AuthError::Invalid(_))),
                "iss {iss}, aud {aud}: {refused:?}"
            );
        }
    }

    #[test]
    fn r_conf_1_a_shared_secret_token_is_refused_where_keys_are_public() {
        let key = SigningKey::generate("k");
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("k".into());
        let claims = serde_json::json!({
            "sub": "x", "iss": "https://id.example.org", "aud": "complaints",
            "exp": chrono::Utc::now().timestamp() + 600, "roles": ["data_protection_officer"],
        });
        // Signed with the public key's bytes as the secret: the confusion attack.
        let token =
            jsonwebtoken::encode(&header, &claims, &EncodingKey::from_secret(&key.public)).unwrap();
        let refused = verifier(&[&key]).verify(&token).unwrap_err();
        assert!(matches!(refused, AuthError::Invalid(ref m) if m.contains("symmetric")));
    }

    fn signed_with(key: &SigningKey, extra: serde_json::Value) -> String {
        let mut header = Header::new(Algorithm::EdDSA);
        header.kid = Some(key.kid.clone());
        let mut claims = serde_json::json!({
            "sub": "x", "iss": "https://id.example.org", "aud": "complaints",
            "exp": chrono::Utc::now().timestamp() + 600, "roles": ["handler"],
        });
        if let (Some(claims), Some(extra)) = (claims.as_object_mut(), extra.as_object()) {
            for (name, value) in extra {
                if value.is_null() {
                    claims.remove(name);
                } else {
                    claims.insert(name.clone(), value.clone());
                }
            }
        }
        jsonwebtoken::encode(&header, &claims, &EncodingKey::from_ed_der(&key.pkcs8)).unwrap()
    }

    fn with_leeway(keys: &[&SigningKey], leeway_seconds: u64) -> Verifier {
        let mut settings = settings(Keys::Jwks(serde_json::from_str(&jwks(keys)).unwrap()));
        settings.leeway_seconds = leeway_seconds;
        Verifier::new(settings)
    }

    #[test]
    fn r_conf_1_a_token_whose_nbf_is_a_day_ahead_is_refused_as_not_yet_valid() {
        let key = SigningKey::generate("k");
        let now = chrono::Utc::now().timestamp();
        let verifier = with_leeway(&[&key], 30);
        let refused = verifier.verify(&signed_with(&key, serde_json::json!({"nbf": now + 86_400})));
        assert_eq!(refused.unwrap_err(), AuthError::NotYetValid);
        // Within the leeway, as for exp, it is accepted; in the past too.
        for nbf in [now + 20, now, now - 3600] {
            let accepted = verifier.verify(&signed_with(&key, serde_json::json!({"nbf": nbf})));
            assert!(accepted.is_ok(), "nbf {nbf}: {accepted:?}");
        }
        // Just beyond the leeway it is not.
        let beyond = verifier.verify(&signed_with(&key, serde_json::json!({"nbf": now + 90})));
        assert_eq!(beyond.unwrap_err(), AuthError::NotYetValid);
    }

    #[test]
    fn r_conf_1_a_token_without_exp_is_refused() {
        let key = SigningKey::generate("k");
        let refused =
            with_leeway(&[&key], 30).verify(&signed_with(&key, serde_json::json!({"exp": null})));
        assert!(matches!(refused, Err(AuthError::Invalid(_))), "{refused:?}");
    }

    #[test]
    fn r_conf_1_a_token_issued_far_in_the_future_is_refused_and_one_issued_now_accepted() {
        let key = SigningKey::generate("k");
        let now = chrono::Utc::now().timestamp();
        let verifier = with_leeway(&[&key], 30);
        let refused = verifier.verify(&signed_with(&key, serde_json::json!({"iat": now + 86_400})));
        assert_eq!(refused.unwrap_err(), AuthError::IssuedInFuture);
        for iat in [now - 60, now, now + 20] {
            let accepted = verifier.verify(&signed_with(&key, serde_json::json!({"iat": iat})));
            assert!(accepted.is_ok(), "iat {iat}: {accepted:?}");
        }
    }

    #[test]
    fn r_conf_1_development_tokens_minted_by_the_platform_stay_valid() {
        let secret = "a-development-secret-of-at-least-32-characters";
        let mut settings = settings(Keys::DevSecret(secret.into()));
        settings.leeway_seconds = 30;
        let token = crate::auth::DevToken {
            issuer: "https://id.example.org",
            audience: "complaints",
            subject: "s.jones",
            roles: &[Role::Handler],
            team: Some("Customer Services"),
            valid_for: std::time::Duration::from_secs(600),
        }
        .sign(secret);
        assert!(Verifier::new(settings).verify(&token).is_ok());
    }
}
