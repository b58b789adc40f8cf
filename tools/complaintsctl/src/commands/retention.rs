//! `retention`: the data protection officer's view of the retention
//! policies (R-CONF-2) across the four services: what is due now (the dry
//! run), running the retention jobs now, and legal holds placed and lifted
//! in all four at once, so one hold covers a record everywhere.

use crate::clients::{Authed, Clients};
use crate::error::Error;
use crate::output::{Output, Table, date, date_json, time, time_json, yes};
use clap::Subcommand;
use complaints_proto::v1 as pb;
use complaints_proto::v1::retention_client::RetentionClient;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::{Value, json};
use std::io::IsTerminal;

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// The dry run: records due for destruction now in each service, and whether a hold stops it.
    Due,
    /// Run the retention job of each service now, then print what it destroyed and skipped.
    Run,
    /// Place a legal hold on a record in all four services.
    Hold {
        /// The record: a complaint (CMP-...), submission or compliment reference.
        record: String,
        /// Why (a claim, a regulator's inquiry...).
        #[arg(long)]
        reason: String,
    },
    /// Lift a record's legal hold in all four services.
    Lift {
        record: String,
        #[arg(long)]
        reason: String,
    },
    /// The legal holds in place in each service.
    Holds,
    /// Every destruction each service has made, oldest first: what remains of each record.
    Destructions,
}

pub async fn run(
    clients: &Clients,
    command: RetentionCommand,
    json: bool,
) -> Result<Output, Error> {
    let services = clients.retention()?;
    match command {
        RetentionCommand::Due => due(services).await,
        RetentionCommand::Run => run_jobs(services, json).await,
        RetentionCommand::Hold { record, reason } => {
            hold(services, pb::HoldRequest { record, reason }, true).await
        }
        RetentionCommand::Lift { record, reason } => {
            hold(services, pb::HoldRequest { record, reason }, false).await
        }
        RetentionCommand::Holds => holds(services).await,
        RetentionCommand::Destructions => destructions(services).await,
    }
}

type Services = Vec<(&'static str, RetentionClient<Authed>)>;

fn due_json(d: &pb::DueRecord) -> Value {
    json!({
        "service": d.service,
        "record": d.record,
        "submission_id": d.submission_id,
        "compliment_id": d.compliment_id,
        "policy": d.policy,
        "due_on": date_json(d.due_on.as_ref()),
        "held": d.held,
    })
}

fn due_row(service: &str, d: &pb::DueRecord) -> Vec<String> {
    vec![
        service.to_owned(),
        d.record.clone(),
        d.policy.clone(),
        date(d.due_on.as_ref()),
        yes(d.held),
    ]
}

async fn due(services: Services) -> Result<Output, Error> {
    let mut table = Table::new(&["SERVICE", "RECORD", "POLICY", "DUE ON", "HELD"]);
    let mut all = Vec::new();
    let mut cut_by = Vec::new();
    for (service, mut client) in services {
        let answer = client
            .list_due(pb::ListDueRequest {})
            .await
            .map_err(Error::from(service))?
            .into_inner();
        if answer.truncated {
            cut_by.push(service);
        }
        let records = answer.records;
        for d in &records {
            table.row(due_row(service, d));
            all.push(due_json(d));
        }
    }
    let text = if table.is_empty() {
        "nothing is due for destruction".to_owned()
    } else {
        table.render() + &crate::output::cut_note(&cut_by)
    };
    Ok(Output::new(Value::Array(all), text))
}

/// A bar over the four services on stderr; drawn only on a terminal and
/// never with `--json`.
fn progress(len: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::hidden());
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {msg}").expect("a valid template"),
    );
    bar
}

async fn run_jobs(services: Services, json: bool) -> Result<Output, Error> {
    let bar = progress(services.len() as u64, json);
    let mut summary = Table::new(&[
        "SERVICE",
        "DESTROYED",
        "SKIPPED (HOLD)",
        "STREAMS",
        "BUS MESSAGES ERASED",
    ]);
    let mut records = Table::new(&["SERVICE", "RECORD", "POLICY", "DUE ON", "RESULT"]);
    let mut all = Vec::new();
    for (service, mut client) in services {
        bar.set_message(format!("running the retention job of {service}"));
        let answer = client
            .run_retention(pb::RunRetentionRequest {})
            .await
            .map_err(Error::from(service));
        let answer = match answer {
            Ok(answer) => answer.into_inner(),
            Err(e) => {
                bar.abandon();
                return Err(e);
            }
        };
        bar.inc(1);
        summary.row(vec![
            service.to_owned(),
            answer.destroyed.len().to_string(),
            answer.skipped_under_hold.len().to_string(),
            answer.tombstones.len().to_string(),
            answer.bus_messages_erased.to_string(),
        ]);
        for (list, result) in [
            (&answer.destroyed, "destroyed"),
            (&answer.skipped_under_hold, "skipped: legal hold"),
        ] {
            for d in list {
                let mut row = due_row(service, d);
                row[4] = result.to_owned();
                records.row(row);
            }
        }
        all.push(json!({
            "service": service,
            "destroyed": answer.destroyed.iter().map(due_json).collect::<Vec<_>>(),
            "skipped_under_hold": answer.skipped_under_hold.iter().map(due_json).collect::<Vec<_>>(),
            "streams_destroyed": answer.tombstones.len(),
            "bus_messages_erased": answer.bus_messages_erased,
        }));
    }
    bar.finish_and_clear();
    let mut text = summary.render();
    if !records.is_empty() {
        text.push('\n');
        text.push_str(&records.render());
    }
    Ok(Output::new(Value::Array(all), text))
}

async fn hold(services: Services, request: pb::HoldRequest, place: bool) -> Result<Output, Error> {
    let mut table = Table::new(&["SERVICE", "RECORD", "HELD"]);
    let mut all = Vec::new();
    for (service, mut client) in services {
        let answer = if place {
            client.place_hold(request.clone()).await
        } else {
            client.lift_hold(request.clone()).await
        };
        let held = answer.map_err(Error::from(service))?.into_inner().held;
        table.row(vec![service.to_owned(), request.record.clone(), yes(held)]);
        all.push(json!({ "service": service, "record": request.record, "held": held }));
    }
    Ok(Output::new(Value::Array(all), table.render()))
}

async fn holds(services: Services) -> Result<Output, Error> {
    let mut table = Table::new(&["SERVICE", "RECORD", "PLACED BY", "PLACED AT", "REASON"]);
    let mut all = Vec::new();
    let mut cut_by = Vec::new();
    for (service, mut client) in services {
        let answer = client
            .list_holds(pb::ListHoldsRequest {})
            .await
            .map_err(Error::from(service))?
            .into_inner();
        if answer.truncated {
            cut_by.push(service);
        }
        let holds = answer.holds;
        for h in &holds {
            table.row(vec![
                service.to_owned(),
                h.record.clone(),
                h.placed_by.clone(),
                time(h.placed_at.as_ref()),
                h.reason.clone(),
            ]);
            all.push(json!({
                "service": service,
                "record": h.record,
                "placed_by": h.placed_by,
                "placed_at": time_json(h.placed_at.as_ref()),
                "reason": h.reason,
            }));
        }
    }
    let text = if table.is_empty() {
        "no legal holds in place".to_owned()
    } else {
        table.render() + &crate::output::cut_note(&cut_by)
    };
    Ok(Output::new(Value::Array(all), text))
}

async fn destructions(services: Services) -> Result<Output, Error> {
    let mut table = Table::new(&[
        "SERVICE",
        "STREAM",
        "DESTROYED AT",
        "EVENTS",
        "BY",
        "REASON",
    ]);
    let mut all = Vec::new();
    let mut cut_by = Vec::new();
    for (service, mut client) in services {
        let answer = client
            .list_destructions(pb::ListDestructionsRequest {})
            .await
            .map_err(Error::from(service))?
            .into_inner();
        if answer.truncated {
            cut_by.push(service);
        }
        let tombstones = answer.tombstones;
        for t in &tombstones {
            table.row(vec![
                service.to_owned(),
                t.stream_id.clone(),
                time(t.destroyed_at.as_ref()),
                t.events_destroyed.to_string(),
                t.authorised_by.clone(),
                t.reason.clone(),
            ]);
            all.push(json!({
                "service": service,
                "stream_id": t.stream_id,
                "destroyed_at": time_json(t.destroyed_at.as_ref()),
                "events_destroyed": t.events_destroyed,
                "authorised_by": t.authorised_by,
                "reason": t.reason,
            }));
        }
    }
    let text = if table.is_empty() {
        "nothing destroyed".to_owned()
    } else {
        table.render() + &crate::output::cut_note(&cut_by)
    };
    Ok(Output::new(Value::Array(all), text))
}
