//! Typed settings, read once at start from the environment and optionally
//! from a file of `KEY=VALUE` lines named by `CONFIG_FILE` (the environment
//! wins). Every setting is documented in the README with its default.

use bus::{BusSettings, Namespace};
use eventlog::{DatabaseSettings, SchemaName};
use std::collections::{BTreeSet, HashMap};
use std::fmt::Display;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use telemetry::{LogFormat, TelemetrySettings};

/// A setting that is missing or unusable; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("setting {key}: {reason}")]
pub struct SettingsError {
    pub key: String,
    pub reason: String,
}

/// Where raw settings come from: the file named by `CONFIG_FILE`, if any,
/// overlaid by the environment.
///
/// It notes every key asked of it (clones share the note), so each
/// service's tests can hold its published list of keys to what its loader
/// really reads, and the deployment files can be checked against that list.
#[derive(Debug, Clone, Default)]
pub struct Source {
    values: HashMap<String, String>,
    asked: Arc<Mutex<BTreeSet<String>>>,
}

impl Source {
    /// Reads `CONFIG_FILE` (if set) and the process environment.
    pub fn from_env() -> Result<Self, SettingsError> {
        let env: HashMap<String, String> = std::env::vars().collect();
        Self::from_map(env)
    }

    /// As [`Source::from_env`], from explicit values (used by tests).
    pub fn from_map(env: HashMap<String, String>) -> Result<Self, SettingsError> {
        let mut values = HashMap::new();
        if let Some(path) = env.get("CONFIG_FILE").filter(|p| !p.is_empty()) {
            let text = std::fs::read_to_string(path).map_err(|e| SettingsError {
                key: "CONFIG_FILE".into(),
                reason: format!("cannot read {path}: {e}"),
            })?;
            values.extend(parse_file(path, &text)?);
        }
        values.extend(env);
        Ok(Self {
            values,
            asked: Arc::default(),
        })
    }

    /// Every key asked of this source (or a clone of it) so far, sorted.
    pub fn keys_asked(&self) -> Vec<String> {
        self.asked
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// The raw value of `key`, if set and not empty.
    pub fn raw(&self, key: &str) -> Option<&str> {
        self.asked
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(key.to_owned());
        self.values
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// `key` parsed as `T`, or `default` when unset.
    pub fn get<T>(&self, key: &str, default: T) -> Result<T, SettingsError>
    where
        T: FromStr,
        T::Err: Display,
    {
        match self.raw(key) {
            None => Ok(default),
            Some(raw) => raw.parse().map_err(|e: T::Err| SettingsError {
                key: key.into(),
                reason: format!("{raw:?} is not valid: {e}"),
            }),
        }
    }

    /// `key` as a string, or `default` when unset.
    pub fn string(&self, key: &str, default: &str) -> String {
        self.raw(key).unwrap_or(default).to_owned()
    }

    /// `key` as a whole number of units turned into a duration, at least 1.
    pub fn duration(
        &self,
        key: &str,
        default: u64,
        unit: fn(u64) -> Duration,
    ) -> Result<Duration, SettingsError> {
        let n: u64 = self.get(key, default)?;
        if n == 0 {
            return Err(SettingsError {
                key: key.into(),
                reason: "must be at least 1".into(),
            });
        }
        Ok(unit(n))
    }
}

fn parse_file(path: &str, text: &str) -> Result<HashMap<String, String>, SettingsError> {
    let mut values = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').ok_or_else(|| SettingsError {
            key: "CONFIG_FILE".into(),
            reason: format!("{path} line {}: expected KEY=VALUE", n + 1),
        })?;
        values.insert(
            key.trim().to_owned(),
            value.trim().trim_matches('"').to_owned(),
        );
    }
    Ok(values)
}

/// Everything a service needs to start, checked.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The service's name: its default schema, its bus source and its
    /// `service.name` in traces.
    pub service: String,
    pub grpc: GrpcSettings,
    /// Where Prometheus metrics are served (`METRICS_ADDR`).
    pub metrics_addr: SocketAddr,
    pub database: DatabaseSettings,
    pub bus: BusSettings,
    pub relay: bus::RelaySettings,
    pub telemetry: TelemetrySettings,
    /// How long in-flight work may take to finish after SIGTERM.
    pub shutdown_grace: Duration,
    /// How bearer tokens are checked (R-CONF-1).
    pub auth: crate::auth::AuthSettings,
    /// The retention policies and how often the retention job runs
    /// (R-CONF-2).
    pub retention: crate::retention::RetentionSettings,
    /// The raw source, for the service's own settings.
    pub source: Source,
    /// Faults a test injects into the service's background loops. Never
    /// read from the environment or a file: nothing is armed unless code
    /// in this process holding this handle arms it.
    pub faults: crate::Faults,
}

/// How the gRPC server listens and what it accepts.
#[derive(Debug, Clone)]
pub struct GrpcSettings {
    pub addr: SocketAddr,
    pub request_timeout: Duration,
    pub concurrency_per_connection: usize,
    /// TLS on the service's own port, for deployments where no mesh
    /// provides it; `None` serves plaintext (behind a mesh, or locally).
    pub tls: Option<GrpcTls>,
}

/// `GRPC_TLS_CERT_FILE` (the certificate chain, PEM) and
/// `GRPC_TLS_KEY_FILE` (its private key, PEM): both or neither. Read and
/// checked when the settings load, so a missing file, a key that does not
/// parse or one of the pair alone stops the service before it serves,
/// naming the setting, never later at the first connection. Served with
/// rustls on `ring` (tonic's `tls-ring`; no OpenSSL, no aws-lc). The key's
/// bytes are never printed (`Debug` shows the file names only).
#[derive(Clone)]
pub struct GrpcTls {
    pub cert_file: std::path::PathBuf,
    pub key_file: std::path::PathBuf,
    config: tonic::transport::ServerTlsConfig,
}

impl std::fmt::Debug for GrpcTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcTls")
            .field("cert_file", &self.cert_file)
            .field("key_file", &self.key_file)
            .finish_non_exhaustive()
    }
}

impl GrpcTls {
    /// The server's TLS configuration.
    pub fn config(&self) -> tonic::transport::ServerTlsConfig {
        self.config.clone()
    }

    fn from_source(s: &Source) -> Result<Option<Self>, SettingsError> {
        let error = |key: &str, reason: String| SettingsError {
            key: key.into(),
            reason,
        };
        let cert = s.raw("GRPC_TLS_CERT_FILE").filter(|v| !v.is_empty());
        let key = s.raw("GRPC_TLS_KEY_FILE").filter(|v| !v.is_empty());
        let (cert_file, key_file) = match (cert, key) {
            (None, None) => return Ok(None),
            (Some(_), None) => {
                return Err(error(
                    "GRPC_TLS_KEY_FILE",
                    "is required with GRPC_TLS_CERT_FILE (set both or neither)".into(),
                ));
            }
            (None, Some(_)) => {
                return Err(error(
                    "GRPC_TLS_CERT_FILE",
                    "is required with GRPC_TLS_KEY_FILE (set both or neither)".into(),
                ));
            }
            (Some(cert), Some(key)) => (
                std::path::PathBuf::from(cert),
                std::path::PathBuf::from(key),
            ),
        };
        let read = |setting: &str, path: &std::path::Path| {
            std::fs::read(path).map_err(|e| error(setting, format!("cannot be read: {e}")))
        };
        let cert_pem = read("GRPC_TLS_CERT_FILE", &cert_file)?;
        let key_pem = read("GRPC_TLS_KEY_FILE", &key_file)?;
        if !String::from_utf8_lossy(&cert_pem).contains("-----BEGIN CERTIFICATE-----") {
            return Err(error(
                "GRPC_TLS_CERT_FILE",
                "holds no PEM certificate".into(),
            ));
        }
        if !String::from_utf8_lossy(&key_pem).contains("PRIVATE KEY-----") {
            return Err(error(
                "GRPC_TLS_KEY_FILE",
                "holds no PEM private key".into(),
            ));
        }
        // rustls picks its crypto from the process default when more than
        // one provider is compiled in (a workspace build also carries
        // aws-lc through a test dependency): name ring, once, before any
        // TLS configuration is built. Installed already is fine.
        let _ = tokio_rustls::rustls::crypto::ring::default_provider().install_default();
        let identity = tonic::transport::Identity::from_pem(cert_pem, key_pem);
        let config = tonic::transport::ServerTlsConfig::new().identity(identity);
        // Building the acceptor parses both and checks the key is usable
        // with rustls: done here, so a bad pair is refused at start.
        tonic::transport::Server::builder()
            .tls_config(config.clone())
            .map_err(|e| {
                error(
                    "GRPC_TLS_KEY_FILE",
                    format!("with GRPC_TLS_CERT_FILE is not a usable TLS identity: {e}"),
                )
            })?;
        Ok(Some(Self {
            cert_file,
            key_file,
            config,
        }))
    }
}

impl Settings {
    /// Every key [`Settings::from_source`] reads (with `CONFIG_FILE`, read
    /// by [`Source`]): what deployment files may set for any service.
    pub const KEYS: &[&str] = &[
        "CONFIG_FILE",
        "GRPC_ADDR",
        "GRPC_REQUEST_TIMEOUT_SECONDS",
        "GRPC_CONCURRENCY_PER_CONNECTION",
        "GRPC_TLS_CERT_FILE",
        "GRPC_TLS_KEY_FILE",
        "METRICS_ADDR",
        "DATABASE_URL",
        "DATABASE_SCHEMA",
        "DATABASE_MAX_CONNECTIONS",
        "DATABASE_ACQUIRE_TIMEOUT_SECONDS",
        "DATABASE_IDLE_TIMEOUT_SECONDS",
        "NATS_URL",
        "NATS_USER",
        "NATS_PASSWORD",
        "NATS_TOKEN",
        "NATS_CREDENTIALS_FILE",
        "NATS_CA_FILE",
        "BUS_NAMESPACE",
        "BUS_DUPLICATE_WINDOW_SECONDS",
        "RELAY_BATCH_SIZE",
        "RELAY_POLL_INTERVAL_MS",
        "RELAY_RETRY_BACKOFF_MS",
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        "LOG_FORMAT",
        "LOG_FILTER",
        "SHUTDOWN_GRACE_SECONDS",
        "AUTH_ISSUER",
        "AUTH_AUDIENCE",
        "AUTH_JWKS_FILE",
        "AUTH_JWKS_URL",
        "AUTH_JWKS_REFRESH_SECONDS",
        "AUTH_DEV_SECRET",
        "AUTH_LEEWAY_SECONDS",
        "RETENTION_CLOSED_COMPLAINTS",
        "RETENTION_COMPLIMENTS",
        "RETENTION_REDIRECTED_OR_DECLINED",
        "RETENTION_JOB_INTERVAL",
    ];

    /// Reads the settings of `service` from the environment (and `CONFIG_FILE`).
    pub fn load(service: &str, default_port: u16) -> Result<Self, SettingsError> {
        Self::from_source(service, default_port, Source::from_env()?)
    }

    /// Reads the settings of `service` from `source`.
    pub fn from_source(
        service: &str,
        default_port: u16,
        source: Source,
    ) -> Result<Self, SettingsError> {
        let s = &source;
        let invalid = |key: &str| {
            let key = key.to_owned();
            move |e: String| SettingsError {
                key: key.clone(),
                reason: e,
            }
        };
        let database_url = s.string(
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1:5432/complaints",
        );
        if !(database_url.starts_with("postgres://") || database_url.starts_with("postgresql://")) {
            return Err(SettingsError {
                key: "DATABASE_URL".into(),
                reason: "must be a postgres:// or postgresql:// URL".into(),
            });
        }
        let nats_url = s.string("NATS_URL", "nats://127.0.0.1:4222");
        if !(nats_url.starts_with("nats://") || nats_url.starts_with("tls://")) {
            return Err(SettingsError {
                key: "NATS_URL".into(),
                reason: "must be a nats:// or tls:// URL".into(),
            });
        }
        if nats_url.contains('@') {
            return Err(SettingsError {
                key: "NATS_URL".into(),
                reason: "must not hold credentials, which would be logged with it: \
                         use NATS_USER and NATS_PASSWORD, NATS_TOKEN or NATS_CREDENTIALS_FILE"
                    .into(),
            });
        }
        let schema = SchemaName::parse(&s.string("DATABASE_SCHEMA", service))
            .map_err(|e| invalid("DATABASE_SCHEMA")(e.to_string()))?;
        let namespace = Namespace::parse(&s.string("BUS_NAMESPACE", "complaints"))
            .map_err(|e| invalid("BUS_NAMESPACE")(e.to_string()))?;
        let log_format: LogFormat = s.get("LOG_FORMAT", LogFormat::Json)?;
        Ok(Self {
            service: service.to_owned(),
            grpc: GrpcSettings {
                addr: s.get(
                    "GRPC_ADDR",
                    SocketAddr::from(([127, 0, 0, 1], default_port)),
                )?,
                request_timeout: s.duration(
                    "GRPC_REQUEST_TIMEOUT_SECONDS",
                    30,
                    Duration::from_secs,
                )?,
                concurrency_per_connection: s.get("GRPC_CONCURRENCY_PER_CONNECTION", 256)?,
                tls: GrpcTls::from_source(s)?,
            },
            metrics_addr: s.get(
                "METRICS_ADDR",
                SocketAddr::from(([127, 0, 0, 1], metrics_port(default_port))),
            )?,
            database: DatabaseSettings {
                url: database_url,
                schema,
                max_connections: s.get("DATABASE_MAX_CONNECTIONS", 10)?,
                acquire_timeout: s.duration(
                    "DATABASE_ACQUIRE_TIMEOUT_SECONDS",
                    10,
                    Duration::from_secs,
                )?,
                idle_timeout: Some(s.duration(
                    "DATABASE_IDLE_TIMEOUT_SECONDS",
                    60,
                    Duration::from_secs,
                )?),
            },
            bus: BusSettings {
                url: nats_url,
                auth: bus_auth(s)?,
                ca_file: nats_ca_file(s)?,
                namespace,
                duplicate_window: s.duration(
                    "BUS_DUPLICATE_WINDOW_SECONDS",
                    120,
                    Duration::from_secs,
                )?,
            },
            relay: bus::RelaySettings {
                batch_size: s.get("RELAY_BATCH_SIZE", 500)?,
                poll_interval: s.duration("RELAY_POLL_INTERVAL_MS", 20, Duration::from_millis)?,
                retry_backoff: s.duration("RELAY_RETRY_BACKOFF_MS", 500, Duration::from_millis)?,
            },
            telemetry: TelemetrySettings {
                service_name: service.to_owned(),
                otlp_endpoint: s.raw("OTEL_EXPORTER_OTLP_ENDPOINT").map(str::to_owned),
                log_format,
                log_filter: s.string("LOG_FILTER", "info"),
            },
            shutdown_grace: s.duration("SHUTDOWN_GRACE_SECONDS", 10, Duration::from_secs)?,
            auth: auth_settings(s)?,
            retention: crate::retention::RetentionSettings::from_source(s)?,
            source,
            faults: crate::Faults::default(),
        })
    }
}

/// The metrics port of a service whose gRPC port is `grpc_port` by
/// default: 50051 to 50054 serve metrics on 9091 to 9094; port 0 (tests)
/// picks a free one.
pub fn metrics_port(grpc_port: u16) -> u16 {
    grpc_port.saturating_sub(50051 - 9091)
}

/// `NATS_*` credentials: at most one way, a user with a password, a
/// token or a credentials file (R-CONF-1: services authenticate to each
/// other's channel too).
fn bus_auth(s: &Source) -> Result<bus::BusAuth, SettingsError> {
    let error = |key: &str, reason: &str| SettingsError {
        key: key.into(),
        reason: reason.into(),
    };
    let user = s.raw("NATS_USER");
    let password = s.raw("NATS_PASSWORD");
    let token = s.raw("NATS_TOKEN");
    let file = s.raw("NATS_CREDENTIALS_FILE");
    let ways = [
        user.is_some() || password.is_some(),
        token.is_some(),
        file.is_some(),
    ];
    if ways.iter().filter(|w| **w).count() > 1 {
        return Err(error(
            "NATS_TOKEN",
            "set only one of NATS_USER with NATS_PASSWORD, NATS_TOKEN or NATS_CREDENTIALS_FILE",
        ));
    }
    Ok(match (user, password, token, file) {
        (Some(user), Some(password), _, _) if !user.is_empty() && !password.is_empty() => {
            bus::BusAuth::UserPassword {
                user: user.to_owned(),
                password: password.to_owned(),
            }
        }
        (Some(_), _, _, _) => return Err(error("NATS_PASSWORD", "required with NATS_USER")),
        (None, Some(_), _, _) => return Err(error("NATS_PASSWORD", "needs NATS_USER too")),
        (None, None, Some(""), _) => return Err(error("NATS_TOKEN", "must not be empty")),
        (None, None, Some(token), _) => bus::BusAuth::Token(token.to_owned()),
        (None, None, None, Some(path)) => {
            let path = std::path::PathBuf::from(path);
            if !path.is_file() {
                return Err(error("NATS_CREDENTIALS_FILE", "is not a readable file"));
            }
            bus::BusAuth::CredentialsFile(path)
        }
        (None, None, None, None) => bus::BusAuth::None,
    })
}

/// `NATS_CA_FILE`: the private CA a `tls://` NATS server's certificate is
/// signed by.
fn nats_ca_file(s: &Source) -> Result<Option<std::path::PathBuf>, SettingsError> {
    match s.raw("NATS_CA_FILE") {
        None => Ok(None),
        Some(path) if std::path::Path::new(path).is_file() => Ok(Some(path.into())),
        Some(_) => Err(SettingsError {
            key: "NATS_CA_FILE".into(),
            reason: "is not a readable file".into(),
        }),
    }
}

/// The shortest development secret accepted: HS256 with less is guessable.
const DEV_SECRET_MIN_LEN: usize = 32;

/// `AUTH_*`: exactly one of a JWKS file (production) or a development
/// secret, plus the issuer and audience every token must name.
fn auth_settings(s: &Source) -> Result<crate::auth::AuthSettings, SettingsError> {
    use crate::auth::{AuthSettings, Keys};
    let error = |key: &str, reason: String| SettingsError {
        key: key.into(),
        reason,
    };
    let given: Vec<&str> = ["AUTH_JWKS_FILE", "AUTH_JWKS_URL", "AUTH_DEV_SECRET"]
        .into_iter()
        .filter(|key| s.raw(key).is_some())
        .collect();
    if given.len() > 1 {
        return Err(error(
            given[1],
            format!(
                "set only one of AUTH_JWKS_FILE, AUTH_JWKS_URL or AUTH_DEV_SECRET, not {}",
                given.join(" and ")
            ),
        ));
    }
    // Read whichever keys are used, so a typo is caught before it matters.
    let refresh: u64 = s.get("AUTH_JWKS_REFRESH_SECONDS", 300)?;
    if refresh == 0 {
        return Err(error(
            "AUTH_JWKS_REFRESH_SECONDS",
            "must be at least 1".into(),
        ));
    }
    let keys = match (
        s.raw("AUTH_JWKS_FILE"),
        s.raw("AUTH_DEV_SECRET"),
        s.raw("AUTH_JWKS_URL"),
    ) {
        (None, None, Some(url)) => {
            let url = crate::auth::JwksUrl::parse(url)
                .map_err(|reason| error("AUTH_JWKS_URL", reason))?;
            Keys::Remote(crate::auth::RemoteKeys::new(
                url,
                std::time::Duration::from_secs(refresh),
            ))
        }
        (None, None, None) => {
            return Err(error(
                "AUTH_JWKS_FILE",
                "every call needs a verified token: set AUTH_JWKS_FILE or AUTH_JWKS_URL \
                 (production) or AUTH_DEV_SECRET (development only)"
                    .into(),
            ));
        }
        (Some(path), _, _) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| error("AUTH_JWKS_FILE", format!("{path}: {e}")))?;
            let set: jsonwebtoken::jwk::JwkSet = serde_json::from_str(&text)
                .map_err(|e| error("AUTH_JWKS_FILE", format!("{path}: not a JWKS: {e}")))?;
            if set.keys.is_empty() {
                return Err(error("AUTH_JWKS_FILE", format!("{path}: holds no keys")));
            }
            Keys::Jwks(set)
        }
        (None, Some(secret), _) => {
            if secret.len() < DEV_SECRET_MIN_LEN {
                return Err(error(
                    "AUTH_DEV_SECRET",
                    format!("must be at least {DEV_SECRET_MIN_LEN} characters"),
                ));
            }
            Keys::DevSecret(secret.to_owned())
        }
    };
    Ok(AuthSettings {
        issuer: s.string("AUTH_ISSUER", "complaints-dev"),
        audience: s.string("AUTH_AUDIENCE", "complaints"),
        keys,
        leeway_seconds: s.get("AUTH_LEEWAY_SECONDS", 30)?,
    })
}

impl Source {
    /// The keys [`Source::calendar`] reads: services keeping working days
    /// list them among their own.
    pub const CALENDAR_KEYS: &[&str] = &["BANK_HOLIDAYS_FILE", "OFFICE_CLOSURES_FILE"];

    /// The working-day calendar: the built-in England and Wales bank
    /// holidays (or `BANK_HOLIDAYS_FILE`) plus `OFFICE_CLOSURES_FILE`.
    pub fn calendar(&self) -> Result<calendar::Calendar, SettingsError> {
        let read = |key: &str| -> Result<Option<String>, SettingsError> {
            self.raw(key)
                .map(|path| {
                    std::fs::read_to_string(path).map_err(|e| SettingsError {
                        key: key.into(),
                        reason: format!("cannot read {path}: {e}"),
                    })
                })
                .transpose()
        };
        let holidays = read("BANK_HOLIDAYS_FILE")?;
        let closures = read("OFFICE_CLOSURES_FILE")?;
        let holidays = holidays
            .as_deref()
            .unwrap_or(calendar::ENGLAND_AND_WALES_BANK_HOLIDAYS);
        calendar::Calendar::parse(holidays, closures.as_deref().unwrap_or("")).map_err(|e| {
            SettingsError {
                key: "BANK_HOLIDAYS_FILE or OFFICE_CLOSURES_FILE".into(),
                reason: e.to_string(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(pairs: &[(&str, &str)]) -> Source {
        Source::from_map(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
        .unwrap()
    }

    const SECRET: (&str, &str) = ("AUTH_DEV_SECRET", "a-development-secret-of-32-chars!");

    #[test]
    fn defaults_give_a_working_local_set_up() {
        let settings = Settings::from_source("intake", 50051, source(&[SECRET])).unwrap();
        assert_eq!(settings.grpc.addr.to_string(), "127.0.0.1:50051");
        assert_eq!(settings.metrics_addr.to_string(), "127.0.0.1:9091");
        assert_eq!(metrics_port(50054), 9094);
        assert_eq!(metrics_port(0), 0, "tests' port 0 picks a free one");
        assert_eq!(settings.database.schema.as_str(), "intake");
        assert_eq!(settings.bus.namespace.as_str(), "complaints");
        assert!(
            settings.telemetry.otlp_endpoint.is_none(),
            "export is off when no endpoint is set"
        );
    }

    #[test]
    fn the_published_keys_are_exactly_the_keys_the_loader_reads() {
        let sorted = |keys: &[&str]| {
            let mut keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            keys.sort();
            keys
        };
        let platform = source(&[SECRET]);
        Settings::from_source("intake", 50051, platform.clone()).unwrap();
        // CONFIG_FILE is read while the source is built, before any asking.
        let mut asked = platform.keys_asked();
        asked.push("CONFIG_FILE".into());
        asked.sort();
        assert_eq!(asked, sorted(Settings::KEYS));

        let days = source(&[]);
        days.calendar().unwrap();
        assert_eq!(days.keys_asked(), sorted(Source::CALENDAR_KEYS));
    }

    #[test]
    fn a_bad_value_is_refused_with_the_name_of_its_variable() {
        for (key, value) in [
            ("GRPC_ADDR", "not-an-address"),
            ("METRICS_ADDR", "9091"),
            ("DATABASE_URL", "mysql://x"),
            ("DATABASE_SCHEMA", "Robert'); DROP"),
            ("BUS_NAMESPACE", "has.dots"),
            ("NATS_URL", "nats://svc:secret@127.0.0.1:4222"),
            ("NATS_PASSWORD", "without-a-user"),
            ("NATS_CREDENTIALS_FILE", "/nonexistent/service.creds"),
            ("NATS_CA_FILE", "/nonexistent/nats-ca.pem"),
            ("LOG_FORMAT", "xml"),
            ("SHUTDOWN_GRACE_SECONDS", "0"),
            ("DATABASE_MAX_CONNECTIONS", "-1"),
        ] {
            let error = Settings::from_source("intake", 50051, source(&[SECRET, (key, value)]))
                .unwrap_err();
            assert_eq!(error.key, key);
            assert!(
                error.to_string().starts_with(&format!("setting {key}:")),
                "{error}"
            );
        }
    }

    /// `GRPC_TLS_CERT_FILE` and `GRPC_TLS_KEY_FILE` go together, and a
    /// pair that cannot be read or used stops the service at start, naming
    /// the setting (a usable pair is served: `tests/e2e/tls.rs`).
    #[test]
    fn grpc_tls_takes_both_files_or_neither_and_refuses_an_unusable_pair_at_start() {
        let dir = std::env::temp_dir().join(format!("grpc-tls-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (cert, key, junk) = (dir.join("cert.pem"), dir.join("key.pem"), dir.join("junk"));
        std::fs::write(
            &cert,
            "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        std::fs::write(
            &key,
            "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n",
        )
        .unwrap();
        std::fs::write(&junk, "just words\n").unwrap();
        let (cert, key, junk) = (
            cert.to_str().unwrap(),
            key.to_str().unwrap(),
            junk.to_str().unwrap(),
        );
        let refused = |pairs: &[(&str, &str)]| {
            let mut all = vec![SECRET];
            all.extend_from_slice(pairs);
            Settings::from_source("intake", 50051, source(&all)).unwrap_err()
        };
        let plain = Settings::from_source("intake", 50051, source(&[SECRET])).unwrap();
        assert!(plain.grpc.tls.is_none(), "neither: plaintext");
        assert_eq!(
            refused(&[("GRPC_TLS_CERT_FILE", cert)]).key,
            "GRPC_TLS_KEY_FILE"
        );
        assert_eq!(
            refused(&[("GRPC_TLS_KEY_FILE", key)]).key,
            "GRPC_TLS_CERT_FILE"
        );
        let missing = refused(&[
            ("GRPC_TLS_CERT_FILE", "/nonexistent/cert.pem"),
            ("GRPC_TLS_KEY_FILE", key),
        ]);
        assert_eq!(missing.key, "GRPC_TLS_CERT_FILE");
        assert_eq!(
            refused(&[("GRPC_TLS_CERT_FILE", junk), ("GRPC_TLS_KEY_FILE", key)]).key,
            "GRPC_TLS_CERT_FILE"
        );
        assert_eq!(
            refused(&[("GRPC_TLS_CERT_FILE", cert), ("GRPC_TLS_KEY_FILE", junk)]).key,
            "GRPC_TLS_KEY_FILE"
        );
        // PEM framing around bytes that are no key: refused at start, not
        // at the first connection.
        let unusable = refused(&[("GRPC_TLS_CERT_FILE", cert), ("GRPC_TLS_KEY_FILE", key)]);
        assert_eq!(unusable.key, "GRPC_TLS_KEY_FILE");
        assert!(
            unusable.reason.contains("not a usable TLS identity"),
            "{unusable}"
        );
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn r_conf_1_a_service_does_not_start_without_a_way_to_verify_tokens() {
        let missing = Settings::from_source("intake", 50051, source(&[])).unwrap_err();
        assert_eq!(missing.key, "AUTH_JWKS_FILE");
        let short = Settings::from_source("intake", 50051, source(&[("AUTH_DEV_SECRET", "short")]))
            .unwrap_err();
        assert_eq!(short.key, "AUTH_DEV_SECRET");
        let both = Settings::from_source(
            "intake",
            50051,
            source(&[SECRET, ("AUTH_JWKS_FILE", "/nonexistent")]),
        )
        .unwrap_err();
        assert_eq!(both.key, "AUTH_DEV_SECRET");
        let unreadable = Settings::from_source(
            "intake",
            50051,
            source(&[("AUTH_JWKS_FILE", "/nonexistent/jwks.json")]),
        )
        .unwrap_err();
        assert_eq!(unreadable.key, "AUTH_JWKS_FILE");
        let in_clear = Settings::from_source(
            "intake",
            50051,
            source(&[("AUTH_JWKS_URL", "http://id.example.org/jwks.json")]),
        )
        .unwrap_err();
        assert_eq!(in_clear.key, "AUTH_JWKS_URL");
        let url_and_secret = Settings::from_source(
            "intake",
            50051,
            source(&[
                SECRET,
                ("AUTH_JWKS_URL", "https://id.example.org/jwks.json"),
            ]),
        )
        .unwrap_err();
        assert_eq!(url_and_secret.key, "AUTH_DEV_SECRET");
        let from_url = Settings::from_source(
            "intake",
            50051,
            source(&[("AUTH_JWKS_URL", "https://id.example.org/jwks.json")]),
        )
        .unwrap();
        assert!(matches!(from_url.auth.keys, crate::auth::Keys::Remote(_)));
    }

    #[test]
    fn a_config_file_is_read_and_the_environment_overrides_it() {
        let dir = std::env::temp_dir().join(format!("settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("intake.env");
        std::fs::write(
            &file,
            "# local\nGRPC_ADDR=127.0.0.1:6000\nBUS_NAMESPACE=\"fromfile\"\n",
        )
        .unwrap();
        let settings = Settings::from_source(
            "intake",
            50051,
            source(&[
                ("CONFIG_FILE", file.to_str().unwrap()),
                ("BUS_NAMESPACE", "fromenv"),
                SECRET,
            ]),
        )
        .unwrap();
        assert_eq!(settings.grpc.addr.port(), 6000);
        assert_eq!(settings.bus.namespace.as_str(), "fromenv");
    }

    #[test]
    fn a_malformed_config_file_names_its_line() {
        let dir = std::env::temp_dir().join(format!("settings-bad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("bad.env");
        std::fs::write(&file, "GRPC_ADDR=127.0.0.1:6000\njust words\n").unwrap();
        let error = Source::from_map(
            [(
                "CONFIG_FILE".to_string(),
                file.to_str().unwrap().to_string(),
            )]
            .into(),
        )
        .unwrap_err();
        assert_eq!(error.key, "CONFIG_FILE");
        assert!(error.reason.contains("line 2"), "{error}");
    }
}
