//! `complaints.v1.Notifications`: the correspondence of a complaint, resends,
//! template previews and the print queue (R-CORR-1, paged in
//! [`print_queue`]).

use crate::consume::Planner;
use crate::core::{self, DeliveryCommand, NotificationId, PlanContext, RecipientKind};
use crate::reach;
use crate::store::{self, NewNotification, Row, StoreError};
use complaints_proto::v1 as pb;
use eventlog::Actor;
use platform::auth::{AccessAudit, Principal};
use sqlx::{PgConnection, PgPool};
use tonic::{Request, Response, Status};
use uuid::Uuid;

/// The Notifications service's handlers.
#[derive(Debug, Clone)]
pub struct NotificationsApi {
    pool: PgPool,
    planner: Planner,
    audit: AccessAudit,
    /// Our name and address on every printed letter (`LETTER_ADDRESS`).
    letter_address: Vec<String>,
}

impl NotificationsApi {
    pub fn new(pool: PgPool, planner: Planner, audit: AccessAudit) -> Self {
        Self {
            pool,
            planner,
            audit,
            letter_address: crate::printing::letter_address(
                crate::printing::DEFAULT_LETTER_ADDRESS,
            ),
        }
    }

    /// Prints `lines` as our address on posted letters.
    pub fn with_letter_address(self, lines: Vec<String>) -> Self {
        Self {
            letter_address: lines,
            ..self
        }
    }

    /// Refuses (and records) a caller who may not act on `row`'s
    /// complaint: resending and marking posted are handling, which
    /// monitoring alone does not give (R-MON-1, R-CONF-1).
    async fn reach_row(
        &self,
        conn: &mut PgConnection,
        who: &Principal,
        name: &str,
        row: &Row,
    ) -> Result<(), Status> {
        reach::check(
            conn,
            &self.audit,
            who,
            (&reach::method(name), reach::Need::Handle),
            &row.reference,
            &row.party_key,
        )
        .await
    }
}

/// A database step that failed: a value the database refuses as data
/// (SQLSTATE class 22) is INVALID_ARGUMENT, an outage (PostgreSQL not
/// answering, a pool exhausted) UNAVAILABLE, anything else INTERNAL; see
/// [`platform::status::database`].
fn internal(e: sqlx::Error) -> Status {
    platform::status::database("the notifications store failed", &e)
}

/// A failure no retry mends: a stored record this code cannot read back.
fn unexpected(e: impl std::fmt::Display) -> Status {
    tracing::error!(error = %e, "notifications request failed");
    Status::internal("the request could not be completed")
}

/// The status of a failed store call: NOT_FOUND, FAILED_PRECONDITION and
/// ABORTED for what the store refuses, INVALID_ARGUMENT for a value the
/// database refuses as data, UNAVAILABLE for an outage, INTERNAL for a
/// stored record that does not decode.
pub(crate) fn store_status(e: StoreError) -> Status {
    match e {
        StoreError::NotFound(id) => Status::not_found(format!("notification {id} is not known")),
        StoreError::Refused(r) => Status::failed_precondition(r.to_string()),
        StoreError::Log(eventlog::Error::Conflict { .. }) => {
            Status::aborted("the notification changed meanwhile; try again")
        }
        StoreError::Database(e) => internal(e),
        StoreError::Log(e @ eventlog::Error::Database { .. }) => {
            platform::status::database("the notifications log failed", &e)
        }
        other => unexpected(other),
    }
}

fn timestamp(t: chrono::DateTime<chrono::Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: t.timestamp_subsec_nanos() as i32,
    }
}

fn id_of(field: &str, text: &str) -> Result<Uuid, Status> {
    Uuid::parse_str(text.trim()).map_err(|_| {
        platform::grpc::invalid_argument(&[platform::grpc::FieldViolation {
            field: field.into(),
            rule: "R-CORR-1",
            description: "must be a notification id (a UUID)".into(),
        }])
    })
}

/// The reference a `ListCorrespondence` request names, read at the edge
/// (touching nothing): the reference or INVALID_ARGUMENT naming it.
pub(crate) fn correspondence_reference(
    r: &pb::ListCorrespondenceRequest,
) -> Result<String, Status> {
    platform::limits::required_text(
        "reference",
        fieldtext::fields::RECORD_ID,
        &r.reference,
        "R-CORR-1",
    )
}

/// The reference and letter a `PreviewTemplate` request names, read at the
/// edge (touching nothing).
pub(crate) fn preview_fields(r: &pb::PreviewTemplateRequest) -> Result<(String, String), Status> {
    let reference = platform::limits::required_text(
        "reference",
        fieldtext::fields::RECORD_ID,
        &r.reference,
        "R-CORR-1",
    )?;
    let letter =
        platform::limits::required_text("letter", fieldtext::fields::LABEL, &r.letter, "R-CORR-1")?;
    Ok((reference, letter))
}

fn status_text(status: i32) -> &'static str {
    match pb::NotificationStatus::try_from(status) {
        Ok(pb::NotificationStatus::Queued) => "queued",
        Ok(pb::NotificationStatus::Failed) => "failed",
        Ok(pb::NotificationStatus::Sent) => "sent",
        Ok(pb::NotificationStatus::GivenUp) => "given up",
        Ok(pb::NotificationStatus::Cancelled) => "cancelled",
        _ => "unknown",
    }
}

/// A row as the API shows it: no address, no text.
pub fn correspondence(row: &Row) -> pb::Correspondence {
    pb::Correspondence {
        notification_id: row.notification_id.to_string(),
        template: row.template.clone(),
        status: status_text(row.status).into(),
        updated_at: Some(timestamp(row.updated_at)),
        recipient_kind: row.recipient_kind,
        recipient_staff_id: row.recipient_staff_id.clone(),
        channel: row.channel,
        status_code: row.status,
        queued_at: Some(timestamp(row.queued_at)),
        attempts: row.attempts.max(0) as u32,
        detail: row.detail.clone(),
        reference: row.reference.clone(),
        resend_of: row.resend_of.map(|u| u.to_string()).unwrap_or_default(),
        // Read from the notification's stream by `traced`.
        trace_id: String::new(),
    }
}

/// Rows as the API shows them, each with the trace it was queued in.
async fn traced(conn: &mut PgConnection, rows: &[Row]) -> Result<Vec<pb::Correspondence>, Status> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.notification_id).collect();
    let mut traces = store::queued_trace_ids(conn, &ids)
        .await
        .map_err(store_status)?;
    Ok(rows
        .iter()
        .map(|row| pb::Correspondence {
            trace_id: traces.remove(&row.notification_id).unwrap_or_default(),
            ..correspondence(row)
        })
        .collect())
}

/// Whom a stored notification is to, as the core knows it.
pub fn recipient_kind(row: &Row) -> RecipientKind {
    match pb::RecipientKind::try_from(row.recipient_kind) {
        Ok(pb::RecipientKind::ThirdParty) => RecipientKind::ThirdParty,
        Ok(pb::RecipientKind::Staff) => RecipientKind::Staff(row.recipient_staff_id.clone()),
        Ok(pb::RecipientKind::Manager) => RecipientKind::Manager(row.recipient_staff_id.clone()),
        _ => RecipientKind::Complainant,
    }
}

fn recipient_of(row: &Row) -> core::Recipient {
    let kind = recipient_kind(row);
    let channel = if row.channel == pb::DeliveryChannel::Post as i32 {
        core::Channel::Post {
            lines: row.postal_lines.clone(),
            postcode: row.postcode.clone(),
        }
    } else {
        core::Channel::Email(row.email.clone().unwrap_or_default())
    };
    core::Recipient {
        kind,
        name: row.recipient_name.clone(),
        channel,
        adjustments: None,
    }
}

#[tonic::async_trait]
impl pb::notifications_server::Notifications for NotificationsApi {
    /// For the public pages, with a follow link ([`crate::follow`]).
    async fn list_complainant_letters(
        &self,
        request: Request<pb::ListComplainantLettersRequest>,
    ) -> Result<Response<pb::ListComplainantLettersResponse>, Status> {
        let who = Principal::of(&request)?.clone();
        Ok(Response::new(
            self.complainant_letters(&who, request.into_inner()).await?,
        ))
    }

    /// For the public pages: a fresh follow link, sent, never returned.
    async fn send_follow_link(
        &self,
        request: Request<pb::SendFollowLinkRequest>,
    ) -> Result<Response<pb::SendFollowLinkResponse>, Status> {
        Ok(Response::new(
            self.send_follow_link(request.into_inner()).await?,
        ))
    }

    /// A complaint's or a submission's letters: the latest
    /// [`platform::limits::MAX_LIST_ROWS`], oldest first, `truncated` when
    /// older ones were left out.
    async fn list_correspondence(
        &self,
        request: Request<pb::ListCorrespondenceRequest>,
    ) -> Result<Response<pb::ListCorrespondenceResponse>, Status> {
        let who = Principal::of(&request)?.clone();
        let reference = correspondence_reference(&request.into_inner())?;
        let mut conn = self.pool.acquire().await.map_err(internal)?;
        let party = store::party_of(&mut conn, &reference)
            .await
            .map_err(store_status)?
            .ok_or_else(|| Status::not_found(format!("{reference} is not known here")))?;
        let method = reach::method("ListCorrespondence");
        reach::check(
            &mut conn,
            &self.audit,
            &who,
            (&method, reach::Need::Read),
            &reference,
            &party,
        )
        .await?;
        reach::read(&self.audit, &who, &method, &reference).await?;
        let rows = store::of_party(&mut conn, &party, platform::limits::LIST_ROWS_TO_FETCH)
            .await
            .map_err(store_status)?;
        let rows = platform::limits::Cut::keep_latest(rows);
        Ok(Response::new(pb::ListCorrespondenceResponse {
            items: traced(&mut conn, &rows.rows).await?,
            truncated: rows.truncated,
        }))
    }

    async fn resend_notification(
        &self,
        request: Request<pb::ResendNotificationRequest>,
    ) -> Result<Response<pb::ResendNotificationResponse>, Status> {
        let who = Principal::of(&request)?.clone();
        let id = id_of("notification_id", &request.into_inner().notification_id)?;
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let row = store::get(&mut tx, id)
            .await
            .map_err(store_status)?
            .ok_or_else(|| Status::not_found(format!("notification {id} is not known")))?;
        self.reach_row(&mut tx, &who, "ResendNotification", &row)
            .await?;
        // R-INT-4: nothing more goes to a third party once consent is withdrawn.
        if row.recipient_kind == pb::RecipientKind::ThirdParty as i32 {
            let party = store::load_party(&mut tx, &row.party_key)
                .await
                .map_err(store_status)?;
            if party.consent == core::Consent::Withdrawn {
                return Err(Status::failed_precondition(
                    "R-INT-4: consent was withdrawn; nothing more goes to the third party",
                ));
            }
        }
        let new_id = store::notification_id(id, &row.template, &RecipientKind::Complainant);
        let now = self.planner.clock.now();
        store::command(
            &mut tx,
            id,
            DeliveryCommand::Resend {
                new_id: NotificationId(new_id.to_string()),
            },
            &self.planner.policy,
            now,
            Actor::System("notifications-api".into()),
        )
        .await
        .map_err(store_status)?;
        let to = recipient_of(&row);
        let rendered = core::Rendered {
            subject: row.subject.clone(),
            body: row.body.clone(),
        };
        store::queue(
            &mut tx,
            &NewNotification {
                id: new_id,
                party_key: &row.party_key,
                reference: &row.reference,
                template: &row.template,
                to: &to,
                rendered: &rendered,
                cause_event_id: row.cause_event_id,
                cause_event_type: &row.cause_event_type,
                cause_payload: &row.cause_payload,
                resend_of: Some(id),
            },
            now,
        )
        .await
        .map_err(store_status)?;
        let created = store::get(&mut tx, new_id)
            .await
            .map_err(store_status)?
            .ok_or_else(|| unexpected("the resent notification vanished"))?;
        let notification = traced(&mut tx, &[created]).await?.pop();
        tx.commit().await.map_err(internal)?;
        Ok(Response::new(pb::ResendNotificationResponse {
            notification,
        }))
    }

    async fn preview_template(
        &self,
        request: Request<pb::PreviewTemplateRequest>,
    ) -> Result<Response<pb::PreviewTemplateResponse>, Status> {
        let who = Principal::of(&request)?.clone();
        let (reference, letter) = preview_fields(&request.into_inner())?;
        let (reference, template) = (reference.as_str(), letter.as_str());
        let template = template.strip_suffix(".txt.j2").unwrap_or(template);
        let mut conn = self.pool.acquire().await.map_err(internal)?;
        let party_key = store::party_of(&mut conn, reference)
            .await
            .map_err(store_status)?
            .ok_or_else(|| Status::not_found(format!("{reference} is not known here")))?;
        // The preview is the letter as the complainant gets it: their data.
        let method = reach::method("PreviewTemplate");
        reach::check(
            &mut conn,
            &self.audit,
            &who,
            (&method, reach::Need::Read),
            reference,
            &party_key,
        )
        .await?;
        reach::read(&self.audit, &who, &method, reference).await?;
        let rows = store::of_party(&mut conn, &party_key, platform::limits::MAX_LIST_ROWS)
            .await
            .map_err(store_status)?;
        // A staff alert raised for a given-up email has no event to plan
        // from again; preview the letters events called for.
        let given_up = <pb::NotificationGivenUp as prost::Name>::full_name();
        let Some(row) = rows
            .iter()
            .rev()
            .find(|r| r.template == template && r.cause_event_type != given_up)
        else {
            return Err(Status::not_found(format!(
                "no {template} letter was called for on {reference}"
            )));
        };
        let party = store::load_party(&mut conn, &party_key)
            .await
            .map_err(store_status)?;
        let ctx = PlanContext {
            staff: self.planner.staff.as_ref(),
            settings: &self.planner.settings,
        };
        // The letters as they were about this complaint: an event that
        // opened another complaint (new issues) names its own reference.
        let letters = core::letters_about(
            Some(&row.reference),
            &row.cause_event_type,
            &row.cause_payload,
            &party,
            &ctx,
        )
        .map_err(|e| Status::failed_precondition(e.to_string()))?;
        let letter = letters
            .iter()
            .find(|l| l.template() == template)
            .ok_or_else(|| Status::not_found(format!("no {template} letter for {reference}")))?;
        let mut to = recipient_of(row);
        if to.kind == core::RecipientKind::Complainant {
            to.adjustments = party.adjustments.clone();
        }
        let rendered = core::render(letter, &to, self.planner.templates.as_ref())
            .map_err(|e| Status::failed_precondition(e.to_string()))?;
        Ok(Response::new(pb::PreviewTemplateResponse {
            subject: rendered.subject,
            body: rendered.body,
        }))
    }

    /// One page of the letters waiting to be printed that the caller may
    /// reach ([`print_queue`]).
    async fn list_print_queue(
        &self,
        request: Request<pb::ListPrintQueueRequest>,
    ) -> Result<Response<pb::ListPrintQueueResponse>, Status> {
        let who = Principal::of(&request)?.clone();
        let page = print_queue::page_request(request.get_ref())?;
        Ok(Response::new(self.print_queue_page(&who, page).await?))
    }

    /// One letter of the print queue, ready to print ([`print_queue`]).
    async fn get_print_letter(
        &self,
        request: Request<pb::GetPrintLetterRequest>,
    ) -> Result<Response<pb::PrintItem>, Status> {
        let who = Principal::of(&request)?.clone();
        Ok(Response::new(
            self.print_letter(&who, request.into_inner()).await?,
        ))
    }

    async fn mark_posted(
        &self,
        request: Request<pb::MarkPostedRequest>,
    ) -> Result<Response<pb::MarkPostedResponse>, Status> {
        let who = Principal::of(&request)?.clone();
        let id = id_of("notification_id", &request.into_inner().notification_id)?;
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let row = store::get(&mut tx, id)
            .await
            .map_err(store_status)?
            .ok_or_else(|| Status::not_found(format!("notification {id} is not known")))?;
        self.reach_row(&mut tx, &who, "MarkPosted", &row).await?;
        if row.channel != pb::DeliveryChannel::Post as i32 {
            return Err(Status::failed_precondition(
                "R-CORR-1: only a post letter is marked posted; emails are sent by the mail server",
            ));
        }
        let after = store::command(
            &mut tx,
            id,
            DeliveryCommand::RecordSent {
                server_answer: "posted".into(),
            },
            &self.planner.policy,
            self.planner.clock.now(),
            Actor::System("notifications-api".into()),
        )
        .await
        .map_err(store_status)?;
        let notification = traced(&mut tx, &[after]).await?.pop();
        tx.commit().await.map_err(internal)?;
        Ok(Response::new(pb::MarkPostedResponse { notification }))
    }
}

mod complainant;
mod print_queue;

#[cfg(test)]
mod never_panics;

#[cfg(test)]
mod storage_errors {
    use super::*;

    /// Every request field that reaches the database is cleaned or parsed
    /// at the edge first (references by `fieldtext`, ids as UUIDs), so no
    /// request carries a value PostgreSQL refuses; the mapping behind the
    /// edges is tested with a real refusal instead.
    #[tokio::test]
    async fn a_value_the_database_refuses_as_data_answers_invalid_argument() {
        let pool = PgPool::connect(&eventlog::testing::database_url())
            .await
            .unwrap();
        let refused = || async {
            sqlx::query("SELECT $1::text")
                .bind("CMP\0")
                .execute(&pool)
                .await
                .unwrap_err()
        };
        assert_eq!(
            store_status(StoreError::Database(refused().await)).code(),
            tonic::Code::InvalidArgument
        );
        let logged = eventlog::Error::Database {
            context: "appending".into(),
            source: refused().await,
        };
        assert_eq!(
            store_status(StoreError::Log(logged)).code(),
            tonic::Code::InvalidArgument
        );
        assert_eq!(
            store_status(StoreError::Database(sqlx::Error::PoolTimedOut)).code(),
            tonic::Code::Unavailable
        );
        assert_eq!(
            internal(sqlx::Error::PoolClosed).code(),
            tonic::Code::Unavailable
        );
        let undecodable = StoreError::Party {
            event_type: "x".into(),
            detail: "y".into(),
        };
        assert_eq!(store_status(undecodable).code(), tonic::Code::Internal);
        let missing = StoreError::NotFound(Uuid::nil());
        assert_eq!(store_status(missing).code(), tonic::Code::NotFound);
    }
}
