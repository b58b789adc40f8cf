//! `rebuild`: operators rebuild a read model from its events. Both RPCs
//! stream their progress (events folded or messages replayed, of how many),
//! drawn as a progress bar on stderr; the last message gives the count once
//! the rebuild is committed.

use crate::cli::RebuildTarget;
use crate::clients::Clients;
use crate::error::Error;
use crate::output::{Output, fields};
use complaints_proto::v1 as pb;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde_json::json;
use std::time::Instant;
use tonic::Streaming;

/// A bar on stderr; drawn only on a terminal, never with `--json`.
fn bar(message: &'static str, quiet: bool) -> ProgressBar {
    let bar = if quiet {
        ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::hidden())
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({elapsed}, {eta} left)")
            .expect("a valid template")
            .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}

/// Follows a rebuild's stream until its last message, moving `bar`;
/// answers the last message. `step` reads (done, total) from a message.
async fn follow<T>(
    mut stream: Streaming<T>,
    bar: &ProgressBar,
    service: &'static str,
    step: impl Fn(&T) -> (u64, u64, bool),
) -> Result<T, Error> {
    while let Some(message) = stream.message().await.map_err(Error::from(service))? {
        let (done, total, finished) = step(&message);
        if finished {
            bar.finish_and_clear();
            return Ok(message);
        }
        bar.set_length(total);
        bar.set_position(done);
    }
    bar.abandon();
    Err(Error::Grpc {
        service,
        status: tonic::Status::unavailable(
            "the stream of the rebuild's progress ended before it said it was done; \
             the rebuild commits as a whole or not at all: run it again if the counts show it did not",
        ),
    })
}

pub async fn run(clients: &Clients, target: RebuildTarget, json: bool) -> Result<Output, Error> {
    let started = Instant::now();
    let (what, unit, count) = match target {
        RebuildTarget::Complaints => {
            let mut complaints = clients.complaints()?;
            let bar = bar("rebuilding the complaints work queue from the log", json);
            let stream = complaints
                .rebuild_read_model(pb::RebuildReadModelRequest {})
                .await
                .map_err(Error::from("complaints"))?
                .into_inner();
            let last = follow(stream, &bar, "complaints", |m| {
                (m.events_read, m.events_total, m.done)
            })
            .await?;
            ("complaints", "complaints", last.complaints)
        }
        RebuildTarget::Reporting => {
            let mut reporting = clients.reporting()?;
            let bar = bar("rebuilding the anonymised log from the bus", json);
            let stream = reporting
                .rebuild_log(pb::RebuildLogRequest {})
                .await
                .map_err(Error::from("reporting"))?
                .into_inner();
            let last = follow(stream, &bar, "reporting", |m| {
                (m.messages_read, m.messages_total, m.done)
            })
            .await?;
            ("reporting", "events", last.events)
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
