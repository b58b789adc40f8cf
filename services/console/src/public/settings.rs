//! The public side's settings: where it listens, its external URL, how it
//! gets the `portal` token it submits with, and its abuse limits.
//!
//! It is on by default (127.0.0.1:8081) and off with `PUBLIC_ADDR=off`.
//! With an identity provider it needs its own client (`PUBLIC_CLIENT_ID`,
//! `PUBLIC_CLIENT_SECRET`, client-credentials grant): when `PUBLIC_ADDR`
//! is set and the client is not, the console does not start; when neither
//! is set the public side stays off (and says so at start), so a console
//! deployed before the public side existed starts unchanged.

use crate::settings::{PublicUrl, SignIn};
use platform::{SettingsError, Source};
use std::net::SocketAddr;
use std::time::Duration;

/// The keys [`PublicSettings::from_source`] reads.
pub const KEYS: [&str; 11] = [
    "PUBLIC_ADDR",
    "PUBLIC_URL",
    "PUBLIC_CLIENT_ID",
    "PUBLIC_CLIENT_SECRET",
    "PUBLIC_SUBMIT_BURST",
    "PUBLIC_SUBMIT_REFILL_SECONDS",
    "PUBLIC_ATTACHMENT_MAX_BYTES",
    "PUBLIC_TRUST_FORWARDED_FOR",
    "PUBLIC_CONTACT_PHONE",
    "PUBLIC_CONTACT_EMAIL",
    "PUBLIC_CONTACT_ADDRESS",
];

/// `PUBLIC_CONTACT_ADDRESS` unset: the address printed on our letters
/// (notifications' `LETTER_ADDRESS` default), lines separated by `|`.
pub const DEFAULT_CONTACT_ADDRESS: &str =
    "CILEX Customer Service|Kempston Manor|Kempston|Bedford|MK42 7AB";
/// `PUBLIC_CONTACT_PHONE` unset: a number Ofcom keeps for drama, never
/// answered, so a deployment that forgets to set it shows an obviously
/// placeholder number rather than someone else's.
pub const DEFAULT_CONTACT_PHONE: &str = "01632 960000";
/// `PUBLIC_CONTACT_EMAIL` unset: the address notifications sends from by
/// default (`MAIL_FROM`).
pub const DEFAULT_CONTACT_EMAIL: &str = "complaints@example.org";

/// How to complain other than through the form (R-INT-1: by email, by
/// telephone or by post as well), shown on the home and start pages.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ContactDetails {
    pub phone: String,
    pub email: String,
    /// Our postal address, one line each.
    pub address: Vec<String>,
}

/// The public side: off, or on with its settings.
// One value per process, read at start: its size costs nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum PublicSettings {
    Off,
    On(PublicSide),
}

/// The public listener's settings, checked.
#[derive(Debug, Clone)]
pub struct PublicSide {
    /// Where complainants reach the forms (`PUBLIC_ADDR`).
    pub addr: SocketAddr,
    /// The external base URL (`PUBLIC_URL`): cookies are `Secure` unless
    /// it is loopback.
    pub url: PublicUrl,
    /// How the forms get the `portal` token they submit with.
    pub credentials: PortalCredentials,
    /// Submissions one client address may make at once (`PUBLIC_SUBMIT_BURST`).
    pub submit_burst: u32,
    /// One more submission is allowed every this long (`PUBLIC_SUBMIT_REFILL_SECONDS`).
    pub submit_refill: Duration,
    /// The largest file accepted (`PUBLIC_ATTACHMENT_MAX_BYTES`); set it
    /// to intake's `ATTACHMENT_MAX_BYTES`. The largest request body is two
    /// of these plus the form's text.
    pub attachment_max_bytes: usize,
    /// Whether the client address is the last one in `X-Forwarded-For`
    /// (behind one trusted proxy) rather than the connection's peer.
    pub trust_forwarded_for: bool,
    /// Whether `PUBLIC_ADDR` was given. The default address is a
    /// convenience: when it is taken (another console on the machine, tests
    /// running side by side) the console starts with the public side off
    /// and says so; an address given explicitly must be bound.
    pub addr_given: bool,
    /// Where people can complain by telephone, email or post (R-INT-1).
    pub contact: ContactDetails,
    /// Working days, as the services count them, for what the follow page
    /// says of deadlines (`BANK_HOLIDAYS_FILE`, `OFFICE_CLOSURES_FILE`).
    pub calendar: calendar::Calendar,
}

/// The `portal` credentials of the public forms.
#[derive(Clone)]
pub enum PortalCredentials {
    /// Minted here with the development secret.
    Development {
        secret: String,
        issuer: String,
        audience: String,
    },
    /// The client-credentials grant at the identity provider.
    ClientCredentials {
        issuer: String,
        client_id: String,
        client_secret: String,
        resource: String,
    },
}

impl std::fmt::Debug for PortalCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Development { issuer, .. } => f
                .debug_struct("Development")
                .field("issuer", issuer)
                .finish_non_exhaustive(),
            Self::ClientCredentials {
                issuer, client_id, ..
            } => f
                .debug_struct("ClientCredentials")
                .field("issuer", issuer)
                .field("client_id", client_id)
                .finish_non_exhaustive(),
        }
    }
}

fn invalid(key: &str, reason: impl Into<String>) -> SettingsError {
    SettingsError {
        key: key.into(),
        reason: reason.into(),
    }
}

impl PublicSettings {
    /// Reads every key in [`KEYS`] (whether on or off, so the published
    /// keys are the keys read) and checks them against the staff sign-in.
    pub fn from_source(s: &Source, sign_in: &SignIn) -> Result<Self, SettingsError> {
        let addr_given = s.raw("PUBLIC_ADDR").map(str::to_owned);
        let url = s.raw("PUBLIC_URL").map(str::to_owned);
        let client_id = s.raw("PUBLIC_CLIENT_ID").map(str::to_owned);
        let client_secret = s.raw("PUBLIC_CLIENT_SECRET").map(str::to_owned);
        let submit_burst: u32 = s.get("PUBLIC_SUBMIT_BURST", 5)?;
        if submit_burst == 0 {
            return Err(invalid("PUBLIC_SUBMIT_BURST", "must be at least 1"));
        }
        let submit_refill = s.duration("PUBLIC_SUBMIT_REFILL_SECONDS", 120, Duration::from_secs)?;
        let attachment_max_bytes: usize = s.get("PUBLIC_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)?;
        if attachment_max_bytes == 0 {
            return Err(invalid("PUBLIC_ATTACHMENT_MAX_BYTES", "must be at least 1"));
        }
        let trust_forwarded_for: bool = s.get("PUBLIC_TRUST_FORWARDED_FOR", false)?;
        let contact = ContactDetails {
            phone: s
                .raw("PUBLIC_CONTACT_PHONE")
                .unwrap_or(DEFAULT_CONTACT_PHONE)
                .trim()
                .to_owned(),
            email: s
                .raw("PUBLIC_CONTACT_EMAIL")
                .unwrap_or(DEFAULT_CONTACT_EMAIL)
                .trim()
                .to_owned(),
            address: s
                .raw("PUBLIC_CONTACT_ADDRESS")
                .unwrap_or(DEFAULT_CONTACT_ADDRESS)
                .split('|')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        for (key, empty) in [
            ("PUBLIC_CONTACT_PHONE", contact.phone.is_empty()),
            ("PUBLIC_CONTACT_EMAIL", contact.email.is_empty()),
            ("PUBLIC_CONTACT_ADDRESS", contact.address.is_empty()),
        ] {
            if empty {
                return Err(invalid(
                    key,
                    "must not be empty: R-INT-1 lets people complain by telephone, email and post, and the public pages say where",
                ));
            }
        }
        if addr_given
            .as_deref()
            .is_some_and(|a| a.eq_ignore_ascii_case("off"))
        {
            return Ok(Self::Off);
        }
        let addr: SocketAddr = match &addr_given {
            Some(a) => a.parse().map_err(|e| {
                invalid("PUBLIC_ADDR", format!("{a:?} is not valid: {e} (or `off`)"))
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8081)),
        };
        let credentials = match sign_in {
            SignIn::Development(dev) => PortalCredentials::Development {
                secret: dev.secret.clone(),
                issuer: dev.issuer.clone(),
                audience: dev.audience.clone(),
            },
            SignIn::Oidc(oidc) => match (client_id, client_secret) {
                (Some(client_id), Some(client_secret)) => PortalCredentials::ClientCredentials {
                    issuer: oidc.issuer.clone(),
                    client_id,
                    client_secret,
                    resource: oidc.resource.clone(),
                },
                (None, None) if addr_given.is_none() => {
                    tracing::warn!(
                        "the public complaint forms are off: set PUBLIC_ADDR, PUBLIC_CLIENT_ID and PUBLIC_CLIENT_SECRET to serve them"
                    );
                    return Ok(Self::Off);
                }
                (None, _) => {
                    return Err(invalid(
                        "PUBLIC_CLIENT_ID",
                        "the public forms submit as the member portal: give their OIDC client (client-credentials grant), or set PUBLIC_ADDR=off",
                    ));
                }
                (Some(_), None) => {
                    return Err(invalid(
                        "PUBLIC_CLIENT_SECRET",
                        "required with PUBLIC_CLIENT_ID",
                    ));
                }
            },
        };
        let url = PublicUrl::parse(
            url.as_deref()
                .unwrap_or(&format!("http://127.0.0.1:{}", addr.port())),
        )
        .map_err(|e| invalid("PUBLIC_URL", e))?;
        Ok(Self::On(PublicSide {
            addr,
            url,
            credentials,
            submit_burst,
            submit_refill,
            attachment_max_bytes,
            trust_forwarded_for,
            contact,
            addr_given: addr_given.is_some(),
            calendar: s.calendar()?,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::Settings;
    use std::collections::HashMap;

    const SECRET: &str = "a-development-secret-of-32-chars-or-more";

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, SettingsError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Settings::from_source(&Source::from_map(map).unwrap())
    }

    const OIDC: [(&str, &str); 3] = [
        ("OIDC_ISSUER_URL", "https://id.example.org"),
        ("OIDC_CLIENT_ID", "console"),
        ("OIDC_RESOURCE", "complaints"),
    ];

    #[test]
    fn the_public_side_is_on_by_default_with_the_development_secret_and_off_when_asked() {
        let on = settings(&[("AUTH_DEV_SECRET", SECRET)]).unwrap();
        let PublicSettings::On(side) = on.public else {
            panic!("on by default");
        };
        assert_eq!(side.addr.to_string(), "127.0.0.1:8081");
        assert_eq!(side.url.as_str(), "http://127.0.0.1:8081");
        assert!(!side.addr_given);
        assert!(matches!(
            side.credentials,
            PortalCredentials::Development { .. }
        ));
        let off = settings(&[("AUTH_DEV_SECRET", SECRET), ("PUBLIC_ADDR", "off")]).unwrap();
        assert!(matches!(off.public, PublicSettings::Off));
        let error =
            settings(&[("AUTH_DEV_SECRET", SECRET), ("PUBLIC_ADDR", "nowhere")]).unwrap_err();
        assert_eq!(error.key, "PUBLIC_ADDR");
        let error = settings(&[
            ("AUTH_DEV_SECRET", SECRET),
            ("PUBLIC_URL", "http://complaints.example.org"),
        ])
        .unwrap_err();
        assert_eq!(error.key, "PUBLIC_URL", "https away from loopback");
        let error =
            settings(&[("AUTH_DEV_SECRET", SECRET), ("PUBLIC_SUBMIT_BURST", "0")]).unwrap_err();
        assert_eq!(error.key, "PUBLIC_SUBMIT_BURST");
    }

    #[test]
    fn with_an_identity_provider_the_forms_need_their_own_client_when_their_address_is_given() {
        assert!(matches!(
            settings(&OIDC).unwrap().public,
            PublicSettings::Off
        ));
        let mut given = OIDC.to_vec();
        given.push(("PUBLIC_ADDR", "0.0.0.0:8081"));
        assert_eq!(settings(&given).unwrap_err().key, "PUBLIC_CLIENT_ID");
        given.push(("PUBLIC_CLIENT_ID", "complaints-public-forms"));
        assert_eq!(settings(&given).unwrap_err().key, "PUBLIC_CLIENT_SECRET");
        given.push(("PUBLIC_CLIENT_SECRET", "s3cret"));
        given.push(("PUBLIC_URL", "https://complaints.example.org"));
        let PublicSettings::On(side) = settings(&given).unwrap().public else {
            panic!("on");
        };
        assert!(side.url.secure_cookies());
        match side.credentials {
            PortalCredentials::ClientCredentials {
                issuer, resource, ..
            } => {
                assert_eq!(issuer, "https://id.example.org");
                assert_eq!(resource, "complaints");
            }
            PortalCredentials::Development { .. } => panic!("client credentials expected"),
        }
        assert!(
            !format!(
                "{:?}",
                PortalCredentials::ClientCredentials {
                    issuer: "i".into(),
                    client_id: "c".into(),
                    client_secret: "s3cret".into(),
                    resource: "r".into(),
                }
            )
            .contains("s3cret"),
            "the secret is never printed"
        );
    }
}
