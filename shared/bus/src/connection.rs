//! The connection to NATS and the JetStream stream all services share.

use crate::Error;
use async_nats::jetstream::{self, stream};
use std::time::Duration;

/// Names the subjects and the stream of one deployment (or one test), e.g.
/// `complaints`: events go to `complaints.events.<source>.<event type>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Namespace(String);

impl Namespace {
    /// Lower-case letters, digits and `_`, starting with a letter, at most 64.
    pub fn parse(name: &str) -> Result<Self, Error> {
        let mut chars = name.chars();
        let valid = name.len() <= 64
            && chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(Error::InvalidSetting(format!(
                "BUS_NAMESPACE {name:?} must start with a-z and hold only a-z, 0-9 and _, at most 64 characters"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a service proves itself to NATS, so that only the platform's
/// services publish and consume its events. Kept out of the URL, which is
/// logged.
#[derive(Clone, Default)]
pub enum BusAuth {
    /// The server accepts anyone who can reach it (a private network, or
    /// a developer's machine).
    #[default]
    None,
    /// `NATS_USER` and `NATS_PASSWORD`.
    UserPassword { user: String, password: String },
    /// `NATS_TOKEN`.
    Token(String),
    /// `NATS_CREDENTIALS_FILE`: a decentralised-auth `.creds` file (a user
    /// JWT and its NKey seed).
    CredentialsFile(std::path::PathBuf),
}

impl std::fmt::Debug for BusAuth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::None => f.write_str("None"),
            Self::UserPassword { user, .. } => write!(f, "UserPassword({user}, <redacted>)"),
            Self::Token(_) => f.write_str("Token(<redacted>)"),
            Self::CredentialsFile(path) => write!(f, "CredentialsFile({})", path.display()),
        }
    }
}

/// Where and how to reach the bus.
#[derive(Debug, Clone)]
pub struct BusSettings {
    /// e.g. `nats://127.0.0.1:4222`, never with credentials in it.
    pub url: String,
    /// How the service authenticates to NATS.
    pub auth: BusAuth,
    /// `NATS_CA_FILE`: PEM certificates of a private CA that signed the
    /// server's certificate (with a `tls://` URL); `None` trusts the
    /// system's roots only.
    pub ca_file: Option<std::path::PathBuf>,
    pub namespace: Namespace,
    /// How long JetStream remembers message ids to drop duplicates.
    pub duplicate_window: Duration,
}

/// A connection to NATS with the namespace's stream in place.
#[derive(Debug, Clone)]
pub struct Bus {
    pub(crate) client: async_nats::Client,
    pub(crate) jetstream: jetstream::Context,
    pub(crate) namespace: Namespace,
}

impl Bus {
    /// Connects and creates the namespace's stream if it is missing.
    pub async fn connect(settings: &BusSettings) -> Result<Self, Error> {
        // The connection is made in the background and retried; a refusal
        // of the credentials is kept to explain a failure.
        let refused: std::sync::Arc<std::sync::Mutex<Option<String>>> = Default::default();
        let seen = refused.clone();
        let options = async_nats::ConnectOptions::new()
            .retry_on_initial_connect()
            .connection_timeout(Duration::from_secs(5))
            .event_callback(move |event| {
                let seen = seen.clone();
                async move {
                    let reason = match &event {
                        async_nats::Event::ServerError(e) => Some(e.to_string()),
                        async_nats::Event::ClientError(e) => Some(e.to_string()),
                        _ => None,
                    };
                    // Only a refusal of the credentials explains a failure;
                    // a transient connection error is retried away.
                    if let Some(reason) = reason.filter(|r| r.contains("authoriz")) {
                        *seen.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
                    }
                }
            });
        let options = match &settings.auth {
            BusAuth::None => options,
            BusAuth::UserPassword { user, password } => {
                options.user_and_password(user.clone(), password.clone())
            }
            BusAuth::Token(token) => options.token(token.clone()),
            BusAuth::CredentialsFile(path) => options
                .credentials_file(path)
                .await
                .map_err(|e| Error::nats(format!("reading {}", path.display()), e))?,
        };
        // A build of the whole workspace can compile in both of rustls's
        // crypto providers (a test dependency brings aws-lc-rs), and then
        // rustls will not choose: a `tls://` connection uses ring, as the
        // rest of the tree does. Installing again is refused, harmlessly.
        let _ = async_nats::rustls::crypto::ring::default_provider().install_default();
        let options = match &settings.ca_file {
            Some(path) => options.add_root_certificates(path.clone()),
            None => options,
        };
        let client = options
            .connect(settings.url.as_str())
            .await
            .map_err(|e| Error::nats(format!("connecting to NATS at {}", settings.url), e))?;
        let jetstream = jetstream::new(client.clone());
        let bus = Self {
            client,
            jetstream,
            namespace: settings.namespace.clone(),
        };
        if let Err(e) = bus.ensure_stream(settings.duplicate_window).await {
            let refused = refused.lock().unwrap_or_else(|p| p.into_inner()).take();
            return Err(match refused {
                Some(reason) => Error::nats(
                    format!(
                        "NATS at {} refused the connection (check NATS_USER and NATS_PASSWORD, \
                         NATS_TOKEN or NATS_CREDENTIALS_FILE)",
                        settings.url
                    ),
                    reason,
                ),
                // A handshake refused over TLS looks like any failure to
                // connect, retried until the stream cannot be made.
                None if settings.url.starts_with("tls://") || settings.ca_file.is_some() => {
                    Error::nats(
                        format!(
                            "no TLS connection to NATS at {} (check NATS_URL and NATS_CA_FILE: \
                             the server's certificate must be signed by a CA in it)",
                            settings.url
                        ),
                        e,
                    )
                }
                None => e,
            });
        }
        Ok(bus)
    }

    async fn ensure_stream(&self, duplicate_window: Duration) -> Result<(), Error> {
        self.jetstream
            .get_or_create_stream(stream::Config {
                name: self.stream_name(),
                subjects: vec![format!("{}.events.>", self.namespace.as_str())],
                duplicate_window,
                storage: stream::StorageType::File,
                ..Default::default()
            })
            .await
            .map_err(|e| Error::nats(format!("creating stream {}", self.stream_name()), e))?;
        self.jetstream
            .get_or_create_stream(stream::Config {
                name: self.dead_letter_stream_name(),
                subjects: vec![format!("{}.dead_letter.>", self.namespace.as_str())],
                storage: stream::StorageType::File,
                ..Default::default()
            })
            .await
            .map_err(|e| {
                Error::nats(
                    format!("creating stream {}", self.dead_letter_stream_name()),
                    e,
                )
            })?;
        Ok(())
    }

    /// The JetStream stream keeping messages no consumer could apply.
    pub fn dead_letter_stream_name(&self) -> String {
        format!("{}_dead_letters", self.namespace.as_str())
    }

    /// The JetStream stream holding every event of the namespace.
    pub fn stream_name(&self) -> String {
        format!("{}_events", self.namespace.as_str())
    }

    /// The subject of an event type published by `source`.
    pub fn subject(&self, source: &str, event_type: &str) -> String {
        format!("{}.events.{source}.{event_type}", self.namespace.as_str())
    }

    /// Every event `source` publishes.
    pub fn all_from(&self, source: &str) -> String {
        format!("{}.events.{source}.>", self.namespace.as_str())
    }

    /// Where a consumer puts messages it could not handle.
    pub fn dead_letter_subject(&self, consumer: &str) -> String {
        format!("{}.dead_letter.{consumer}", self.namespace.as_str())
    }

    /// The core NATS client, e.g. to watch dead letters.
    pub fn client(&self) -> &async_nats::Client {
        &self.client
    }

    /// The JetStream context.
    pub fn jetstream(&self) -> &jetstream::Context {
        &self.jetstream
    }

    /// Whether the connection to NATS is up, for health checks.
    pub fn is_connected(&self) -> bool {
        self.client.connection_state() == async_nats::connection::State::Connected
    }
}
