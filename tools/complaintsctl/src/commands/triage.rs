//! `triage`: submissions waiting for staff (out-of-time reviews and
//! consents) and the decisions on them (R-INT-2, R-INT-4).

use super::today;
use crate::cli::TriageCommand;
use crate::clients::Clients;
use crate::error::Error;
use crate::names;
use crate::output::{self, Output, Table, fields};
use crate::parse::pb_date;
use complaints_proto::v1 as pb;
use serde_json::{Value, json};

fn summary_json(s: &pb::SubmissionSummary) -> Value {
    json!({
        "submission_id": s.submission_id,
        "reference": s.reference,
        "channel": names::channel(s.channel),
        "query_category": s.query_category,
        "received_at": output::time_json(s.received_at.as_ref()),
        "status": names::triage_status(s.status),
        "third_party": s.third_party,
        "consent_withdrawn": s.consent_withdrawn,
    })
}

fn summary(s: pb::SubmissionSummary) -> Output {
    let text = fields(&[
        ("submission", s.submission_id.clone()),
        ("reference", s.reference.clone()),
        ("status", names::plain(names::triage_status(s.status))),
        ("channel", names::plain(names::channel(s.channel))),
        ("category", s.query_category.clone()),
        ("received at", output::time(s.received_at.as_ref())),
        ("third party", output::yes(s.third_party)),
        ("consent withdrawn", output::yes(s.consent_withdrawn)),
    ]);
    Output::new(summary_json(&s), text)
}

pub async fn run(clients: &Clients, command: TriageCommand) -> Result<Output, Error> {
    let mut intake = clients.intake()?;
    let failed = Error::from("intake");
    let answer = match command {
        TriageCommand::List { status } => {
            let status = status.map_or(pb::TriageStatus::Unspecified, Into::into) as i32;
            let mut submissions = Vec::new();
            let mut page_token = String::new();
            loop {
                let page = intake
                    .list_triage_queue(pb::ListTriageQueueRequest {
                        status,
                        page_size: 200,
                        page_token,
                    })
                    .await
                    .map_err(&failed)?
                    .into_inner();
                submissions.extend(page.submissions);
                if page.next_page_token.is_empty() {
                    break;
                }
                page_token = page.next_page_token;
            }
            let mut table = Table::new(&[
                "SUBMISSION",
                "REFERENCE",
                "STATUS",
                "CHANNEL",
                "RECEIVED",
                "THIRD PARTY",
                "CATEGORY",
            ]);
            for s in &submissions {
                table.row(vec![
                    s.submission_id.clone(),
                    s.reference.clone(),
                    names::plain(names::triage_status(s.status)),
                    names::plain(names::channel(s.channel)),
                    output::time(s.received_at.as_ref()),
                    output::yes(s.third_party),
                    s.query_category.clone(),
                ]);
            }
            let json = Value::Array(submissions.iter().map(summary_json).collect());
            return Ok(Output::new(json, table.render()));
        }
        TriageCommand::Show { submission_id } => {
            intake
                .get_submission(pb::GetSubmissionRequest { submission_id })
                .await
        }
        TriageCommand::Allow {
            submission_id,
            reason,
            acting,
        } => {
            intake
                .record_compelling_reason(pb::RecordCompellingReasonRequest {
                    submission_id,
                    reason,
                    decided_by: acting.user,
                })
                .await
        }
        TriageCommand::Decline {
            submission_id,
            reason,
            acting,
        } => {
            intake
                .decline_out_of_time(pb::DeclineOutOfTimeRequest {
                    submission_id,
                    reason,
                    decided_by: acting.user,
                })
                .await
        }
        TriageCommand::Consent {
            submission_id,
            evidence,
            given_on,
            acting,
        } => {
            intake
                .record_consent(pb::RecordConsentRequest {
                    submission_id,
                    evidence,
                    given_on: Some(pb_date(given_on.unwrap_or_else(today))),
                    recorded_by: acting.user,
                    link_token: String::new(),
                })
                .await
        }
        TriageCommand::WithdrawConsent {
            submission_id,
            on,
            acting,
        } => {
            intake
                .withdraw_consent(pb::WithdrawConsentRequest {
                    submission_id,
                    withdrawn_on: Some(pb_date(on.unwrap_or_else(today))),
                    recorded_by: acting.user,
                    link_token: String::new(),
                })
                .await
        }
    };
    Ok(summary(answer.map_err(&failed)?.into_inner()))
}
