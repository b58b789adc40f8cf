//! Retention and destruction of one complaint (R-CONF-2), served by every
//! service as `complaints.v1.Retention`. Holds, tombstones and erasing from
//! the bus are shared here; each service says only which of its streams
//! and read-model rows belong to a complaint ([`RecordScope`]).
//!
//! The retention job ([`job`]) destroys what the policies ([`policy`]) make
//! due through the same path as `Destroy`; the owner of a record's
//! lifecycle publishes a [`facts`] event so the other services follow.

mod facts;
mod grpc;
mod job;
pub mod policy;

pub use facts::{FACT_STREAM_TYPE, FactsHandler, fact_consumer};
pub use job::{DueRecord, JobError, RunReport};
pub use policy::{JobInterval, Period, Policies, PolicyKind, RetentionSettings};

use crate::Clock;
use crate::auth::Principal;
use bus::Bus;
use complaints_proto::v1::{
    self as pb, DestroyRequest, DestroyResponse, HoldRequest, HoldResponse,
    ListDestructionsRequest, ListDestructionsResponse, retention_server::RetentionServer,
};
use eventlog::retention::{self as log_retention, HoldAction};
use eventlog::{EventLog, StreamId, Tombstone};
use sqlx::PgConnection;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;
use uuid::Uuid;

/// One record, as the data protection officer names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordRef {
    /// The complaint reference (CMP-...); for a record without a complaint
    /// (a compliment, a redirected or declined submission), its own
    /// reference. Holds are placed under this name.
    pub complaint_reference: String,
    /// The submission the complaint came from, when given.
    pub submission_id: Option<Uuid>,
    /// The compliment, when the record is one.
    pub compliment_id: Option<Uuid>,
}

/// Errors of a service's [`RecordScope`].
#[derive(Debug, thiserror::Error)]
pub enum ScopeError {
    #[error("finding or removing the record's rows: {0}")]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Log(#[from] eventlog::Error),
    /// The service needs something the request did not give.
    #[error("{0}")]
    Missing(&'static str),
}

/// What one service keeps of a complaint: the only per-service part of
/// destruction.
#[tonic::async_trait]
pub trait RecordScope: Send + Sync + fmt::Debug + 'static {
    /// The streams of this service's log holding the complaint's events
    /// (not yet destroyed).
    async fn streams(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<Vec<StreamId>, ScopeError>;

    /// Removes the complaint's read-model rows; returns how many went.
    /// Runs after [`RecordScope::streams`], in the same transaction.
    async fn remove_rows(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<u64, ScopeError>;

    /// The records whose lifecycle this service owns that are due for
    /// destruction on `today` under `policies` and not yet destroyed. Only
    /// the owner knows when a record's period started (complaints its
    /// closure, intake a compliment's or a declined submission's receipt);
    /// the others learn of due records from the owner's fact, so by
    /// default none.
    async fn due(
        &self,
        _conn: &mut PgConnection,
        _today: chrono::NaiveDate,
        _policies: &Policies,
    ) -> Result<Vec<DueRecord>, ScopeError> {
        Ok(Vec::new())
    }
}

/// The streams not yet destroyed among `candidates`, for scopes that know
/// their stream ids.
pub async fn live_streams(
    tx: &mut PgConnection,
    candidates: &[String],
) -> Result<Vec<StreamId>, ScopeError> {
    let ids: Vec<String> = sqlx::query_scalar(
        "SELECT stream_id FROM streams WHERE stream_id = ANY($1) AND destroyed_at IS NULL \
         ORDER BY stream_id",
    )
    .bind(candidates)
    .fetch_all(&mut *tx)
    .await?;
    ids.into_iter()
        .map(|id| StreamId::new(id).map_err(ScopeError::from))
        .collect()
}

/// The `complaints.v1.Retention` service of one service.
#[derive(Debug, Clone)]
pub struct Retention {
    log: EventLog,
    bus: Bus,
    service: String,
    scope: Arc<dyn RecordScope>,
    clock: Arc<dyn Clock>,
    policies: Policies,
}

/// What [`Retention::destroy_record`] did.
#[derive(Debug)]
enum Destruction {
    Destroyed {
        tombstones: Vec<Tombstone>,
        rows: u64,
    },
    Held(eventlog::Hold),
}

/// Why a call could not be served, never naming personal data.
fn unavailable(what: &str, error: &dyn std::error::Error) -> tonic::Status {
    tracing::error!(error = %crate::report(error), "{what}");
    tonic::Status::unavailable(format!("{what}; try again"))
}

fn required(field: &str, value: &str) -> Result<String, tonic::Status> {
    let value = value.trim();
    if value.is_empty() {
        return Err(tonic::Status::invalid_argument(format!(
            "{field}: required (R-CONF-2)"
        )));
    }
    Ok(value.to_owned())
}

impl Retention {
    pub fn new(
        log: EventLog,
        bus: Bus,
        service: &str,
        scope: Arc<dyn RecordScope>,
        clock: Arc<dyn Clock>,
        policies: Policies,
    ) -> Self {
        Self {
            log,
            bus,
            service: service.to_owned(),
            scope,
            clock,
            policies,
        }
    }

    /// The gRPC service.
    pub fn server(self) -> RetentionServer<Self> {
        RetentionServer::new(self)
    }

    fn tombstone(&self, t: Tombstone) -> pb::Tombstone {
        pb::Tombstone {
            stream_id: t.stream_id,
            reason: t.reason,
            authorised_by: t.authorised_by,
            destroyed_at: Some(prost_types::Timestamp {
                seconds: t.destroyed_at.timestamp(),
                nanos: i32::try_from(t.destroyed_at.timestamp_subsec_nanos()).unwrap_or(0),
            }),
            events_destroyed: u64::try_from(t.events_destroyed).unwrap_or(0),
            service: self.service.clone(),
        }
    }

    async fn hold(
        &self,
        request: tonic::Request<HoldRequest>,
        action: HoldAction,
    ) -> Result<tonic::Response<HoldResponse>, tonic::Status> {
        let who = Principal::of(&request)?.subject.clone();
        let r = request.into_inner();
        let record = required("record", &r.record)?;
        let reason = required("reason", &r.reason)?;
        let fail = |e: eventlog::Error| unavailable("the legal hold cannot be recorded", &e);
        let mut tx = self
            .log
            .pool()
            .begin()
            .await
            .map_err(|e| unavailable("the legal hold cannot be recorded", &e))?;
        log_retention::lock_record_in(&mut tx, &record)
            .await
            .map_err(fail)?;
        let held = log_retention::hold_in(&mut tx, &record)
            .await
            .map_err(fail)?
            .is_some();
        if action == HoldAction::Lifted && !held {
            return Err(tonic::Status::failed_precondition(format!(
                "R-CONF-2: {record} has no legal hold to lift"
            )));
        }
        if action == HoldAction::Placed && held {
            return Ok(tonic::Response::new(HoldResponse { held: true }));
        }
        log_retention::record_hold_in(&mut tx, &record, action, &reason, &who)
            .await
            .map_err(fail)?;
        tx.commit()
            .await
            .map_err(|e| unavailable("the legal hold cannot be recorded", &e))?;
        tracing::info!(record = %record, by = %who, action = ?action, "legal hold");
        Ok(tonic::Response::new(HoldResponse {
            held: action == HoldAction::Placed,
        }))
    }

    /// Destroys in one transaction, refused under a hold; returns the
    /// tombstones and the rows removed.
    async fn destroy_in_database(
        &self,
        record: &RecordRef,
        reason: &str,
        who: &str,
    ) -> Result<(Vec<Tombstone>, u64), tonic::Status> {
        match self.destroy_record(record, reason, who).await {
            Ok(Destruction::Destroyed { tombstones, rows }) => Ok((tombstones, rows)),
            Ok(Destruction::Held(hold)) => Err(tonic::Status::failed_precondition(format!(
                "R-CONF-2: {} is under a legal hold placed by {} on {}; \
                 lift it before destroying",
                record.complaint_reference,
                hold.by_whom,
                hold.at.format("%Y-%m-%d")
            ))),
            Err(ScopeError::Missing(what)) => Err(tonic::Status::invalid_argument(what)),
            Err(e) => Err(unavailable("the record cannot be destroyed", &e)),
        }
    }

    /// The one destruction path, for `Destroy` and the retention job alike
    /// (R-CONF-2): in one transaction, under the record's lock, a hold
    /// leaves everything as it is (noting the skip when the record is due),
    /// otherwise the scope's streams go through `destroy_stream`, its rows
    /// are removed and the record leaves the due queue.
    async fn destroy_record(
        &self,
        record: &RecordRef,
        reason: &str,
        who: &str,
    ) -> Result<Destruction, ScopeError> {
        let mut tx = self.log.pool().begin().await?;
        let reference = &record.complaint_reference;
        log_retention::lock_record_in(&mut tx, reference).await?;
        if let Some(hold) = log_retention::hold_in(&mut tx, reference).await? {
            sqlx::query("UPDATE retention_due SET last_skipped_at = now() WHERE record = $1")
                .bind(reference)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(Destruction::Held(hold));
        }
        let streams = self.scope.streams(&mut tx, record).await?;
        let mut tombstones = Vec::with_capacity(streams.len());
        for stream in &streams {
            tombstones.push(log_retention::destroy_stream_in(&mut tx, stream, reason, who).await?);
        }
        let rows = self.scope.remove_rows(&mut tx, record).await?;
        sqlx::query("DELETE FROM retention_due WHERE record = $1")
            .bind(reference)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Destruction::Destroyed { tombstones, rows })
    }

    /// Erases the bus messages of every destroyed event not yet erased,
    /// this destruction's and any an earlier one left unfinished.
    async fn erase_from_bus(&self) -> Result<u64, tonic::Status> {
        let fail = |e: &dyn std::error::Error| {
            unavailable(
                "destroyed in the database, but the bus messages are not all erased yet \
                 (the next Destroy finishes them)",
                e,
            )
        };
        self.erase_pending().await.map_err(|e| fail(&*e))
    }

    /// Erases every pending bus message; returns how many went.
    async fn erase_pending(&self) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
        let pending = self.log.pending_bus_erasures().await?;
        let ids: HashSet<String> = pending.iter().map(Uuid::to_string).collect();
        let erased = self.bus.erase_events(&ids).await?;
        self.log.bus_erasures_done(&pending).await?;
        Ok(erased)
    }
}

#[tonic::async_trait]
impl pb::retention_server::Retention for Retention {
    async fn place_hold(
        &self,
        request: tonic::Request<HoldRequest>,
    ) -> Result<tonic::Response<HoldResponse>, tonic::Status> {
        self.hold(request, HoldAction::Placed).await
    }

    async fn lift_hold(
        &self,
        request: tonic::Request<HoldRequest>,
    ) -> Result<tonic::Response<HoldResponse>, tonic::Status> {
        self.hold(request, HoldAction::Lifted).await
    }

    async fn destroy(
        &self,
        request: tonic::Request<DestroyRequest>,
    ) -> Result<tonic::Response<DestroyResponse>, tonic::Status> {
        let who = Principal::of(&request)?.subject.clone();
        let r = request.into_inner();
        let reference = required("complaint_reference", &r.complaint_reference)?;
        let reason = required("reason", &r.reason)?;
        let submission_id = match r.submission_id.trim() {
            "" => None,
            id => Some(Uuid::parse_str(id).map_err(|_| {
                tonic::Status::invalid_argument("submission_id: not a submission id (R-CONF-2)")
            })?),
        };
        let record = RecordRef {
            complaint_reference: reference,
            submission_id,
            compliment_id: None,
        };
        let (tombstones, rows) = self.destroy_in_database(&record, &reason, &who).await?;
        tracing::info!(
            record = %record.complaint_reference,
            by = %who,
            streams = tombstones.len(),
            rows,
            "destroyed under the retention policy"
        );
        let erased = self.erase_from_bus().await?;
        Ok(tonic::Response::new(DestroyResponse {
            tombstones: tombstones.into_iter().map(|t| self.tombstone(t)).collect(),
            rows_removed: rows,
            bus_messages_erased: erased,
        }))
    }

    async fn list_due(
        &self,
        _request: tonic::Request<pb::ListDueRequest>,
    ) -> Result<tonic::Response<pb::ListDueResponse>, tonic::Status> {
        self.list_due_rpc().await.map(tonic::Response::new)
    }

    async fn run_retention(
        &self,
        _request: tonic::Request<pb::RunRetentionRequest>,
    ) -> Result<tonic::Response<pb::RunRetentionResponse>, tonic::Status> {
        self.run_retention_rpc().await.map(tonic::Response::new)
    }

    async fn list_holds(
        &self,
        _request: tonic::Request<pb::ListHoldsRequest>,
    ) -> Result<tonic::Response<pb::ListHoldsResponse>, tonic::Status> {
        self.list_holds_rpc().await.map(tonic::Response::new)
    }

    async fn list_destructions(
        &self,
        _request: tonic::Request<ListDestructionsRequest>,
    ) -> Result<tonic::Response<ListDestructionsResponse>, tonic::Status> {
        let tombstones = self
            .log
            .tombstones()
            .await
            .map_err(|e| unavailable("the destructions cannot be read", &e))?;
        Ok(tonic::Response::new(ListDestructionsResponse {
            tombstones: tombstones.into_iter().map(|t| self.tombstone(t)).collect(),
        }))
    }
}
