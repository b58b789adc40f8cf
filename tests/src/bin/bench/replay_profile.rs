//! A profile of one more rebuild, not counted: perf of the worker process
//! and its PostgreSQL backends, and the backends' wait events.

use crate::profile::{PerfRun, WaitSampler, backend_pids};
use std::process::Stdio;
use std::time::Duration;

pub async fn profile(schema: &str) -> Vec<(String, Vec<String>)> {
    let Ok(pool) = sqlx::PgPool::connect(&eventlog::testing::database_url()).await else {
        return vec![(
            "Profile".into(),
            vec!["could not connect to PostgreSQL".into()],
        )];
    };
    let Ok(exe) = std::env::current_exe() else {
        return Vec::new();
    };
    let Ok(mut child) = tokio::process::Command::new(exe)
        .args(["replay-worker", schema, "rebuild"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
    else {
        return vec![("Profile".into(), vec!["could not start the worker".into()])];
    };
    // Let the worker connect, so its backends can be sampled too.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut pids = backend_pids(&pool, schema).await;
    pids.extend(child.id());
    let perf = PerfRun::start("replay", &pids);
    let waits = WaitSampler::start(pool.clone(), schema);
    // Thirty seconds show where the time goes; a slow rebuild is not waited out.
    if tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }
    let waits = waits.finish().await;
    let perf = perf.finish().await;
    vec![
        (
            "Profile of an extra, uncounted rebuild (its first 30 s at most): `perf record -g` of the worker process \
             and its PostgreSQL backends, top symbols by self time"
                .into(),
            perf,
        ),
        (
            "PostgreSQL wait events of the worker's connections during that rebuild \
             (pg_stat_activity, sampled every 20 ms)"
                .into(),
            waits,
        ),
    ]
}
