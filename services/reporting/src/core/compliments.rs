//! Positive feedback, counted by team so good practice can be recognised
//! and shared (R-POS-1).

use super::period::Period;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// A compliment as the log keeps it: when, and which team. Who sent it,
/// whom it names and what it says stay with intake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplimentRecord {
    pub received_on: NaiveDate,
    pub team: String,
}

/// Compliments received in `period`, by team.
pub fn compliments_by_team(
    compliments: &[ComplimentRecord],
    period: Period,
) -> BTreeMap<String, u64> {
    let mut by_team = BTreeMap::new();
    for c in compliments
        .iter()
        .filter(|c| period.contains(c.received_on))
    {
        *by_team.entry(c.team.clone()).or_default() += 1;
    }
    by_team
}
