//! Faults injected into a service's background loops by its own tests.
//!
//! A supervised loop ([`crate::supervise`]) must survive a failure inside
//! it, and the only honest way to show that is to make one fail while the
//! service runs. A [`Faults`] handle lets a test do that by name: the
//! supervisor checks it at every start of the loop and watches it while
//! the loop runs, and panics inside the loop's own task when it is armed,
//! as a bug in the loop would. It also counts the supervisor's restarts so
//! the test can see the loop came back.
//!
//! The handle lives in [`crate::Settings`] but is never read from the
//! environment or a file: only code in the same process that holds the
//! handle can arm it, and a service built from its settings alone has
//! nothing armed.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::Notify;

/// Shared (clones arm the same loops) fault switches, one set per service.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    loops: Mutex<BTreeMap<String, Switches>>,
    /// Woken whenever a fault is armed, so a parked loop fails at once.
    armed: Notify,
}

#[derive(Debug, Default)]
struct Switches {
    /// Set by the supervisor when it starts the loop.
    supervised: bool,
    once: bool,
    always: bool,
    restarts: u64,
}

impl Faults {
    /// Makes the current run of `name` panic now (waking it if it waits),
    /// or its next run at its start if it is not running.
    pub fn fail_once(&self, name: &str) {
        self.with(name, |s| s.once = true);
        self.inner.armed.notify_waiters();
    }

    /// Makes every run of `name` panic, from now until [`Faults::clear`]:
    /// a loop that crashes as soon as it starts.
    pub fn fail_always(&self, name: &str) {
        self.with(name, |s| s.always = true);
        self.inner.armed.notify_waiters();
    }

    /// Disarms both faults of `name`.
    pub fn clear(&self, name: &str) {
        self.with(name, |s| {
            s.once = false;
            s.always = false;
        });
    }

    /// How many times the supervisor has started `name` again after it
    /// failed.
    pub fn restarts(&self, name: &str) -> u64 {
        self.lock().get(name).map_or(0, |s| s.restarts)
    }

    /// The names of every loop supervised with this handle so far, sorted.
    pub fn loops(&self) -> Vec<String> {
        self.lock()
            .iter()
            .filter(|(_, s)| s.supervised)
            .map(|(name, _)| name.clone())
            .collect()
    }

    pub(crate) fn supervised(&self, name: &str) {
        self.with(name, |s| s.supervised = true);
    }

    pub(crate) fn restarted(&self, name: &str) {
        self.with(name, |s| s.restarts += 1);
    }

    /// Whether a fault of `name` is armed; a `fail_once` is used up.
    fn fires(&self, name: &str) -> bool {
        let mut loops = self.lock();
        let Some(switches) = loops.get_mut(name) else {
            return false;
        };
        let fires = switches.once || switches.always;
        switches.once = false;
        fires
    }

    /// Runs `run`, one run of the loop `name`, and panics in its stead
    /// when a fault is armed before or while it runs. Dropping the run
    /// first cancels it at the point where it waits, as a panic there
    /// would.
    pub(crate) async fn inject<F: Future>(&self, name: &str, run: F) -> F::Output {
        let armed = async {
            loop {
                let notified = self.inner.armed.notified();
                let mut notified = std::pin::pin!(notified);
                // Registered before looking, so an arming in between wakes it.
                notified.as_mut().enable();
                if self.fires(name) {
                    return;
                }
                notified.await;
            }
        };
        tokio::select! {
            biased;
            () = armed => panic!("a fault was injected into this background loop"),
            output = run => output,
        }
    }

    fn with<R>(&self, name: &str, change: impl FnOnce(&mut Switches) -> R) -> R {
        change(self.lock().entry(name.to_owned()).or_default())
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Switches>> {
        self.inner
            .loops
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
