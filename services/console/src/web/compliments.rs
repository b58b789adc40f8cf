//! Compliments (R-POS-1): positive feedback taken through the same
//! channels as complaints, recorded by staff and passed by intake to the
//! manager(s) configured for the team (the receipt names them), and the
//! recognition report: compliments received in a period by team, from the
//! reporting service's figures. Intake offers no list of compliments, so a
//! manager sees one through its correspondence (the letters page).

use super::committee::Period;
use super::{Fields, Shared, Staff, see_other, value};
use crate::error::{CallError, FieldError};
use crate::present;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use complaints_proto::v1 as pb;
use minijinja::context;
use platform::auth::Role;
use serde::Serialize;

/// Who the navigation offers compliments to: staff who record them and
/// the readers of the recognition report (the services decide each call).
pub const MAY_USE: &[Role] = &[
    Role::Handler,
    Role::Manager,
    Role::ComplianceManager,
    Role::HeadOfCustomerExperience,
    Role::Committee,
];

/// Who may read the recognition report (the reporting service's readers).
const REPORT_READERS: &[Role] = super::committee::MAY_USE;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/compliments", get(new_compliment).post(record_compliment))
        .route("/compliments/recognition", get(recognition))
}

/// What was typed, shown again with the errors.
#[derive(Debug, Default, Serialize)]
struct Form {
    idempotency_key: String,
    channel: String,
    team: String,
    about_person: String,
    message: String,
    first_name: String,
    last_name: String,
    email: String,
}

const CHANNELS: [(&str, &str, pb::Channel); 3] = [
    ("telephone", "Telephone", pb::Channel::Telephone),
    ("email", "Email", pb::Channel::Email),
    ("web_form", "Web form", pb::Channel::WebForm),
];

/// A compliment as intake takes it: the channel is one of the three staff
/// take feedback through; intake checks every text field (R-POS-1).
fn request(form: &Form) -> Result<pb::SubmitComplimentRequest, Vec<FieldError>> {
    let Some((_, _, channel)) = CHANNELS.iter().find(|(v, _, _)| *v == form.channel) else {
        return Err(vec![FieldError {
            field: "channel".into(),
            message: "Select how the compliment arrived".into(),
        }]);
    };
    let from = pb::Person {
        first_name: form.first_name.clone(),
        last_name: form.last_name.clone(),
        email: form.email.clone(),
        ..Default::default()
    };
    let anonymous =
        from.first_name.is_empty() && from.last_name.is_empty() && from.email.is_empty();
    Ok(pb::SubmitComplimentRequest {
        idempotency_key: form.idempotency_key.clone(),
        channel: *channel as i32,
        team: form.team.clone(),
        about_person: form.about_person.clone(),
        message: form.message.clone(),
        from: (!anonymous).then_some(from),
    })
}

fn show_form(
    app: &Shared,
    staff: &Staff,
    status: StatusCode,
    form: &Form,
    errors: &[FieldError],
) -> Response {
    let report = staff
        .person
        .roles
        .iter()
        .any(|r| REPORT_READERS.contains(r));
    app.render(
        status,
        &staff.visit,
        "compliments.html",
        context! {
            form => value(form),
            errors => value(&errors),
            channels => CHANNELS.iter().map(|(v, w, _)| [*v, *w]).collect::<Vec<_>>(),
            report => report,
        },
    )
}

async fn new_compliment(State(app): State<Shared>, staff: Staff) -> Response {
    let form = Form {
        // One key per form shown: sending it twice records one compliment.
        idempotency_key: format!("console-{}", crate::session::random_token()),
        channel: "telephone".into(),
        ..Form::default()
    };
    show_form(&app, &staff, StatusCode::OK, &form, &[])
}

async fn record_compliment(State(app): State<Shared>, staff: Staff, body: Bytes) -> Response {
    let fields = match app.form(&staff.visit, &body) {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    let mut form = Form {
        idempotency_key: fields.get("idempotency_key").to_owned(),
        channel: fields.get("channel").to_owned(),
        team: fields.get("team").to_owned(),
        about_person: fields.get("about_person").to_owned(),
        message: fields.get("message").to_owned(),
        first_name: fields.get("first_name").to_owned(),
        last_name: fields.get("last_name").to_owned(),
        email: fields.get("email").to_owned(),
    };
    if form.idempotency_key.is_empty() {
        form.idempotency_key = format!("console-{}", crate::session::random_token());
    }
    let request = match request(&form) {
        Ok(request) => request,
        Err(errors) => {
            return show_form(
                &app,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                &form,
                &errors,
            );
        }
    };
    match app
        .services
        .intake(&staff.person.token)
        .submit_compliment(request)
        .await
    {
        Ok(receipt) => {
            let receipt = receipt.into_inner();
            let to = if receipt.routed_to.is_empty() {
                "no manager is configured for the team".to_owned()
            } else {
                format!("passed to {}", receipt.routed_to.join(", "))
            };
            app.flash(
                &staff.visit,
                format!("Compliment {} is recorded and {to}.", receipt.reference),
            );
            see_other("/compliments")
        }
        Err(status) => match CallError::from(status) {
            CallError::Refused { message, fields } => {
                let errors = if fields.is_empty() {
                    vec![FieldError {
                        field: "team".into(),
                        message,
                    }]
                } else {
                    fields
                        .into_iter()
                        .map(|mut f| {
                            f.field = form_field(&f.field).to_owned();
                            f
                        })
                        .collect()
                };
                show_form(
                    &app,
                    &staff,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &form,
                    &errors,
                )
            }
            other => app.call_failed(&staff.visit, other, Some("/compliments")),
        },
    }
}

/// The form's field for a field the request names (`from.email` is `email`).
fn form_field(field: &str) -> &str {
    field.strip_prefix("from_").unwrap_or(field)
}

#[derive(Debug, Serialize)]
struct TeamCount {
    team: String,
    compliments: u64,
}

/// R-POS-1: compliments received in a period by team, to recognise
/// individuals and share good practice.
async fn recognition(
    State(app): State<Shared>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Response {
    let query = Fields::parse(query.unwrap_or_default().as_bytes());
    let today = calendar::uk_date(chrono::Utc::now());
    let (form, period) = Period::parse(&query, today);
    let period = match period {
        Ok(p) => p,
        Err(errors) => {
            return app.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &staff.visit,
                "compliments_recognition.html",
                context! { form => value(&form), errors => value(&errors) },
            );
        }
    };
    let figures = match app
        .services
        .reporting(&staff.person.token)
        .get_figures(pb::GetFiguresRequest {
            from: Some(present::pb_date(period.from)),
            to: Some(present::pb_date(period.to)),
            grouping: pb::Grouping::Month as i32,
        })
        .await
    {
        Ok(f) => f.into_inner(),
        Err(status) => return app.call_failed(&staff.visit, status.into(), Some("/compliments")),
    };
    let mut teams: Vec<TeamCount> = figures
        .compliments_by_team
        .into_iter()
        .map(|(team, compliments)| TeamCount { team, compliments })
        .collect();
    teams.sort_by(|a, b| b.compliments.cmp(&a.compliments).then(a.team.cmp(&b.team)));
    let total: u64 = teams.iter().map(|t| t.compliments).sum();
    app.render(
        StatusCode::OK,
        &staff.visit,
        "compliments_recognition.html",
        context! {
            form => value(&form),
            period => period.words(),
            teams => value(&teams),
            total => total,
        },
    )
}
