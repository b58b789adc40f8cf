//! CPU-heavy work of a request (figures, the committee report) runs off
//! the async workers, so health and every other call keep being answered,
//! and stops at its next check once nobody waits for it: the caller's
//! deadline passed, the call was cancelled, or the server dropped it on
//! shutdown (each drops the handler's future, and with it the [`Work`]).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tonic::Status;

/// Work stopped because its caller went away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

/// What the blocking work checks between its steps.
#[derive(Debug, Clone, Default)]
pub struct Check(Arc<AtomicBool>);

impl Check {
    /// `Err(Cancelled)` once the caller has gone.
    pub fn go_on(&self) -> Result<(), Cancelled> {
        if self.0.load(Ordering::Relaxed) {
            Err(Cancelled)
        } else {
            Ok(())
        }
    }

    fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Cancels its [`Check`] when dropped, i.e. when the handler's future is.
struct CancelOnDrop(Check);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// Runs `work` on the blocking pool with a [`Check`] cancelled as soon as
/// the returned future is dropped.
pub async fn off_the_workers<T, F>(work: F) -> Result<T, Status>
where
    T: Send + 'static,
    F: FnOnce(&Check) -> Result<T, Cancelled> + Send + 'static,
{
    let guard = CancelOnDrop(Check::default());
    let check = guard.0.clone();
    let outcome = tokio::task::spawn_blocking(move || work(&check)).await;
    drop(guard);
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(Cancelled)) => Err(Status::cancelled("the request was cancelled")),
        Err(error) => {
            tracing::error!(error = %error, "a report's work failed");
            Err(Status::internal("the report could not be built"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn work_whose_caller_stops_waiting_stops_at_its_next_check() {
        let (stopped_tx, stopped_rx) = std::sync::mpsc::channel();
        let work = off_the_workers(move |check| {
            let started = std::time::Instant::now();
            while started.elapsed() < Duration::from_secs(30) {
                if check.go_on().is_err() {
                    let _ = stopped_tx.send(started.elapsed());
                    return Err(Cancelled);
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Ok(())
        });
        // The caller's deadline: the future is dropped after 100 ms.
        let outcome = tokio::time::timeout(Duration::from_millis(100), work).await;
        assert!(outcome.is_err(), "the work should still be running");
        let stopped_after =
            tokio::task::spawn_blocking(move || stopped_rx.recv_timeout(Duration::from_secs(5)))
                .await
                .unwrap()
                .expect("the work stopped once its caller went");
        assert!(stopped_after < Duration::from_secs(5), "{stopped_after:?}");
    }

    #[tokio::test]
    async fn work_that_finishes_answers_its_value() {
        assert_eq!(off_the_workers(|_| Ok(7)).await.unwrap(), 7);
    }
}
