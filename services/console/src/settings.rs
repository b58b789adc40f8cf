//! The console's settings, read once at start from the environment (and
//! `CONFIG_FILE`) with the platform's [`Source`], and checked: a bad value
//! names its variable and the console does not start.
//!
//! R-CONF-1: exactly one way to sign in. The development sign-in mints
//! tokens with a shared secret, so it must never run next to a real
//! identity provider: both configured, or neither, refuses to start.

use platform::{SettingsError, Source};
use std::net::SocketAddr;
use std::time::Duration;
use telemetry::{LogFormat, TelemetrySettings};

/// Everything the console needs to start, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where staff reach the console (`CONSOLE_ADDR`).
    pub addr: SocketAddr,
    /// The external base URL, without a trailing slash.
    pub public_url: PublicUrl,
    pub services: ServiceUrls,
    pub sign_in: SignIn,
    pub session: SessionSettings,
    pub calendar: calendar::Calendar,
    pub telemetry: TelemetrySettings,
    pub shutdown_grace: Duration,
    /// The public complaint and compliment forms' own listener (`PUBLIC_*`).
    pub public: crate::public::PublicSettings,
    /// Staff names and job titles by staff id (`STAFF_DIRECTORY`, read as
    /// the notifications service reads it): pages show staff by name.
    pub staff: std::sync::Arc<platform::staff::Directory>,
}

/// The four services' gRPC endpoints. Each also serves `Retention`,
/// `SubjectAccess` and `AccessAudit` for its own data on the same port.
#[derive(Debug, Clone)]
pub struct ServiceUrls {
    pub intake: String,
    pub complaints: String,
    pub notifications: String,
    pub reporting: String,
}

/// How long a session lives.
#[derive(Debug, Clone, Copy)]
pub struct SessionSettings {
    /// Ended after this long without a request (`SESSION_IDLE_MINUTES`).
    pub idle: Duration,
    /// Ended this long after sign-in whatever happens (`SESSION_ABSOLUTE_HOURS`).
    pub absolute: Duration,
}

/// The one way staff sign in.
#[derive(Debug, Clone)]
pub enum SignIn {
    Oidc(OidcSettings),
    Development(DevSettings),
}

/// OpenID Connect with the organisation's identity provider.
#[derive(Debug, Clone)]
pub struct OidcSettings {
    /// The issuer, without a trailing slash; discovery is read from
    /// `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    pub client_id: String,
    /// Sent with client_secret_basic when set.
    pub client_secret: Option<String>,
    /// The services' audience, asked for as an RFC 8707 `resource`.
    pub resource: String,
}

/// Development sign-in: tokens minted here with the shared secret.
#[derive(Clone)]
pub struct DevSettings {
    pub secret: String,
    pub issuer: String,
    pub audience: String,
}

impl std::fmt::Debug for DevSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevSettings")
            .field("secret", &"..")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

/// The external base URL, and whether the cookie must be `Secure`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicUrl {
    base: String,
    loopback: bool,
}

impl PublicUrl {
    pub fn parse(text: &str) -> Result<Self, String> {
        let base = text.trim().trim_end_matches('/').to_owned();
        let uri: http::Uri = base.parse().map_err(|e| format!("not a URL: {e}"))?;
        let host = uri
            .host()
            .ok_or("the URL names no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let loopback = is_loopback(&host);
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if loopback => {}
            Some("http") => return Err("must be https:// unless the host is loopback".into()),
            _ => return Err("must be an http(s):// URL".into()),
        }
        if uri.path() != "/" && !uri.path().is_empty() {
            return Err("must be a base URL without a path".into());
        }
        Ok(Self { base, loopback })
    }

    /// `https://console.example.org`, no trailing slash.
    pub fn as_str(&self) -> &str {
        &self.base
    }

    /// Cookies are `Secure` (and named `__Host-console`) unless the
    /// console is reached on a loopback address.
    pub fn secure_cookies(&self) -> bool {
        !self.loopback
    }
}

/// Whether `host` is `localhost` or a loopback IP address.
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

fn invalid(key: &str, reason: impl Into<String>) -> SettingsError {
    SettingsError {
        key: key.into(),
        reason: reason.into(),
    }
}

impl Settings {
    /// Every key [`Settings::from_source`] reads: what deployment files may
    /// set for the console.
    pub const KEYS: &[&str] = &[
        "CONFIG_FILE",
        "CONSOLE_ADDR",
        "CONSOLE_PUBLIC_URL",
        "INTAKE_URL",
        "COMPLAINTS_URL",
        "NOTIFICATIONS_URL",
        "REPORTING_URL",
        "OIDC_ISSUER_URL",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
        "OIDC_RESOURCE",
        "AUTH_DEV_SECRET",
        "AUTH_ISSUER",
        "AUTH_AUDIENCE",
        "SESSION_IDLE_MINUTES",
        "SESSION_ABSOLUTE_HOURS",
        "BANK_HOLIDAYS_FILE",
        "OFFICE_CLOSURES_FILE",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "LOG_FORMAT",
        "LOG_FILTER",
        "SHUTDOWN_GRACE_SECONDS",
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
        "STAFF_DIRECTORY",
    ];

    /// Reads the settings from the environment (and `CONFIG_FILE`).
    pub fn load() -> Result<Self, SettingsError> {
        Self::from_source(&Source::from_env()?)
    }

    pub fn from_source(s: &Source) -> Result<Self, SettingsError> {
        let addr = s.get("CONSOLE_ADDR", SocketAddr::from(([127, 0, 0, 1], 8080)))?;
        let public_url = PublicUrl::parse(&s.string(
            "CONSOLE_PUBLIC_URL",
            &format!("http://127.0.0.1:{}", addr.port()),
        ))
        .map_err(|e| invalid("CONSOLE_PUBLIC_URL", e))?;
        let service = |key: &str, port: u16| -> Result<String, SettingsError> {
            let url = s.string(key, &format!("http://127.0.0.1:{port}"));
            let uri: http::Uri = url
                .parse()
                .map_err(|e| invalid(key, format!("not a URL: {e}")))?;
            match uri.scheme_str() {
                Some("http" | "https") if uri.host().is_some() => Ok(url),
                _ => Err(invalid(key, "must be an http:// or https:// URL")),
            }
        };
        let services = ServiceUrls {
            intake: service("INTAKE_URL", 50051)?,
            complaints: service("COMPLAINTS_URL", 50052)?,
            notifications: service("NOTIFICATIONS_URL", 50053)?,
            reporting: service("REPORTING_URL", 50054)?,
        };
        let sign_in = sign_in(s)?;
        let session = SessionSettings {
            idle: s.duration("SESSION_IDLE_MINUTES", 30, |m| Duration::from_secs(m * 60))?,
            absolute: s.duration("SESSION_ABSOLUTE_HOURS", 8, |h| {
                Duration::from_secs(h * 3600)
            })?,
        };
        let log_format: LogFormat = s.get("LOG_FORMAT", LogFormat::Json)?;
        let public = crate::public::PublicSettings::from_source(s, &sign_in)?;
        let staff = platform::staff::Directory::parse(&s.string("STAFF_DIRECTORY", ""))
            .map_err(|e| invalid("STAFF_DIRECTORY", e))?
            .into();
        Ok(Self {
            addr,
            public_url,
            services,
            sign_in,
            session,
            calendar: s.calendar()?,
            telemetry: TelemetrySettings {
                service_name: "console".into(),
                otlp_endpoint: s.raw("OTEL_EXPORTER_OTLP_ENDPOINT").map(str::to_owned),
                log_format,
                log_filter: s.string("LOG_FILTER", "info"),
            },
            shutdown_grace: s.duration("SHUTDOWN_GRACE_SECONDS", 10, Duration::from_secs)?,
            public,
            staff,
        })
    }
}

/// The shortest development secret accepted, as the services require.
const DEV_SECRET_MIN_LEN: usize = 32;

/// R-CONF-1: one way to sign in, never the development one next to an
/// identity provider.
fn sign_in(s: &Source) -> Result<SignIn, SettingsError> {
    let oidc_keys = [
        "OIDC_ISSUER_URL",
        "OIDC_CLIENT_ID",
        "OIDC_CLIENT_SECRET",
        "OIDC_RESOURCE",
    ];
    let oidc_given: Vec<&str> = oidc_keys
        .into_iter()
        .filter(|k| s.raw(k).is_some())
        .collect();
    let dev_secret = s.raw("AUTH_DEV_SECRET").map(str::to_owned);
    let issuer = s.string("AUTH_ISSUER", "complaints-dev");
    let audience = s.string("AUTH_AUDIENCE", "complaints");
    match (oidc_given.is_empty(), dev_secret) {
        (false, Some(_)) => Err(invalid(
            "AUTH_DEV_SECRET",
            format!(
                "the development sign-in cannot be enabled next to an identity provider ({} set): \
                 remove AUTH_DEV_SECRET",
                oidc_given.join(", ")
            ),
        )),
        (true, None) => Err(invalid(
            "OIDC_ISSUER_URL",
            "no sign-in is configured: set OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_RESOURCE \
             (or AUTH_DEV_SECRET for development)",
        )),
        (true, Some(secret)) => {
            if secret.len() < DEV_SECRET_MIN_LEN {
                return Err(invalid(
                    "AUTH_DEV_SECRET",
                    format!("must be at least {DEV_SECRET_MIN_LEN} characters"),
                ));
            }
            Ok(SignIn::Development(DevSettings {
                secret,
                issuer,
                audience,
            }))
        }
        (false, None) => {
            let required = |key: &str| {
                s.raw(key)
                    .map(str::to_owned)
                    .ok_or_else(|| invalid(key, "required with the other OIDC_* settings"))
            };
            let issuer = required("OIDC_ISSUER_URL")?
                .trim_end_matches('/')
                .to_owned();
            let uri: http::Uri = issuer
                .parse()
                .map_err(|e| invalid("OIDC_ISSUER_URL", format!("not a URL: {e}")))?;
            let loopback = uri
                .host()
                .is_some_and(|h| is_loopback(h.trim_start_matches('[').trim_end_matches(']')));
            match uri.scheme_str() {
                Some("https") => {}
                Some("http") if loopback => {}
                _ => {
                    return Err(invalid(
                        "OIDC_ISSUER_URL",
                        "must be https:// (http:// only for a loopback address)",
                    ));
                }
            }
            Ok(SignIn::Oidc(OidcSettings {
                issuer,
                client_id: required("OIDC_CLIENT_ID")?,
                client_secret: s.raw("OIDC_CLIENT_SECRET").map(str::to_owned),
                resource: required("OIDC_RESOURCE")?,
            }))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn source(pairs: &[(&str, &str)]) -> Source {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Source::from_map(map).unwrap()
    }

    const SECRET: &str = "a-development-secret-of-32-chars-or-more";

    #[test]
    fn r_conf_1_the_development_sign_in_is_refused_next_to_an_identity_provider() {
        let error = Settings::from_source(&source(&[
            ("AUTH_DEV_SECRET", SECRET),
            ("OIDC_ISSUER_URL", "https://id.example.org"),
            ("OIDC_CLIENT_ID", "console"),
            ("OIDC_RESOURCE", "complaints"),
        ]))
        .unwrap_err();
        assert_eq!(error.key, "AUTH_DEV_SECRET");
        assert!(error.reason.contains("OIDC_ISSUER_URL"), "{error}");
    }

    #[test]
    fn r_conf_1_no_sign_in_at_all_is_refused() {
        let error = Settings::from_source(&source(&[])).unwrap_err();
        assert_eq!(error.key, "OIDC_ISSUER_URL");
    }

    #[test]
    fn a_short_development_secret_is_refused() {
        let error = Settings::from_source(&source(&[("AUTH_DEV_SECRET", "short")])).unwrap_err();
        assert_eq!(error.key, "AUTH_DEV_SECRET");
    }

    #[test]
    fn oidc_needs_its_client_and_resource_and_https_away_from_loopback() {
        let error =
            Settings::from_source(&source(&[("OIDC_ISSUER_URL", "https://id.example.org")]))
                .unwrap_err();
        assert_eq!(error.key, "OIDC_CLIENT_ID");
        let error = Settings::from_source(&source(&[
            ("OIDC_ISSUER_URL", "http://id.example.org"),
            ("OIDC_CLIENT_ID", "console"),
            ("OIDC_RESOURCE", "complaints"),
        ]))
        .unwrap_err();
        assert_eq!(error.key, "OIDC_ISSUER_URL");
        let settings = Settings::from_source(&source(&[
            ("OIDC_ISSUER_URL", "http://127.0.0.1:9000/"),
            ("OIDC_CLIENT_ID", "console"),
            ("OIDC_RESOURCE", "complaints"),
        ]))
        .unwrap();
        match settings.sign_in {
            SignIn::Oidc(oidc) => assert_eq!(oidc.issuer, "http://127.0.0.1:9000"),
            SignIn::Development(_) => panic!("OIDC expected"),
        }
    }

    #[test]
    fn defaults_and_the_cookie_is_secure_unless_the_public_url_is_loopback() {
        let settings = Settings::from_source(&source(&[("AUTH_DEV_SECRET", SECRET)])).unwrap();
        assert_eq!(settings.addr.to_string(), "127.0.0.1:8080");
        assert_eq!(settings.session.idle, Duration::from_secs(30 * 60));
        assert_eq!(settings.session.absolute, Duration::from_secs(8 * 3600));
        assert!(!settings.public_url.secure_cookies());
        assert_eq!(settings.services.complaints, "http://127.0.0.1:50052");
        let settings = Settings::from_source(&source(&[
            ("AUTH_DEV_SECRET", SECRET),
            ("CONSOLE_PUBLIC_URL", "https://console.example.org/"),
        ]))
        .unwrap();
        assert!(settings.public_url.secure_cookies());
        assert_eq!(settings.public_url.as_str(), "https://console.example.org");
        let error = Settings::from_source(&source(&[
            ("AUTH_DEV_SECRET", SECRET),
            ("CONSOLE_PUBLIC_URL", "http://console.example.org"),
        ]))
        .unwrap_err();
        assert_eq!(error.key, "CONSOLE_PUBLIC_URL");
    }

    #[test]
    fn the_staff_directory_is_read_as_the_notifications_service_reads_it() {
        let settings = Settings::from_source(&source(&[
            ("AUTH_DEV_SECRET", SECRET),
            (
                "STAFF_DIRECTORY",
                r#"{"staff": {"handler-1": {"name": "Hannah Hughes", "email": "h@example.org", "job_title": "Complaints handler"}}}"#,
            ),
        ]))
        .unwrap();
        let hannah = settings.staff.get("handler-1").unwrap();
        assert_eq!(hannah.name, "Hannah Hughes");
        let error = Settings::from_source(&source(&[
            ("AUTH_DEV_SECRET", SECRET),
            ("STAFF_DIRECTORY", "handler-1|Hannah Hughes"),
        ]))
        .unwrap_err();
        assert_eq!(error.key, "STAFF_DIRECTORY");
        let settings = Settings::from_source(&source(&[("AUTH_DEV_SECRET", SECRET)])).unwrap();
        assert!(settings.staff.is_empty(), "none by default");
    }

    #[test]
    fn session_lengths_of_zero_are_refused() {
        let error = Settings::from_source(&source(&[
            ("AUTH_DEV_SECRET", SECRET),
            ("SESSION_IDLE_MINUTES", "0"),
        ]))
        .unwrap_err();
        assert_eq!(error.key, "SESSION_IDLE_MINUTES");
    }

    #[test]
    fn the_published_keys_are_exactly_the_keys_the_loader_reads() {
        let s = source(&[("AUTH_DEV_SECRET", SECRET)]);
        Settings::from_source(&s).unwrap();
        let mut published: Vec<String> = Settings::KEYS
            .iter()
            .filter(|k| **k != "CONFIG_FILE")
            .map(|k| (*k).to_owned())
            .collect();
        published.sort_unstable();
        assert_eq!(s.keys_asked(), published);
    }
}
