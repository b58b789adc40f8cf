//! Connecting to PostgreSQL in a service's own schema, and migrating it.

use crate::{Error, EventLog, ResultExt};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// The migrations of the log itself, embedded in every service binary.
static LOG_MIGRATIONS: Migrator = sqlx::migrate!("./migrations");

/// Versions below this belong to the log; a service numbers its own
/// migrations from here up, so both sets live in one migration table.
pub const FIRST_SERVICE_MIGRATION: i64 = 1000;

/// A PostgreSQL schema name: lower-case letters, digits and `_`, starting
/// with a letter, at most 63 characters. Safe to quote into SQL.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchemaName(String);

impl SchemaName {
    pub fn parse(name: &str) -> Result<Self, Error> {
        let mut chars = name.chars();
        let valid = name.len() <= 63
            && chars.next().is_some_and(|c| c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if valid {
            Ok(Self(name.to_owned()))
        } else {
            Err(Error::InvalidSetting(format!(
                "schema name {name:?} must start with a-z and hold only a-z, 0-9 and _, at most 63 characters"
            )))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for SchemaName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a service's log lives.
#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    /// A PostgreSQL URL, e.g. `postgres://postgres@127.0.0.1:5432/complaints`.
    pub url: String,
    /// The service's own schema.
    pub schema: SchemaName,
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    /// A connection unused this long is closed, so an idle service holds
    /// none of the server's connections beyond what it keeps open on
    /// purpose (a LISTEN, a relay's lock); `None` keeps them.
    pub idle_timeout: Option<Duration>,
}

impl EventLog {
    /// Connects, creates the schema if needed and applies the log's
    /// migrations followed by the service's own (`service_migrations`, whose
    /// versions start at [`FIRST_SERVICE_MIGRATION`]).
    pub async fn connect(
        settings: &DatabaseSettings,
        service_migrations: Option<&Migrator>,
    ) -> Result<Self, Error> {
        let log = Self::open(settings).await?;
        log.migrate(service_migrations).await?;
        Ok(log)
    }

    /// Connects to a schema that the owning service has already migrated,
    /// without migrating: for tools and tests that look at a running
    /// service's log.
    pub async fn open(settings: &DatabaseSettings) -> Result<Self, Error> {
        let options = PgConnectOptions::from_str(&settings.url)
            .context("parsing DATABASE_URL")?
            .options([("search_path", settings.schema.as_str())])
            .application_name(settings.schema.as_str());
        let pool = PgPoolOptions::new()
            .max_connections(settings.max_connections)
            .acquire_timeout(settings.acquire_timeout)
            .idle_timeout(settings.idle_timeout)
            .min_connections(0)
            .connect_with(options)
            .await
            .context(format!(
                "connecting to PostgreSQL at DATABASE_URL{} for schema {}",
                tls_hint(&settings.url),
                settings.schema
            ))?;
        Ok(Self {
            pool,
            schema: settings.schema.clone(),
        })
    }

    async fn migrate(&self, service_migrations: Option<&Migrator>) -> Result<(), Error> {
        create_schema(&self.pool, &self.schema).await?;
        let migrator = combined(service_migrations)?;
        migrator
            .run(&self.pool)
            .await
            .map_err(|source| Error::Migrate {
                schema: self.schema.to_string(),
                source,
            })
    }
}

/// What to check when a connection asking for a verified certificate
/// fails: nothing else says it was the TLS handshake.
fn tls_hint(url: &str) -> &'static str {
    if url.contains("sslmode=verify-") || url.contains("sslrootcert=") {
        " over TLS (the server's certificate must be signed by a CA in sslrootcert)"
    } else {
        ""
    }
}

async fn create_schema(pool: &sqlx::PgPool, schema: &SchemaName) -> Result<(), Error> {
    let sql = format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
    match sqlx::query(&sql).execute(pool).await {
        Ok(_) => Ok(()),
        // Two replicas starting at once can race on IF NOT EXISTS; the loser
        // sees a unique violation, and the schema exists either way.
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("23505") => Ok(()),
        Err(e) => Err(e).context(format!("creating schema {schema}")),
    }
}

fn combined(service: Option<&Migrator>) -> Result<Migrator, Error> {
    let mut migrations = LOG_MIGRATIONS.migrations.to_vec();
    if let Some(service) = service {
        if let Some(low) = service
            .migrations
            .iter()
            .find(|m| m.version < FIRST_SERVICE_MIGRATION)
        {
            return Err(Error::InvalidSetting(format!(
                "service migration {} must be numbered from {FIRST_SERVICE_MIGRATION}: lower versions belong to the event log",
                low.version
            )));
        }
        migrations.extend(service.migrations.iter().cloned());
    }
    Ok(Migrator {
        migrations: Cow::Owned(migrations),
        ..Migrator::DEFAULT
    })
}
