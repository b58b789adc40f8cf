//! Each command calls the APIs it needs and answers an [`Output`].

mod access;
mod actions;
mod complaint;
mod compliment;
pub mod erase;
mod export;
mod letters;
mod rebuild;
mod report;
pub mod retention;
mod steps;
pub mod subject_access;
mod submit;
pub mod timeline;
mod triage;

use crate::cli::{Cli, Command};
use crate::clients::Clients;
use crate::error::Error;
use crate::output::Output;

pub async fn run(cli: Cli) -> Result<Output, Error> {
    let clients = Clients::new(&cli.global)?;
    match cli.command {
        Command::Submit(args) => submit::run(&clients, *args).await,
        Command::Triage(command) => triage::run(&clients, command).await,
        Command::Queue(args) => complaint::queue(&clients, args).await,
        Command::Show { reference } => complaint::show(&clients, &reference).await,
        Command::History {
            reference,
            evidence,
        } => complaint::history(&clients, &reference, evidence).await,
        Command::Assign(args) => complaint::assign(&clients, args).await,
        Command::Outcome(args) => complaint::outcome(&clients, *args).await,
        Command::Escalate(args) => complaint::escalate(&clients, args).await,
        command @ (Command::Contact(_)
        | Command::Timescale { .. }
        | Command::Update { .. }
        | Command::Refer { .. }
        | Command::Acknowledge { .. }
        | Command::Investigate { .. }
        | Command::Extend(_)
        | Command::Restrict { .. }
        | Command::LiftRestriction { .. }
        | Command::Disclose(_)
        | Command::Permission(_)
        | Command::Resolve { .. }
        | Command::NewIssues { .. }
        | Command::NewIssuesDecision { .. }
        | Command::Regulator(_)) => steps::run(&clients, command).await,
        Command::Actions(command) => actions::run(&clients, command).await,
        Command::Compliment(args) => compliment::run(&clients, *args).await,
        Command::Letters(command) => letters::run(&clients, command).await,
        Command::Access {
            record,
            refused_only,
        } => access::run(&clients, record, refused_only).await,
        Command::Report(command) => report::run(&clients, command, cli.global.json).await,
        Command::Rebuild { target } => rebuild::run(&clients, target, cli.global.json).await,
        Command::Timeline { reference } => timeline::run(&clients, &reference).await,
        Command::SubjectAccess(args) => subject_access::run(&clients, args).await,
        Command::Erase(args) => erase::run(&clients, args).await,
        Command::Retention(command) => retention::run(&clients, command, cli.global.json).await,
    }
}

/// Today (UTC), for dates a command leaves out.
fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
