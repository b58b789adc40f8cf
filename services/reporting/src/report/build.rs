//! The committee report from the log's records: the figures, the last four
//! quarters, the six equality tables, then the page. The service serves it
//! (and keeps it, [`crate::answers`]); tests compute it again from the same
//! records to check that what is served is what computing it gives.

use super::{Rendered, ReportInput, render, volumes};
use crate::core::{
    self, AnonymisedRecord, Characteristic, GoOn, Grouping, MonitoringAnswers, Period,
};
use calendar::Calendar;
use chrono::NaiveDate;

/// The report of `period` by `grouping` as produced on `today`, from
/// `history` (every record received up to the end of the period, for the
/// backlog and the trend) and the equality `answers` of the complainants
/// whose complaints were received in the period; `go_on` is asked between
/// steps and inside the long loops.
pub fn build<E>(
    history: Vec<AnonymisedRecord>,
    answers: &[MonitoringAnswers],
    period: Period,
    grouping: Grouping,
    today: NaiveDate,
    calendar: &Calendar,
    go_on: GoOn<'_, E>,
) -> Result<Rendered, E> {
    let figures = core::figures_checked(&history, period, grouping, today, calendar, go_on)?;
    go_on()?;
    let quarters = volumes::quarters_checked(&history, period.to(), calendar, go_on)?;
    go_on()?;
    let records: Vec<AnonymisedRecord> = history
        .into_iter()
        .filter(|r| r.received_on.is_some_and(|on| period.contains(on)))
        .collect();
    let mut equality = Vec::with_capacity(Characteristic::ALL.len());
    for c in Characteristic::ALL {
        go_on()?;
        equality.push(core::equality_analysis_checked(
            &records,
            answers,
            c,
            core::DEFAULT_THRESHOLD,
            go_on,
        )?);
    }
    go_on()?;
    Ok(render(&ReportInput {
        figures: &figures,
        quarters: &quarters,
        records: &records,
        equality: &equality,
        calendar,
        produced_on: today,
    }))
}
