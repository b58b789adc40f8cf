//! The `complaints.v1.SubjectAccess` service of one service.

use super::json::payload_json_or_hex;
use super::{EmailAddress, Found, Link, SubjectError, SubjectScope};
use crate::auth::{AccessAudit, Principal};
use complaints_proto::v1::{
    self as pb, SubjectExportRequest, SubjectExportResponse,
    subject_access_server::SubjectAccessServer,
};
use eventlog::EventLog;
use eventlog::retention as log_retention;
use std::sync::Arc;
use uuid::Uuid;

/// The method recorded in the access audit for each export.
pub const EXPORT: &str = "/complaints.v1.SubjectAccess/Export";

/// Subject access over one service's log and [`SubjectScope`].
#[derive(Debug, Clone)]
pub struct SubjectAccess {
    log: EventLog,
    service: String,
    scope: Arc<dyn SubjectScope>,
    audit: AccessAudit,
}

/// Why an export could not be served, never naming personal data.
fn unavailable(error: &(dyn std::error::Error + 'static)) -> tonic::Status {
    crate::status::storage("the subject access export cannot be read", error)
}

fn timestamp(at: chrono::DateTime<chrono::Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// The request's email, parsed at the edge (R-CONF-1).
fn email_of(raw: &str) -> Result<EmailAddress, tonic::Status> {
    EmailAddress::parse(raw).ok_or_else(|| {
        tonic::Status::invalid_argument(
            "email: not an email address; a subject access request names the person by \
             their email address (R-CONF-1)",
        )
    })
}

/// A subject access request's email and links, read at the edge
/// (touching nothing).
pub(crate) fn export_fields(
    r: &SubjectExportRequest,
) -> Result<(EmailAddress, Vec<Link>), tonic::Status> {
    Ok((email_of(&r.email)?, links_of(&r.links)?))
}

fn links_of(links: &[pb::SubjectLink]) -> Result<Vec<Link>, tonic::Status> {
    crate::limits::list_length("links", links.len())
        .map_err(|v| crate::grpc::invalid_argument(&[v]))?;
    links
        .iter()
        .map(|l| {
            let submission_id = match l.submission_id.trim() {
                "" => None,
                id => Some(Uuid::parse_str(id).map_err(|_| {
                    tonic::Status::invalid_argument(
                        "links.submission_id: not a submission id (R-CONF-1)",
                    )
                })?),
            };
            let complaint_reference = fieldtext::fields::RECORD_ID
                .clean(&l.complaint_reference)
                .map_err(|refused| {
                    crate::grpc::invalid_argument(&[crate::grpc::FieldViolation {
                        field: "links.complaint_reference".into(),
                        rule: "R-CONF-1",
                        description: refused.to_string(),
                    }])
                })?;
            Ok(Link {
                submission_id,
                complaint_reference,
            })
        })
        .collect()
}

impl SubjectAccess {
    pub fn new(
        log: EventLog,
        service: &str,
        scope: Arc<dyn SubjectScope>,
        audit: AccessAudit,
    ) -> Self {
        Self {
            log,
            service: service.to_owned(),
            scope,
            audit,
        }
    }

    /// The gRPC service.
    pub fn server(self) -> SubjectAccessServer<Self> {
        SubjectAccessServer::new(self)
    }

    /// One found record with its hold, events and rows.
    async fn record(
        &self,
        conn: &mut sqlx::PgConnection,
        found: Found,
    ) -> Result<pb::SubjectRecord, SubjectError> {
        let legal_hold = log_retention::hold_in(conn, &found.record).await?.is_some();
        let mut events = Vec::new();
        for stream in &found.streams {
            for e in self.log.read_stream(stream).await? {
                events.push(pb::SubjectEvent {
                    stream_id: e.stream_id,
                    version: e.stream_version,
                    payload_json: payload_json_or_hex(&e.event_type, &e.payload).to_string(),
                    event_type: e.event_type,
                    recorded_at: Some(timestamp(e.recorded_at)),
                });
            }
        }
        Ok(pb::SubjectRecord {
            kind: found.kind.to_owned(),
            record: found.record,
            submission_id: found
                .submission_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            legal_hold,
            events,
            rows: found
                .rows
                .into_iter()
                .map(|r| pb::SubjectRow {
                    table: r.table,
                    json: r.json.to_string(),
                })
                .collect(),
        })
    }
}

#[tonic::async_trait]
impl pb::subject_access_server::SubjectAccess for SubjectAccess {
    async fn export(
        &self,
        request: tonic::Request<SubjectExportRequest>,
    ) -> Result<tonic::Response<SubjectExportResponse>, tonic::Status> {
        let who = Principal::of(&request)?.clone();
        let (email, links) = export_fields(&request.into_inner())?;
        let mut conn = self
            .log
            .pool()
            .acquire()
            .await
            .map_err(|e| unavailable(&e))?;
        let found = self
            .scope
            .find(&mut conn, &email, &links)
            .await
            .map_err(|e| unavailable(&e))?;
        let mut records = Vec::with_capacity(found.len());
        for f in found {
            records.push(
                self.record(&mut conn, f)
                    .await
                    .map_err(|e| unavailable(&e))?,
            );
        }
        // Each record handed out is an access to it; an export that found
        // nothing is still recorded, under no record's name.
        for record in &records {
            self.audit.read(&who, EXPORT, &record.record).await?;
        }
        if records.is_empty() {
            self.audit.read(&who, EXPORT, "subject-access").await?;
        }
        tracing::info!(by = %who.subject, records = records.len(), "subject access export");
        Ok(tonic::Response::new(SubjectExportResponse {
            service: self.service.clone(),
            requested_by: who.subject,
            exported_at: Some(timestamp(chrono::Utc::now())),
            records,
            found_by: self.scope.found_by().to_owned(),
            note: self.scope.note().to_owned(),
        }))
    }
}
