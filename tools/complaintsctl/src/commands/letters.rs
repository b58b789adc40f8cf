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
            let items = notifications
                .list_correspondence(pb::ListCorrespondenceRequest { reference })
                .await
                .map_err(failed)?
                .into_inner()
                .items;
            Ok(correspondence(&items))
        }
        LettersCommand::PrintQueue => {
            let items = notifications
                .list_print_queue(pb::ListPrintQueueRequest {})
                .await
                .map_err(failed)?
                .into_inner()
                .items;
            Ok(print_queue(&items))
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

fn print_queue(items: &[pb::PrintItem]) -> Output {
    let mut table = Table::new(&[
        "NOTIFICATION",
        "REFERENCE",
        "LETTER",
        "QUEUED",
        "TO",
        "POSTCODE",
        "SUBJECT",
    ]);
    let mut all = Vec::new();
    for p in items {
        let (lines, postcode) = p.address.as_ref().map_or((Vec::new(), String::new()), |a| {
            (a.lines.clone(), a.postcode.clone())
        });
        table.row(vec![
            p.notification_id.clone(),
            p.reference.clone(),
            p.template.clone(),
            output::time(p.queued_at.as_ref()),
            p.recipient_name.clone(),
            postcode.clone(),
            p.subject.clone(),
        ]);
        all.push(json!({
            "notification_id": p.notification_id,
            "reference": p.reference,
            "template": p.template,
            "recipient_name": p.recipient_name,
            "address": { "lines": lines, "postcode": postcode },
            "subject": p.subject,
            "body": p.body,
            "queued_at": output::time_json(p.queued_at.as_ref()),
        }));
    }
    Output::new(Value::Array(all), table.render())
}
