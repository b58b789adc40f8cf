//! What limits a benchmark, measured while it runs: `perf record -g` of
//! the processes doing the work (top symbols), and PostgreSQL's wait
//! events for the benchmark's connections sampled from `pg_stat_activity`.
//! The summaries go into BENCHMARKS.md as they are.

use sqlx::PgPool;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

/// Symbols below this share of samples are left out of the summary.
const PERCENT_LIMIT: &str = "1.5";
/// How many symbols a summary lists.
const TOP: usize = 12;

/// A `perf record` running against some processes.
#[derive(Debug)]
pub struct PerfRun {
    label: String,
    data: PathBuf,
    child: Option<Child>,
    error: Option<String>,
}

impl PerfRun {
    /// Starts sampling `pids` (call graphs included). A machine without
    /// perf gets a summary saying so instead of a failed benchmark.
    pub fn start(label: &str, pids: &[u32]) -> Self {
        let data =
            std::env::temp_dir().join(format!("bench-perf-{label}-{}.data", std::process::id()));
        let pids: Vec<String> = pids.iter().map(u32::to_string).collect();
        let spawned = Command::new("perf")
            .args(["record", "-F", "499", "-g", "-o"])
            .arg(&data)
            .args(["-p", &pids.join(",")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn();
        match spawned {
            Ok(child) => Self {
                label: label.to_owned(),
                data,
                child: Some(child),
                error: None,
            },
            Err(e) => Self {
                label: label.to_owned(),
                data,
                child: None,
                error: Some(format!("perf could not start: {e}")),
            },
        }
    }

    /// Stops sampling (SIGINT, so perf writes its file) and returns the top
    /// symbols by self time, one line each: share, command, library, symbol.
    pub async fn finish(mut self) -> Vec<String> {
        if let Some(error) = self.error.take() {
            return vec![error];
        }
        if let Some(mut child) = self.child.take() {
            if let Some(pid) = child.id() {
                let _ = Command::new("kill")
                    .args(["-INT", &pid.to_string()])
                    .status()
                    .await;
            }
            let _ = tokio::time::timeout(Duration::from_secs(30), child.wait()).await;
        }
        let report = Command::new("perf")
            .args(["report", "--stdio", "--no-children", "-g", "none"])
            .args([
                "--sort",
                "comm,dso,symbol",
                "--percent-limit",
                PERCENT_LIMIT,
                "-i",
            ])
            .arg(&self.data)
            .stderr(Stdio::null())
            .output()
            .await;
        let _ = std::fs::remove_file(&self.data);
        match report {
            Ok(out) => {
                let lines = top_symbols(&String::from_utf8_lossy(&out.stdout), TOP);
                if lines.is_empty() {
                    vec![format!("perf recorded no samples for {}", self.label)]
                } else {
                    lines
                }
            }
            Err(e) => vec![format!("perf report failed: {e}")],
        }
    }
}

/// The first `top` sample lines of `perf report --stdio`, whitespace squeezed.
pub fn top_symbols(report: &str, top: usize) -> Vec<String> {
    report
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && l.contains('%'))
        .map(|l| {
            l.split_whitespace()
                .filter(|w| *w != "-")
                .collect::<Vec<_>>()
                .join(" ")
        })
        .take(top)
        .collect()
}

/// Samples `pg_stat_activity` for connections whose application name is
/// `LIKE` a pattern (the services and the bench name their connections
/// after their schema).
#[derive(Debug)]
pub struct WaitSampler {
    stop: Arc<AtomicBool>,
    task: JoinHandle<BTreeMap<String, u64>>,
}

impl WaitSampler {
    pub fn start(pool: PgPool, application_like: &str) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let pattern = application_like.to_owned();
        let stopped = stop.clone();
        let task = tokio::spawn(async move {
            let mut counts = BTreeMap::new();
            while !stopped.load(Ordering::Relaxed) {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "SELECT CASE
                        WHEN state = 'idle in transaction' THEN 'idle in transaction (waiting for the client)'
                        WHEN wait_event IS NULL THEN 'on CPU'
                        ELSE wait_event_type || ': ' || wait_event END
                     FROM pg_stat_activity
                     WHERE application_name LIKE $1 AND state <> 'idle' AND pid <> pg_backend_pid()",
                )
                .bind(&pattern)
                .fetch_all(&pool)
                .await
                .unwrap_or_default();
                for (state,) in rows {
                    *counts.entry(state).or_insert(0) += 1;
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            counts
        });
        Self { stop, task }
    }

    /// One line per wait state, most frequent first, as a share of samples.
    pub async fn finish(self) -> Vec<String> {
        self.stop.store(true, Ordering::Relaxed);
        let counts = self.task.await.unwrap_or_default();
        wait_summary(&counts)
    }
}

/// `counts` as shares, most frequent first.
pub fn wait_summary(counts: &BTreeMap<String, u64>) -> Vec<String> {
    let total: u64 = counts.values().sum();
    if total == 0 {
        return vec!["no busy PostgreSQL connection was seen".into()];
    }
    let mut sorted: Vec<_> = counts.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    sorted
        .into_iter()
        .take(TOP)
        .map(|(state, n)| {
            format!(
                "{:5.1}% {state} ({n} samples)",
                *n as f64 * 100.0 / total as f64
            )
        })
        .collect()
}

/// The PostgreSQL backends serving connections whose application name is
/// `LIKE` a pattern, for perf.
pub async fn backend_pids(pool: &PgPool, application_like: &str) -> Vec<u32> {
    sqlx::query_scalar::<_, i32>("SELECT pid FROM pg_stat_activity WHERE application_name LIKE $1")
        .bind(application_like)
        .fetch_all(pool)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|pid| u32::try_from(pid).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perf_lines_keep_share_and_symbol_and_drop_headers() {
        let report = "# Samples: 102\n#\n    28.43%  sh  libc.so.6  [.] __strcmp_evex   -   -\n\n     3.92%  sh  dash  [.] 0x1568b  -  -\n";
        assert_eq!(
            top_symbols(report, 5),
            vec![
                "28.43% sh libc.so.6 [.] __strcmp_evex",
                "3.92% sh dash [.] 0x1568b"
            ]
        );
        assert_eq!(top_symbols(report, 1).len(), 1);
    }

    #[test]
    fn wait_summary_is_shares_most_frequent_first() {
        let counts = BTreeMap::from([("on CPU".to_owned(), 1), ("LWLock: WALWrite".to_owned(), 3)]);
        assert_eq!(
            wait_summary(&counts),
            vec![
                " 75.0% LWLock: WALWrite (3 samples)",
                " 25.0% on CPU (1 samples)"
            ]
        );
        assert_eq!(wait_summary(&BTreeMap::new()).len(), 1);
    }
}
