//! The retention job's RPCs (R-CONF-2): the dry run (`ListDue`), one run
//! now (`RunRetention`) and the holds in place (`ListHolds`). Answers
//! carry ids, policies and dates; a hold's reason is the data protection
//! officer's own words.

use super::job::{DueRecord, JobError};
use super::{Retention, unavailable};
use chrono::{DateTime, Datelike, Utc};
use complaints_proto::v1::{self as pb, ListDueResponse, ListHoldsResponse, RunRetentionResponse};

fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

impl Retention {
    fn due_record(&self, due: DueRecord, held: bool) -> pb::DueRecord {
        let id = |id: Option<uuid::Uuid>| id.map(|id| id.to_string()).unwrap_or_default();
        pb::DueRecord {
            record: due.record.complaint_reference,
            submission_id: id(due.record.submission_id),
            compliment_id: id(due.record.compliment_id),
            policy: due.policy,
            due_on: Some(pb::Date {
                year: due.due_on.year(),
                month: due.due_on.month(),
                day: due.due_on.day(),
            }),
            held,
            service: self.service.clone(),
        }
    }

    fn job_failed(error: &JobError) -> tonic::Status {
        unavailable("the retention job cannot run", error)
    }

    /// The dry run: the records due now, soonest due first, at most
    /// [`crate::limits::MAX_LIST_ROWS`] of them (the job itself destroys
    /// every one due; a longer list is cut, says `truncated`, and the rest
    /// follow once the first are destroyed).
    pub(super) async fn list_due_rpc(&self) -> Result<ListDueResponse, tonic::Status> {
        let due = self.due_now().await.map_err(|e| Self::job_failed(&e))?;
        let due = crate::limits::Cut::keep_first(due);
        let mut records = Vec::with_capacity(due.rows.len());
        for record in due.rows {
            let held = self
                .is_held(&record.record)
                .await
                .map_err(|e| Self::job_failed(&e))?;
            records.push(self.due_record(record, held));
        }
        Ok(ListDueResponse {
            records,
            truncated: due.truncated,
        })
    }

    pub(super) async fn run_retention_rpc(&self) -> Result<RunRetentionResponse, tonic::Status> {
        let report = self.run_once().await.map_err(|e| Self::job_failed(&e))?;
        Ok(RunRetentionResponse {
            destroyed: report
                .destroyed
                .into_iter()
                .map(|d| self.due_record(d, false))
                .collect(),
            skipped_under_hold: report
                .skipped_under_hold
                .into_iter()
                .map(|d| self.due_record(d, true))
                .collect(),
            tombstones: report
                .tombstones
                .into_iter()
                .map(|t| self.tombstone(t))
                .collect(),
            bus_messages_erased: report.bus_messages_erased,
        })
    }

    /// The holds in place, by record, the first
    /// [`crate::limits::MAX_LIST_ROWS`] of them.
    pub(super) async fn list_holds_rpc(&self) -> Result<ListHoldsResponse, tonic::Status> {
        let holds = self
            .log
            .holds_in_place(crate::limits::LIST_ROWS_TO_FETCH)
            .await
            .map_err(|e| unavailable("the legal holds cannot be read", &e))?;
        let holds = crate::limits::Cut::keep_first(holds);
        Ok(ListHoldsResponse {
            truncated: holds.truncated,
            holds: holds
                .rows
                .into_iter()
                .map(|h| pb::LegalHold {
                    record: h.record,
                    reason: h.reason,
                    placed_by: h.by_whom,
                    placed_at: Some(timestamp(h.at)),
                    service: self.service.clone(),
                })
                .collect(),
        })
    }
}
