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
use std::collections::{BTreeSet, HashSet};
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
    /// An id the caller gave does not belong to the record named, so
    /// destroying by it could take another record's data past its hold
    /// (R-CONF-2).
    #[error("{field}: {why} (R-CONF-2)")]
    Mismatch { field: &'static str, why: String },
}

/// Which of a record's parts one destruction takes (R-CONF-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parts {
    /// What is the record's alone: the parts it shares with a sibling not
    /// yet destroyed here stay for that sibling.
    Own,
    /// Everything, the shared parts too: no sibling needs them any more.
    All,
}

/// Who shares a record's parts in one service (R-CONF-2): a complaint
/// raised from a closed one (R-UPC-2) shares its submission and so the
/// submission's stream in intake and the complainant's party and letters
/// in notifications.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sharing {
    /// The name of the shared parts here (e.g. `submission-<id>`); `None`
    /// when the record shares nothing with another.
    pub shared: Option<String>,
    /// The other records sharing them (sibling complaints), destroyed here
    /// or not.
    pub siblings: Vec<String>,
    /// Other names holds on the shared parts are placed under (the
    /// submission's own reference).
    pub aliases: Vec<String>,
}

/// What one service keeps of a complaint: the only per-service part of
/// destruction.
#[tonic::async_trait]
pub trait RecordScope: Send + Sync + fmt::Debug + 'static {
    /// Checks that the ids in `record` belong to the record it names
    /// ([`ScopeError::Mismatch`] otherwise; a record of which nothing is
    /// left here passes), and says who shares its parts here, so that a
    /// hold on any of them stops the shared parts' destruction and a
    /// sibling not yet destroyed keeps them (R-CONF-2). Runs first, in the
    /// destroying transaction. By default a record shares nothing and the
    /// service finds nothing by the ids.
    async fn sharing(
        &self,
        _tx: &mut PgConnection,
        _record: &RecordRef,
    ) -> Result<Sharing, ScopeError> {
        Ok(Sharing::default())
    }

    /// The streams of this service's log holding the complaint's events
    /// (not yet destroyed): its own, or with `Parts::All` the shared ones
    /// too.
    async fn streams(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
        parts: Parts,
    ) -> Result<Vec<StreamId>, ScopeError>;

    /// Removes the complaint's read-model rows (its own, or with
    /// `Parts::All` the shared ones too); returns how many went. Runs
    /// after [`RecordScope::streams`], in the same transaction.
    async fn remove_rows(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
        parts: Parts,
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
        /// Siblings not yet destroyed, for whom the shared parts stay.
        kept_shared_for: Vec<String>,
    },
    /// Nothing changed: a hold on `on`, the record itself or one sharing
    /// the parts this destruction would take.
    Held { on: String, hold: eventlog::Hold },
}

/// The hold that stops a destruction, and the parts it would take.
#[derive(Debug)]
struct Stopping {
    held: Option<(String, eventlog::Hold)>,
    parts: Parts,
    /// Siblings not yet destroyed here.
    live: Vec<String>,
    shared: Option<String>,
}

/// The records destroyed here whose shared parts `shared` were kept.
async fn kept_shared_in(tx: &mut PgConnection, shared: &str) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT record FROM retention_kept_shared WHERE shared = $1 ORDER BY record")
        .bind(shared)
        .fetch_all(&mut *tx)
        .await
}

/// Whether `record` was destroyed here with its shared parts kept.
async fn was_kept_shared(tx: &mut PgConnection, record: &str) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM retention_kept_shared WHERE record = $1)")
        .bind(record)
        .fetch_one(&mut *tx)
        .await
}

/// Why a call could not be served, never naming personal data.
/// How long an erasure waits for the relay to move past the destroyed
/// events before leaving them for the next run.
const RELAY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// The other services' streams of a destroyed record, whose events this
/// service applies no more (R-CONF-2): the complaint's own stream (named
/// by its reference), the compliment's, and the submission's once no
/// sibling shares it here.
fn sources(record: &RecordRef, stopping: &Stopping) -> Vec<String> {
    let mut streams = vec![record.complaint_reference.clone()];
    if let Some(id) = record.compliment_id {
        streams.push(format!("compliment-{id}"));
    }
    if let Some(id) = record.submission_id
        && (stopping.parts == Parts::All || stopping.shared.is_none())
    {
        streams.push(format!("submission-{id}"));
    }
    streams
}

/// UNAVAILABLE for an outage; a value the database refuses as data is
/// INVALID_ARGUMENT ([`crate::status::storage`]).
fn unavailable(what: &str, error: &(dyn std::error::Error + 'static)) -> tonic::Status {
    crate::status::storage(what, error)
}

/// A required text field of a retention request, cleaned by its fieldtext
/// rule: NUL, other controls and over-long values are refused naming the
/// field, never sent to the database.
fn required(field: &str, value: &str, rule: fieldtext::Rule) -> Result<String, tonic::Status> {
    rule.required(value).map_err(|refused| {
        crate::grpc::invalid_argument(&[crate::grpc::FieldViolation {
            field: field.to_owned(),
            rule: "R-CONF-2",
            description: refused.to_string(),
        }])
    })
}

/// A hold request's record and reason, read at the edge (touching nothing).
pub(crate) fn hold_fields(r: &HoldRequest) -> Result<(String, String), tonic::Status> {
    let record = required("record", &r.record, fieldtext::fields::RECORD_ID)?;
    let reason = required("reason", &r.reason, fieldtext::fields::REASON)?;
    Ok((record, reason))
}

/// A destroy request's record and reason, read at the edge (touching
/// nothing).
pub(crate) fn destroy_fields(r: &DestroyRequest) -> Result<(RecordRef, String), tonic::Status> {
    let reference = required(
        "complaint_reference",
        &r.complaint_reference,
        fieldtext::fields::RECORD_ID,
    )?;
    let reason = required("reason", &r.reason, fieldtext::fields::REASON)?;
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
    Ok((record, reason))
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
        let (record, reason) = hold_fields(&request.into_inner())?;
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
    ) -> Result<(Vec<Tombstone>, u64, Vec<String>), tonic::Status> {
        match self.destroy_record(record, reason, who).await {
            Ok(Destruction::Destroyed {
                tombstones,
                rows,
                kept_shared_for,
            }) => Ok((tombstones, rows, kept_shared_for)),
            Ok(Destruction::Held { on, hold }) if on == record.complaint_reference => {
                Err(tonic::Status::failed_precondition(format!(
                    "R-CONF-2: {on} is under a legal hold placed by {} on {}; \
                     lift it before destroying",
                    hold.by_whom,
                    hold.at.format("%Y-%m-%d")
                )))
            }
            Ok(Destruction::Held { on, hold }) => Err(tonic::Status::failed_precondition(format!(
                "R-CONF-2: {} shares records here with {on}, which is under a legal hold \
                 placed by {} on {}; lift it before destroying",
                record.complaint_reference,
                hold.by_whom,
                hold.at.format("%Y-%m-%d")
            ))),
            Err(ScopeError::Missing(what)) => Err(tonic::Status::invalid_argument(what)),
            Err(ScopeError::Mismatch { field, why }) => Err(crate::grpc::invalid_argument(&[
                crate::grpc::FieldViolation {
                    field: field.to_owned(),
                    rule: "R-CONF-2",
                    description: why,
                },
            ])),
            Err(e) => Err(unavailable("the record cannot be destroyed", &e)),
        }
    }

    /// What stops destroying `record` and what it would take (R-CONF-2),
    /// in `tx`, locking every name a hold could stop it under: the record
    /// itself, and when it shares parts here, its siblings (destroyed or
    /// not) and the shared parts' other names. While a sibling is not yet
    /// destroyed here the shared parts stay for it, so only a hold on the
    /// record stops the destruction of its own parts; the last of them
    /// takes the shared parts, which a hold on any of those names stops.
    async fn stopping(
        &self,
        tx: &mut PgConnection,
        record: &RecordRef,
    ) -> Result<Stopping, ScopeError> {
        let reference = &record.complaint_reference;
        let sharing = self.scope.sharing(tx, record).await?;
        let kept = match &sharing.shared {
            Some(shared) => kept_shared_in(tx, shared).await?,
            None => Vec::new(),
        };
        let mut names: BTreeSet<&str> = BTreeSet::new();
        names.insert(reference);
        names.extend(sharing.siblings.iter().map(String::as_str));
        names.extend(sharing.aliases.iter().map(String::as_str));
        names.extend(kept.iter().map(String::as_str));
        // In one order everywhere, so two destructions never deadlock.
        for name in &names {
            log_retention::lock_record_in(tx, name).await?;
        }
        // Under the locks: a sibling destroyed meanwhile is seen here.
        let kept = match &sharing.shared {
            Some(shared) => kept_shared_in(tx, shared).await?,
            None => Vec::new(),
        };
        let live: Vec<String> = sharing
            .siblings
            .iter()
            .filter(|s| *s != reference && !kept.contains(s))
            .cloned()
            .collect();
        let parts = if sharing.shared.is_some() && !live.is_empty() {
            Parts::Own
        } else {
            Parts::All
        };
        let mut held = log_retention::hold_in(tx, reference)
            .await?
            .map(|hold| (reference.clone(), hold));
        if held.is_none() && parts == Parts::All {
            // Every sibling destroyed meanwhile was locked as a sibling.
            for name in names.iter().filter(|n| **n != reference.as_str()) {
                if let Some(hold) = log_retention::hold_in(tx, name).await? {
                    held = Some(((*name).to_owned(), hold));
                    break;
                }
            }
        }
        Ok(Stopping {
            held,
            parts,
            live,
            shared: sharing.shared,
        })
    }

    /// The one destruction path, for `Destroy` and the retention job alike
    /// (R-CONF-2): in one transaction, under the locks of the record and of
    /// those sharing its parts ([`Retention::stopping`]), a hold leaves
    /// everything as it is (noting the skip when the record is due),
    /// otherwise the scope's streams go through `destroy_stream`, its rows
    /// are removed and the record leaves the due queue. Parts shared with a
    /// sibling not yet destroyed stay for it, and the record is noted as
    /// destroyed with them kept; the last sibling takes them.
    async fn destroy_record(
        &self,
        record: &RecordRef,
        reason: &str,
        who: &str,
    ) -> Result<Destruction, ScopeError> {
        let mut tx = self.log.pool().begin().await?;
        let reference = &record.complaint_reference;
        let stopping = match self.stopping(&mut tx, record).await {
            // Destroyed before with its shared parts kept, which is why
            // the ids no longer lead to it: nothing more to do here.
            Err(ScopeError::Mismatch { .. }) if was_kept_shared(&mut tx, reference).await? => {
                tx.commit().await?;
                return Ok(Destruction::Destroyed {
                    tombstones: Vec::new(),
                    rows: 0,
                    kept_shared_for: Vec::new(),
                });
            }
            other => other?,
        };
        if let Some((on, hold)) = stopping.held {
            sqlx::query("UPDATE retention_due SET last_skipped_at = now() WHERE record = $1")
                .bind(reference)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            return Ok(Destruction::Held { on, hold });
        }
        let streams = self.scope.streams(&mut tx, record, stopping.parts).await?;
        let mut tombstones = Vec::with_capacity(streams.len());
        for stream in &streams {
            tombstones.push(log_retention::destroy_stream_in(&mut tx, stream, reason, who).await?);
        }
        let rows = self
            .scope
            .remove_rows(&mut tx, record, stopping.parts)
            .await?;
        match (stopping.parts, &stopping.shared) {
            (Parts::Own, Some(shared)) => {
                sqlx::query(
                    "INSERT INTO retention_kept_shared (record, shared) VALUES ($1, $2) \
                     ON CONFLICT (record) DO NOTHING",
                )
                .bind(reference)
                .bind(shared)
                .execute(&mut *tx)
                .await?;
            }
            (Parts::All, Some(shared)) => {
                sqlx::query("DELETE FROM retention_kept_shared WHERE shared = $1")
                    .bind(shared)
                    .execute(&mut *tx)
                    .await?;
            }
            _ => {}
        }
        sqlx::query("DELETE FROM retention_due WHERE record = $1")
            .bind(reference)
            .execute(&mut *tx)
            .await?;
        log_retention::forget_sources_in(&mut tx, &sources(record, &stopping)).await?;
        tx.commit().await?;
        let kept_shared_for = match stopping.parts {
            Parts::Own => stopping.live,
            Parts::All => Vec::new(),
        };
        Ok(Destruction::Destroyed {
            tombstones,
            rows,
            kept_shared_for,
        })
    }

    /// The record whose hold stops destroying `record` now, if any (for
    /// the dry run); nothing is changed. A record whose ids do not belong
    /// to it is not held (its destruction is refused for that).
    pub(crate) async fn held_by(&self, record: &RecordRef) -> Result<Option<String>, ScopeError> {
        let mut tx = self.log.pool().begin().await?;
        let held = match self.stopping(&mut tx, record).await {
            Ok(stopping) => stopping.held.map(|(on, _)| on),
            Err(ScopeError::Mismatch { .. }) => None,
            Err(e) => return Err(e),
        };
        tx.rollback().await?;
        Ok(held)
    }

    /// Erases the bus messages of every destroyed event not yet erased,
    /// this destruction's and any an earlier one left unfinished.
    async fn erase_from_bus(&self) -> Result<u64, tonic::Status> {
        let fail = |e: &(dyn std::error::Error + 'static)| {
            unavailable(
                "destroyed in the database, but the bus messages are not all erased yet \
                 (the next Destroy finishes them)",
                e,
            )
        };
        self.erase_pending().await.map_err(|e| fail(&*e))
    }

    /// Erases every pending bus message; returns how many went.
    ///
    /// First waits until the relay has moved past every destroyed event:
    /// the relay may have read one just before the destruction and publish
    /// it just after, and a message published after the erasure looked
    /// would stay on the bus.
    async fn erase_pending(&self) -> Result<u64, Box<dyn std::error::Error + Send + Sync>> {
        if let Some(horizon) = self.log.pending_erasure_horizon().await? {
            let deadline = tokio::time::Instant::now() + RELAY_WAIT;
            while self
                .log
                .checkpoint(bus::RELAY_CHECKPOINT)
                .await?
                .global_position
                < horizon
            {
                if tokio::time::Instant::now() >= deadline {
                    return Err(format!(
                        "the relay has not yet moved past the destroyed events within {RELAY_WAIT:?}"
                    )
                    .into());
                }
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
        }
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
        let (record, reason) = destroy_fields(&request.into_inner())?;
        let (tombstones, rows, kept_shared_for) =
            self.destroy_in_database(&record, &reason, &who).await?;
        tracing::info!(
            record = %record.complaint_reference,
            by = %who,
            streams = tombstones.len(),
            rows,
            kept_shared_for = ?kept_shared_for,
            "destroyed under the retention policy"
        );
        let erased = self.erase_from_bus().await?;
        Ok(tonic::Response::new(DestroyResponse {
            tombstones: tombstones.into_iter().map(|t| self.tombstone(t)).collect(),
            rows_removed: rows,
            bus_messages_erased: erased,
            kept_shared_for,
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

    /// The latest [`crate::limits::MAX_LIST_ROWS`] destructions, oldest
    /// first.
    async fn list_destructions(
        &self,
        _request: tonic::Request<ListDestructionsRequest>,
    ) -> Result<tonic::Response<ListDestructionsResponse>, tonic::Status> {
        let tombstones = self
            .log
            .tombstones(crate::limits::LIST_ROWS_TO_FETCH)
            .await
            .map_err(|e| unavailable("the destructions cannot be read", &e))?;
        let tombstones = crate::limits::Cut::keep_latest(tombstones);
        Ok(tonic::Response::new(ListDestructionsResponse {
            truncated: tombstones.truncated,
            tombstones: tombstones
                .rows
                .into_iter()
                .map(|t| self.tombstone(t))
                .collect(),
        }))
    }
}
