//! End to end: the four services as separate processes with PostgreSQL,
//! NATS and an SMTP server, complaints submitted over gRPC at increasing
//! rates; the highest rate sustained with nothing lost, latencies from
//! submission to each step, CPU and peak RSS per service.

use crate::machine::{cpu_ticks, peak_rss_kib, pids_named};
use crate::outcome::{self, Outcome};
use crate::profile::{PerfRun, WaitSampler};
use crate::report::{Section, Table, Target, thousands};
use crate::stats::ms;
use crate::submit;
use end_to_end::smtp::SmtpSink;
use end_to_end::{Isolation, SERVICES, ServiceProcess};
use sqlx::PgPool;
use std::time::{Duration, Instant};

const TARGET_RATE: u32 = 1_000;
const TARGET_P99: Duration = Duration::from_millis(250);

#[derive(Debug, Clone)]
pub struct LoadConfig {
    pub rates: Vec<u32>,
    pub phase: Duration,
    /// How long to wait after a phase for its last submissions to finish.
    pub drain: Duration,
    /// Length of the profiled phase at the first rate not sustained.
    pub profile: Duration,
}

pub(crate) struct Stack {
    pub(crate) isolation: Isolation,
    pub(crate) smtp: SmtpSink,
    pub(crate) processes: Vec<ServiceProcess>,
}

impl Stack {
    async fn start() -> Self {
        Self::start_with(|_| None).await
    }

    /// As deployed, with `metrics_addr(service)` as its `METRICS_ADDR`
    /// where it gives one.
    pub(crate) async fn start_with(
        metrics_addr: impl Fn(&str) -> Option<std::net::SocketAddr>,
    ) -> Self {
        let smtp = SmtpSink::start();
        let isolation = Isolation::fresh("bench");
        let mut processes = Vec::new();
        for service in SERVICES {
            let mut env = isolation.env(service);
            // Every line a service logs is kept by the bench: warnings, and
            // the platform's start-up line that says where it serves.
            env.insert("LOG_FILTER".into(), "warn,platform=info".into());
            // Measured as deployed: the default pool, not the tests' small one.
            env.remove("DATABASE_MAX_CONNECTIONS");
            env.extend(smtp.env());
            if let Some(addr) = metrics_addr(service) {
                env.insert("METRICS_ADDR".into(), addr.to_string());
            }
            processes.push(ServiceProcess::spawn(service, &env).await);
        }
        Self {
            isolation,
            smtp,
            processes,
        }
    }

    fn pids(&self) -> Vec<(String, u32)> {
        self.processes
            .iter()
            .filter_map(|p| Some((p.name.clone(), p.child.id()?)))
            .collect()
    }

    pub(crate) fn cpu(&self) -> Vec<u64> {
        self.pids()
            .iter()
            .map(|(_, pid)| cpu_ticks(*pid).unwrap_or(0))
            .collect()
    }
}

/// What the machine spends beside the four services: PostgreSQL (every
/// backend; the pools keep theirs for the whole run), NATS, and this
/// process (the load generator and the SMTP server), in clock ticks.
pub(crate) fn platform_cpu() -> Vec<u64> {
    let sum = |name: &str| {
        pids_named(name)
            .into_iter()
            .filter_map(cpu_ticks)
            .sum::<u64>()
    };
    vec![
        sum("postgres"),
        sum("nats-server"),
        cpu_ticks(std::process::id()).unwrap_or(0),
    ]
}

/// Transactions committed in the benchmark's database so far.
async fn commits(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()",
    )
    .fetch_one(pool)
    .await
    .unwrap_or(0)
}

pub async fn run(config: &LoadConfig, command: &str) -> Result<Section, String> {
    let pool = PgPool::connect(&eventlog::testing::database_url())
        .await
        .map_err(|e| format!("connecting to PostgreSQL: {e}"))?;
    let stack = Stack::start().await;
    let result = ladder(config, &stack, &pool, command).await;
    let isolation = stack.isolation.clone();
    for process in stack.processes {
        process.terminate().await;
    }
    isolation.cleanup().await;
    result
}

struct Measured {
    rate: u32,
    outcome: Outcome,
    drained: bool,
    cpu_share: Vec<f64>,
    /// PostgreSQL, NATS and the bench process, as shares of one core.
    platform_share: Vec<f64>,
    /// PostgreSQL commits during the phase per accepted submission.
    commits_per_complaint: f64,
}

async fn ladder(
    config: &LoadConfig,
    stack: &Stack,
    pool: &PgPool,
    command: &str,
) -> Result<Section, String> {
    let intake = stack.processes[0].addr;
    let channel = submit::channel(intake)?;
    let mut measured = Vec::new();
    for (tag, &rate) in (1u32..).zip(&config.rates) {
        eprintln!("end to end: {rate} complaints/s for {:?}", config.phase);
        let before = stack.cpu();
        let (platform_before, commits_before) = (platform_cpu(), commits(pool).await);
        let clock = Instant::now();
        let phase = submit::phase(channel.clone(), rate, config.phase, tag).await;
        let cpu_share = cpu_shares(&before, &stack.cpu(), clock.elapsed());
        let platform_share = cpu_shares(&platform_before, &platform_cpu(), clock.elapsed());
        let accepted = phase.submitted.iter().filter(|s| s.accepted).count().max(1);
        let commits_per_complaint = (commits(pool).await - commits_before) as f64 / accepted as f64;
        let (completions, drained) = drain(stack, pool, &phase, tag, config.drain).await?;
        let outcome = outcome::evaluate(&phase, &completions);
        let sustained = outcome.sustained(rate) && drained;
        measured.push(Measured {
            rate,
            outcome,
            drained,
            cpu_share,
            platform_share,
            commits_per_complaint,
        });
        if !sustained {
            break;
        }
    }
    let peaks: Vec<(String, u64)> = stack
        .pids()
        .into_iter()
        .map(|(name, pid)| (name, peak_rss_kib(pid).unwrap_or(0)))
        .collect();
    let sustained = measured
        .iter()
        .filter(|m| m.drained && m.outcome.sustained(m.rate))
        .map(|m| m.rate)
        .max();
    let failing = measured
        .iter()
        .find(|m| !(m.drained && m.outcome.sustained(m.rate)))
        .map(|m| m.rate);
    let p99_at_best = measured
        .iter()
        .find(|m| Some(m.rate) == sustained)
        .and_then(|m| m.outcome.latencies[1])
        .map(|l| l.p99);
    let mut targets = vec![Target {
        what: format!("{TARGET_RATE} complaints/s sustained"),
        met: sustained.is_some_and(|r| r >= TARGET_RATE),
        detail: match sustained {
            Some(r) if r >= TARGET_RATE => format!("{r}/s sustained"),
            Some(r) => format!(
                "{r}/s sustained, {:.1}% of the target{}",
                f64::from(r) * 100.0 / f64::from(TARGET_RATE),
                failing.map_or(String::new(), |f| format!("; {f}/s was not"))
            ),
            None => "no rate tried was sustained".into(),
        },
    }];
    targets.push(Target {
        what: "p99 to automatic reply under 250 ms at the sustained rate".into(),
        met: p99_at_best.is_some_and(|p| p < TARGET_P99),
        detail: match p99_at_best {
            Some(p) if p < TARGET_P99 => ms(p),
            Some(p) => format!("{}, {} over", ms(p), ms(p - TARGET_P99)),
            None => "no sustained rate to measure it at".into(),
        },
    });
    let mut profiles = Vec::new();
    let mut notes = vec![peak_note(&peaks)];
    if let Some(m) = failing.and_then(|rate| measured.iter().find(|m| m.rate == rate)) {
        notes.push(saturation_note(m));
    }
    if let Some(rate) = failing {
        let (busiest, lines) = profile(
            stack,
            pool,
            &channel,
            rate,
            config.profile,
            measured.len() as u32 + 1,
        )
        .await;
        notes.push(format!(
            "The profile below was taken during one more phase at {rate}/s, the first rate not sustained; \
             {busiest} used the most CPU in that phase (PostgreSQL's backends counted together)."
        ));
        profiles = lines;
    }
    Ok(Section {
        title: "End to end: complaints through the four services".into(),
        command: command.into(),
        method: vec![format!(
            "The four services run as separate release processes (each with its default settings, \
             logging at `warn`) against the local PostgreSQL and NATS, with an SMTP server in the bench \
             process (`end_to_end::smtp::SmtpSink`). The load generator submits web-form complaints to \
             intake over gRPC at a fixed rate (open loop, each in its own trace and from its own address) \
             for {:.0} s per rate, then waits up to {:.0} s for the last ones. A complaint is opened \
             when the complaints service records `ComplaintOpened` (its `recorded_at`), replied to when \
             the SMTP server accepts the automatic reply, counted when reporting applies the opening \
             (`log_entries.applied_at`). A rate is sustained when every accepted submission led to \
             exactly one of each, no call failed, and the backlog (submissions not yet through all three) \
             at the end of the phase was no more than one second's submissions above the backlog half-way. \
             The ladder stops at the first rate not sustained.",
            config.phase.as_secs_f64(),
            config.drain.as_secs_f64()
        )],
        table: table(&measured),
        targets,
        notes,
        profiles,
    })
}

fn table(measured: &[Measured]) -> Table {
    let mut table = Table::new(&[
        "rate (/s)",
        "sent / accepted",
        "failed",
        "lost or twice",
        "backlog half-way / end",
        "sustained",
        "p50 / p99 opened",
        "p50 / p99 auto reply",
        "p50 / p99 reporting",
        "CPU: intake / complaints / notifications / reporting",
        "CPU: PostgreSQL / NATS / load generator and SMTP",
        "commits per complaint",
    ]);
    for m in measured {
        let o = &m.outcome;
        let latency = |step: usize| {
            o.latencies[step].map_or("-".into(), |l| format!("{} / {}", ms(l.p50), ms(l.p99)))
        };
        table.row(vec![
            m.rate.to_string(),
            format!(
                "{} / {}",
                thousands(o.sent as u64),
                thousands(o.accepted as u64)
            ),
            if o.errors.is_empty() {
                (o.failed + o.generator_overrun).to_string()
            } else {
                format!(
                    "{} ({})",
                    o.failed + o.generator_overrun,
                    o.errors.iter().cloned().collect::<Vec<_>>().join(", ")
                )
            },
            format!(
                "{} (missing {:?}, twice {:?})",
                o.lost(),
                o.missing,
                o.duplicated
            ),
            format!("{} / {}", o.backlog_mid, o.backlog_end),
            if m.drained && o.sustained(m.rate) {
                "yes".into()
            } else if !m.drained {
                "no (not drained)".into()
            } else {
                "no".into()
            },
            latency(0),
            latency(1),
            latency(2),
            shares(&m.cpu_share),
            shares(&m.platform_share),
            format!("{:.1}", m.commits_per_complaint),
        ]);
    }
    table
}

/// How much of the machine the first rate not sustained used: when the
/// processes together used (nearly) every core, the machine is the limit,
/// not a queue in one service.
fn saturation_note(m: &Measured) -> String {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    let services: f64 = m.cpu_share.iter().sum();
    let platform: f64 = m.platform_share.iter().sum();
    let database = m.platform_share.first().copied().unwrap_or(0.0);
    let used = (services + platform) / cores;
    format!(
        "At {rate}/s, the first rate not sustained, the four services used {services:.0}% of one core \
         and PostgreSQL, NATS and the load generator {platform:.0}% (PostgreSQL alone {database:.0}%): \
         {used:.0}% of the machine's {cores:.0} cores{verdict}.",
        rate = m.rate,
        services = services * 100.0,
        platform = platform * 100.0,
        database = database * 100.0,
        used = used * 100.0,
        verdict = if used >= 0.9 {
            ", so the machine's CPU is what limits the rate; PostgreSQL's share is the statements \
             and commits each complaint costs (see commits per complaint)"
        } else {
            ""
        },
    )
}

/// CPU shares of one core as `12% / 34%`.
fn shares(of: &[f64]) -> String {
    of.iter()
        .map(|c| format!("{:.0}%", c * 100.0))
        .collect::<Vec<_>>()
        .join(" / ")
}

/// Peak RSS of each service over the whole run.
fn peak_note(peaks: &[(String, u64)]) -> String {
    format!(
        "Peak RSS over the whole run (VmHWM from /proc/<pid>/status): {}.",
        peaks
            .iter()
            .map(|(name, kib)| format!("{name} {} MiB", kib / 1024))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Each process's CPU use over `elapsed`, as a share of one core.
pub(crate) fn cpu_shares(before: &[u64], after: &[u64], elapsed: Duration) -> Vec<f64> {
    // Linux reports CPU time in ticks of 1/100 s (USER_HZ).
    after
        .iter()
        .zip(before)
        .map(|(a, b)| (a.saturating_sub(*b)) as f64 / 100.0 / elapsed.as_secs_f64())
        .collect()
}

/// Waits until every accepted submission of the phase went through every
/// step, or `limit` passes; returns what was seen and whether all finished.
pub(crate) async fn drain(
    stack: &Stack,
    pool: &PgPool,
    phase: &submit::Phase,
    tag: u32,
    limit: Duration,
) -> Result<(outcome::Completions, bool), String> {
    let accepted = phase.submitted.iter().filter(|s| s.accepted).count();
    let schema = |s: &str| stack.isolation.schema(s);
    let deadline = Instant::now() + limit;
    loop {
        let completions = outcome::collect(
            pool,
            &schema("complaints"),
            &schema("reporting"),
            &stack.smtp,
            phase,
            tag,
        )
        .await?;
        let done = outcome::completed(phase, &completions);
        if done == accepted {
            // A moment more, so a duplicate arriving late is seen too.
            tokio::time::sleep(Duration::from_secs(1)).await;
            let completions = outcome::collect(
                pool,
                &schema("complaints"),
                &schema("reporting"),
                &stack.smtp,
                phase,
                tag,
            )
            .await?;
            return Ok((completions, true));
        }
        if Instant::now() >= deadline {
            return Ok((completions, false));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// One more phase at `rate` under perf (the busiest service) and the
/// wait-event sampler (all four services' connections).
async fn profile(
    stack: &Stack,
    pool: &PgPool,
    channel: &tonic::transport::Channel,
    rate: u32,
    length: Duration,
    tag: u32,
) -> (String, Vec<(String, Vec<String>)>) {
    let pattern = format!("t\\_%\\_{}", stack.isolation.schema_suffix);
    let waits = WaitSampler::start(pool.clone(), &pattern);
    let before = stack.cpu();
    let database_before = platform_cpu()[0];
    let started = Instant::now();
    // A first part of the phase finds the busiest process (PostgreSQL's
    // backends counted as one); perf samples the rest.
    let load = tokio::spawn(submit::phase(channel.clone(), rate, length, tag));
    tokio::time::sleep(length / 4).await;
    let shares = cpu_shares(&before, &stack.cpu(), started.elapsed());
    let database = cpu_shares(&[database_before], &[platform_cpu()[0]], started.elapsed())[0];
    let pids = stack.pids();
    let busiest = shares
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(b.1))
        .map_or(0, |(i, _)| i);
    let (name, pids) = if database > shares[busiest] {
        ("PostgreSQL".to_owned(), pids_named("postgres"))
    } else {
        let (name, pid) = pids[busiest].clone();
        (name, vec![pid])
    };
    let perf = PerfRun::start(&name, &pids);
    let _ = load.await;
    let perf = perf.finish().await;
    let waits = waits.finish().await;
    (
        name.clone(),
        vec![
            (
                format!(
                    "`perf record -g` of {name} (the busiest process) at {rate}/s, top symbols by self time"
                ),
                perf,
            ),
            (
                format!(
                    "PostgreSQL wait events of the four services' connections at {rate}/s (pg_stat_activity, sampled every 20 ms)"
                ),
                waits,
            ),
        ],
    )
}
