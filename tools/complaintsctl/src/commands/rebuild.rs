//! `rebuild`: operators rebuild a read model from its events. Both RPCs
//! are unary and report no progress while they run, so a spinner shows
//! the call is alive and the final count is printed when it answers.

use crate::cli::RebuildTarget;
use crate::clients::Clients;
use crate::error::Error;
use crate::output::{Output, fields};
use complaints_proto::v1 as pb;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::time::{Duration, Instant};

/// A spinner on stderr; drawn only on a terminal, never with `--json`.
fn spinner(message: &'static str, quiet: bool) -> ProgressBar {
    let bar = if quiet {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden())
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})").expect("a valid template"),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(100));
    bar
}

pub async fn run(clients: &Clients, target: RebuildTarget, json: bool) -> Result<Output, Error> {
    let started = Instant::now();
    let (what, unit, count) = match target {
        RebuildTarget::Complaints => {
            let mut complaints = clients.complaints()?;
            let bar = spinner("rebuilding the complaints work queue from the log", json);
            let answer = complaints
                .rebuild_read_model(pb::RebuildReadModelRequest {})
                .await;
            bar.finish_and_clear();
            let count = answer
                .map_err(Error::from("complaints"))?
                .into_inner()
                .complaints;
            ("complaints", "complaints", count)
        }
        RebuildTarget::Reporting => {
            let mut reporting = clients.reporting()?;
            let bar = spinner("rebuilding the anonymised log from the bus", json);
            let answer = reporting.rebuild_log(pb::RebuildLogRequest {}).await;
            bar.finish_and_clear();
            let count = answer
                .map_err(Error::from("reporting"))?
                .into_inner()
                .events;
            ("reporting", "events", count)
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    let json = json!({ "target": what, unit: count, "seconds": seconds });
    let text = fields(&[
        ("rebuilt", what.to_owned()),
        (unit, count.to_string()),
        ("took", format!("{seconds:.1} s")),
    ]);
    Ok(Output::new(json, text))
}
