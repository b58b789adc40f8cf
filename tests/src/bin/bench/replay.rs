//! Replay: the complaints service's read model rebuilt from its log
//! (`Store::rebuild_read_model`, what `RebuildReadModel` runs), beside a
//! plain sequential read of the same events table. Each runs in a child
//! process of its own (`bench replay-worker`), so its peak memory is the
//! rebuild's alone, not the generator's; measuring at a quarter of the
//! events and at all of them shows whether memory grows with the log.

use crate::generate;
use crate::machine;
use crate::report::{Section, Table, Target, per_second, ratio, thousands};
use end_to_end::{Isolation, ServiceProcess};
use eventlog::{DatabaseSettings, EventLog, SchemaName};
use futures::StreamExt;
use std::time::{Duration, Instant};

/// The rebuild is expected at 250,000 events/s or more.
const TARGET_RATE: f64 = 250_000.0;
/// Peak memory counts as flat when four times the events take at most
/// this much more.
const FLAT_GROWTH: f64 = 1.25;

#[derive(Debug, Clone)]
pub struct ReplayConfig {
    pub events: u64,
}

/// What one worker measured.
#[derive(Debug, Clone, Copy)]
struct Measured {
    events: u64,
    seconds: f64,
    peak_rss_kib: u64,
}

pub async fn run(config: &ReplayConfig, command: &str) -> Result<Section, String> {
    let isolation = Isolation::fresh("bench_replay");
    // The service migrates its own schema; then it stops, so nothing but
    // the worker touches the log while it is measured.
    let service = ServiceProcess::spawn("complaints", &isolation.env("complaints")).await;
    service.terminate().await;
    let schema = isolation.schema("complaints");
    let result = measure(config, &schema, command).await;
    isolation.cleanup().await;
    result
}

async fn measure(config: &ReplayConfig, schema: &str, command: &str) -> Result<Section, String> {
    let log = EventLog::open(&settings(schema)?)
        .await
        .map_err(|e| format!("opening the replay log: {e}"))?;
    let mut table = Table::new(&[
        "events in the log",
        "complaints",
        "rebuild (events/s)",
        "plain sequential read (events/s)",
        "rebuild / plain read",
        "rebuild peak RSS",
        "plain read peak RSS",
    ]);
    let mut rows = Vec::new();
    let mut generated = generate::Generated::default();
    for target in [config.events / 4, config.events] {
        generated = generate::complaints_until(log.pool(), generated, target).await?;
        let rebuild = worker(schema, "rebuild").await?;
        let scan = worker(schema, "scan").await?;
        table.row(vec![
            thousands(rebuild.events),
            thousands(generated.complaints),
            per_second(rebuild.events as f64 / rebuild.seconds),
            per_second(scan.events as f64 / scan.seconds),
            ratio(scan.seconds, rebuild.seconds),
            format!("{} MiB", rebuild.peak_rss_kib / 1024),
            format!("{} MiB", scan.peak_rss_kib / 1024),
        ]);
        rows.push((rebuild, scan));
    }
    let (small, large) = (rows[0].0, rows[1].0);
    let rate = large.events as f64 / large.seconds;
    let growth = large.peak_rss_kib as f64 / small.peak_rss_kib.max(1) as f64;
    let targets = vec![
        Target {
            what: "rebuild at 250,000 events/s or more".into(),
            met: rate >= TARGET_RATE,
            detail: if rate >= TARGET_RATE {
                per_second(rate)
            } else {
                format!(
                    "{}, {} of the target ({} short)",
                    per_second(rate),
                    ratio(rate, TARGET_RATE),
                    per_second(TARGET_RATE - rate)
                )
            },
        },
        Target {
            what: "rebuild memory flat in the number of events".into(),
            met: growth <= FLAT_GROWTH,
            detail: format!(
                "peak RSS {} MiB at {} events, {} MiB at {} events: x{growth:.2} for x{:.1} the events",
                small.peak_rss_kib / 1024,
                thousands(small.events),
                large.peak_rss_kib / 1024,
                thousands(large.events),
                large.events as f64 / small.events.max(1) as f64
            ),
        },
    ];
    let profiles = if rate < TARGET_RATE {
        crate::replay_profile::profile(schema).await
    } else {
        Vec::new()
    };
    Ok(Section {
        title: "Replay: rebuilding the complaints read model".into(),
        command: command.into(),
        method: vec![format!(
            "The log holds real complaint streams (opened, deadline set, handler assigned, contact \
             recorded, update recorded: {} bytes of payload per complaint on average), written \
             straight into the complaints service's schema. The rebuild is \
             `complaints::store::Store::rebuild_read_model`, which `RebuildReadModel` runs; the \
             baseline reads every column of every row of the same `events` table in \
             `global_position` order through one streaming query. Each runs in a fresh child \
             process (`bench replay-worker`); peak RSS is that process's VmHWM.",
            generated.payload_bytes / generated.complaints.max(1)
        )],
        table,
        targets,
        notes: vec![],
        profiles,
    })
}

fn settings(schema: &str) -> Result<DatabaseSettings, String> {
    Ok(DatabaseSettings {
        url: eventlog::testing::database_url(),
        schema: SchemaName::parse(schema).map_err(|e| e.to_string())?,
        max_connections: 4,
        acquire_timeout: Duration::from_secs(60),
        idle_timeout: None,
    })
}

/// Runs `bench replay-worker <schema> <what>` and reads its result line.
async fn worker(schema: &str, what: &str) -> Result<Measured, String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = tokio::process::Command::new(exe)
        .args(["replay-worker", schema, what])
        .output()
        .await
        .map_err(|e| format!("starting the replay worker: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("RESULT "))
        .ok_or_else(|| {
            format!(
                "the {what} worker failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )
        })?;
    let fields: Vec<&str> = line.split_whitespace().collect();
    let parse = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (parse(0), parse(1), parse(2)) {
        (Some(events), Some(seconds), Some(rss)) => Ok(Measured {
            events: events as u64,
            seconds,
            peak_rss_kib: rss as u64,
        }),
        _ => Err(format!("the {what} worker answered {line:?}")),
    }
}

/// The child process: runs one rebuild or one plain read and prints
/// `RESULT <events> <seconds> <peak RSS KiB>`.
pub async fn worker_main(schema: &str, what: &str) -> Result<(), String> {
    let log = EventLog::open(&settings(schema)?)
        .await
        .map_err(|e| format!("opening the log: {e}"))?;
    let events: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(log.pool())
        .await
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    match what {
        "rebuild" => {
            let store = complaints::store::Store::new(log.clone());
            let today = chrono::Utc::now().date_naive();
            store
                .rebuild_read_model(today, &|_, _| {})
                .await
                .map_err(|e| format!("rebuilding: {e}"))?;
        }
        "scan" => {
            let read = scan(&log).await?;
            if read != events as u64 {
                return Err(format!("the plain read saw {read} of {events} events"));
            }
        }
        other => return Err(format!("unknown replay worker {other:?}")),
    }
    let seconds = started.elapsed().as_secs_f64();
    let rss = machine::peak_rss_kib(std::process::id()).unwrap_or(0);
    println!("RESULT {events} {seconds} {rss}");
    Ok(())
}

/// Every column of every event in log order, one row at a time.
async fn scan(log: &EventLog) -> Result<u64, String> {
    type Row = (
        i64,
        i64,
        uuid::Uuid,
        String,
        String,
        i64,
        String,
        Vec<u8>,
        chrono::DateTime<chrono::Utc>,
        chrono::DateTime<chrono::Utc>,
        uuid::Uuid,
        Option<uuid::Uuid>,
        String,
        Option<String>,
        Option<String>,
    );
    let mut rows = sqlx::query_as::<_, Row>(
        "SELECT transaction_id, global_position, event_id, stream_id, stream_type, stream_version,
                event_type, payload, occurred_at, recorded_at, correlation_id, causation_id, actor,
                traceparent, tracestate
         FROM events ORDER BY global_position",
    )
    .fetch(log.pool());
    let mut read = 0u64;
    while let Some(row) = rows.next().await {
        let row = row.map_err(|e| format!("reading events: {e}"))?;
        std::hint::black_box(&row);
        read += 1;
    }
    Ok(read)
}
