//! The committee's figures for a period (R-MON-3: "regularly reported to
//! the Audit and Risk Committee ... so that any potential trends or
//! patterns can be identified").

use super::backlog::{Backlog, backlog};
use super::group::{GroupFigures, group_figures};
use super::period::{Grouping, Period};
use super::record::AnonymisedRecord;
use calendar::Calendar;
use chrono::NaiveDate;
use std::collections::BTreeMap;

/// Volume against the previous period of the same length.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Trend {
    pub previous: Period,
    pub volume: u64,
    pub previous_volume: u64,
    /// `volume - previous_volume`.
    pub delta: i64,
    /// The delta as a percentage of the previous volume; `None` when the
    /// previous period had no complaints (no base to compare with).
    pub percent: Option<f64>,
}

/// Everything reported for one period.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub period: Period,
    pub grouping: Grouping,
    /// One per month or quarter the period touches, in order, empty ones
    /// included; a group cut by the period's ends counts only the days in it.
    pub groups: Vec<GroupFigures>,
    pub backlog: Backlog,
    pub trend: Trend,
}

/// Computes the figures of the complaints received in `period`, broken
/// down by `grouping`, with the backlog as of `today`. Records without a
/// receipt date (whose first facts have not arrived yet) cannot be placed
/// and are left out.
pub fn figures(
    records: &[AnonymisedRecord],
    period: Period,
    grouping: Grouping,
    today: NaiveDate,
    calendar: &Calendar,
) -> Figures {
    let Ok(figures) = figures_checked::<std::convert::Infallible>(
        records,
        period,
        grouping,
        today,
        calendar,
        &|| Ok(()),
    );
    figures
}

/// [`figures`], asking `go_on` every [`super::CHECK_EVERY`] records and
/// before each group, and stopping with its error.
pub fn figures_checked<E>(
    records: &[AnonymisedRecord],
    period: Period,
    grouping: Grouping,
    today: NaiveDate,
    calendar: &Calendar,
    go_on: super::GoOn<'_, E>,
) -> Result<Figures, E> {
    let groups = groups_checked(records, period, grouping, calendar, go_on)?;
    let backlog = backlog(records, period, today, calendar, go_on)?;
    go_on()?;
    Ok(Figures {
        period,
        grouping,
        groups,
        backlog,
        trend: trend(records, period),
    })
}

/// The groups of [`figures_checked`] alone, without the backlog and the
/// trend: what a comparison of periods needs (the committee report's last
/// four quarters), at a fraction of the cost, since ageing every open
/// complaint in working days is the dearest part of the figures.
pub fn groups_checked<E>(
    records: &[AnonymisedRecord],
    period: Period,
    grouping: Grouping,
    calendar: &Calendar,
    go_on: super::GoOn<'_, E>,
) -> Result<Vec<GroupFigures>, E> {
    let labels = grouping.labels(period);
    let mut members: BTreeMap<String, Vec<&AnonymisedRecord>> =
        labels.iter().map(|l| (l.clone(), Vec::new())).collect();
    for (n, (on, r)) in received_in(records, period).enumerate() {
        super::every(n, go_on)?;
        if let Some(group) = members.get_mut(&grouping.label(on)) {
            group.push(r);
        }
    }
    let mut groups = Vec::with_capacity(labels.len());
    for label in labels {
        go_on()?;
        let group = members.remove(&label).unwrap_or_default();
        groups.push(group_figures(label, &group, calendar));
    }
    Ok(groups)
}

fn received_in(
    records: &[AnonymisedRecord],
    period: Period,
) -> impl Iterator<Item = (NaiveDate, &AnonymisedRecord)> {
    records
        .iter()
        .filter_map(|r| r.received_on.map(|on| (on, r)))
        .filter(move |(on, _)| period.contains(*on))
}

fn trend(records: &[AnonymisedRecord], period: Period) -> Trend {
    let previous = period.previous();
    let volume = received_in(records, period).count() as u64;
    let previous_volume = received_in(records, previous).count() as u64;
    let delta = i64::try_from(volume)
        .unwrap_or(i64::MAX)
        .saturating_sub(i64::try_from(previous_volume).unwrap_or(i64::MAX));
    Trend {
        previous,
        volume,
        previous_volume,
        delta,
        percent: (previous_volume > 0).then(|| delta as f64 * 100.0 / previous_volume as f64),
    }
}
