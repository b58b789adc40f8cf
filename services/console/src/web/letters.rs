//! Letters (R-CORR-1): the print queue of letters waiting to be printed
//! and posted, a page at a time, each with its reference, kind and date
//! queued, a preview of the text to print and its PDF (both fetched for
//! that letter alone), and marking a letter posted (it then shows as sent,
//! and the page it was marked on shows again). The notifications service lists correspondence one reference at
//! a time only, so correspondence is looked up by reference: a complaint,
//! a submission that never became one, or a compliment.

use super::{Fields, Shared, Staff, see_other, value};
use crate::present;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use complaints_proto::v1 as pb;
use minijinja::context;
use platform::auth::Role;
use serde::Serialize;

/// Who the navigation offers the letters to: the staff who may work the
/// print queue (the notifications service decides every call).
pub const MAY_USE: &[Role] = &[Role::Handler, Role::Manager, Role::ComplianceManager];

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/letters", get(print_queue))
        .route("/letters/posted", post(mark_posted))
        .route("/letters/correspondence", get(correspondence))
        .route("/letters/{notification}", get(letter))
        .route("/letters/{notification}/pdf", get(pdf))
}

/// A notification id or a reference as the services write them: letters,
/// digits and hyphens; anything else is not looked up.
fn plain(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}

/// A letter's template name in words: "automatic_reply" as "Automatic reply".
pub fn letter_words(template: &str) -> String {
    let mut words = template.replace('_', " ");
    if let Some(first) = words.get(..1) {
        let upper = first.to_uppercase();
        words.replace_range(..1, &upper);
    }
    words
}

/// How many letters one page of the print queue asks for.
const PAGE_SIZE: u32 = 50;

/// A letter on a page of the print queue: what the list shows.
#[derive(Debug, Serialize)]
struct Queued {
    id: String,
    reference: String,
    kind: String,
    queued: String,
    recipient: String,
    /// R-ADJ-1: printed in large print; another format also needed.
    large_print: bool,
    other_format: String,
}

fn queued(item: pb::PrintItem) -> Queued {
    Queued {
        id: item.notification_id,
        reference: item.reference,
        kind: letter_words(&item.template),
        queued: present::timestamp_words(item.queued_at.as_ref()),
        recipient: item.recipient_name,
        large_print: item.large_print,
        other_format: item.other_format,
    }
}

/// One letter as it will be printed: the address and the text.
#[derive(Debug, Serialize)]
struct Preview {
    id: String,
    reference: String,
    kind: String,
    queued: String,
    recipient: String,
    address: Vec<String>,
    subject: String,
    body: String,
}

fn preview(item: pb::PrintItem) -> Preview {
    let mut address = item
        .address
        .as_ref()
        .map(|a| a.lines.clone())
        .unwrap_or_default();
    if let Some(postcode) = item.address.map(|a| a.postcode).filter(|p| !p.is_empty()) {
        address.push(postcode);
    }
    Preview {
        id: item.notification_id,
        reference: item.reference,
        kind: letter_words(&item.template),
        queued: present::timestamp_words(item.queued_at.as_ref()),
        recipient: item.recipient_name,
        address,
        subject: item.subject,
        body: item.body,
    }
}

/// The page of the print queue a page token names: `/letters`, or
/// `/letters?page=...`. A token is the service's (a place in the queue, no
/// personal data); one that is not plain text leads to the first page.
fn page_url(token: &str) -> String {
    if token.is_empty() || !plain(token) {
        return "/letters".to_owned();
    }
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("page", token)
        .finish();
    format!("/letters?{query}")
}

/// One page of the letters waiting to be posted (R-CORR-1), with links to
/// the pages before and after it and how many wait in all.
async fn print_queue(
    State(app): State<Shared>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Response {
    let query = Fields::parse(query.unwrap_or_default().as_bytes());
    let page = query.get("page").to_owned();
    let answer = match app
        .services
        .notifications(&staff.person.token)
        .list_print_queue(pb::ListPrintQueueRequest {
            page_size: PAGE_SIZE,
            page_token: page.clone(),
        })
        .await
    {
        Ok(answer) => answer.into_inner(),
        Err(status) => return app.call_failed(&staff.visit, status.into(), Some("/letters")),
    };
    // The query of the page a token names, written after `/letters?`.
    let link = |token: &str| {
        (!token.is_empty()).then(|| {
            form_urlencoded::Serializer::new(String::new())
                .append_pair("page", token)
                .finish()
        })
    };
    let letters: Vec<Queued> = answer.items.into_iter().map(queued).collect();
    app.render(
        StatusCode::OK,
        &staff.visit,
        "letters.html",
        context! {
            letters => value(&letters),
            page => page,
            first_page => page.is_empty(),
            next_page => link(&answer.next_page_token),
            previous_page => link(&answer.previous_page_token),
            truncated => answer.truncated,
            waiting => answer.waiting,
        },
    )
}

/// One letter of the print queue, ready to print, from the notifications
/// service; a letter no longer waiting (posted meanwhile) says so.
async fn print_letter(
    app: &Shared,
    staff: &Staff,
    notification: &str,
) -> Result<pb::PrintItem, Response> {
    match app
        .services
        .notifications(&staff.person.token)
        .get_print_letter(pb::GetPrintLetterRequest {
            notification_id: notification.to_owned(),
        })
        .await
    {
        Ok(answer) => Ok(answer.into_inner()),
        Err(status)
            if matches!(
                status.code(),
                tonic::Code::NotFound | tonic::Code::FailedPrecondition
            ) =>
        {
            Err(app.message(
                StatusCode::NOT_FOUND,
                &staff.visit,
                "This letter is not in the print queue",
                "It may have been marked as posted already.",
                Some("/letters"),
            ))
        }
        Err(status) => Err(app.call_failed(&staff.visit, status.into(), Some("/letters"))),
    }
}

/// One queued letter as it will be printed.
async fn letter(
    State(app): State<Shared>,
    staff: Staff,
    Path(notification): Path<String>,
) -> Response {
    if !plain(&notification) {
        return super::not_found(State(app), staff.visit).await;
    }
    match print_letter(&app, &staff, &notification).await {
        Ok(item) => app.render(
            StatusCode::OK,
            &staff.visit,
            "letters_preview.html",
            context! { letter => value(&preview(item)) },
        ),
        Err(answer) => answer,
    }
}

/// One queued letter ready to print: the A4 PDF the notifications
/// service made of it (R-CORR-1, R-ADJ-1), as a download.
async fn pdf(
    State(app): State<Shared>,
    staff: Staff,
    Path(notification): Path<String>,
) -> Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    if !plain(&notification) {
        return super::not_found(State(app), staff.visit).await;
    }
    let letter = match print_letter(&app, &staff, &notification).await {
        Ok(item) if !item.pdf.is_empty() => item,
        Ok(_) => {
            return app.message(
                StatusCode::NOT_FOUND,
                &staff.visit,
                "This letter is not in the print queue",
                "It may have been marked as posted already.",
                Some("/letters"),
            );
        }
        Err(answer) => return answer,
    };
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/pdf")],
        letter.pdf,
    )
        .into_response();
    let file = format!("attachment; filename=\"{}\"", letter.pdf_filename);
    if plain(&letter.pdf_filename)
        && let Ok(v) = HeaderValue::from_str(&file)
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// R-CORR-1: a printed letter was posted; it then shows as sent.
async fn mark_posted(State(app): State<Shared>, staff: Staff, body: Bytes) -> Response {
    let fields = match app.form(&staff.visit, &body) {
        Ok(fields) => fields,
        Err(refused) => return refused,
    };
    let notification = fields.get("notification_id");
    // Back to the page the letter was marked on.
    let back = page_url(fields.get("page"));
    if !plain(notification) {
        return app.message(
            StatusCode::UNPROCESSABLE_ENTITY,
            &staff.visit,
            "This cannot be done",
            "Choose a letter from the print queue.",
            Some(&back),
        );
    }
    match app
        .services
        .notifications(&staff.person.token)
        .mark_posted(pb::MarkPostedRequest {
            notification_id: notification.to_owned(),
        })
        .await
    {
        Ok(answer) => {
            let n = answer.into_inner().notification.unwrap_or_default();
            app.flash(
                &staff.visit,
                format!(
                    "{} for {} is marked as posted.",
                    letter_words(&n.template),
                    n.reference
                ),
            );
            see_other(&back)
        }
        Err(status) => app.call_failed(&staff.visit, status.into(), Some(&back)),
    }
}

#[derive(Debug, Serialize)]
struct Letter {
    kind: String,
    recipient: &'static str,
    channel: &'static str,
    status: &'static str,
    queued: String,
    updated: String,
    detail: String,
}

/// Every letter of one reference (R-CORR-1).
async fn correspondence(
    State(app): State<Shared>,
    staff: Staff,
    RawQuery(query): RawQuery,
) -> Response {
    let query = Fields::parse(query.unwrap_or_default().as_bytes());
    let reference = query.get("reference").to_ascii_uppercase();
    if reference.is_empty() {
        return app.render(
            StatusCode::OK,
            &staff.visit,
            "letters_correspondence.html",
            context! {},
        );
    }
    if !plain(&reference) {
        let errors = vec![crate::error::FieldError {
            field: "reference".into(),
            message: "Enter a reference such as CMP-2026-000123 or SUB-2026-000042".into(),
        }];
        return app.render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &staff.visit,
            "letters_correspondence.html",
            context! { errors => value(&errors) },
        );
    }
    let (items, truncated) = match app
        .services
        .notifications(&staff.person.token)
        .list_correspondence(pb::ListCorrespondenceRequest {
            reference: reference.clone(),
        })
        .await
    {
        Ok(answer) => {
            let answer = answer.into_inner();
            (answer.items, answer.truncated)
        }
        Err(status) => {
            return app.call_failed(&staff.visit, status.into(), Some("/letters/correspondence"));
        }
    };
    let letters: Vec<Letter> = items
        .into_iter()
        .map(|c| Letter {
            kind: letter_words(&c.template),
            recipient: present::recipient_kind(c.recipient_kind),
            channel: present::delivery_channel(c.channel),
            status: present::notification_status(c.status_code),
            queued: present::timestamp_words(c.queued_at.as_ref()),
            updated: present::timestamp_words(c.updated_at.as_ref()),
            detail: c.detail,
        })
        .collect();
    app.render(
        StatusCode::OK,
        &staff.visit,
        "letters_correspondence.html",
        context! {
            reference => reference,
            letters => value(&letters),
            truncated => truncated,
            complaint => reference.starts_with("CMP-"),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_letter_reads_in_words() {
        assert_eq!(letter_words("automatic_reply"), "Automatic reply");
        assert_eq!(letter_words(""), "");
    }
}
