//! Following a complaint from the link in its letters: where it stands,
//! what happens next and by when, the letters sent so far, and asking for
//! the next stage within the window (R-S1-4, R-S2-1, R-S3-1).
//!
//! `GET /follow/{token}` is opened by [`super::link::open_link`], which
//! has complaints check it and keeps it in the visitor's session. This
//! listener holds no secret: the complaints and notifications services
//! check the token on every call (for the complaint it names) and refuse
//! anything else; a refused link gets the one "this link no longer works"
//! page, whatever the reason.

use super::state::Capability;
use super::{Shared, Visit};
use crate::error::{CallError, FieldError};
use crate::present::{date, date_words, pb_date, timestamp_words};
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use complaints_proto::v1 as pb;
use minijinja::{Value, context};

/// What the page says of a live deadline: what happens, and whether it is
/// the complainant's own (a window to ask for the next stage).
fn deadline_words(d: &pb::DeadlineView) -> (&'static str, bool) {
    use pb::DeadlineKind as K;
    match K::try_from(d.kind).unwrap_or(K::Unspecified) {
        K::FirstContact => ("A member of staff will contact you", false),
        K::AgreedTimescale => ("We will send you our Stage 1 response", false),
        K::Stage2Response => ("A manager will send you our Stage 2 response", false),
        K::Stage3Acknowledgement => ("We will acknowledge your request for Stage 3", false),
        K::Stage3Response => ("We will send you our final response", false),
        K::EscalationWindow => ("You can ask for the next stage", true),
        K::Unspecified => ("", false),
    }
}

pub fn stage_words(stage: i32) -> &'static str {
    match pb::Stage::try_from(stage).unwrap_or(pb::Stage::Unspecified) {
        pb::Stage::Stage1 => "Stage 1",
        pb::Stage::Stage2 => "Stage 2",
        pb::Stage::Stage3 => "Stage 3",
        pb::Stage::Unspecified => "",
    }
}

fn decision_words(decision: i32) -> &'static str {
    match pb::Decision::try_from(decision).unwrap_or(pb::Decision::Unspecified) {
        pb::Decision::Upheld => "Upheld",
        pb::Decision::PartlyUpheld => "Partly upheld",
        pb::Decision::NotUpheld => "Not upheld",
        _ => "Decided",
    }
}

impl super::PublicApp {
    /// The page for a link that cannot be used, for whatever reason: the
    /// reason is the service's record, not the visitor's business.
    pub fn link_gone(&self, visit: Option<&Visit>) -> Response {
        self.render(
            StatusCode::GONE,
            visit,
            "public/gone.html",
            context! { title => "This link no longer works" },
        )
    }

    /// `what` asked of `service` as the public forms, or the page to show.
    pub async fn portal_token(&self, visit: &Visit) -> Result<String, Response> {
        self.token.get().await.map_err(|error| {
            tracing::error!(%error, "no portal token for the public pages");
            self.service_failed(visit, &tonic::Status::unavailable("no token"))
        })
    }

    /// A call's failure as a page: a refused link (PERMISSION_DENIED, or a
    /// complaint that is no more) is "this link no longer works".
    pub fn link_call_failed(&self, visit: &Visit, status: &tonic::Status) -> Response {
        match status.code() {
            tonic::Code::PermissionDenied | tonic::Code::NotFound => {
                tracing::info!(code = ?status.code(), "a link was refused by the service");
                self.link_gone(Some(visit))
            }
            _ => self.service_failed(visit, status),
        }
    }
}

/// The complaint and its letters, for the session's follow link.
async fn fetch(
    app: &super::PublicApp,
    visit: &Visit,
    capability: &Capability,
) -> Result<(pb::ComplainantView, Vec<pb::ComplainantLetter>), Response> {
    let portal = app.portal_token(visit).await?;
    let view = app
        .services
        .complaints(&portal)
        .get_complainant_view(pb::GetComplainantViewRequest {
            reference: capability.record.clone(),
            link_token: capability.token.clone(),
        })
        .await
        .map_err(|status| app.link_call_failed(visit, &status))?
        .into_inner();
    let letters = app
        .services
        .notifications(&portal)
        .list_complainant_letters(pb::ListComplainantLettersRequest {
            reference: capability.record.clone(),
            link_token: capability.token.clone(),
        })
        .await
        .map_err(|status| app.link_call_failed(visit, &status))?
        .into_inner()
        .letters;
    Ok((view, letters))
}

/// The session's follow link, or the page saying there is none.
fn capability(app: &super::PublicApp, visit: &Visit) -> Result<Capability, Response> {
    visit.form.follow.clone().ok_or_else(|| {
        app.render(
            StatusCode::NOT_FOUND,
            Some(visit),
            "public/gone.html",
            context! { title => "Use the link in our letters", none => true },
        )
    })
}

/// What the complainant is told of a submission's triage (R-INT-2,
/// R-INT-4), in words that name no one else.
fn standing_words(status: i32) -> &'static str {
    use pb::TriageStatus as T;
    match T::try_from(status).unwrap_or(T::Unspecified) {
        T::AwaitingTimeDecision => {
            "Your complaint is about events more than 6 months ago. A member of staff is deciding whether we can consider it, and we will write to you with the decision."
        }
        T::AwaitingConsent => {
            "We are waiting for the consent of the person the complaint is about before we can deal with it."
        }
        T::Accepted => "We have accepted your complaint for our Complaints Procedure.",
        T::Redirected => {
            "Your complaint is being dealt with under another procedure. Our letter says which, and who will deal with it."
        }
        T::DeclinedOutOfTime => {
            "We decided that we cannot consider your complaint, because the events happened more than 6 months ago. Our letter gives the reason."
        }
        T::ResolvedOutsideProcedure => "We resolved your complaint without the formal procedure.",
        T::Unspecified => "We have received your complaint.",
    }
}

/// What a follow link opens: a complaint, or a submission not yet opened
/// as one.
enum Followed {
    Complaint(Capability),
    Submission(pb::SubmitterView),
}

/// Resolves a follow link to a submission (from a letter sent before the
/// complaint was opened) with intake: the submission while triage goes
/// on; once a complaint was opened from it, the complaint, which
/// complaints and notifications show for the same link. The session then
/// keeps the complaint, so later pages ask complaints directly.
async fn resolve(
    app: &super::PublicApp,
    visit: &Visit,
    capability: Capability,
) -> Result<Followed, Response> {
    if super::link::is_complaint(&capability.record) {
        return Ok(Followed::Complaint(capability));
    }
    let portal = app.portal_token(visit).await?;
    let view = app
        .services
        .intake(&portal)
        .get_submitter_view(pb::GetSubmitterViewRequest {
            submission_id: capability.record.clone(),
            link_token: capability.token.clone(),
        })
        .await
        .map_err(|status| app.link_call_failed(visit, &status))?
        .into_inner();
    if view.complaint_reference.is_empty() {
        return Ok(Followed::Submission(view));
    }
    let complaint = Capability {
        record: view.complaint_reference,
        token: capability.token,
    };
    let kept = complaint.clone();
    let _ = app.forms.update(&visit.id, |f| f.follow = Some(kept));
    Ok(Followed::Complaint(complaint))
}

/// The page for a submission: what intake knows of it.
fn submission_page(app: &super::PublicApp, visit: &Visit, view: &pb::SubmitterView) -> Response {
    app.render(
        StatusCode::OK,
        Some(visit),
        "public/submission.html",
        context! {
            service => "Your complaint",
            title => format!("Your complaint {}", view.reference),
            reference => view.reference,
            received => timestamp_words(view.received_at.as_ref()),
            standing => standing_words(view.status),
        },
    )
}

/// The session's follow link resolved to a complaint, or the page to show
/// instead (the submission's, or a refusal).
async fn complaint_link(app: &super::PublicApp, visit: &Visit) -> Result<Capability, Response> {
    let capability = capability(app, visit)?;
    match resolve(app, visit, capability).await? {
        Followed::Complaint(c) => Ok(c),
        Followed::Submission(view) => Err(submission_page(app, visit, &view)),
    }
}

/// `GET /your-complaint`.
async fn page(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let visit = app.visit(&headers);
    let capability = match complaint_link(&app, &visit).await {
        Ok(c) => c,
        Err(page) => return page,
    };
    let (view, letters) = match fetch(&app, &visit, &capability).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let today = calendar::uk_date(chrono::Utc::now());
    let next: Vec<Value> = view
        .deadlines
        .iter()
        .filter_map(|d| {
            let due = date(d.due_on.as_ref())?;
            let (what, yours) = deadline_words(d);
            let left = app.side.calendar.working_days_between(today, due);
            Some(context! {
                what => what,
                yours => yours,
                by => date_words(due),
                working_days => (due >= today).then_some(left),
            })
        })
        .collect();
    let outcomes: Vec<Value> = view
        .outcomes
        .iter()
        .map(|o| {
            context! {
                stage => stage_words(o.stage),
                decision => decision_words(o.decision),
                issued => date(o.issued_on.as_ref()).map(date_words),
            }
        })
        .collect();
    let letters: Vec<Value> = letters
        .iter()
        .enumerate()
        .map(|(i, l)| {
            context! {
                id => format!("letter-{}", i + 1),
                subject => l.subject,
                sent => timestamp_words(l.sent_at.as_ref()),
                body => l.body,
            }
        })
        .collect();
    app.render(
        StatusCode::OK,
        Some(&visit),
        "public/follow.html",
        context! {
            service => "Your complaint",
            title => format!("Your complaint {}", view.reference),
            reference => view.reference,
            stage => stage_words(view.stage),
            closed => view.closed,
            received => timestamp_words(view.received_at.as_ref()),
            next => next,
            outcomes => outcomes,
            letters => letters,
            next_stage => stage_words(view.next_stage),
        },
    )
}

/// The grounds the procedure offers for Stage 2 (R-S1-4); (c) only when
/// the service says it is available.
const GROUNDS: [(&str, &str, pb::Grounds); 3] = [
    (
        "a",
        "Your complaint was not fully understood or not investigated thoroughly",
        pb::Grounds::NotUnderstood,
    ),
    (
        "b",
        "Not all the points of your complaint were answered",
        pb::Grounds::PointsNotAnswered,
    ),
    (
        "c",
        "You had no response within the timescale agreed with you, and no word of when one would come",
        pb::Grounds::NoResponseInTimescale,
    ),
];

fn stage_form(
    app: &super::PublicApp,
    visit: &Visit,
    view: &pb::ComplainantView,
    typed: &crate::web::Fields,
    errors: &[FieldError],
) -> Response {
    let to = pb::Stage::try_from(view.next_stage).unwrap_or(pb::Stage::Unspecified);
    let error_for = |field: &str| {
        errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
    };
    let chosen: Vec<String> = typed
        .all("grounds")
        .iter()
        .map(|g| (*g).to_owned())
        .collect();
    let grounds: Vec<Value> = GROUNDS
        .iter()
        .filter(|(code, _, _)| *code != "c" || view.no_response_ground_available)
        .map(|(code, label, _)| {
            context! {
                code => code,
                label => label,
                checked => chosen.iter().any(|c| c == code),
            }
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    app.render(
        status,
        Some(visit),
        "public/next_stage.html",
        context! {
            service => "Your complaint",
            title => format!("Ask for {}", stage_words(view.next_stage)),
            back => "/your-complaint",
            reference => view.reference,
            stage_three => to == pb::Stage::Stage3,
            available => to != pb::Stage::Unspecified,
            grounds => grounds,
            reasons => typed.get("reasons"),
            outcome_sought => typed.get("outcome_sought"),
            grounds_error => error_for("grounds"),
            reasons_error => error_for("reasons"),
            outcome_sought_error => error_for("outcome_sought"),
            errors => errors.iter().map(|e| context! {
                field => if e.field.is_empty() { "main-content".to_owned() } else { e.field.clone() },
                message => e.message,
            }).collect::<Vec<_>>(),
        },
    )
}

/// `GET /your-complaint/next-stage`.
async fn ask(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let visit = app.visit(&headers);
    let capability = match complaint_link(&app, &visit).await {
        Ok(c) => c,
        Err(_) => return super::see_other("/your-complaint"),
    };
    match fetch(&app, &visit, &capability).await {
        Ok((view, _)) => stage_form(&app, &visit, &view, &crate::web::Fields::parse(b""), &[]),
        Err(page) => page,
    }
}

/// The service's refusal field (`grounds`, `reasons`, `outcome_sought`,
/// or none) as the form's field.
fn on_form(field: &str) -> String {
    let field = field.rsplit('.').next().unwrap_or(field);
    match field {
        "grounds" | "reasons" | "outcome_sought" => field.to_owned(),
        _ => String::new(),
    }
}

/// `POST /your-complaint/next-stage`: the request, decided by the
/// complaints service; its refusal shown by the field it names, with the
/// rule id.
async fn send(State(app): State<Shared>, request: Request) -> Response {
    let post = match app.read_post(request).await {
        Ok(post) => post,
        Err(page) => return page,
    };
    let visit = post.visit;
    let capability = match complaint_link(&app, &visit).await {
        Ok(c) => c,
        Err(_) => return super::see_other("/your-complaint"),
    };
    let (view, _) = match fetch(&app, &visit, &capability).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let fields = post.fields;
    let to = match pb::Stage::try_from(view.next_stage) {
        Ok(stage) if stage != pb::Stage::Unspecified => stage,
        // Outside the window: ask for the stage after the current one and
        // let the service say why not, in the procedure's words.
        _ => match pb::Stage::try_from(view.stage) {
            Ok(pb::Stage::Stage1) => pb::Stage::Stage2,
            _ => pb::Stage::Stage3,
        },
    };
    let mut grounds: Vec<i32> = GROUNDS
        .iter()
        .filter(|(code, _, _)| fields.all("grounds").contains(code))
        .map(|(_, _, g)| *g as i32)
        .collect();
    if to == pb::Stage::Stage3 {
        grounds = vec![pb::Grounds::DissatisfiedWithOutcome as i32];
    }
    let mut missing = Vec::new();
    if to == pb::Stage::Stage2 && grounds.is_empty() {
        missing.push(FieldError {
            field: "grounds".into(),
            message: "R-S1-4: Select why you want Stage 2".into(),
        });
    }
    if fields.get("reasons").trim().is_empty() {
        missing.push(FieldError {
            field: "reasons".into(),
            message: "Enter your reasons".into(),
        });
    }
    if to == pb::Stage::Stage3 && fields.get("outcome_sought").trim().is_empty() {
        missing.push(FieldError {
            field: "outcome_sought".into(),
            message: "R-S3-1: Enter the outcome you are seeking".into(),
        });
    }
    if !missing.is_empty() {
        return stage_form(&app, &visit, &view, &fields, &missing);
    }
    let portal = match app.portal_token(&visit).await {
        Ok(t) => t,
        Err(page) => return page,
    };
    let today = calendar::uk_date(chrono::Utc::now());
    let answer = app
        .services
        .complaints(&portal)
        .request_escalation(pb::RequestEscalationRequest {
            command: Some(pb::ComplaintCommand {
                reference: capability.record.clone(),
                acting_user: super::credentials::SUBJECT.into(),
                ..Default::default()
            }),
            to_stage: to as i32,
            grounds,
            reasons: fields.get("reasons").trim().to_owned(),
            outcome_sought: fields.get("outcome_sought").trim().to_owned(),
            received_on: Some(pb_date(today)),
            link_token: capability.token.clone(),
        })
        .await;
    match answer {
        Ok(_) => {
            tracing::info!("a complainant asked for the next stage through a follow link");
            app.message(
                StatusCode::OK,
                Some(&visit),
                &format!("You have asked for {}", stage_words(to as i32)),
                "We have recorded your request and will write to you about it. You can see it on your complaint's page.",
            )
        }
        Err(status) => match CallError::from(status.clone()) {
            CallError::Refused {
                message,
                fields: named,
            } => {
                let errors: Vec<FieldError> = if named.is_empty() {
                    vec![FieldError {
                        field: "reasons".into(),
                        message,
                    }]
                } else {
                    named
                        .into_iter()
                        .map(|e| FieldError {
                            field: match on_form(&e.field).as_str() {
                                "" => "reasons".to_owned(),
                                f => f.to_owned(),
                            },
                            message: e.message,
                        })
                        .collect()
                };
                stage_form(&app, &visit, &view, &fields, &errors)
            }
            _ => app.link_call_failed(&visit, &status),
        },
    }
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/follow/{token}", get(super::link::open_follow))
        .route("/your-complaint", get(page))
        .route("/your-complaint/next-stage", get(ask).post(send))
}
