//! The steps of the procedure beyond assign, outcome and escalate: contact,
//! timescale, updates, referral to the line manager, the Stage 3
//! acknowledgement and investigation decision, deadline extensions,
//! contact restriction and its lifting, disclosure, information
//! permission, resolution outside the procedure, new issues and the
//! decision on those raised late, and the regulator's referrals and
//! notices (recorded, listed, read). Each answers with what the service
//! answered.

use super::complaint::complaint;
use super::today;
use crate::cli::{
    Command, ContactArgs, DiscloseArgs, ExtendArgs, InvestigationArg, NewIssuesDecisionArg,
    PermissionArgs, RegulatorCommand,
};
use crate::clients::Clients;
use crate::error::Error;
use crate::output::{self, Output, Table, fields};
use crate::parse::{pb_date, pb_timestamp};
use complaints_proto::v1 as pb;
use serde_json::json;

fn command(reference: String, user: String) -> Option<pb::ComplaintCommand> {
    Some(pb::ComplaintCommand {
        reference,
        acting_user: user,
        expected_version: None,
    })
}

/// Runs one of a complaint's steps (the dispatcher sends only those).
pub async fn run(clients: &Clients, cli_command: Command) -> Result<Output, Error> {
    let mut complaints = clients.complaints()?;
    let failed = Error::from("complaints");
    let answer = match cli_command {
        Command::Contact(ContactArgs {
            reference,
            method,
            summary,
            at,
            acting,
        }) => {
            complaints
                .record_contact(pb::RecordContactRequest {
                    command: command(reference, acting.user),
                    at: Some(pb_timestamp(at.unwrap_or_else(chrono::Utc::now))),
                    method: pb::ContactMethod::from(method) as i32,
                    summary,
                })
                .await
        }
        Command::Timescale {
            reference,
            due,
            acting,
        } => {
            complaints
                .agree_timescale(pb::AgreeTimescaleRequest {
                    command: command(reference, acting.user),
                    due_on: Some(pb_date(due)),
                })
                .await
        }
        Command::Update {
            reference,
            reason,
            revised_due,
            acting,
        } => {
            complaints
                .record_update(pb::RecordUpdateRequest {
                    command: command(reference, acting.user),
                    reason,
                    revised_due_on: revised_due.map(pb_date),
                })
                .await
        }
        Command::Refer {
            reference,
            manager,
            team,
            acting,
        } => {
            complaints
                .refer_to_line_manager(pb::ReferToLineManagerRequest {
                    command: command(reference, acting.user),
                    manager,
                    team,
                })
                .await
        }
        Command::Acknowledge { reference, acting } => {
            complaints
                .acknowledge_stage3(pb::ComplaintCommand {
                    reference,
                    acting_user: acting.user,
                    expected_version: None,
                })
                .await
        }
        Command::Investigate {
            reference,
            decision,
            reason,
            acting,
        } => {
            complaints
                .decide_investigation(pb::DecideInvestigationRequest {
                    command: command(reference, acting.user),
                    warranted: decision == InvestigationArg::Warranted,
                    reason,
                })
                .await
        }
        Command::Extend(ExtendArgs {
            reference,
            deadline,
            stage,
            due,
            reason,
            acting,
        }) => {
            complaints
                .extend_deadline(pb::ExtendDeadlineRequest {
                    command: command(reference, acting.user),
                    kind: pb::DeadlineKind::from(deadline) as i32,
                    stage: stage.map_or(pb::Stage::Unspecified, Into::into) as i32,
                    due_on: Some(pb_date(due)),
                    reason,
                })
                .await
        }
        Command::Restrict {
            reference,
            reason,
            review_on,
            acting,
        } => {
            complaints
                .restrict_contact(pb::RestrictContactRequest {
                    command: command(reference, acting.user),
                    reason,
                    review_on: Some(pb_date(review_on)),
                })
                .await
        }
        // R-UPC-1: the restriction in force is lifted, and why.
        Command::LiftRestriction {
            reference,
            reason,
            acting,
        } => {
            complaints
                .lift_restriction(pb::LiftRestrictionRequest {
                    command: command(reference, acting.user),
                    reason,
                })
                .await
        }
        Command::Disclose(DiscloseArgs {
            reference,
            recipient,
            legal_basis,
            what,
            on,
            acting,
        }) => {
            complaints
                .record_disclosure(pb::RecordDisclosureRequest {
                    command: command(reference, acting.user),
                    recipient,
                    legal_basis: pb::LegalBasis::from(legal_basis) as i32,
                    what,
                    disclosed_on: Some(pb_date(on.unwrap_or_else(today))),
                })
                .await
        }
        Command::Permission(PermissionArgs {
            reference,
            third_party,
            scope,
            given_on,
            in_writing,
            acting,
        }) => {
            complaints
                .record_information_permission(pb::RecordInformationPermissionRequest {
                    command: command(reference, acting.user),
                    third_party,
                    scope,
                    given_on: Some(pb_date(given_on.unwrap_or_else(today))),
                    in_writing,
                })
                .await
        }
        Command::Resolve {
            reference,
            how,
            acting,
        } => {
            complaints
                .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
                    command: command(reference, acting.user),
                    how,
                })
                .await
        }
        Command::NewIssues {
            reference,
            description,
            became_aware_on,
            acting,
        } => {
            complaints
                .raise_new_issues(pb::RaiseNewIssuesRequest {
                    command: command(reference, acting.user),
                    description,
                    // Absent: the service takes the day they are raised (R-UPC-2).
                    became_aware_on: became_aware_on.map(pb_date),
                })
                .await
        }
        // R-UPC-2: new issues raised late are opened for a compelling
        // reason, or declined.
        Command::NewIssuesDecision {
            reference,
            decision,
            reason,
            acting,
        } => {
            complaints
                .decide_new_issues(pb::DecideNewIssuesRequest {
                    command: command(reference, acting.user),
                    compelling_reason: decision == NewIssuesDecisionArg::Allow,
                    reason,
                })
                .await
        }
        Command::Regulator(regulator_command) => {
            return regulator(clients, regulator_command).await;
        }
        _ => return Err(Error::Invalid("not a step of a complaint".into())),
    };
    Ok(complaint(&answer.map_err(failed)?.into_inner()))
}

async fn regulator(clients: &Clients, command_: RegulatorCommand) -> Result<Output, Error> {
    let mut complaints = clients.complaints()?;
    let failed = Error::from("complaints");
    let notice = match command_ {
        RegulatorCommand::Referral {
            reference,
            regulator,
            on,
            acting,
        } => {
            let view = complaints
                .record_regulator_referral(pb::RecordRegulatorReferralRequest {
                    command: command(reference, acting.user),
                    regulator,
                    referred_on: Some(pb_date(on.unwrap_or_else(today))),
                })
                .await
                .map_err(failed)?
                .into_inner();
            return Ok(complaint(&view));
        }
        RegulatorCommand::Notice {
            regulator,
            awarding_organisation,
            failure,
            received_on,
            review_owner,
            review_due,
            acting,
        } => {
            complaints
                .record_regulator_notice(pb::RecordRegulatorNoticeRequest {
                    acting_user: acting.user,
                    regulator,
                    awarding_organisation,
                    failure,
                    received_on: Some(pb_date(received_on.unwrap_or_else(today))),
                    review_owner,
                    review_due_on: Some(pb_date(review_due)),
                })
                .await
        }
        RegulatorCommand::ReviewDone {
            notice_id,
            findings,
            acting,
        } => {
            complaints
                .complete_regulator_review(pb::CompleteRegulatorReviewRequest {
                    acting_user: acting.user,
                    notice_id,
                    findings,
                })
                .await
        }
        RegulatorCommand::Notices { state } => {
            let listed = complaints
                .list_regulator_notices(pb::ListRegulatorNoticesRequest {
                    filter: pb::RegulatorNoticeFilter::from(state) as i32,
                })
                .await
                .map_err(failed)?
                .into_inner();
            return Ok(notices_output(&listed.notices));
        }
        RegulatorCommand::Show { notice_id } => {
            complaints
                .get_regulator_notice(pb::GetRegulatorNoticeRequest { notice_id })
                .await
        }
    };
    Ok(notice_output(&notice.map_err(failed)?.into_inner()))
}

/// Where a notice's review stands: completed, overdue (not completed by
/// its due date) or open.
fn state(n: &pb::RegulatorNoticeView) -> &'static str {
    if n.review_completed_on.is_some() {
        "completed"
    } else if n.overdue {
        "overdue"
    } else {
        "open"
    }
}

fn notice_json(n: &pb::RegulatorNoticeView) -> serde_json::Value {
    json!({
        "notice_id": n.notice_id,
        "regulator": n.regulator,
        "awarding_organisation": n.awarding_organisation,
        "failure": n.failure,
        "received_on": output::date_json(n.received_on.as_ref()),
        "review_owner": n.review_owner,
        "review_due_on": output::date_json(n.review_due_on.as_ref()),
        "review_completed_on": output::date_json(n.review_completed_on.as_ref()),
        "findings": n.findings,
        "overdue": n.overdue,
        "state": state(n),
    })
}

/// Regulators' notices as a table, in the service's order (earliest
/// review due first).
fn notices_output(notices: &[pb::RegulatorNoticeView]) -> Output {
    let mut table = Table::new(&[
        "NOTICE",
        "REGULATOR",
        "AWARDING ORGANISATION",
        "REVIEW OWNER",
        "REVIEW DUE",
        "STATE",
    ]);
    for n in notices {
        table.row(vec![
            n.notice_id.clone(),
            n.regulator.clone(),
            n.awarding_organisation.clone(),
            n.review_owner.clone(),
            output::date(n.review_due_on.as_ref()),
            state(n).to_owned(),
        ]);
    }
    Output::new(
        serde_json::Value::Array(notices.iter().map(notice_json).collect()),
        table.render(),
    )
}

/// A regulator's notice and where its review stands.
fn notice_output(n: &pb::RegulatorNoticeView) -> Output {
    let text = fields(&[
        ("notice", n.notice_id.clone()),
        ("regulator", n.regulator.clone()),
        ("awarding organisation", n.awarding_organisation.clone()),
        ("failure", n.failure.clone()),
        ("received on", output::date(n.received_on.as_ref())),
        ("review owner", n.review_owner.clone()),
        ("review due on", output::date(n.review_due_on.as_ref())),
        (
            "review completed on",
            output::date(n.review_completed_on.as_ref()),
        ),
        ("findings", n.findings.clone()),
        ("state", state(n).to_owned()),
    ]);
    Output::new(notice_json(n), text)
}
