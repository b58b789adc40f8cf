//! The data protection officer's pages (R-CONF-1, R-CONF-2): legal holds,
//! the retention dry run and run, destruction of one complaint with an
//! explicit confirmation, the destructions made, subject access exports
//! and the access audit; and, for operators and the compliance manager,
//! the read-model and log rebuilds.
//!
//! Every service serves `Retention`, `SubjectAccess` and `AccessAudit` for
//! its own data on its own port, so each page asks all four and says which
//! service each row came from; a service that refuses or does not answer
//! is named with its reason, and a page all four refuse is the refusal.
//! The person's email for a subject access export travels in a POST body
//! only, never in a URL, a log line or a span.

use super::{App, Fields, Shared, Staff, see_other, value};
use crate::error::{CallError, FieldError};
use crate::present;
use crate::services::{As, AsPerson};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use complaints_proto::v1 as pb;
use complaints_proto::v1::access_audit_client::AccessAuditClient;
use complaints_proto::v1::retention_client::RetentionClient;
use complaints_proto::v1::subject_access_client::SubjectAccessClient;
use minijinja::context;
use platform::auth::Role;
use serde::Serialize;
use serde_json::{Value as Json, json};
use tonic::transport::Channel;

/// Who the navigation offers the records pages to: retention and subject
/// access are the data protection officer's alone.
pub const MAY_USE: &[Role] = &[Role::DataProtectionOfficer];
/// Who may read the access audit (R-CONF-1).
pub const AUDIT_READERS: &[Role] = &[Role::DataProtectionOfficer, Role::ComplianceManager];
/// Who may rebuild the read model and the log.
pub const REBUILDERS: &[Role] = &[Role::Operator, Role::ComplianceManager];

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/records", get(holds))
        .route("/records/holds", post(place_hold))
        .route("/records/holds/lift", post(lift_hold))
        .route("/records/due", get(due))
        .route("/records/retention", post(run_retention))
        .route("/records/destroy", get(destroy_form).post(destroy_check))
        .route("/records/destroy/confirm", post(destroy_confirmed))
        .route("/records/destructions", get(destructions))
        .route(
            "/records/subject-access",
            get(subject_access_form).post(subject_access_export),
        )
        .route("/records/access", get(access_audit))
        .route("/records/rebuild", get(rebuild_page))
        .route("/records/rebuild/read-model", post(rebuild_read_model))
        .route("/records/rebuild/log", post(rebuild_log))
}

/// The four services, in the order intake, complaints, notifications,
/// reporting.
fn channels(app: &App) -> [(&'static str, Channel); 4] {
    let s = &app.services;
    [
        ("intake", s.intake.clone()),
        ("complaints", s.complaints.clone()),
        ("notifications", s.notifications.clone()),
        ("reporting", s.reporting.clone()),
    ]
}

fn retention(app: &App, token: &str) -> Vec<(&'static str, RetentionClient<As>)> {
    channels(app)
        .into_iter()
        .map(|(name, ch)| {
            (
                name,
                RetentionClient::with_interceptor(ch, AsPerson::new(token)),
            )
        })
        .collect()
}

/// A service that did not do what was asked, and why.
#[derive(Debug, Serialize)]
struct Problem {
    service: &'static str,
    reason: String,
}

/// What a refused or failed call means, in words for a page.
fn reason(error: &CallError) -> String {
    match error {
        CallError::Denied(r) | CallError::NotFound(r) | CallError::Changed(r) => r.clone(),
        CallError::Refused { message, .. } => message.clone(),
        CallError::TryAgain(_) => "The service did not answer; try again in a moment.".into(),
        CallError::SignInAgain => "Your sign-in has ended; sign in again.".into(),
        CallError::Failed(_) => "The service could not complete the request.".into(),
    }
}

/// Answers gathered from the four services: the rows, the problems, and
/// the first error when every service failed (the page is then that
/// refusal).
struct Gathered<T> {
    rows: Vec<T>,
    problems: Vec<Problem>,
    all_failed: Option<CallError>,
}

impl<T> Gathered<T> {
    fn new() -> Self {
        Self {
            rows: Vec::new(),
            problems: Vec::new(),
            all_failed: None,
        }
    }

    fn failed(&mut self, service: &'static str, status: tonic::Status) {
        let error = CallError::from(status);
        self.problems.push(Problem {
            service,
            reason: reason(&error),
        });
        if self.problems.len() == 1 {
            self.all_failed = Some(error);
        }
    }

    /// The first error, when all four failed.
    fn refusal(&mut self) -> Option<CallError> {
        if self.problems.len() == 4 {
            self.all_failed.take()
        } else {
            None
        }
    }
}

fn problem_words(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("{}: {}", p.service, p.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A complaint reference, submission or compliment reference as the
/// services write them.
fn record_name(text: &str) -> Option<String> {
    let text = text.trim().to_ascii_uppercase();
    let ok = !text.is_empty()
        && text.len() <= 100
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    ok.then_some(text)
}

/// A record identifier for the audit: a reference, or a submission id
/// (a UUID, kept as typed in lower case).
fn audit_record(text: &str) -> Option<String> {
    let text = text.trim();
    if uuid::Uuid::parse_str(text).is_ok() {
        return Some(text.to_ascii_lowercase());
    }
    record_name(text)
}

/// Why, for a hold or a destruction: required, one paragraph.
fn why(text: &str) -> Option<String> {
    let text = text.trim();
    (!text.is_empty() && text.len() <= 1000 && !text.chars().any(|c| c.is_control() && c != '\n'))
        .then(|| text.to_owned())
}

#[derive(Debug, Serialize)]
struct Hold {
    service: &'static str,
    record: String,
    reason: String,
    placed_by: String,
    placed_at: String,
}

#[derive(Debug, Default, Serialize)]
struct HoldForm {
    record: String,
    reason: String,
}

async fn holds_page(
    app: &Shared,
    staff: &Staff,
    status: StatusCode,
    form: &HoldForm,
    errors: &[FieldError],
) -> Response {
    let mut gathered = Gathered::new();
    for (service, mut client) in retention(app, &staff.person.token) {
        match client.list_holds(pb::ListHoldsRequest {}).await {
            Ok(answer) => gathered
                .rows
                .extend(answer.into_inner().holds.into_iter().map(|h| Hold {
                    service,
                    record: h.record,
                    reason: h.reason,
                    placed_by: h.placed_by,
                    placed_at: present::timestamp_words(h.placed_at.as_ref()),
                })),
            Err(status) => gathered.failed(service, status),
        }
    }
    if let Some(error) = gathered.refusal() {
        return app.call_failed(&staff.visit, error, None);
    }
    gathered
        .rows
        .sort_by(|a, b| a.record.cmp(&b.record).then(a.service.cmp(b.service)));
    app.render(
        status,
        &staff.visit,
        "records.html",
        context! {
            holds => value(&gathered.rows),
            problems => value(&gathered.problems),
            form => value(form),
            errors => value(&errors),
        },
    )
}

/// R-CONF-2: the legal holds in place in each service.
async fn holds(State(app): State<Shared>, staff: Staff) -> Response {
    holds_page(&app, &staff, StatusCode::OK, &HoldForm::default(), &[]).await
}

/// The record and reason of a hold form, or the errors.
fn hold_request(fields: &Fields) -> (HoldForm, Result<pb::HoldRequest, Vec<FieldError>>) {
    let form = HoldForm {
        record: fields.get("record").to_owned(),
        reason: fields.get("reason").to_owned(),
    };
    let record = record_name(&form.record);
    let reason = why(&form.reason);
    let mut errors = Vec::new();
    if record.is_none() {
        errors.push(FieldError {
            field: "record".into(),
            message: "Enter the record's reference, for example CMP-2026-000123".into(),
        });
    }
    if reason.is_none() {
        errors.push(FieldError {
            field: "reason".into(),
            message: "Enter why the record is held, for example a claim or a regulator's inquiry (R-CONF-2)".into(),
        });
    }
    let result = match (record, reason) {
        (Some(record), Some(reason)) => Ok(pb::HoldRequest { record, reason }),
        _ => Err(errors),
    };
    (form, result)
}

/// Places (or lifts) one hold in all four services, so it covers the
/// record everywhere; says which services did and which refused.
async fn hold_everywhere(app: Shared, staff: Staff, body: Bytes, place: bool) -> Response {
    let fields = match app.form(&staff.visit, &body) {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    let (form, request) = hold_request(&fields);
    let request = match request {
        Ok(request) => request,
        Err(errors) => {
            return holds_page(
                &app,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                &errors,
            )
            .await;
        }
    };
    let mut done = Vec::new();
    let mut gathered: Gathered<()> = Gathered::new();
    for (service, mut client) in retention(&app, &staff.person.token) {
        let answer = if place {
            client.place_hold(request.clone()).await
        } else {
            client.lift_hold(request.clone()).await
        };
        match answer {
            Ok(_) => done.push(service),
            Err(status) => gathered.failed(service, status),
        }
    }
    if let Some(error) = gathered.refusal() {
        return app.call_failed(&staff.visit, error, Some("/records"));
    }
    let verb = if place { "placed on" } else { "lifted from" };
    let mut message = format!(
        "The legal hold is {verb} {} in {}.",
        request.record,
        done.join(", ")
    );
    if !gathered.problems.is_empty() {
        message.push_str(&format!(
            " Not done in: {}.",
            problem_words(&gathered.problems)
        ));
    }
    app.flash(&staff.visit, message);
    see_other("/records")
}

async fn place_hold(State(app): State<Shared>, staff: Staff, body: Bytes) -> Response {
    hold_everywhere(app, staff, body, true).await
}

async fn lift_hold(State(app): State<Shared>, staff: Staff, body: Bytes) -> Response {
    hold_everywhere(app, staff, body, false).await
}

#[derive(Debug, Serialize)]
struct DueRow {
    service: String,
    record: String,
    policy: String,
    due_on: String,
    held: bool,
}

fn due_row(service: &str, d: pb::DueRecord) -> DueRow {
    DueRow {
        service: if d.service.is_empty() {
            service.to_owned()
        } else {
            d.service
        },
        record: d.record,
        policy: d.policy,
        due_on: present::date(d.due_on.as_ref())
            .map(present::date_words)
            .unwrap_or_default(),
        held: d.held,
    }
}

/// R-CONF-2: the dry run: what each service would destroy now.
async fn due(State(app): State<Shared>, staff: Staff) -> Response {
    let mut gathered = Gathered::new();
    for (service, mut client) in retention(&app, &staff.person.token) {
        match client.list_due(pb::ListDueRequest {}).await {
            Ok(answer) => gathered.rows.extend(
                answer
                    .into_inner()
                    .records
                    .into_iter()
                    .map(|d| due_row(service, d)),
            ),
            Err(status) => gathered.failed(service, status),
        }
    }
    if let Some(error) = gathered.refusal() {
        return app.call_failed(&staff.visit, error, None);
    }
    app.render(
        StatusCode::OK,
        &staff.visit,
        "records_due.html",
        context! {
            records => value(&gathered.rows),
            problems => value(&gathered.problems),
        },
    )
}

#[derive(Debug, Serialize)]
struct RunSummary {
    service: &'static str,
    destroyed: usize,
    skipped: usize,
    streams: usize,
    bus_messages_erased: u64,
}

/// R-CONF-2: runs each service's retention job now, once the person has
/// confirmed; the result page shows after every service has answered.
async fn run_retention(State(app): State<Shared>, staff: Staff, body: Bytes) -> Response {
    let fields = match app.form(&staff.visit, &body) {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    if fields.get("confirm") != "yes" {
        let errors = vec![FieldError {
            field: "confirm".into(),
            message: "Confirm that every record due and not held is to be destroyed".into(),
        }];
        return app.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &staff.visit,
            "records_due.html",
            context! { errors => value(&errors), records => value(&Vec::<DueRow>::new()), unconfirmed => true },
        );
    }
    let mut summaries = Vec::new();
    let mut records = Vec::new();
    let mut gathered: Gathered<()> = Gathered::new();
    for (service, mut client) in retention(&app, &staff.person.token) {
        match client.run_retention(pb::RunRetentionRequest {}).await {
            Ok(answer) => {
                let a = answer.into_inner();
                summaries.push(RunSummary {
                    service,
                    destroyed: a.destroyed.len(),
                    skipped: a.skipped_under_hold.len(),
                    streams: a.tombstones.len(),
                    bus_messages_erased: a.bus_messages_erased,
                });
                for (list, result) in [
                    (a.destroyed, "Destroyed"),
                    (a.skipped_under_hold, "Skipped: legal hold"),
                ] {
                    for d in list {
                        records.push((due_row(service, d), result));
                    }
                }
            }
            Err(status) => gathered.failed(service, status),
        }
    }
    if let Some(error) = gathered.refusal() {
        return app.call_failed(&staff.visit, error, Some("/records/due"));
    }
    let records: Vec<Json> = records
        .into_iter()
        .map(|(r, result)| json!({"row": r, "result": result}))
        .collect();
    app.render(
        StatusCode::OK,
        &staff.visit,
        "records_run.html",
        context! {
            summaries => value(&summaries),
            records => value(&records),
            problems => value(&gathered.problems),
        },
    )
}

#[derive(Debug, Default, Serialize)]
struct DestroyForm {
    reference: String,
    reason: String,
    submission_id: String,
}

fn destroy_page(
    app: &Shared,
    staff: &Staff,
    status: StatusCode,
    form: &DestroyForm,
    errors: &[FieldError],
) -> Response {
    app.render(
        status,
        &staff.visit,
        "records_destroy.html",
        context! { form => value(form), errors => value(&errors) },
    )
}

async fn destroy_form(State(app): State<Shared>, staff: Staff) -> Response {
    destroy_page(&app, &staff, StatusCode::OK, &DestroyForm::default(), &[])
}

/// The reference and reason of a destruction, or the errors.
fn destroy_request(fields: &Fields) -> (DestroyForm, Result<(String, String), Vec<FieldError>>) {
    let form = DestroyForm {
        reference: fields.get("reference").to_owned(),
        reason: fields.get("reason").to_owned(),
        submission_id: fields.get("submission_id").to_owned(),
    };
    let reference = record_name(&form.reference).filter(|r| r.starts_with("CMP-"));
    let reason = why(&form.reason);
    let mut errors = Vec::new();
    if reference.is_none() {
        errors.push(FieldError {
            field: "reference".into(),
            message: "Enter the complaint's reference, for example CMP-2026-000123".into(),
        });
    }
    if reason.is_none() {
        errors.push(FieldError {
            field: "reason".into(),
            message: "Enter why the complaint is destroyed, for example an erasure request and its date (R-CONF-2)".into(),
        });
    }
    let result = match (reference, reason) {
        (Some(a), Some(b)) => Ok((a, b)),
        _ => Err(errors),
    };
    (form, result)
}

/// The first step of a destruction: what will be destroyed, the holds in
/// the way, and a confirmation to tick. Nothing is destroyed yet.
async fn destroy_check(State(app): State<Shared>, staff: Staff, body: Bytes) -> Response {
    let fields = match app.form(&staff.visit, &body) {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    let (mut form, request) = destroy_request(&fields);
    let (reference, reason) = match request {
        Ok(r) => r,
        Err(errors) => {
            return destroy_page(
                &app,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                &errors,
            );
        }
    };
    let complaint = match app
        .services
        .complaints(&staff.person.token)
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.clone(),
        })
        .await
    {
        Ok(view) => view.into_inner(),
        Err(status) => {
            return app.call_failed(&staff.visit, status.into(), Some("/records/destroy"));
        }
    };
    let (held, problems) = holds_on(&app, &staff.person.token, &reference).await;
    form.reference = reference;
    form.reason = reason;
    form.submission_id = complaint.submission_id;
    app.render(
        StatusCode::OK,
        &staff.visit,
        "records_destroy_confirm.html",
        context! {
            form => value(&form),
            stage => present::stage(complaint.stage),
            closed => complaint.closed,
            closure => present::closure(complaint.closure),
            received => present::timestamp_words(complaint.received_at.as_ref()),
            held => held,
            problems => value(&problems.problems),
        },
    )
}

/// The services holding `reference` under a legal hold, and those that
/// could not say.
async fn holds_on(app: &App, token: &str, reference: &str) -> (Vec<&'static str>, Gathered<()>) {
    let mut held = Vec::new();
    let mut problems: Gathered<()> = Gathered::new();
    for (service, mut client) in retention(app, token) {
        match client.list_holds(pb::ListHoldsRequest {}).await {
            Ok(answer) => {
                if answer
                    .into_inner()
                    .holds
                    .iter()
                    .any(|h| h.record == reference)
                {
                    held.push(service);
                }
            }
            Err(status) => problems.failed(service, status),
        }
    }
    (held, problems)
}

#[derive(Debug, Serialize)]
struct Destroyed {
    service: &'static str,
    streams: Vec<TombstoneRow>,
    rows_removed: u64,
    bus_messages_erased: u64,
    kept_shared_for: Vec<String>,
}

#[derive(Debug, Serialize)]
struct TombstoneRow {
    service: String,
    stream: String,
    events: u64,
    by: String,
    at: String,
    reason: String,
}

fn tombstone(service: &str, t: pb::Tombstone) -> TombstoneRow {
    TombstoneRow {
        service: if t.service.is_empty() {
            service.to_owned()
        } else {
            t.service
        },
        stream: t.stream_id,
        events: t.events_destroyed,
        by: t.authorised_by,
        at: present::timestamp_words(t.destroyed_at.as_ref()),
        reason: t.reason,
    }
}

/// R-CONF-2: destroys the complaint in every service once confirmed:
/// reporting, notifications and the complaints service first, intake
/// last, as the others' parts are found through its submission; a
/// service that refuses (a hold) stops the rest, and the page says what
/// was destroyed and what was not.
async fn destroy_confirmed(State(app): State<Shared>, staff: Staff, body: Bytes) -> Response {
    let fields = match app.form(&staff.visit, &body) {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    let (form, request) = destroy_request(&fields);
    let submission_id = uuid::Uuid::parse_str(&form.submission_id).ok();
    let (Ok((reference, reason)), Some(submission_id)) = (request, submission_id) else {
        return app.message(
            StatusCode::UNPROCESSABLE_ENTITY,
            &staff.visit,
            "This cannot be done",
            "Start the destruction again from its first step.",
            Some("/records/destroy"),
        );
    };
    if fields.get("confirm") != "yes" {
        let errors = vec![FieldError {
            field: "confirm".into(),
            message: "Confirm that the complaint is to be destroyed in every service".into(),
        }];
        return app.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &staff.visit,
            "records_destroy_confirm.html",
            context! { form => value(&form), errors => value(&errors), held => Vec::<String>::new() },
        );
    }
    // R-CONF-2: a hold in any one service stops the destruction in every
    // service, so the holds are read again here, just before, and nothing
    // is destroyed anywhere while one stands or a service cannot say.
    let (held, problems) = holds_on(&app, &staff.person.token, &reference).await;
    if !held.is_empty() || !problems.problems.is_empty() {
        let errors = vec![FieldError {
            field: "confirm".into(),
            message: if held.is_empty() {
                "Not every service could say whether the complaint is held; nothing was destroyed. Try again".into()
            } else {
                format!(
                    "R-CONF-2: the complaint is under a legal hold in {}; nothing was destroyed",
                    held.join(", ")
                )
            },
        }];
        return app.render(
            StatusCode::CONFLICT,
            &staff.visit,
            "records_destroy_confirm.html",
            context! {
                form => value(&form),
                errors => value(&errors),
                held => held,
                problems => value(&problems.problems),
            },
        );
    }
    let mut done = Vec::new();
    let mut stopped = None;
    let mut clients = retention(&app, &staff.person.token);
    clients.reverse();
    for (service, mut client) in clients {
        let answer = client
            .destroy(pb::DestroyRequest {
                complaint_reference: reference.clone(),
                submission_id: submission_id.to_string(),
                reason: reason.clone(),
            })
            .await;
        match answer {
            Ok(a) => {
                let a = a.into_inner();
                done.push(Destroyed {
                    service,
                    streams: a
                        .tombstones
                        .into_iter()
                        .map(|t| tombstone(service, t))
                        .collect(),
                    rows_removed: a.rows_removed,
                    bus_messages_erased: a.bus_messages_erased,
                    kept_shared_for: a.kept_shared_for,
                });
            }
            Err(status) => {
                let error = CallError::from(status);
                if done.is_empty() {
                    return app.call_failed(&staff.visit, error, Some("/records/destroy"));
                }
                stopped = Some(Problem {
                    service,
                    reason: reason_of(&error),
                });
                break;
            }
        }
    }
    app.render(
        StatusCode::OK,
        &staff.visit,
        "records_destroyed.html",
        context! {
            reference => reference,
            done => value(&done),
            stopped => value(&stopped),
        },
    )
}

fn reason_of(error: &CallError) -> String {
    reason(error)
}

/// Every destruction each service has made: what remains of each record.
async fn destructions(State(app): State<Shared>, staff: Staff) -> Response {
    let mut gathered = Gathered::new();
    for (service, mut client) in retention(&app, &staff.person.token) {
        match client
            .list_destructions(pb::ListDestructionsRequest {})
            .await
        {
            Ok(answer) => gathered.rows.extend(
                answer
                    .into_inner()
                    .tombstones
                    .into_iter()
                    .map(|t| tombstone(service, t)),
            ),
            Err(status) => gathered.failed(service, status),
        }
    }
    if let Some(error) = gathered.refusal() {
        return app.call_failed(&staff.visit, error, None);
    }
    app.render(
        StatusCode::OK,
        &staff.visit,
        "records_destructions.html",
        context! {
            tombstones => value(&gathered.rows),
            problems => value(&gathered.problems),
        },
    )
}

async fn subject_access_form(State(app): State<Shared>, staff: Staff) -> Response {
    app.render(
        StatusCode::OK,
        &staff.visit,
        "records_subject_access.html",
        context! {},
    )
}

/// An email address as far as the console can tell: one `@` with text
/// either side, no spaces; the services match it exactly.
fn email(text: &str) -> Option<String> {
    let text = text.trim();
    let (local, domain) = text.split_once('@')?;
    let ok = !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && text.len() <= 254
        && !text.chars().any(|c| c.is_whitespace() || c.is_control());
    ok.then(|| text.to_owned())
}

/// Adds what `answer` found to `links`, as the command line's export does:
/// each record's submission, and from the complaints service the
/// complaint's reference.
fn learn(links: &mut Vec<pb::SubjectLink>, answer: &pb::SubjectExportResponse, complaints: bool) {
    for record in &answer.records {
        let reference = if complaints {
            record.record.clone()
        } else {
            String::new()
        };
        match links
            .iter_mut()
            .find(|l| !record.submission_id.is_empty() && l.submission_id == record.submission_id)
        {
            Some(link) if complaints => link.complaint_reference = reference,
            Some(_) => {}
            None => links.push(pb::SubjectLink {
                submission_id: record.submission_id.clone(),
                complaint_reference: reference,
            }),
        }
    }
}

fn rfc3339(at: Option<&prost_types::Timestamp>) -> String {
    at.and_then(|t| {
        chrono::DateTime::from_timestamp(t.seconds, u32::try_from(t.nanos).unwrap_or(0))
    })
    .map(|t| t.to_rfc3339())
    .unwrap_or_default()
}

fn parsed(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|_| Json::String(text.to_owned()))
}

fn part(answer: &pb::SubjectExportResponse) -> Json {
    let records: Vec<Json> = answer
        .records
        .iter()
        .map(|rec| {
            json!({
                "kind": rec.kind,
                "record": rec.record,
                "submission_id": rec.submission_id,
                "legal_hold": rec.legal_hold,
                "events": rec.events.iter().map(|e| json!({
                    "stream_id": e.stream_id,
                    "version": e.version,
                    "event_type": e.event_type,
                    "recorded_at": rfc3339(e.recorded_at.as_ref()),
                    "payload": parsed(&e.payload_json),
                })).collect::<Vec<_>>(),
                "rows": rec.rows.iter().map(|row| json!({
                    "table": row.table,
                    "row": parsed(&row.json),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "exported_at": rfc3339(answer.exported_at.as_ref()),
        "found_by": answer.found_by,
        "note": answer.note,
        "records": records,
    })
}

/// R-CONF-1, the right of access: everything the four services hold about
/// the person, as one JSON download. Intake finds the person by email, the
/// complaints service by intake's submissions, intake again names them by
/// their complaints, then notifications and reporting; every export is in
/// each service's access audit.
async fn subject_access_export(State(app): State<Shared>, staff: Staff, body: Bytes) -> Response {
    let fields = match app.form(&staff.visit, &body) {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    let Some(email) = email(fields.get("email")) else {
        let errors = vec![FieldError {
            field: "email".into(),
            message: "Enter the person's email address, like name@example.com".into(),
        }];
        return app.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &staff.visit,
            "records_subject_access.html",
            context! { errors => value(&errors) },
        );
    };
    let [intake, complaints, notifications, reporting] = channels(&app);
    let token = staff.person.token.clone();
    let export = |(service, channel): (&'static str, Channel), links: Vec<pb::SubjectLink>| {
        let email = email.clone();
        let token = token.clone();
        async move {
            SubjectAccessClient::with_interceptor(channel, AsPerson::new(&token))
                .max_decoding_message_size(256 * 1024 * 1024)
                .export(pb::SubjectExportRequest { email, links })
                .await
                .map(tonic::Response::into_inner)
                .map_err(|status| (service, CallError::from(status)))
        }
    };
    let gathered = async {
        let mut links = Vec::new();
        let first = export(intake.clone(), links.clone()).await?;
        learn(&mut links, &first, false);
        let from_complaints = export(complaints, links.clone()).await?;
        learn(&mut links, &from_complaints, true);
        let from_intake = export(intake, links.clone()).await?;
        let from_notifications = export(notifications, links.clone()).await?;
        let from_reporting = export(reporting, links).await?;
        Ok::<_, (&'static str, CallError)>([
            ("intake", from_intake),
            ("complaints", from_complaints),
            ("notifications", from_notifications),
            ("reporting", from_reporting),
        ])
    }
    .await;
    let parts = match gathered {
        Ok(parts) => parts,
        Err((_, error)) => {
            return app.call_failed(&staff.visit, error, Some("/records/subject-access"));
        }
    };
    let requested_by = parts[0].1.requested_by.clone();
    let mut services = serde_json::Map::new();
    for (service, answer) in &parts {
        services.insert((*service).to_owned(), part(answer));
    }
    let bundle = json!({
        "subject": {"email": email},
        "exported_at": chrono::Utc::now().to_rfc3339(),
        "requested_by": requested_by,
        "services": services,
    });
    let text = serde_json::to_vec_pretty(&bundle).unwrap_or_default();
    let name = format!(
        "attachment; filename=\"subject-access-{}.json\"",
        chrono::Utc::now().format("%Y-%m-%dT%H%M%SZ")
    );
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        text,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&name) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

#[derive(Debug, Serialize)]
struct Access {
    service: String,
    at: String,
    at_order: i64,
    subject: String,
    roles: String,
    method: String,
    outcome: String,
    record: String,
}

/// R-CONF-1: who read a record, or every refused call, in every service.
async fn access_audit(
    State(app): State<Shared>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Response {
    let query = Fields::parse(query.unwrap_or_default().as_bytes());
    let refused_only = query.get("refused_only") == "yes";
    let typed = query.get("record").to_owned();
    if typed.is_empty() && !refused_only {
        return app.render(
            StatusCode::OK,
            &staff.visit,
            "records_access.html",
            context! { record => typed },
        );
    }
    let record = if typed.is_empty() {
        Some(String::new())
    } else {
        audit_record(&typed)
    };
    let Some(record) = record else {
        let errors = vec![FieldError {
            field: "record".into(),
            message: "Enter a complaint reference or a submission id".into(),
        }];
        return app.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &staff.visit,
            "records_access.html",
            context! { record => typed, errors => value(&errors), refused_only => refused_only },
        );
    };
    let mut gathered = Gathered::new();
    for (service, channel) in channels(&app) {
        let mut client =
            AccessAuditClient::with_interceptor(channel, AsPerson::new(&staff.person.token));
        match client
            .list_access(pb::ListAccessRequest {
                record: record.clone(),
                refused_only,
            })
            .await
        {
            Ok(answer) => gathered
                .rows
                .extend(answer.into_inner().entries.into_iter().map(|e| Access {
                    service: if e.service.is_empty() {
                        service.to_owned()
                    } else {
                        e.service
                    },
                    at: present::timestamp_words(e.at.as_ref()),
                    at_order: e.at.as_ref().map_or(0, |t| t.seconds),
                    subject: e.subject,
                    roles: e.roles,
                    method: e.method,
                    outcome: e.outcome,
                    record: e.record,
                })),
            Err(status) => gathered.failed(service, status),
        }
    }
    if let Some(error) = gathered.refusal() {
        return app.call_failed(&staff.visit, error, Some("/records/access"));
    }
    gathered.rows.sort_by_key(|a| a.at_order);
    app.render(
        StatusCode::OK,
        &staff.visit,
        "records_access.html",
        context! {
            record => record,
            refused_only => refused_only,
            searched => true,
            entries => value(&gathered.rows),
            problems => value(&gathered.problems),
        },
    )
}

async fn rebuild_page(State(app): State<Shared>, staff: Staff) -> Response {
    app.render(
        StatusCode::OK,
        &staff.visit,
        "records_rebuild.html",
        context! {},
    )
}

/// A rebuild's last count and how many progress messages came before it.
#[derive(Debug, Serialize)]
struct Rebuilt {
    what: &'static str,
    count_words: String,
    progress_messages: u64,
    done: bool,
    /// Why the stream ended early, if it did.
    failed: Option<String>,
}

/// One message of a rebuild's stream, as its page shows it.
struct Step {
    /// The progress line, or none for the last message.
    line: Option<String>,
    /// The count the outcome gives, from the last message.
    count_words: String,
    done: bool,
}

/// "1,200 of 5,000 events (24%)".
fn share(read: u64, total: u64, what: &str) -> String {
    let percent = read.saturating_mul(100).checked_div(total).unwrap_or(100);
    format!("{read} of {total} {what} ({percent}%)")
}

/// Streams a rebuild's page while `stream` runs (see [`super::progress`]):
/// a line per progress message as it arrives, then the outcome. A call
/// refused before the stream starts is an ordinary refusal page.
async fn rebuild_page_streamed<M: Send + 'static>(
    app: Shared,
    staff: Staff,
    started: Result<tonic::Response<tonic::Streaming<M>>, tonic::Status>,
    what: &'static str,
    read: fn(&M) -> Step,
) -> Response {
    let mut stream = match started {
        Ok(s) => s.into_inner(),
        Err(status) => {
            return app.call_failed(&staff.visit, status.into(), Some("/records/rebuild"));
        }
    };
    let (response, progress) = super::progress::start(
        &app,
        &staff.visit,
        &format!("Rebuilding: {what}"),
        "Each line is a report from the service as the events are replayed. The outcome shows below when the rebuild has finished; it runs to its end even if you leave this page.",
    );
    let span = tracing::Span::current();
    tokio::spawn(tracing::Instrument::instrument(
        async move {
            let mut rebuilt = Rebuilt {
                what,
                count_words: String::new(),
                progress_messages: 0,
                done: false,
                failed: None,
            };
            loop {
                match stream.message().await {
                    Ok(Some(m)) => {
                        let step = read(&m);
                        if let Some(line) = step.line {
                            rebuilt.progress_messages += 1;
                            progress.line(&line).await;
                        }
                        rebuilt.count_words = step.count_words;
                        rebuilt.done = step.done;
                    }
                    Ok(None) => break,
                    Err(status) => {
                        rebuilt.failed = Some(reason(&status.into()));
                        break;
                    }
                }
            }
            progress
                .finish(
                    &app,
                    "records_rebuilt.html",
                    context! { rebuilt => value(&rebuilt) },
                )
                .await;
        },
        span,
    ));
    response
}

/// Rebuilds the work queue's read model from the complaints' streams,
/// showing each progress message as it comes and the final count once
/// the stream says it is committed.
async fn rebuild_read_model(State(app): State<Shared>, staff: Staff, body: Bytes) -> Response {
    if let Err(refused) = app.form(&staff.visit, &body) {
        return refused;
    }
    let started = app
        .services
        .complaints(&staff.person.token)
        .rebuild_read_model(pb::RebuildReadModelRequest {})
        .await;
    rebuild_page_streamed(
        app,
        staff,
        started,
        "The work queue's read model",
        |m: &pb::RebuildReadModelResponse| Step {
            line: (!m.done).then(|| {
                format!(
                    "Replayed {}",
                    share(m.events_read, m.events_total, "events")
                )
            }),
            count_words: format!("complaints replayed: {}", m.complaints),
            done: m.done,
        },
    )
    .await
}

/// Rebuilds the anonymised log from every event on the bus (R-MON-3),
/// showing each progress message as it comes.
async fn rebuild_log(State(app): State<Shared>, staff: Staff, body: Bytes) -> Response {
    if let Err(refused) = app.form(&staff.visit, &body) {
        return refused;
    }
    let started = app
        .services
        .reporting(&staff.person.token)
        .rebuild_log(pb::RebuildLogRequest {})
        .await;
    rebuild_page_streamed(
        app,
        staff,
        started,
        "The anonymised complaints log",
        |m: &pb::RebuildLogResponse| Step {
            line: (!m.done).then(|| {
                format!(
                    "Read {}; {} events applied",
                    share(m.messages_read, m.messages_total, "bus messages"),
                    m.events
                )
            }),
            count_words: format!(
                "events applied: {}, from {} of {} bus messages",
                m.events, m.messages_read, m.messages_total
            ),
            done: m.done,
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_conf_2_records_and_reasons_are_read_before_any_call() {
        assert_eq!(
            record_name(" cmp-2026-000001 ").as_deref(),
            Some("CMP-2026-000001")
        );
        assert_eq!(record_name("CMP-1; DROP"), None);
        assert_eq!(why("  "), None);
        assert!(why("claim received 1 March").is_some());
        assert_eq!(email("a@b"), None);
        assert_eq!(email("a b@example.org"), None);
        assert_eq!(email(" a@example.org ").as_deref(), Some("a@example.org"));
        let id = "0f8f6a53-4d0b-4a43-9d4c-1a2b3c4d5e6f";
        assert_eq!(audit_record(id).as_deref(), Some(id));
    }

    #[test]
    fn progress_reads_as_a_share_of_the_whole() {
        assert_eq!(share(1200, 5000, "events"), "1200 of 5000 events (24%)");
        assert_eq!(share(0, 0, "events"), "0 of 0 events (100%)");
    }
}
