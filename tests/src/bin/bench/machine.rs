//! The machine and the versions a run measured, for the top of the report.

use sqlx::PgPool;

/// `(what, value)` lines: date, CPU, memory, kernel, load, toolchain,
/// PostgreSQL, NATS, the commit and the build profile.
pub async fn describe(pool: &PgPool, nats_url: &str) -> Vec<(String, String)> {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = field(&cpuinfo, "model name").unwrap_or_else(|| "unknown".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = field(&meminfo, "MemTotal").unwrap_or_else(|| "unknown".into());
    let postgres: String = sqlx::query_scalar("SELECT version()")
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| format!("unknown ({e})"));
    let nats = match async_nats::connect(nats_url).await {
        Ok(client) => format!("nats-server {}", client.server_info().version),
        Err(e) => format!("unknown ({e})"),
    };
    let commit = command("git", &["rev-parse", "--short", "HEAD"]).await;
    let dirty = command("git", &["status", "--porcelain", "--untracked-files=no"]).await;
    let commit = if dirty.is_empty() {
        commit
    } else {
        format!("{commit} (with uncommitted changes)")
    };
    vec![
        (
            "Date".into(),
            chrono::Utc::now().format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        ("CPU".into(), format!("{cpu}, {cores} cores")),
        ("Memory".into(), memory),
        (
            "Kernel".into(),
            std::fs::read_to_string("/proc/sys/kernel/osrelease")
                .unwrap_or_default()
                .trim()
                .to_owned(),
        ),
        ("Load average at start".into(), load_average()),
        ("Rust".into(), command("rustc", &["--version"]).await),
        ("PostgreSQL".into(), postgres),
        ("NATS".into(), nats),
        ("Commit".into(), commit),
        (
            "Build".into(),
            if cfg!(debug_assertions) {
                "debug (figures are not representative)".into()
            } else {
                "release".into()
            },
        ),
    ]
}

/// The 1, 5 and 15 minute load averages, to show how busy the machine was.
pub fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The value of `name: value` in a /proc file.
fn field(text: &str, name: &str) -> Option<String> {
    text.lines()
        .find(|l| l.starts_with(name))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_owned())
}

async fn command(program: &str, args: &[&str]) -> String {
    match tokio::process::Command::new(program)
        .args(args)
        .output()
        .await
    {
        Ok(out) => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        Err(e) => format!("unknown ({e})"),
    }
}

/// VmHWM (peak resident set) of a process, in KiB, from /proc/<pid>/status.
pub fn peak_rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    field(&status, "VmHWM")?
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}

/// The ids of every process whose command name is `name` (e.g. every
/// PostgreSQL backend, `postgres`).
pub fn pids_named(name: &str) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm"))
                .is_ok_and(|comm| comm.trim_end() == name)
        })
        .collect()
}

/// CPU time (user + system) a process has used so far, in clock ticks.
pub fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start at ')'.
    let after = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = after.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 here.
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some(user + system)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_peak_rss_and_cpu_time() {
        let pid = std::process::id();
        assert!(peak_rss_kib(pid).is_some_and(|k| k > 0));
        assert!(cpu_ticks(pid).is_some());
    }

    #[test]
    fn proc_fields_are_read_by_name() {
        assert_eq!(
            field("MemTotal:  24000 kB\nMemFree: 1 kB", "MemTotal").as_deref(),
            Some("24000 kB")
        );
    }
}
