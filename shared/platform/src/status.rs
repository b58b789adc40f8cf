//! How a storage failure becomes a gRPC status. UNAVAILABLE ("try again")
//! is for outages only: a value the database refuses as data (SQLSTATE
//! class 22, e.g. 22021 invalid byte sequence for a NUL, 22001 string too
//! long) fails the same way on every retry, so it answers INVALID_ARGUMENT.
//! Edges check their fields first; this is the net behind them.

use std::error::Error;

/// The SQLSTATE of the first database error in `error`'s chain.
pub fn sqlstate(error: &(dyn Error + 'static)) -> Option<String> {
    let mut current: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(e) = current {
        if let Some(sqlx::Error::Database(db)) = e.downcast_ref::<sqlx::Error>() {
            return db.code().map(|c| c.into_owned());
        }
        if let Some(eventlog::Error::Database { source, .. }) = e.downcast_ref::<eventlog::Error>()
            && let sqlx::Error::Database(db) = source
        {
            return db.code().map(|c| c.into_owned());
        }
        current = e.source();
    }
    None
}

/// Whether the database refused a value of the request (SQLSTATE class 22,
/// data exception), as opposed to being unreachable or failing.
pub fn is_data_error(error: &(dyn Error + 'static)) -> bool {
    sqlstate(error).is_some_and(|code| code.starts_with("22"))
}

/// The status of a failed storage step `what` (e.g. "the legal hold cannot
/// be recorded"): INVALID_ARGUMENT for a data error, UNAVAILABLE otherwise.
pub fn storage(what: &str, error: &(dyn Error + 'static)) -> tonic::Status {
    if is_data_error(error) {
        tracing::warn!(error = %crate::report(error), "{what}: the database refused a value");
        return tonic::Status::invalid_argument(format!(
            "{what}: a value of the request cannot be stored (a character or a length the \
             database does not accept)"
        ));
    }
    tracing::error!(error = %crate::report(error), "{what}");
    tonic::Status::unavailable(format!("{what}; try again"))
}

/// Whether `error` is an outage a retry can outlast: the connection or
/// the pool failed (I/O, TLS, a timed-out or closed pool, a lost worker)
/// or PostgreSQL said so (SQLSTATE class 08 connection, 40 transaction
/// rollback, 53 insufficient resources, 57 operator intervention such as
/// a shutdown).
pub fn is_outage(error: &(dyn Error + 'static)) -> bool {
    if let Some(code) = sqlstate(error) {
        return ["08", "40", "53", "57"]
            .iter()
            .any(|class| code.starts_with(class));
    }
    let mut current: Option<&(dyn Error + 'static)> = Some(error);
    while let Some(e) = current {
        let sqlx_error =
            e.downcast_ref::<sqlx::Error>()
                .or_else(|| match e.downcast_ref::<eventlog::Error>() {
                    Some(eventlog::Error::Database { source, .. }) => Some(source),
                    _ => None,
                });
        if let Some(sqlx_error) = sqlx_error {
            return matches!(
                sqlx_error,
                sqlx::Error::Io(_)
                    | sqlx::Error::Tls(_)
                    | sqlx::Error::PoolTimedOut
                    | sqlx::Error::PoolClosed
                    | sqlx::Error::WorkerCrashed
                    | sqlx::Error::Protocol(_)
            );
        }
        if e.downcast_ref::<std::io::Error>().is_some() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The status of a failed database step `what`, in three: INVALID_ARGUMENT
/// for a value the database refuses as data (class 22), UNAVAILABLE for an
/// outage ([`is_outage`]), INTERNAL for anything else (a stored row that
/// does not decode, a statement PostgreSQL refuses), which no retry mends.
pub fn database(what: &str, error: &(dyn Error + 'static)) -> tonic::Status {
    if is_data_error(error) || is_outage(error) {
        return storage(what, error);
    }
    tracing::error!(error = %crate::report(error), "{what}: unexpected");
    tonic::Status::internal(format!("{what}: an unexpected failure"))
}

/// ALREADY_EXISTS naming `field` (a google.rpc.BadRequest violation, as
/// INVALID_ARGUMENT names its fields): e.g. an idempotency key first used
/// for another request.
pub fn already_exists(field: &str, description: &str) -> tonic::Status {
    use tonic_types::{ErrorDetails, StatusExt};
    let mut details = ErrorDetails::new();
    details.add_bad_request_violation(field, description);
    tonic::Status::with_error_details(
        tonic::Code::AlreadyExists,
        format!("{field}: {description}"),
        details,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn refused_by_postgres(sql: &str, value: &str) -> sqlx::Error {
        let url = eventlog::testing::database_url();
        let pool = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query(sql)
            .bind(value)
            .execute(&pool)
            .await
            .unwrap_err()
    }

    #[tokio::test]
    async fn a_nul_or_another_value_refused_by_the_database_as_data_answers_invalid_argument() {
        let nul = refused_by_postgres("SELECT $1::text", "a\0b").await;
        assert_eq!(sqlstate(&nul).as_deref(), Some("22021"));
        assert_eq!(
            storage("the legal hold cannot be recorded", &nul).code(),
            tonic::Code::InvalidArgument
        );
        // 22P02, another data exception: text that is not a number.
        let long = refused_by_postgres("SELECT $1::text::integer", "abcd").await;
        assert_eq!(sqlstate(&long).as_deref(), Some("22P02"));
        // Wrapped the way the event log wraps it, still a data error.
        let wrapped = eventlog::Error::Database {
            context: "recording".into(),
            source: long,
        };
        assert_eq!(storage("x", &wrapped).code(), tonic::Code::InvalidArgument);
    }

    #[tokio::test]
    async fn a_database_that_cannot_be_reached_answers_unavailable() {
        let down = sqlx::postgres::PgPoolOptions::new()
            .acquire_timeout(std::time::Duration::from_millis(500))
            .connect("postgres://postgres@127.0.0.1:1/postgres")
            .await
            .unwrap_err();
        assert_eq!(storage("x", &down).code(), tonic::Code::Unavailable);
        // Another SQLSTATE class (42: a syntax error) is not the caller's data.
        let other = refused_by_postgres("SELEC $1", "x").await;
        assert_eq!(storage("x", &other).code(), tonic::Code::Unavailable);
    }

    #[tokio::test]
    async fn database_answers_invalid_argument_for_data_unavailable_for_an_outage_else_internal() {
        let nul = refused_by_postgres("SELECT $1::text", "a\0b").await;
        assert_eq!(database("x", &nul).code(), tonic::Code::InvalidArgument);
        let down = sqlx::postgres::PgPoolOptions::new()
            .acquire_timeout(std::time::Duration::from_millis(500))
            .connect("postgres://postgres@127.0.0.1:1/postgres")
            .await
            .unwrap_err();
        assert!(is_outage(&down), "{down}");
        assert_eq!(database("x", &down).code(), tonic::Code::Unavailable);
        assert_eq!(
            database("x", &sqlx::Error::PoolTimedOut).code(),
            tonic::Code::Unavailable
        );
        let wrapped = eventlog::Error::Database {
            context: "reading".into(),
            source: sqlx::Error::PoolClosed,
        };
        assert_eq!(database("x", &wrapped).code(), tonic::Code::Unavailable);
        let other = refused_by_postgres("SELEC $1", "x").await;
        assert_eq!(database("x", &other).code(), tonic::Code::Internal);
        assert_eq!(
            database("x", &sqlx::Error::RowNotFound).code(),
            tonic::Code::Internal
        );
    }
}
