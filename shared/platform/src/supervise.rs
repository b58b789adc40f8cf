//! Background loops that cannot die silently.
//!
//! A service's background loops (the relay, each consumer, the email
//! senders, the deadline watcher, the retention job...) are what move its
//! work along, yet nothing waits on them: a loop that panicked or returned
//! would simply be gone, its work piling up while health still said
//! SERVING. So every loop runs under a [`Supervisor`], which:
//!
//! - starts it from a factory, so it can start it again: a loop is an
//!   `Fn(CancellationToken) -> Future`, not a future that can run once;
//! - notices it ending in any way but being stopped: a panic (caught in
//!   the loop's own task), a return while the service is not stopping, or
//!   an `Err` from a loop that returns a `Result` ([`LoopEnd`]), and logs
//!   it at error level with the loop's name (never the panic's formatted
//!   message, which may quote personal data);
//! - starts it again after a back-off that doubles from 100 ms up to 5 s,
//!   and goes back to 100 ms once the loop has run 10 s without failing,
//!   so a loop failing at every start does not spin;
//! - keeps each loop's state for health ([`crate::health`]): the service is
//!   NOT_SERVING while a loop is down waiting for its restart, or has failed
//!   three times without running 10 s in between (crash-looping), and
//!   SERVING again once it has; every change wakes the health watcher at
//!   once instead of at its next check.
//!
//! Stopping is unchanged: once the service's stop token is cancelled a loop
//! that ends is not started again, and the supervisor ends with it.
//!
//! Tests make loops fail through [`crate::Faults`], checked at each start
//! and watched while the loop runs.

use crate::Faults;
use futures::FutureExt;
use std::collections::BTreeMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// How a loop's run ended by itself, other than by panicking: `()` is a
/// loop that only ever ends when told to stop; a `Result` may also end
/// with an error. Either way, ending before the stop is a failure.
pub trait LoopEnd: Send + 'static {
    /// The error the loop ended with, if any, for the log.
    fn error(self) -> Option<String>;
}

impl LoopEnd for () {
    fn error(self) -> Option<String> {
        None
    }
}

impl<E: std::fmt::Display + Send + 'static> LoopEnd for Result<(), E> {
    fn error(self) -> Option<String> {
        self.err().map(|e| e.to_string())
    }
}

/// The pace of restarts and what counts as crash-looping.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Timing {
    /// The pause before the first restart; it doubles with each failure.
    pub first_backoff: Duration,
    /// The longest pause between two restarts.
    pub max_backoff: Duration,
    /// How long a run must last for the loop to count as running again:
    /// the back-off and the failure count start over.
    pub steady: Duration,
    /// Failures without a steady run in between that make a loop
    /// crash-looping.
    pub crash_loop_after: u32,
}

impl Default for Timing {
    fn default() -> Self {
        Self {
            first_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            steady: Duration::from_secs(10),
            crash_loop_after: 3,
        }
    }
}

/// Runs a service's background loops and knows which are healthy. Clones
/// share the loops' states.
#[derive(Debug, Clone)]
pub struct Supervisor {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    stop: CancellationToken,
    faults: Faults,
    timing: Timing,
    loops: Mutex<BTreeMap<String, State>>,
    /// Woken at every change of a loop's health.
    changed: Notify,
}

#[derive(Debug)]
struct State {
    running: bool,
    /// Failures since the loop last ran steadily.
    failures: u32,
    /// Times the loop was started again since the service started.
    restarts: u64,
}

/// One loop as metrics see it: its name, whether it runs now and how many
/// times it was started again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoopStatus {
    pub name: String,
    pub running: bool,
    pub restarts: u64,
}

/// Why a run of a loop ended early.
enum Failure {
    Panicked(&'static str),
    Returned,
    Error(String),
}

impl Supervisor {
    /// Supervises loops that run until `stop`, failing as `faults` says.
    pub fn new(stop: CancellationToken, faults: Faults) -> Self {
        Self::with_timing(stop, faults, Timing::default())
    }

    pub(crate) fn with_timing(stop: CancellationToken, faults: Faults, timing: Timing) -> Self {
        Self {
            inner: Arc::new(Inner {
                stop,
                faults,
                timing,
                loops: Mutex::default(),
                changed: Notify::new(),
            }),
        }
    }

    /// The loop `name`, started from `factory` with the stop token, and
    /// started again whenever it fails, until the stop token is
    /// cancelled: spawn the returned future. Names are unique per
    /// service (e.g. `relay`, `consumer:reporting-intake`, `sender-0`).
    pub fn supervise<F, Fut>(
        &self,
        name: impl Into<String>,
        factory: F,
    ) -> impl Future<Output = ()> + Send + 'static
    where
        F: Fn(CancellationToken) -> Fut + Send + 'static,
        Fut: Future + Send + 'static,
        Fut::Output: LoopEnd,
    {
        let name = name.into();
        let this = self.clone();
        this.inner.faults.supervised(&name);
        this.update(&name, |state| state.running = true);
        async move {
            let timing = this.inner.timing;
            let stop = this.inner.stop.clone();
            let mut backoff = timing.first_backoff;
            loop {
                let run = this.inner.faults.inject(&name, factory(stop.clone()));
                let mut run = std::pin::pin!(AssertUnwindSafe(run).catch_unwind());
                let mut steady = std::pin::pin!(tokio::time::sleep(timing.steady));
                let mut ran_steadily = false;
                let ended = loop {
                    tokio::select! {
                        ended = &mut run => break ended,
                        () = &mut steady, if !ran_steadily => {
                            ran_steadily = true;
                            backoff = timing.first_backoff;
                            this.ran_steadily(&name);
                        }
                    }
                };
                let failure = match ended {
                    Err(panic) => Failure::Panicked(panic_message(panic.as_ref())),
                    Ok(end) => match end.error() {
                        Some(error) => Failure::Error(error),
                        None if stop.is_cancelled() => return,
                        None => Failure::Returned,
                    },
                };
                if stop.is_cancelled() {
                    failure.log(&name, "while the service stops; not restarting it", None);
                    return;
                }
                failure.log(&name, "restarting it after a pause", Some(backoff));
                this.failed(&name);
                tokio::select! {
                    () = stop.cancelled() => return,
                    () = tokio::time::sleep(backoff) => {}
                }
                backoff = (backoff * 2).min(timing.max_backoff);
                this.inner.faults.restarted(&name);
                this.update(&name, |state| {
                    state.running = true;
                    state.restarts += 1;
                });
                tracing::info!(loop_name = %name, "background loop restarted");
            }
        }
    }

    /// The loops that are down waiting for a restart or crash-looping, by
    /// name; the service is healthy only when there are none.
    pub fn troubled(&self) -> Vec<String> {
        let crash_loop_after = self.inner.timing.crash_loop_after;
        self.lock()
            .iter()
            .filter(|(_, state)| !state.running || state.failures >= crash_loop_after)
            .map(|(name, _)| name.clone())
            .collect()
    }

    /// Every loop by name, whether it runs and how often it restarted.
    pub fn statuses(&self) -> Vec<LoopStatus> {
        self.lock()
            .iter()
            .map(|(name, state)| LoopStatus {
                name: name.clone(),
                running: state.running,
                restarts: state.restarts,
            })
            .collect()
    }

    /// Completes at the next change of a loop's health (or at once if one
    /// happened since the last call).
    pub async fn changed(&self) {
        self.inner.changed.notified().await;
    }

    fn failed(&self, name: &str) {
        let crash_loop_after = self.inner.timing.crash_loop_after;
        let failures = self.update(name, |state| {
            state.running = false;
            state.failures += 1;
            state.failures
        });
        if failures == crash_loop_after {
            tracing::error!(loop_name = %name, failures, "background loop is crash-looping; the service reports NOT_SERVING until it runs again");
        }
    }

    fn ran_steadily(&self, name: &str) {
        let was_failing = self.update(name, |state| std::mem::take(&mut state.failures) > 0);
        if was_failing {
            tracing::info!(loop_name = %name, "background loop running steadily again");
        }
    }

    /// Changes the state of `name` and wakes whoever watches health.
    fn update<R>(&self, name: &str, change: impl FnOnce(&mut State) -> R) -> R {
        let answer = change(self.lock().entry(name.to_owned()).or_insert(State {
            running: true,
            failures: 0,
            restarts: 0,
        }));
        self.inner.changed.notify_one();
        answer
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, State>> {
        self.inner
            .loops
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Failure {
    fn log(&self, name: &str, then: &str, backoff: Option<Duration>) {
        let restart_in_ms = backoff.map(|b| b.as_millis());
        match self {
            Failure::Panicked(message) => tracing::error!(
                loop_name = %name,
                panic = %message,
                restart_in_ms,
                "background loop panicked; {then}"
            ),
            Failure::Returned => tracing::error!(
                loop_name = %name,
                restart_in_ms,
                "background loop ended by itself; {then}"
            ),
            Failure::Error(error) => tracing::error!(
                loop_name = %name,
                error = %error,
                restart_in_ms,
                "background loop failed; {then}"
            ),
        }
    }
}

/// A panic's message when it is a literal in the code; one formatted at
/// run time may quote whatever the loop was handling, so it is not logged
/// (the panic hook still prints it where the process's stderr goes).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &'static str {
    payload
        .downcast_ref::<&'static str>()
        .copied()
        .unwrap_or("(formatted at run time, not logged)")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};

    fn quick() -> Timing {
        Timing {
            first_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            steady: Duration::from_millis(300),
            crash_loop_after: 3,
        }
    }

    /// Polls `check` until it holds, for at most 10 s.
    async fn until(what: &str, check: impl Fn() -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !check() {
            assert!(tokio::time::Instant::now() < deadline, "{what}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// A loop that counts its starts and, on its first run only, ends as
    /// `first_run` says; later runs wait for the stop.
    fn counted<O: LoopEnd + Clone + Sync>(
        starts: &Arc<AtomicU32>,
        first_run: impl Fn() -> O + Send + Sync + 'static,
        later: O,
    ) -> impl Fn(CancellationToken) -> futures::future::BoxFuture<'static, O> + Send + 'static {
        let starts = starts.clone();
        let first_run = Arc::new(first_run);
        move |stop: CancellationToken| {
            let run = starts.fetch_add(1, Ordering::SeqCst);
            let first_run = first_run.clone();
            let later = later.clone();
            async move {
                if run == 0 {
                    return first_run();
                }
                stop.cancelled().await;
                later
            }
            .boxed()
        }
    }

    async fn restarted_after(first_run: impl Fn() + Send + Sync + 'static) {
        let stop = CancellationToken::new();
        let faults = Faults::default();
        let supervisor = Supervisor::with_timing(stop.clone(), faults.clone(), quick());
        let starts = Arc::new(AtomicU32::new(0));
        let task = tokio::spawn(supervisor.supervise("worker", counted(&starts, first_run, ())));
        until("the loop is started again", || {
            starts.load(Ordering::SeqCst) == 2
        })
        .await;
        assert_eq!(faults.restarts("worker"), 1);
        until("it is healthy once running again", || {
            supervisor.troubled().is_empty()
        })
        .await;
        stop.cancel();
        task.await.unwrap();
        assert_eq!(
            starts.load(Ordering::SeqCst),
            2,
            "not started after the stop"
        );
    }

    #[tokio::test]
    async fn a_loop_that_panics_is_started_again() {
        restarted_after(|| panic!("a bug in the loop")).await;
    }

    #[tokio::test]
    async fn a_loop_that_returns_before_the_stop_is_started_again() {
        restarted_after(|| ()).await;
    }

    #[tokio::test]
    async fn a_loop_that_returns_an_error_is_started_again() {
        let stop = CancellationToken::new();
        let faults = Faults::default();
        let supervisor = Supervisor::with_timing(stop.clone(), faults.clone(), quick());
        let starts = Arc::new(AtomicU32::new(0));
        let factory = counted(&starts, || Err("the bus went away".to_owned()), Ok(()));
        let task = tokio::spawn(supervisor.supervise("worker", factory));
        until("the loop is started again", || {
            faults.restarts("worker") == 1
        })
        .await;
        stop.cancel();
        task.await.unwrap();
        assert_eq!(starts.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_stopped_loop_is_not_started_again() {
        let stop = CancellationToken::new();
        let faults = Faults::default();
        let supervisor = Supervisor::with_timing(stop.clone(), faults.clone(), quick());
        let starts = Arc::new(AtomicU32::new(0));
        let counting = starts.clone();
        let task = tokio::spawn(
            supervisor.supervise("worker", move |stop: CancellationToken| {
                counting.fetch_add(1, Ordering::SeqCst);
                async move { stop.cancelled().await }
            }),
        );
        until("the loop starts", || starts.load(Ordering::SeqCst) == 1).await;
        stop.cancel();
        task.await.unwrap();
        assert_eq!(starts.load(Ordering::SeqCst), 1);
        assert_eq!(faults.restarts("worker"), 0);
        assert!(supervisor.troubled().is_empty(), "a stop is no failure");
    }

    #[tokio::test]
    async fn a_fault_wakes_a_waiting_loop_and_it_is_started_again() {
        let stop = CancellationToken::new();
        let faults = Faults::default();
        let supervisor = Supervisor::with_timing(stop.clone(), faults.clone(), quick());
        let starts = Arc::new(AtomicU32::new(0));
        let counting = starts.clone();
        let task = tokio::spawn(
            supervisor.supervise("worker", move |stop: CancellationToken| {
                counting.fetch_add(1, Ordering::SeqCst);
                async move { stop.cancelled().await }
            }),
        );
        until("the loop starts", || starts.load(Ordering::SeqCst) == 1).await;
        assert_eq!(faults.loops(), ["worker"]);
        faults.fail_once("worker");
        until("the loop is started again", || {
            faults.restarts("worker") == 1
        })
        .await;
        assert_eq!(starts.load(Ordering::SeqCst), 2);
        stop.cancel();
        task.await.unwrap();
    }

    #[tokio::test]
    async fn a_crash_looping_loop_is_troubled_until_it_runs_steadily_again() {
        let stop = CancellationToken::new();
        let faults = Faults::default();
        let supervisor = Supervisor::with_timing(stop.clone(), faults.clone(), quick());
        let task = tokio::spawn(
            supervisor.supervise("worker", |stop: CancellationToken| async move {
                stop.cancelled().await
            }),
        );
        faults.fail_always("worker");
        until("it is crash-looping", || faults.restarts("worker") >= 3).await;
        assert_eq!(
            supervisor.troubled(),
            ["worker"],
            "troubled even while briefly up"
        );
        faults.clear("worker");
        until("healthy once it ran steadily", || {
            supervisor.troubled().is_empty()
        })
        .await;
        stop.cancel();
        task.await.unwrap();
    }

    #[tokio::test]
    async fn a_failure_wakes_whoever_watches_health() {
        let stop = CancellationToken::new();
        let faults = Faults::default();
        let timing = Timing {
            steady: Duration::from_secs(3600),
            ..quick()
        };
        let supervisor = Supervisor::with_timing(stop.clone(), faults.clone(), timing);
        let task = tokio::spawn(
            supervisor.supervise("worker", |stop: CancellationToken| async move {
                stop.cancelled().await
            }),
        );
        // Taking the loop on counts as a change: let it be seen first.
        supervisor.changed().await;
        let watcher = supervisor.clone();
        let woken = tokio::spawn(async move { watcher.changed().await });
        faults.fail_once("worker");
        tokio::time::timeout(Duration::from_secs(10), woken)
            .await
            .expect("the watcher is woken")
            .unwrap();
        stop.cancel();
        task.await.unwrap();
    }
}
