//! The access audit: every read of personal data and every refused call,
//! kept append-only beside the events (R-CONF-1). It names who and what,
//! never the personal data itself.

use crate::{Error, EventLog, ResultExt};
use chrono::{DateTime, Utc};

/// Whether personal data was returned or the call was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessOutcome {
    Read,
    Denied,
}

impl AccessOutcome {
    fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Denied => "denied",
        }
    }
}

/// One entry to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub subject: String,
    /// The caller's roles, comma separated.
    pub roles: String,
    pub method: String,
    pub outcome: AccessOutcome,
    /// The complaint reference or submission id, when the call named one.
    pub record: Option<String>,
    pub trace_id: Option<String>,
}

/// One recorded entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessEntry {
    pub at: DateTime<Utc>,
    pub access: Access,
}

impl EventLog {
    /// Records one access.
    pub async fn record_access(&self, access: &Access) -> Result<(), Error> {
        sqlx::query(
            "INSERT INTO access_audit (subject, roles, method, outcome, record, trace_id) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&access.subject)
        .bind(&access.roles)
        .bind(&access.method)
        .bind(access.outcome.as_str())
        .bind(&access.record)
        .bind(&access.trace_id)
        .execute(&self.pool)
        .await
        .context("recording an access")?;
        Ok(())
    }

    /// Records that `access` reached each of `records`, in one statement:
    /// a list showing many records is one round trip to the audit, not one
    /// per row. Nothing is written for an empty list.
    pub async fn record_accesses(&self, access: &Access, records: &[String]) -> Result<(), Error> {
        if records.is_empty() {
            return Ok(());
        }
        sqlx::query(
            "INSERT INTO access_audit (subject, roles, method, outcome, record, trace_id) \
             SELECT $1, $2, $3, $4, record, $6 FROM unnest($5::text[]) AS record",
        )
        .bind(&access.subject)
        .bind(&access.roles)
        .bind(&access.method)
        .bind(access.outcome.as_str())
        .bind(records)
        .bind(&access.trace_id)
        .execute(&self.pool)
        .await
        .context("recording accesses")?;
        Ok(())
    }

    /// The latest `limit` recorded accesses to `record`, oldest first.
    pub async fn accesses_to(&self, record: &str, limit: usize) -> Result<Vec<AccessEntry>, Error> {
        self.accesses("WHERE record = $2", Some(record), limit)
            .await
    }

    /// The latest `limit` refused calls, oldest first.
    pub async fn refused_accesses(&self, limit: usize) -> Result<Vec<AccessEntry>, Error> {
        self.accesses("WHERE outcome = 'denied'", None, limit).await
    }

    async fn accesses(
        &self,
        filter: &str,
        record: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AccessEntry>, Error> {
        type Row = (
            DateTime<Utc>,
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let sql = format!(
            "SELECT at, subject, roles, method, outcome, record, trace_id FROM ( \
               SELECT * FROM access_audit {filter} ORDER BY id DESC LIMIT $1) latest \
             ORDER BY id"
        );
        let mut query =
            sqlx::query_as::<_, Row>(&sql).bind(i64::try_from(limit).unwrap_or(i64::MAX));
        if let Some(record) = record {
            query = query.bind(record);
        }
        let rows = query
            .fetch_all(&self.pool)
            .await
            .context("reading the access audit")?;
        Ok(rows
            .into_iter()
            .map(
                |(at, subject, roles, method, outcome, record, trace_id)| AccessEntry {
                    at,
                    access: Access {
                        subject,
                        roles,
                        method,
                        outcome: if outcome == "read" {
                            AccessOutcome::Read
                        } else {
                            AccessOutcome::Denied
                        },
                        record,
                        trace_id,
                    },
                },
            )
            .collect())
    }
}
