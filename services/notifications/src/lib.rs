//! The correspondence the procedure promises, delivered once and recorded.
//!
//! - [`core`]: the pure core (letters, routing, templates, delivery).
//! - [`consume`]: two durable consumers, of intake's and of the complaints
//!   service's events, keep each party's contact, consent and restriction
//!   state in notifications' own schema and queue the letters each event
//!   calls for ([`store`]: one event-log stream per notification).
//! - [`send`]: the email sender over SMTP with retries and back-off, and
//!   the operators' templates (`TEMPLATES_DIR`); [`smtp`]: each sender
//!   loop's kept-open connection to the mail server.
//! - [`grpc`]: the `complaints.v1.Notifications` API.
#![forbid(unsafe_code)]

pub mod access;
pub mod consume;
pub mod core;
pub mod delivered;
pub mod follow;
pub mod grpc;
pub mod metrics;
pub mod printing;
pub mod reach;
pub mod retention;
pub mod send;
pub mod smtp;
pub mod store;
pub mod subject;

use bus::ConsumerSettings;
use complaints_proto::v1::notifications_server::NotificationsServer;
use platform::{Clock, Error, Runtime, Service, Settings, SettingsError, Source, SystemClock};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// The service's own schema migrations (numbered from 1000).
static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// The notifications service's own settings:
///
/// | setting | default | meaning |
/// |---|---|---|
/// | `SMTP_HOST` / `SMTP_PORT` | `127.0.0.1` / `1025` | the mail server (plain SMTP, no TLS) |
/// | `MAIL_FROM` | `complaints@example.org` | the sender of every email |
/// | `SMTP_TIMEOUT_SECONDS` | `30` | one SMTP exchange |
/// | `SMTP_SENDERS` | `4` | SMTP exchanges at once (each email still goes once) |
/// | `NOTIFY_MAX_ATTEMPTS` | `6` | attempts per email, the first included, before giving up |
/// | `NOTIFY_RETRY_BASE_MS` / `NOTIFY_RETRY_MAX_MS` | `60000` / `900000` | back-off after the first failure, doubling, capped |
/// | `NOTIFY_POLL_INTERVAL_MS` | `250` | sender pause when nothing is due |
/// | `TEMPLATES_DIR` | unset | operators' template folder; a file missing there falls back to the built-in one |
/// | `STAFF_DIRECTORY` | empty | the JSON of `deploy/local/staff-directory.json`, or `id\|Name\|email;...`; a member of staff not listed is named by role in letters, and letters for them go to the directory's unlisted mailbox (logged and counted) |
/// | `NOTIFY_MONITORS` | empty | staff ids told of every missed deadline and every email given up (R-MON-1) |
/// | `STAGE3_RESPONSE_WORKING_DAYS` | `20` | quoted in the Stage 3 acknowledgement; shared with the complaints service (R-S3-5) |
/// | `LETTER_ADDRESS` | `CILEX Customer Service\|Kempston Manor\|Kempston\|Bedford\|MK42 7AB` | our name and address, top right on every printed letter, lines separated by `\|` |
/// | `LINK_SECRET` | unset | signs the follow and consent links in the complainant's letters (at least 32 bytes; the same for complaints, intake and the console); unset, letters carry no link |
/// | `PUBLIC_BASE_URL` | `http://127.0.0.1:8081` | where the public pages are, for those links |
/// | `FOLLOW_LINK_DAYS` / `CONSENT_LINK_DAYS` | `90` / `30` | how long a follow link and a consent link work |
#[derive(Debug, Clone)]
pub struct NotifySettings {
    pub smtp: send::SmtpSettings,
    pub policy: core::RetryPolicy,
    pub templates: send::Templates,
    pub staff: consume::Directory,
    pub plan: core::PlanSettings,
    pub poll_interval: Duration,
    /// SMTP exchanges run at once (`SMTP_SENDERS`).
    pub senders: usize,
    /// Our name and address on printed letters (`LETTER_ADDRESS`).
    pub letter_address: Vec<String>,
    /// The links in the complainant's letters; `None` without `LINK_SECRET`.
    pub links: Option<follow::LinkSettings>,
}

impl NotifySettings {
    /// Every key [`NotifySettings::from_source`] reads, beyond the
    /// platform's [`platform::Settings::KEYS`]: what deployment files may
    /// set for notifications (a test holds this list to the loader).
    pub const KEYS: &[&str] = &[
        "MAIL_FROM",
        "NOTIFY_MAX_ATTEMPTS",
        "TEMPLATES_DIR",
        "STAFF_DIRECTORY",
        "STAGE3_RESPONSE_WORKING_DAYS",
        "LETTER_ADDRESS",
        "NOTIFY_MONITORS",
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_SENDERS",
        "SMTP_TIMEOUT_SECONDS",
        "NOTIFY_RETRY_BASE_MS",
        "NOTIFY_RETRY_MAX_MS",
        "NOTIFY_POLL_INTERVAL_MS",
        "LINK_SECRET",
        "PUBLIC_BASE_URL",
        "FOLLOW_LINK_DAYS",
        "CONSENT_LINK_DAYS",
    ];

    /// The keys without a default: none.
    pub const REQUIRED: &[&str] = &[];

    pub fn from_source(s: &Source) -> Result<Self, SettingsError> {
        let invalid = |key: &str, reason: String| SettingsError {
            key: key.into(),
            reason,
        };
        let from = s.string("MAIL_FROM", "complaints@example.org");
        let from = from
            .parse()
            .map_err(|e| invalid("MAIL_FROM", format!("{from:?} is not a mailbox: {e}")))?;
        let max_attempts: u32 = s.get("NOTIFY_MAX_ATTEMPTS", 6)?;
        if max_attempts == 0 {
            return Err(invalid("NOTIFY_MAX_ATTEMPTS", "must be at least 1".into()));
        }
        let templates = send::Templates {
            dir: s.raw("TEMPLATES_DIR").map(Into::into),
        };
        if let Some(dir) = &templates.dir
            && !dir.is_dir()
        {
            return Err(invalid(
                "TEMPLATES_DIR",
                format!("{} is not a folder", dir.display()),
            ));
        }
        let staff = consume::Directory::parse(&s.string("STAFF_DIRECTORY", ""))
            .map_err(|e| invalid("STAFF_DIRECTORY", e))?;
        // Shared with the complaints service's policy (R-S3-5).
        let stage3_response: u32 = s.get("STAGE3_RESPONSE_WORKING_DAYS", 20)?;
        if stage3_response == 0 {
            return Err(invalid(
                "STAGE3_RESPONSE_WORKING_DAYS",
                "must be at least 1".into(),
            ));
        }
        let letter_address =
            printing::letter_address(&s.string("LETTER_ADDRESS", printing::DEFAULT_LETTER_ADDRESS));
        if letter_address.is_empty() {
            return Err(invalid(
                "LETTER_ADDRESS",
                "must give at least our name, lines separated by |".into(),
            ));
        }
        let plan = core::PlanSettings {
            stage3_response: calendar::WorkingDays::new(stage3_response),
            monitors: s
                .string("NOTIFY_MONITORS", "")
                .split(',')
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        let links = link_settings(s)?;
        Ok(Self {
            links,
            plan,
            smtp: send::SmtpSettings {
                host: s.string("SMTP_HOST", "127.0.0.1"),
                port: s.get("SMTP_PORT", 1025)?,
                from,
                timeout: s.duration("SMTP_TIMEOUT_SECONDS", 30, Duration::from_secs)?,
            },
            policy: core::RetryPolicy {
                max_attempts,
                base_delay: s.duration("NOTIFY_RETRY_BASE_MS", 60_000, Duration::from_millis)?,
                max_delay: s.duration("NOTIFY_RETRY_MAX_MS", 900_000, Duration::from_millis)?,
            },
            templates,
            staff,
            letter_address,
            poll_interval: s.duration("NOTIFY_POLL_INTERVAL_MS", 250, Duration::from_millis)?,
            senders: match s.get("SMTP_SENDERS", 4usize)? {
                n @ 1..=64 => n,
                _ => {
                    return Err(platform::SettingsError {
                        key: "SMTP_SENDERS".into(),
                        reason: "must be from 1 to 64".into(),
                    });
                }
            },
        })
    }
}

/// `LINK_SECRET` and what goes with it; every key is read, set or not.
fn link_settings(s: &Source) -> Result<Option<follow::LinkSettings>, SettingsError> {
    let invalid = |key: &str, reason: String| SettingsError {
        key: key.into(),
        reason,
    };
    let key = links::from_setting(s.raw("LINK_SECRET"))
        .map_err(|e| invalid("LINK_SECRET", e.to_string()))?;
    let base_url = s.string("PUBLIC_BASE_URL", "http://127.0.0.1:8081");
    let base_url = base_url.trim_end_matches('/').to_owned();
    if !(base_url.starts_with("https://") || base_url.starts_with("http://")) {
        return Err(invalid(
            "PUBLIC_BASE_URL",
            format!("{base_url:?} is not an http(s) address"),
        ));
    }
    let days = |key: &str, default: i64| -> Result<chrono::Duration, SettingsError> {
        let n: i64 = s.get(key, default)?;
        if !(1..=3650).contains(&n) {
            return Err(invalid(key, "must be from 1 to 3650".into()));
        }
        Ok(chrono::Duration::days(n))
    };
    let follow_for = days("FOLLOW_LINK_DAYS", 90)?;
    let consent_for = days("CONSENT_LINK_DAYS", 30)?;
    Ok(key.map(|key| follow::LinkSettings {
        key,
        base_url,
        follow_for,
        consent_for,
    }))
}

/// The notifications service, started and ready to serve.
#[derive(Debug)]
pub struct Application {
    runtime: Runtime,
    api: grpc::NotificationsApi,
}

impl Application {
    /// Builds the service with `clock` as its source of time.
    pub async fn build_with_clock(
        settings: Settings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, Error> {
        let notify = NotifySettings::from_source(&settings.source)?;
        let mut runtime = Runtime::start(settings, Some(&MIGRATIONS), &[]).await?;
        runtime.use_clock(clock.clone());
        runtime
            .metrics()
            .add_collector(Arc::new(metrics::DeliveryMetrics {
                pool: runtime.log().pool().clone(),
            }));
        runtime
            .metrics()
            .add_collector(Arc::new(consume::UnlistedStaffMetrics));
        let planner = consume::Planner {
            staff: Arc::new(notify.staff.clone()),
            settings: notify.plan.clone(),
            templates: Arc::new(notify.templates.clone()),
            policy: notify.policy,
            clock: clock.clone(),
            links: notify.links.clone().map(Arc::new),
        };
        for (name, source, from) in [
            (consume::FROM_INTAKE, consume::Source::Intake, "intake"),
            (
                consume::FROM_COMPLAINTS,
                consume::Source::Complaints,
                "complaints",
            ),
        ] {
            let settings = ConsumerSettings::new(name, runtime.bus().all_from(from));
            let handler = consume::Consume {
                source,
                planner: planner.clone(),
            };
            runtime.consume(settings, handler).await?;
        }
        let sender = send::Sender {
            pool: runtime.log().pool().clone(),
            smtp: notify.smtp.clone(),
            policy: notify.policy,
            clock,
            poll_interval: notify.poll_interval,
            planner: planner.clone(),
            senders: notify.senders,
            wake_channel: store::email_due_channel(&runtime.settings().database.schema),
            in_flight: send::InFlight::default(),
        };
        sender.start(&mut runtime);
        let api = grpc::NotificationsApi::new(
            runtime.log().pool().clone(),
            planner,
            runtime.access_audit(),
        )
        .with_letter_address(notify.letter_address.clone());
        Ok(Self { runtime, api })
    }

    /// The address the gRPC server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.runtime.local_addr()
    }

    /// Where its Prometheus metrics are served (`/metrics`).
    pub fn metrics_addr(&self) -> SocketAddr {
        self.runtime.metrics_addr()
    }
}

impl Service for Application {
    const NAME: &'static str = "notifications";
    const DEFAULT_PORT: u16 = 50053;

    async fn build(settings: Settings) -> Result<Self, Error> {
        Self::build_with_clock(settings, Arc::new(SystemClock)).await
    }

    async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let routes = tonic::service::Routes::new(NotificationsServer::new(self.api));
        self.runtime
            .with_subjects(Arc::new(subject::PartySubjects))
            .serve(
                routes,
                access::POLICY,
                Arc::new(retention::PartyRecords),
                shutdown,
            )
            .await
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    #[test]
    fn the_published_keys_are_exactly_the_keys_the_loader_reads() {
        let source = Source::from_map(Default::default()).unwrap();
        NotifySettings::from_source(&source).unwrap();
        let mut published = NotifySettings::KEYS.to_vec();
        published.sort_unstable();
        assert_eq!(source.keys_asked(), published);
    }
}
