//! The `portal` token the public forms submit with: they submit as the
//! member portal would, never as a member of staff, so intake applies the
//! portal's rules (R-INT-1: a channel acting for the complainant; R-INT-7:
//! it cannot deal with a matter outside the procedure).
//!
//! With the development secret a short-lived token is minted here; with
//! an identity provider the client-credentials grant is used and the
//! token kept until shortly before it expires.

use super::settings::PortalCredentials;
use crate::http_client::{self, Request};
use base64::Engine;
use platform::auth::{DevToken, Role};
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// The subject of a minted development token: the public web forms.
pub const SUBJECT: &str = "public-web-form";
/// How long a minted development token lives.
const DEV_TOKEN_LIFETIME: Duration = Duration::from_secs(300);
/// A token from the provider is replaced this long before it expires.
const RENEW_BEFORE: Duration = Duration::from_secs(60);

/// Why no token could be had; names no secret.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("identity provider: {0}")]
    Http(#[from] http_client::HttpError),
    #[error("identity provider answered {0} to {1}")]
    Status(u16, &'static str),
    #[error("identity provider's {0} could not be read: {1}")]
    Document(&'static str, String),
}

#[derive(Deserialize)]
struct Discovery {
    token_endpoint: String,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// Gives a `portal` token, minted or from the provider's cache.
#[derive(Debug)]
pub struct PortalToken {
    credentials: PortalCredentials,
    cached: Mutex<Option<(String, Instant)>>,
}

impl PortalToken {
    pub fn new(credentials: PortalCredentials) -> Self {
        Self {
            credentials,
            cached: Mutex::new(None),
        }
    }

    /// A token valid for at least a minute.
    pub async fn get(&self) -> Result<String, TokenError> {
        match &self.credentials {
            PortalCredentials::Development {
                secret,
                issuer,
                audience,
            } => Ok(DevToken {
                issuer,
                audience,
                subject: SUBJECT,
                roles: &[Role::Portal],
                team: None,
                valid_for: DEV_TOKEN_LIFETIME,
            }
            .sign(secret)),
            PortalCredentials::ClientCredentials {
                issuer,
                client_id,
                client_secret,
                resource,
            } => {
                // One request to the provider at a time: callers waiting
                // here take the token the first one fetched.
                let mut cached = self.cached.lock().await;
                if let Some((token, renew_at)) = cached.as_ref()
                    && Instant::now() < *renew_at
                {
                    return Ok(token.clone());
                }
                let (token, lifetime) =
                    client_credentials(issuer, client_id, client_secret, resource).await?;
                let renew_at = Instant::now() + lifetime.saturating_sub(RENEW_BEFORE);
                *cached = Some((token.clone(), renew_at));
                Ok(token)
            }
        }
    }
}

/// The client-credentials grant (RFC 6749 §4.4) with client_secret_basic,
/// asking for the services' audience as an RFC 8707 `resource`.
async fn client_credentials(
    issuer: &str,
    client_id: &str,
    client_secret: &str,
    resource: &str,
) -> Result<(String, Duration), TokenError> {
    let url = format!("{issuer}/.well-known/openid-configuration");
    let answer = http_client::send(Request {
        url: &url,
        form: None,
        basic_auth: None,
    })
    .await?;
    if answer.status != 200 {
        return Err(TokenError::Status(answer.status, "discovery"));
    }
    let discovery: Discovery = serde_json::from_slice(&answer.body)
        .map_err(|e| TokenError::Document("discovery", e.to_string()))?;
    let encode = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        encode(client_id),
        encode(client_secret)
    ));
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("resource", resource)
        .finish();
    let answer = http_client::send(Request {
        url: &discovery.token_endpoint,
        form: Some(form),
        basic_auth: Some(basic),
    })
    .await?;
    if answer.status != 200 {
        return Err(TokenError::Status(answer.status, "the token request"));
    }
    let token: TokenAnswer = serde_json::from_slice(&answer.body)
        .map_err(|e| TokenError::Document("token answer", e.to_string()))?;
    let lifetime = Duration::from_secs(token.expires_in.unwrap_or(300));
    Ok((token.access_token, lifetime))
}
