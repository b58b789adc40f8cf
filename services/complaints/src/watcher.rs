//! The deadline watcher: appends deadline-approaching and deadline-missed
//! events, closes complaints nobody escalated in time, and tells the
//! handler when a contact restriction is due for review (R-UPC-1).
//!
//! Exactly once per deadline, across restarts and replicas: the domain
//! refuses a second mark for the same due date, and each append expects the
//! version it decided on, so of two replicas marking at once one gets a
//! conflict and leaves it (the next round sees it already marked).

use crate::domain::types::{ComplaintRef, DeadlineKind};
use crate::domain::{Command, Complaint, Context, decide};
use crate::error::{ComplaintsError, Context as _};
use crate::settings::ComplaintsSettings;
use crate::store::Store;
use eventlog::{Actor, Metadata};
use platform::Clock;
use std::sync::Arc;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
pub struct Watcher {
    pub store: Store,
    pub settings: Arc<ComplaintsSettings>,
    pub clock: Arc<dyn Clock>,
}

impl Watcher {
    /// Watches every `watch_interval` until `stop`.
    pub async fn run(self, stop: CancellationToken) {
        loop {
            if let Err(error) = self.round().await {
                tracing::warn!(error = %error, "deadline watch round failed; trying again next round");
            }
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tokio::time::sleep(self.settings.watch_interval) => {}
            }
        }
    }

    /// One round; returns how many events it appended.
    pub async fn round(&self) -> Result<usize, ComplaintsError> {
        let now = self.clock.now();
        let ctx = Context::new(now, &self.settings.calendar, &self.settings.policy);
        let warn_by = ctx
            .calendar
            .add_working_days(ctx.today, self.settings.policy.deadline_warning);
        let mut appended = 0;
        let mut candidates = self.store.deadline_candidates(ctx.today, warn_by).await?;
        candidates.extend(self.store.restriction_review_candidates(ctx.today).await?);
        candidates.sort_unstable();
        candidates.dedup();
        for reference in candidates {
            let Ok(reference) = reference.parse::<ComplaintRef>() else {
                continue;
            };
            appended += self.watch(&reference, &ctx, warn_by).await?;
        }
        Ok(appended)
    }

    /// Marks what is due on one complaint, one command at a time.
    async fn watch(
        &self,
        reference: &ComplaintRef,
        ctx: &Context<'_>,
        warn_by: chrono::NaiveDate,
    ) -> Result<usize, ComplaintsError> {
        let mut state = self.store.load(reference).await?;
        let mut appended = 0;
        for command in due_commands(&state, ctx.today, warn_by) {
            let Ok(events) = decide(&state, command, ctx) else {
                // Already marked, met or closed meanwhile: nothing to do.
                continue;
            };
            let metadata = Metadata::new(Actor::System("deadline-watcher".into()));
            let mut tx = self
                .store
                .log()
                .pool()
                .begin()
                .await
                .context("beginning a deadline mark")?;
            match Store::append(&mut tx, &state, &events, &metadata, ctx.today).await {
                Ok(after) => {
                    tx.commit().await.context("committing a deadline mark")?;
                    appended += events.len();
                    state = after;
                }
                // Another replica or a staff command got there first.
                Err(ComplaintsError::Log(eventlog::Error::Conflict { .. })) => return Ok(appended),
                Err(other) => return Err(other),
            }
        }
        Ok(appended)
    }
}

/// What the watcher asks of a complaint today: a missed escalation window
/// closes it once the outcome's receipt is known (R-S2-1, R-S3-1); other
/// deadlines are marked approaching within the warning period and missed
/// once past; a contact restriction whose review date has come is marked
/// due for review (R-UPC-1).
fn due_commands(
    state: &Complaint,
    today: chrono::NaiveDate,
    warn_by: chrono::NaiveDate,
) -> Vec<Command> {
    let mut commands = Vec::new();
    if state
        .restriction_review_pending()
        .is_some_and(|review_on| review_on <= today)
    {
        commands.push(Command::MarkRestrictionReviewDue);
    }
    for deadline in state.live_deadlines() {
        match deadline.kind {
            // R-S2-1, R-S3-1: counted from the complainant's receipt of
            // the outcome; until it is known the window stays open.
            DeadlineKind::EscalationWindow(stage)
                if deadline.due_on < today
                    && state
                        .stage_record(stage)
                        .is_some_and(|r| r.outcome_received_on().is_some()) =>
            {
                commands.push(Command::CloseUnescalated)
            }
            DeadlineKind::EscalationWindow(_) => {}
            kind => {
                if deadline.approaching_marked_on.is_none()
                    && deadline.due_on <= warn_by
                    && deadline.due_on >= today
                {
                    commands.push(Command::MarkDeadlineApproaching(kind));
                }
                if deadline.missed_marked_on.is_none() && deadline.due_on < today {
                    commands.push(Command::MarkDeadlineMissed(kind));
                }
            }
        }
    }
    commands
}
