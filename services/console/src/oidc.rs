//! Signing in with the organisation's identity provider: OpenID Connect,
//! authorization code with PKCE (S256), `state` and `nonce` (R-CONF-1).
//!
//! The console asks for the services' audience as an RFC 8707 `resource`,
//! so the access token it is given is a JWT the services accept; it keeps
//! that token in the session and sends it with every call. The ID token is
//! verified (signature against the provider's JWKS, issuer, audience,
//! nonce, expiry) before anyone is signed in.

use crate::http_client::{self, Request};
use crate::session::{PendingSignIn, Person, random_token};
use crate::settings::OidcSettings;
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use platform::auth::Role;
use serde::Deserialize;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::OnceCell;

/// PKCE (RFC 7636): the verifier stays in the session, its S256 challenge
/// goes to the provider.
pub mod pkce {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    /// A fresh verifier: 43 characters from the unreserved set.
    pub fn verifier() -> String {
        crate::session::random_token()
    }

    /// `BASE64URL(SHA256(verifier))`.
    pub fn challenge(verifier: &str) -> String {
        let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
        URL_SAFE_NO_PAD.encode(digest.as_ref())
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn the_s256_challenge_of_the_rfc_7636_example() {
            // RFC 7636, Appendix B.
            assert_eq!(
                challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
                "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
            );
        }

        #[test]
        fn verifiers_are_long_enough_and_unreserved() {
            let v = verifier();
            assert!((43..=128).contains(&v.len()));
            assert!(
                v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c))
            );
            assert_ne!(v, verifier());
        }
    }
}

/// Why signing in failed. Shown to the person as "sign in again"; the
/// detail goes to the log (never a token or a code).
#[derive(Debug, thiserror::Error)]
pub enum OidcError {
    #[error("the identity provider could not be reached: {0}")]
    Http(#[from] http_client::HttpError),
    #[error("the identity provider answered {0} to {1}")]
    Status(u16, &'static str),
    #[error("the identity provider's {0} could not be read: {1}")]
    Document(&'static str, String),
    #[error("the sign-in answer does not match the sign-in begun here")]
    State,
    #[error("the ID token is not valid: {0}")]
    IdToken(String),
    #[error("the access token is not a usable JWT: {0}")]
    AccessToken(String),
}

/// The provider's endpoints, from discovery.
#[derive(Debug, Clone, Deserialize)]
struct Discovery {
    issuer: String,
    authorization_endpoint: String,
    token_endpoint: String,
    jwks_uri: String,
}

/// The identity provider, discovered on first use.
#[derive(Debug)]
pub struct Provider {
    settings: OidcSettings,
    redirect_uri: String,
    discovery: OnceCell<Discovery>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    id_token: String,
}

#[derive(Deserialize)]
struct IdClaims {
    nonce: Option<String>,
    /// The person's name (the `profile` scope), which the header shows.
    name: Option<String>,
}

/// The claims of the access token the console reads for display.
#[derive(Deserialize)]
struct AccessClaims {
    sub: String,
    exp: u64,
    #[serde(default)]
    roles: Vec<String>,
    team: Option<String>,
    name: Option<String>,
}

impl Provider {
    pub fn new(settings: OidcSettings, public_url: &str) -> Self {
        Self {
            settings,
            redirect_uri: format!("{public_url}/auth/callback"),
            discovery: OnceCell::new(),
        }
    }

    async fn discovery(&self) -> Result<&Discovery, OidcError> {
        self.discovery
            .get_or_try_init(|| async {
                let url = format!("{}/.well-known/openid-configuration", self.settings.issuer);
                let answer = http_client::send(Request {
                    url: &url,
                    form: None,
                    basic_auth: None,
                })
                .await?;
                if answer.status != 200 {
                    return Err(OidcError::Status(answer.status, "discovery"));
                }
                let discovery: Discovery = serde_json::from_slice(&answer.body)
                    .map_err(|e| OidcError::Document("discovery", e.to_string()))?;
                if discovery.issuer.trim_end_matches('/') != self.settings.issuer {
                    return Err(OidcError::Document(
                        "discovery",
                        "its issuer is not OIDC_ISSUER_URL".into(),
                    ));
                }
                Ok(discovery)
            })
            .await
    }

    /// Where to send the browser, and what the callback must match.
    pub async fn begin(&self) -> Result<(String, PendingSignIn), OidcError> {
        let discovery = self.discovery().await?;
        let pending = PendingSignIn {
            state: random_token(),
            nonce: random_token(),
            verifier: pkce::verifier(),
        };
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("response_type", "code")
            .append_pair("client_id", &self.settings.client_id)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("scope", "openid profile")
            .append_pair("state", &pending.state)
            .append_pair("nonce", &pending.nonce)
            .append_pair("code_challenge", &pkce::challenge(&pending.verifier))
            .append_pair("code_challenge_method", "S256")
            .append_pair("resource", &self.settings.resource)
            .finish();
        let separator = if discovery.authorization_endpoint.contains('?') {
            '&'
        } else {
            '?'
        };
        Ok((
            format!("{}{separator}{query}", discovery.authorization_endpoint),
            pending,
        ))
    }

    /// Completes the sign-in begun with `pending`: the code is exchanged,
    /// the ID token verified, and the person read from the access token.
    pub async fn complete(
        &self,
        pending: &PendingSignIn,
        state: &str,
        code: &str,
    ) -> Result<Person, OidcError> {
        if !crate::session::constant_time_eq(state, &pending.state) {
            return Err(OidcError::State);
        }
        let discovery = self.discovery().await?;
        // Finished at once: the serializer is not Send.
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "authorization_code")
            .append_pair("code", code)
            .append_pair("redirect_uri", &self.redirect_uri)
            .append_pair("code_verifier", &pending.verifier)
            .append_pair("resource", &self.settings.resource)
            .append_pair("client_id", &self.settings.client_id)
            .finish();
        let basic_auth = self.settings.client_secret.as_ref().map(|secret| {
            // RFC 6749 2.3.1: each part form-encoded, then Base64.
            let encode =
                |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
            STANDARD.encode(format!(
                "{}:{}",
                encode(&self.settings.client_id),
                encode(secret)
            ))
        });
        let answer = http_client::send(Request {
            url: &discovery.token_endpoint,
            form: Some(form),
            basic_auth,
        })
        .await?;
        if answer.status != 200 {
            return Err(OidcError::Status(answer.status, "the token request"));
        }
        let tokens: TokenAnswer = serde_json::from_slice(&answer.body)
            .map_err(|e| OidcError::Document("token answer", e.to_string()))?;
        let id_name = self
            .verify_id_token(discovery, &tokens.id_token, &pending.nonce)
            .await?;
        let mut person = person_from_access_token(&tokens.access_token)?;
        // The ID token says who the person is; the access token's name,
        // if any, is only the services' copy.
        if let Some(name) = id_name.filter(|n| !n.trim().is_empty()) {
            person.name = Some(name);
        }
        Ok(person)
    }

    async fn verify_id_token(
        &self,
        discovery: &Discovery,
        id_token: &str,
        nonce: &str,
    ) -> Result<Option<String>, OidcError> {
        use jsonwebtoken::{DecodingKey, Validation, decode, decode_header, jwk::JwkSet};
        let header = decode_header(id_token).map_err(|e| OidcError::IdToken(e.to_string()))?;
        let answer = http_client::send(Request {
            url: &discovery.jwks_uri,
            form: None,
            basic_auth: None,
        })
        .await?;
        if answer.status != 200 {
            return Err(OidcError::Status(answer.status, "the JWKS request"));
        }
        let keys: JwkSet = serde_json::from_slice(&answer.body)
            .map_err(|e| OidcError::Document("JWKS", e.to_string()))?;
        let jwk = match &header.kid {
            Some(kid) => keys.find(kid),
            None => keys.keys.first(),
        }
        .ok_or_else(|| OidcError::IdToken("signed with a key the JWKS does not hold".into()))?;
        let key = DecodingKey::from_jwk(jwk).map_err(|e| OidcError::IdToken(e.to_string()))?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[discovery.issuer.as_str()]);
        validation.set_audience(&[self.settings.client_id.as_str()]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = decode::<IdClaims>(id_token, &key, &validation)
            .map_err(|e| OidcError::IdToken(e.to_string()))?
            .claims;
        match claims.nonce {
            Some(sent) if crate::session::constant_time_eq(&sent, nonce) => Ok(claims.name),
            _ => Err(OidcError::IdToken("its nonce is not this sign-in's".into())),
        }
    }
}

/// The person an access token names. The services verify the token on
/// every call; the console only reads who it is for and when it expires.
pub fn person_from_access_token(token: &str) -> Result<Person, OidcError> {
    let payload = token
        .split('.')
        .nth(1)
        .ok_or_else(|| OidcError::AccessToken("not a JWT".into()))?;
    let bytes = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .map_err(|e| OidcError::AccessToken(e.to_string()))?;
    let claims: AccessClaims =
        serde_json::from_slice(&bytes).map_err(|e| OidcError::AccessToken(e.to_string()))?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if claims.exp <= now {
        return Err(OidcError::AccessToken("already expired".into()));
    }
    let mut roles: Vec<Role> = claims.roles.iter().filter_map(|r| r.parse().ok()).collect();
    roles.sort_unstable();
    roles.dedup();
    Ok(Person {
        subject: claims.sub,
        name: claims.name.filter(|n| !n.trim().is_empty()),
        roles,
        team: claims.team.filter(|t| !t.trim().is_empty()),
        token: token.to_owned(),
        token_expires: UNIX_EPOCH + Duration::from_secs(claims.exp),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_person_is_read_from_the_access_tokens_claims() {
        let token = platform::auth::DevToken {
            issuer: "i",
            audience: "a",
            subject: "handler-1",
            roles: &[Role::Handler],
            team: Some("Customer Services"),
            valid_for: Duration::from_secs(60),
        }
        .sign("a-development-secret-of-32-chars-or-more");
        let person = person_from_access_token(&token).unwrap();
        assert_eq!(person.subject, "handler-1");
        assert_eq!(person.roles, vec![Role::Handler]);
        assert_eq!(person.team.as_deref(), Some("Customer Services"));
    }

    #[test]
    fn an_expired_or_malformed_access_token_is_refused() {
        assert!(person_from_access_token("not-a-jwt").is_err());
        let expired = platform::auth::DevToken {
            issuer: "i",
            audience: "a",
            subject: "handler-1",
            roles: &[Role::Handler],
            team: None,
            valid_for: Duration::from_secs(60),
        }
        .expired("a-development-secret-of-32-chars-or-more");
        assert!(person_from_access_token(&expired).is_err());
    }
}
