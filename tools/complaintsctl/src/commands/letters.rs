//! `letters`: the notifications service's correspondence of a complaint,
//! the print queue and marking letters posted (R-CORR-1), resending, and
//! previewing a letter without sending it.

use crate::cli::LettersCommand;
use crate::clients::Clients;
use crate::error::Error;
use crate::names::{self, plain};
use crate::output::{self, Output, Table, fields};
use complaints_proto::v1 as pb;
use serde_json::{Value, json};

pub async fn run(clients: &Clients, command: LettersCommand) -> Result<Output, Error> {
    let mut notifications = clients.notifications()?;
    let failed = Error::from("notifications");
    match command {
        LettersCommand::List { reference } => {
            let answer = notifications
                .list_correspondence(pb::ListCorrespondenceRequest { reference })
                .await
                .map_err(failed)?
                .into_inner();
            let listed = correspondence(&answer.items);
            let cut_by: &[&str] = if answer.truncated {
                &["notifications"]
            } else {
                &[]
            };
            Ok(Output::new(
                listed.json,
                listed.text + &output::cut_note(cut_by),
            ))
        }
        LettersCommand::PrintQueue { page_size, page } => {
            let answer = notifications
                .list_print_queue(pb::ListPrintQueueRequest {
                    page_size,
                    page_token: page,
                })
                .await
                .map_err(failed)?
                .into_inner();
            Ok(print_queue(&answer))
        }
        LettersCommand::Letter {
            notification_id,
            pdf,
        } => {
            let letter = notifications
                .get_print_letter(pb::GetPrintLetterRequest { notification_id })
                .await
                .map_err(failed)?
                .into_inner();
            if let Some(path) = &pdf {
                std::fs::write(path, &letter.pdf).map_err(|source| Error::Write {
                    path: path.clone(),
                    source,
                })?;
            }
            Ok(print_letter(&letter))
        }
        LettersCommand::Posted { notification_id } => {
            let answer = notifications
                .mark_posted(pb::MarkPostedRequest { notification_id })
                .await
                .map_err(failed)?
                .into_inner();
            Ok(one(answer.notification.as_ref()))
        }
        LettersCommand::Resend { notification_id } => {
            let answer = notifications
                .resend_notification(pb::ResendNotificationRequest { notification_id })
                .await
                .map_err(failed)?
                .into_inner();
            Ok(one(answer.notification.as_ref()))
        }
        LettersCommand::Preview { reference, letter } => {
            let preview = notifications
                .preview_template(pb::PreviewTemplateRequest { reference, letter })
                .await
                .map_err(failed)?
                .into_inner();
            let json = json!({ "subject": preview.subject, "body": preview.body });
            let text = format!("Subject: {}\n\n{}", preview.subject, preview.body);
            Ok(Output::new(json, text))
        }
    }
}

fn status(c: &pb::Correspondence) -> &'static str {
    pb::NotificationStatus::try_from(c.status_code).map_or("", |s| s.as_str_name())
}

pub fn correspondence_json(c: &pb::Correspondence) -> Value {
    json!({
        "notification_id": c.notification_id,
        "reference": c.reference,
        "template": c.template,
        "recipient_kind": names::recipient_kind(c.recipient_kind),
        "recipient_staff_id": c.recipient_staff_id,
        "channel": names::delivery_channel(c.channel),
        "status": status(c),
        "queued_at": output::time_json(c.queued_at.as_ref()),
        "updated_at": output::time_json(c.updated_at.as_ref()),
        "attempts": c.attempts,
        "detail": c.detail,
        "resend_of": c.resend_of,
        "trace_id": c.trace_id,
    })
}

fn correspondence(items: &[pb::Correspondence]) -> Output {
    let mut table = Table::new(&[
        "NOTIFICATION",
        "LETTER",
        "TO",
        "BY",
        "STATUS",
        "QUEUED",
        "UPDATED",
        "DETAIL",
    ]);
    for c in items {
        let mut to = plain(names::recipient_kind(c.recipient_kind));
        if !c.recipient_staff_id.is_empty() {
            to = format!("{to} {}", c.recipient_staff_id);
        }
        table.row(vec![
            c.notification_id.clone(),
            c.template.clone(),
            to,
            plain(names::delivery_channel(c.channel)),
            c.status.clone(),
            output::time(c.queued_at.as_ref()),
            output::time(c.updated_at.as_ref()),
            c.detail.clone(),
        ]);
    }
    Output::new(
        Value::Array(items.iter().map(correspondence_json).collect()),
        table.render(),
    )
}

/// One notification as it now stands.
fn one(c: Option<&pb::Correspondence>) -> Output {
    let Some(c) = c else {
        return Output::new(Value::Null, "");
    };
    let text = fields(&[
        ("notification", c.notification_id.clone()),
        ("reference", c.reference.clone()),
        ("letter", c.template.clone()),
        ("to", plain(names::recipient_kind(c.recipient_kind))),
        ("by", plain(names::delivery_channel(c.channel))),
        ("status", c.status.clone()),
        ("queued at", output::time(c.queued_at.as_ref())),
        ("resend of", c.resend_of.clone()),
        ("detail", c.detail.clone()),
    ]);
    Output::new(correspondence_json(c), text)
}

/// A page of the print queue: the letters, then the cut note when the
/// service stopped looking before the page was full, and where the next
/// and previous pages start. The JSON holds the same.
fn print_queue(answer: &pb::ListPrintQueueResponse) -> Output {
    let mut table = Table::new(&["NOTIFICATION", "REFERENCE", "LETTER", "QUEUED", "TO"]);
    let mut letters = Vec::new();
    for p in &answer.items {
        table.row(vec![
            p.notification_id.clone(),
            p.reference.clone(),
            p.template.clone(),
            output::time(p.queued_at.as_ref()),
            p.recipient_name.clone(),
        ]);
        letters.push(json!({
            "notification_id": p.notification_id,
            "reference": p.reference,
            "template": p.template,
            "recipient_name": p.recipient_name,
            "queued_at": output::time_json(p.queued_at.as_ref()),
            "large_print": p.large_print,
            "other_format": p.other_format,
        }));
    }
    let mut text = table.render();
    if answer.truncated {
        text += "\nnote: notifications looked at 1000 waiting letters (passing over other teams') and stopped; the next page carries on";
    }
    if let Some(waiting) = answer.waiting {
        text += &format!("\n{waiting} letters wait to be posted");
    }
    for (name, token) in [
        ("previous", &answer.previous_page_token),
        ("next", &answer.next_page_token),
    ] {
        if !token.is_empty() {
            text += &format!("\n{name} page: --page {token}");
        }
    }
    let json = json!({
        "letters": letters,
        "truncated": answer.truncated,
        "waiting": answer.waiting,
        "next_page_token": answer.next_page_token,
        "previous_page_token": answer.previous_page_token,
    });
    Output::new(json, text)
}

/// One letter to print: whom to, where, and the text.
fn print_letter(p: &pb::PrintItem) -> Output {
    let (lines, postcode) = p.address.as_ref().map_or((Vec::new(), String::new()), |a| {
        (a.lines.clone(), a.postcode.clone())
    });
    let text = fields(&[
        ("notification", p.notification_id.clone()),
        ("reference", p.reference.clone()),
        ("letter", p.template.clone()),
        ("queued at", output::time(p.queued_at.as_ref())),
        ("to", p.recipient_name.clone()),
        ("address", lines.join(", ")),
        ("postcode", postcode.clone()),
        ("subject", p.subject.clone()),
    ]) + "\n"
        + &p.body;
    let json = json!({
        "notification_id": p.notification_id,
        "reference": p.reference,
        "template": p.template,
        "recipient_name": p.recipient_name,
        "address": { "lines": lines, "postcode": postcode },
        "subject": p.subject,
        "body": p.body,
        "queued_at": output::time_json(p.queued_at.as_ref()),
        "large_print": p.large_print,
        "other_format": p.other_format,
        "pdf_filename": p.pdf_filename,
    });
    Output::new(json, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_the_print_queue_says_when_it_was_cut_and_where_the_next_starts() {
        let mut answer = pb::ListPrintQueueResponse {
            items: vec![pb::PrintItem {
                notification_id: "n-1".into(),
                reference: "CMP-2026-000001".into(),
                ..Default::default()
            }],
            next_page_token: "a1.x".into(),
            waiting: Some(7),
            ..Default::default()
        };
        let whole = print_queue(&answer);
        assert!(!whole.text.contains("note:"), "{}", whole.text);
        assert!(whole.text.contains("7 letters wait to be posted"));
        assert!(whole.text.contains("next page: --page a1.x"));
        assert_eq!(whole.json["letters"][0]["notification_id"], "n-1");
        assert_eq!(whole.json["next_page_token"], "a1.x");
        answer.truncated = true;
        let cut = print_queue(&answer);
        assert!(
            cut.text.contains("note: notifications looked at 1000"),
            "{}",
            cut.text
        );
        assert_eq!(cut.json["truncated"], true);
    }
}
