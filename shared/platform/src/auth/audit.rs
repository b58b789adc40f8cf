//! Recording reads of personal data, and serving the access audit
//! (`complaints.v1.AccessAudit`, R-CONF-1).

use super::Principal;
use complaints_proto::v1::{
    self as pb, ListAccessRequest, ListAccessResponse, access_audit_server::AccessAuditServer,
};
use eventlog::{Access, AccessOutcome, EventLog};

/// Records accesses to this service's records.
#[derive(Debug, Clone)]
pub struct AccessAudit {
    log: EventLog,
    service: String,
}

impl AccessAudit {
    pub fn new(log: EventLog, service: &str) -> Self {
        Self {
            log,
            service: service.to_owned(),
        }
    }

    /// Records that `who` was given the personal data of `record` through
    /// `method`. A read that cannot be recorded is not served: the caller
    /// gets UNAVAILABLE and may retry.
    pub async fn read(
        &self,
        who: &Principal,
        method: &str,
        record: &str,
    ) -> Result<(), tonic::Status> {
        self.record(who, method, record, AccessOutcome::Read).await
    }

    /// Records that `who` was given the personal data of each of `records`
    /// through `method`, in one write (a page of a list). As with
    /// [`AccessAudit::read`], nothing is to be served when this fails.
    pub async fn read_all(
        &self,
        who: &Principal,
        method: &str,
        records: &[String],
    ) -> Result<(), tonic::Status> {
        let access = Access {
            subject: who.subject.clone(),
            roles: who.roles_label(),
            method: method.to_owned(),
            outcome: AccessOutcome::Read,
            record: None,
            trace_id: telemetry::propagation::trace_id(&tracing::Span::current()),
        };
        self.log
            .record_accesses(&access, records)
            .await
            .map_err(|e| crate::status::storage("the access audit cannot be written", &e))
    }

    /// Records that `who` was refused `record` through `method`, and
    /// returns the PERMISSION_DENIED to answer with.
    pub async fn refused(&self, who: &Principal, method: &str, record: &str) -> tonic::Status {
        if let Err(e) = self
            .record(who, method, record, AccessOutcome::Denied)
            .await
        {
            tracing::error!(error = %e.message(), "could not record a refused read");
        }
        who.denied(&format!("reach {record}"))
    }

    async fn record(
        &self,
        who: &Principal,
        method: &str,
        record: &str,
        outcome: AccessOutcome,
    ) -> Result<(), tonic::Status> {
        let access = Access {
            subject: who.subject.clone(),
            roles: who.roles_label(),
            method: method.to_owned(),
            outcome,
            record: Some(record.to_owned()),
            trace_id: telemetry::propagation::trace_id(&tracing::Span::current()),
        };
        self.log
            .record_access(&access)
            .await
            .map_err(|e| crate::status::storage("the access audit cannot be written", &e))
    }

    /// The gRPC service over this audit.
    pub fn server(self) -> AccessAuditServer<Self> {
        AccessAuditServer::new(self)
    }
}

/// What a `ListAccess` request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AccessQuery {
    /// Every refusal.
    Refused,
    /// The accesses to one record.
    Record(String),
}

/// Reads a `ListAccess` request at the edge, touching nothing:
/// INVALID_ARGUMENT naming `record` when it is not a record id, or when it
/// is empty and `refused_only` is not asked for.
pub(crate) fn access_query(r: &ListAccessRequest) -> Result<AccessQuery, tonic::Status> {
    let record = fieldtext::fields::RECORD_ID
        .clean(&r.record)
        .map_err(|refused| {
            crate::grpc::invalid_argument(&[crate::grpc::FieldViolation {
                field: "record".into(),
                rule: "R-CONF-1",
                description: refused.to_string(),
            }])
        })?
        .unwrap_or_default();
    if r.refused_only {
        Ok(AccessQuery::Refused)
    } else if record.is_empty() {
        Err(tonic::Status::invalid_argument(
            "record: name a complaint reference or submission id, or ask for refused_only (R-CONF-1)",
        ))
    } else {
        Ok(AccessQuery::Record(record))
    }
}

#[tonic::async_trait]
impl pb::access_audit_server::AccessAudit for AccessAudit {
    /// A record's accesses, or every refusal: the latest
    /// [`crate::limits::MAX_LIST_ROWS`] entries, oldest first (a record
    /// read more often than that, or a flood of refusals, is cut to the
    /// newest, and the answer says `truncated`).
    async fn list_access(
        &self,
        request: tonic::Request<ListAccessRequest>,
    ) -> Result<tonic::Response<ListAccessResponse>, tonic::Status> {
        let limit = crate::limits::LIST_ROWS_TO_FETCH;
        let entries = match access_query(&request.into_inner())? {
            AccessQuery::Refused => self.log.refused_accesses(limit).await,
            AccessQuery::Record(record) => self.log.accesses_to(&record, limit).await,
        }
        .map_err(|e| crate::status::storage("the access audit cannot be read", &e))?;
        let entries = crate::limits::Cut::keep_latest(entries);
        Ok(tonic::Response::new(ListAccessResponse {
            truncated: entries.truncated,
            entries: entries
                .rows
                .into_iter()
                .map(|e| pb::AccessEntry {
                    at: Some(prost_types::Timestamp {
                        seconds: e.at.timestamp(),
                        nanos: i32::try_from(e.at.timestamp_subsec_nanos()).unwrap_or(0),
                    }),
                    subject: e.access.subject,
                    roles: e.access.roles,
                    method: e.access.method,
                    outcome: match e.access.outcome {
                        AccessOutcome::Read => "read".into(),
                        AccessOutcome::Denied => "denied".into(),
                    },
                    record: e.access.record.unwrap_or_default(),
                    trace_id: e.access.trace_id.unwrap_or_default(),
                    service: self.service.clone(),
                })
                .collect(),
        }))
    }
}
