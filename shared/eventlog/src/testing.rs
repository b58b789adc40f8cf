//! A fresh schema per test, so tests sharing one PostgreSQL never see each
//! other's events. Compiled only with the `testing` feature.

use crate::{DatabaseSettings, SchemaName};
use std::time::Duration;
use uuid::Uuid;

/// The database tests use: `TEST_DATABASE_URL`, or the local server.
pub fn database_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Settings for a schema no other test uses, named `t_<prefix>_<random>`.
pub fn fresh_settings(prefix: &str) -> DatabaseSettings {
    let name = format!("t_{prefix}_{}", Uuid::new_v4().simple());
    DatabaseSettings {
        url: database_url(),
        schema: SchemaName::parse(&name[..name.len().min(63)])
            .expect("generated schema names are valid"),
        max_connections: 40,
        acquire_timeout: Duration::from_secs(30),
        idle_timeout: Some(Duration::from_secs(10)),
    }
}

/// Drops a test's schema and everything in it.
pub async fn drop_schema(pool: &sqlx::PgPool, schema: &SchemaName) {
    let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .execute(pool)
        .await;
}
