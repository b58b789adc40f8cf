//! `actions`: follow-up and improvement actions, one owner and a due date
//! each, tracked to completion (R-OUT-3, R-MON-2).

use super::complaint::{actions_json, actions_table, complaint};
use crate::cli::ActionsCommand;
use crate::clients::Clients;
use crate::error::Error;
use crate::output::Output;
use crate::parse::pb_date;
use complaints_proto::v1 as pb;

fn command(reference: String, user: String) -> Option<pb::ComplaintCommand> {
    Some(pb::ComplaintCommand {
        reference,
        acting_user: user,
        expected_version: None,
    })
}

pub async fn run(clients: &Clients, command_: ActionsCommand) -> Result<Output, Error> {
    let mut complaints = clients.complaints()?;
    let failed = Error::from("complaints");
    let view = match command_ {
        ActionsCommand::List { reference } => {
            let view = complaints
                .get_complaint(pb::GetComplaintRequest { reference })
                .await
                .map_err(&failed)?
                .into_inner();
            return Ok(Output::new(
                actions_json(&view.actions),
                actions_table(&view.actions),
            ));
        }
        ActionsCommand::Add {
            reference,
            kind,
            description,
            owner,
            due,
            acting,
        } => {
            complaints
                .add_action(pb::AddActionRequest {
                    command: command(reference, acting.user),
                    kind: pb::ActionKind::from(kind) as i32,
                    description,
                    owner,
                    due_on: Some(pb_date(due)),
                })
                .await
        }
        ActionsCommand::Complete {
            reference,
            action_id,
            note,
            acting,
        } => {
            complaints
                .complete_action(pb::CompleteActionRequest {
                    command: command(reference, acting.user),
                    action_id,
                    note,
                })
                .await
        }
        ActionsCommand::Reassign {
            reference,
            action_id,
            owner,
            reason,
            acting,
        } => {
            complaints
                .reassign_action(pb::ReassignActionRequest {
                    command: command(reference, acting.user),
                    action_id,
                    owner,
                    reason,
                })
                .await
        }
    };
    Ok(complaint(&view.map_err(&failed)?.into_inner()))
}
