//! What serving metrics costs: the same end-to-end phase (complaints
//! submitted to intake at one fixed rate, through the four services) run
//! with every service's `/metrics` endpoint fetched once a second, as a
//! Prometheus would, and without, alternating, on one running stack. The
//! difference in the services' CPU and in the latency to the automatic
//! reply is the price of being watched.

use crate::load::{Stack, cpu_shares, drain, platform_cpu};
use crate::outcome;
use crate::report::{Section, Table};
use crate::stats::ms;
use crate::submit;
use end_to_end::SERVICES;
use sqlx::PgPool;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct ScrapeConfig {
    pub rate: u32,
    pub phase: Duration,
    pub drain: Duration,
    /// Pairs of phases (not scraped, then scraped).
    pub rounds: u32,
}

/// A free port on the loopback interface for a service's metrics.
fn free_addr() -> Result<SocketAddr, String> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| format!("finding a free port: {e}"))
}

/// Scrapes so far: how many, how long they took in all (µs), bytes read,
/// and how many failed.
#[derive(Debug, Default)]
struct Scraped {
    count: AtomicU64,
    micros: AtomicU64,
    bytes: AtomicU64,
    failed: AtomicU64,
}

/// `GET /metrics` over HTTP/1.0 (the server closes after the answer), as a
/// scraper does; the number of bytes answered.
async fn scrape_once(addr: SocketAddr) -> Result<usize, String> {
    let mut stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| e.to_string())?;
    stream
        .write_all(b"GET /metrics HTTP/1.0\r\nHost: bench\r\n\r\n")
        .await
        .map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .map_err(|e| e.to_string())?;
    if !answer.starts_with(b"HTTP/1.1 200") && !answer.starts_with(b"HTTP/1.0 200") {
        return Err("not 200".into());
    }
    Ok(answer.len())
}

/// Fetches every service's metrics once a second until `stop`.
async fn scraper(addrs: Vec<SocketAddr>, scraped: Arc<Scraped>, stop: CancellationToken) {
    let mut ticks = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = ticks.tick() => {}
        }
        for addr in &addrs {
            let started = Instant::now();
            match tokio::time::timeout(Duration::from_secs(5), scrape_once(*addr)).await {
                Ok(Ok(bytes)) => {
                    scraped.count.fetch_add(1, Ordering::Relaxed);
                    scraped.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
                    scraped.micros.fetch_add(
                        u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
                        Ordering::Relaxed,
                    );
                }
                _ => {
                    scraped.failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
}

struct Measured {
    scraped: bool,
    outcome: outcome::Outcome,
    drained: bool,
    cpu_share: Vec<f64>,
    database_share: f64,
    scrapes: Option<(u64, u64, u64, u64)>,
}

pub async fn run(config: &ScrapeConfig, command: &str) -> Result<Section, String> {
    let pool = PgPool::connect(&eventlog::testing::database_url())
        .await
        .map_err(|e| format!("connecting to PostgreSQL: {e}"))?;
    let mut metrics = Vec::new();
    for _ in SERVICES {
        metrics.push(free_addr()?);
    }
    let addrs = metrics.clone();
    let stack = Stack::start_with(move |service| {
        SERVICES
            .iter()
            .position(|s| *s == service)
            .map(|i| addrs[i])
    })
    .await;
    let result = phases(config, &stack, &pool, &metrics, command).await;
    let isolation = stack.isolation.clone();
    for process in stack.processes {
        process.terminate().await;
    }
    isolation.cleanup().await;
    result
}

async fn phases(
    config: &ScrapeConfig,
    stack: &Stack,
    pool: &PgPool,
    metrics: &[SocketAddr],
    command: &str,
) -> Result<Section, String> {
    for addr in metrics {
        scrape_once(*addr)
            .await
            .map_err(|e| format!("the metrics endpoint at {addr} does not answer: {e}"))?;
    }
    let channel = submit::channel(stack.processes[0].addr)?;
    // A short phase first, so both measured modes find warm caches.
    let _ = submit::phase(channel.clone(), config.rate, Duration::from_secs(5), 900).await;
    let mut measured = Vec::new();
    for (tag, scraped) in (1u32..).zip(
        (0..config.rounds)
            .flat_map(|_| [false, true])
            .collect::<Vec<_>>(),
    ) {
        eprintln!(
            "metrics scraping: {} complaints/s for {:?}, {}",
            config.rate,
            config.phase,
            if scraped {
                "scraped every second"
            } else {
                "not scraped"
            }
        );
        let stop = CancellationToken::new();
        let counts = Arc::new(Scraped::default());
        let task =
            scraped.then(|| tokio::spawn(scraper(metrics.to_vec(), counts.clone(), stop.clone())));
        let before = stack.cpu();
        let database_before = platform_cpu()[0];
        let clock = Instant::now();
        let phase = submit::phase(channel.clone(), config.rate, config.phase, tag).await;
        let elapsed = clock.elapsed();
        let cpu_share = cpu_shares(&before, &stack.cpu(), elapsed);
        let database_share = cpu_shares(&[database_before], &[platform_cpu()[0]], elapsed)[0];
        stop.cancel();
        if let Some(task) = task {
            let _ = task.await;
        }
        let (completions, drained) = drain(stack, pool, &phase, tag, config.drain).await?;
        let outcome = outcome::evaluate(&phase, &completions);
        measured.push(Measured {
            scraped,
            outcome,
            drained,
            cpu_share,
            database_share,
            scrapes: scraped.then(|| {
                (
                    counts.count.load(Ordering::Relaxed),
                    counts.micros.load(Ordering::Relaxed),
                    counts.bytes.load(Ordering::Relaxed),
                    counts.failed.load(Ordering::Relaxed),
                )
            }),
        });
    }
    let mut notes = Vec::new();
    let total = |scraped: bool| -> (f64, usize) {
        let shares: Vec<f64> = measured
            .iter()
            .filter(|m| m.scraped == scraped)
            .map(|m| m.cpu_share.iter().sum::<f64>())
            .collect();
        (
            shares.iter().sum::<f64>() / shares.len().max(1) as f64,
            shares.len(),
        )
    };
    let ((off, _), (on, _)) = (total(false), total(true));
    notes.push(format!(
        "The four services together used {:.1}% of one core not scraped and {:.1}% scraped \
         (mean over the phases of each kind): scraping every second cost {:+.1} points \
         ({:+.1}% of their CPU).",
        off * 100.0,
        on * 100.0,
        (on - off) * 100.0,
        if off > 0.0 {
            (on - off) / off * 100.0
        } else {
            0.0
        },
    ));
    if measured.iter().any(|m| !m.drained) {
        notes.push("Some phase did not drain within the limit: its latencies are partial.".into());
    }
    Ok(Section {
        title: "Metrics scraping: what being watched costs".into(),
        command: command.into(),
        method: vec![format!(
            "One stack of the four services as release processes (as in the end-to-end section), \
             each serving metrics on a port of its own. Complaints are submitted to intake at {} /s \
             for {:.0} s per phase; phases alternate, not scraped then scraped, {} times, after a \
             5 s warm-up. In a scraped phase the bench fetches `GET /metrics` from all four services \
             once a second (one connection per fetch, as a Prometheus without keep-alive). CPU is \
             each process's user and system time over the phase; latencies are from submission to \
             the automatic reply accepted by the SMTP server.",
            config.rate,
            config.phase.as_secs_f64(),
            config.rounds
        )],
        table: table(&measured),
        targets: Vec::new(),
        notes,
        profiles: Vec::new(),
    })
}

fn table(measured: &[Measured]) -> Table {
    let mut table = Table::new(&[
        "phase",
        "accepted",
        "p50 / p99 auto reply",
        "CPU: intake / complaints / notifications / reporting",
        "CPU: four services together",
        "CPU: PostgreSQL",
        "scrapes (failed) / mean time / bytes each",
    ]);
    for m in measured {
        let reply = m.outcome.latencies[1]
            .as_ref()
            .map_or("-".into(), |l| format!("{} / {}", ms(l.p50), ms(l.p99)));
        let shares = m
            .cpu_share
            .iter()
            .map(|s| format!("{:.1}%", s * 100.0))
            .collect::<Vec<_>>()
            .join(" / ");
        let scrapes = m
            .scrapes
            .map_or("not scraped".into(), |(n, micros, bytes, failed)| {
                let n1 = n.max(1);
                format!(
                    "{n} ({failed}) / {:.2} ms / {}",
                    micros as f64 / n1 as f64 / 1000.0,
                    bytes / n1
                )
            });
        table.rows.push(vec![
            if m.scraped {
                "scraped every second"
            } else {
                "not scraped"
            }
            .into(),
            format!("{}", m.outcome.accepted),
            reply,
            shares,
            format!("{:.1}%", m.cpu_share.iter().sum::<f64>() * 100.0),
            format!("{:.1}%", m.database_share * 100.0),
            scrapes,
        ]);
    }
    table
}
