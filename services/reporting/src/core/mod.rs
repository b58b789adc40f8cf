//! The pure core of the reporting service: no I/O, no clock, no keys.
//!
//! The shell decodes the other services' events into [`Fact`]s
//! ([`facts_from_intake`], [`facts_from_complaints`]), maps each stream to a
//! pseudonym and folds the facts into one [`AnonymisedRecord`] per complaint
//! with [`apply`]. From those records [`figures`] computes what the Audit and
//! Risk Committee sees (R-MON-3), [`equality_analysis`] compares outcomes
//! between groups with small groups suppressed (R-MON-4), and
//! [`compliments_by_team`] counts positive feedback (R-POS-1).
//!
//! Nothing here holds personal data: the records keep categories, dates,
//! flags and counts, never names, contact details, free text, staff ids or
//! the complaint reference (R-MON-3, R-CONF-2: the log survives the
//! destruction of the case it came from).

mod backlog;
mod compliments;
mod decode;
mod equality;
mod fact;
mod figures;
mod group;
mod period;
mod project;
mod record;
mod stats;
mod suppression;

pub use backlog::{AgeBands, Backlog};
pub use compliments::{ComplimentRecord, compliments_by_team};
pub use decode::{
    DecodeError, compliment_from_intake, facts_from_complaints, facts_from_intake,
    monitoring_from_intake, submission_of_complaint,
};
pub use equality::{
    Cells, Characteristic, DEFAULT_THRESHOLD, EqualityTable, GroupRow, MAX_THRESHOLD,
    MonitoringAnswers, equality_analysis, equality_analysis_checked,
};
pub use fact::Fact;
pub use figures::{Figures, Trend, figures, figures_checked, groups_checked};
pub use group::{Circumstances, GroupFigures, NOT_RECORDED, StageFigures, Volumes};
pub use period::{Grouping, InvalidPeriod, Period};
pub use project::apply;
pub use record::{AnonymisedRecord, DeadlineResult, Stage, StageRecord};
pub use stats::{Compliance, Rate, nearest_rank};

/// Re-exported so callers can name the enums the records carry.
pub use complaints_proto::v1::{Channel, ClosureKind, DeadlineKind, Decision, RemedyKind};

/// How often the long loops over records (figures, equality, the CSV)
/// ask whether their caller still waits: every this many records.
pub const CHECK_EVERY: usize = 1024;

/// Whether a long computation goes on: `Err` stops it and is its answer.
/// The unchecked entry points pass one that never stops.
pub type GoOn<'a, E> = &'a dyn Fn() -> Result<(), E>;

/// Asks `go_on` on the first record and every [`CHECK_EVERY`]th after it.
pub(crate) fn every<E>(n: usize, go_on: GoOn<'_, E>) -> Result<(), E> {
    if n.is_multiple_of(CHECK_EVERY) {
        go_on()
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests;
