//! What a decision needs to know besides the complaint and the command.

use super::policy::Policy;
use calendar::Calendar;
use chrono::{DateTime, NaiveDate, Utc};

/// The clock, the working-day calendar and the policy, handed in by the
/// shell so that [`decide`](super::decide) stays pure.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The instant the command is decided at.
    pub now: DateTime<Utc>,
    /// `now` as a UK date: the dates of the procedure are UK dates.
    pub today: NaiveDate,
    /// Working days in England and Wales.
    pub calendar: &'a Calendar,
    /// The configurable figures.
    pub policy: &'a Policy,
}

impl<'a> Context<'a> {
    /// A context at `now`, with `today` taken as the UK date of `now`.
    pub fn new(now: DateTime<Utc>, calendar: &'a Calendar, policy: &'a Policy) -> Self {
        Self {
            now,
            today: calendar::uk_date(now),
            calendar,
            policy,
        }
    }
}
