//! Subject access (the UK GDPR right of access; R-CONF-1), served by every
//! service as `complaints.v1.SubjectAccess`: everything a service holds
//! about one person, found by their email address, each event decoded to
//! JSON, with whether a legal hold keeps the record from an erasure
//! (R-CONF-2). Finding the person, the reading, decoding, hold check and
//! access audit are shared here; each service says only how it finds a
//! person's records ([`SubjectScope`]).

mod email;
pub mod json;
mod service;
#[cfg(test)]
pub(crate) use service::export_fields;

pub use email::EmailAddress;
pub use service::SubjectAccess;

use eventlog::StreamId;
use sqlx::PgConnection;
use std::fmt;
use uuid::Uuid;

/// Errors of a service's [`SubjectScope`].
#[derive(Debug, thiserror::Error)]
pub enum SubjectError {
    #[error("finding the person's records: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Log(#[from] eventlog::Error),
    #[error("a row cannot be read as JSON: {0}")]
    Json(#[from] serde_json::Error),
}

/// A record another service found for the person: a submission (or
/// compliment) and the complaint opened from it, when there is one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Link {
    pub submission_id: Option<Uuid>,
    pub complaint_reference: Option<String>,
}

/// One read-model row, as a JSON object.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub table: String,
    pub json: serde_json::Value,
}

impl Row {
    /// A row from PostgreSQL's `to_jsonb(row)::text`.
    pub fn parse(table: &str, text: &str) -> Result<Self, SubjectError> {
        Ok(Self {
            table: table.to_owned(),
            json: serde_json::from_str(text)?,
        })
    }
}

/// One record of the person in a service.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// "submission", "compliment", "complaint", "correspondence",
    /// "anonymised record".
    pub kind: &'static str,
    /// What legal holds and `Destroy` name: the complaint reference, or the
    /// submission's or compliment's own reference.
    pub record: String,
    pub submission_id: Option<Uuid>,
    /// The streams of this service's log holding the record's events.
    pub streams: Vec<StreamId>,
    pub rows: Vec<Row>,
}

/// How one service finds a person's records: the only per-service part of
/// subject access.
#[tonic::async_trait]
pub trait SubjectScope: Send + Sync + fmt::Debug + 'static {
    /// How the records are found, said in the export (read model with the
    /// email, links from other services, or the streams' first events).
    fn found_by(&self) -> &'static str;

    /// What the service holds about people in general, and why.
    fn note(&self) -> &'static str;

    /// The person's records, from `email` and the `links` other services
    /// found.
    async fn find(
        &self,
        conn: &mut PgConnection,
        email: &EmailAddress,
        links: &[Link],
    ) -> Result<Vec<Found>, SubjectError>;
}

/// The rows `query` (selecting `to_jsonb(t)::text`, one bind) returns.
pub async fn json_rows<'q, T>(
    conn: &mut PgConnection,
    table: &str,
    query: &'q str,
    bind: T,
) -> Result<Vec<Row>, SubjectError>
where
    T: 'q + Send + sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
{
    let texts: Vec<String> = sqlx::query_scalar(query)
        .bind(bind)
        .fetch_all(&mut *conn)
        .await?;
    texts.iter().map(|t| Row::parse(table, t)).collect()
}
