//! The open work as of the report date: complaints by age and actions
//! open, overdue and done (R-MON-1, R-MON-2).

use super::period::Period;
use super::record::AnonymisedRecord;
use calendar::Calendar;
use chrono::NaiveDate;

/// Open complaints by working days since receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AgeBands {
    /// 0 to 7 working days.
    pub up_to_7: u64,
    /// 8 to 20 working days.
    pub from_8_to_20: u64,
    /// 21 to 40 working days.
    pub from_21_to_40: u64,
    /// 41 working days or more.
    pub over_40: u64,
}

impl AgeBands {
    pub fn total(&self) -> u64 {
        self.up_to_7 + self.from_8_to_20 + self.from_21_to_40 + self.over_40
    }

    fn add(&mut self, working_days: u32) {
        match working_days {
            0..=7 => self.up_to_7 += 1,
            8..=20 => self.from_8_to_20 += 1,
            21..=40 => self.from_21_to_40 += 1,
            _ => self.over_40 += 1,
        }
    }
}

/// The backlog on the report date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Backlog {
    pub open_by_age: AgeBands,
    /// Improvement and follow-up actions not yet completed (R-MON-2).
    pub actions_open: u64,
    /// Of those, the ones past their due date.
    pub actions_overdue: u64,
    /// Actions completed (R-MON-2).
    pub actions_completed: u64,
    /// Of those, the ones completed after their due date.
    pub actions_completed_late: u64,
}

/// Every complaint received by the end of the period and still open on
/// `today`, aged in working days as of `today`, and the open actions of
/// every complaint received by then, open or closed (follow-up actions
/// outlive the complaint). Complaints received before the period are
/// included on purpose: an old open complaint is exactly what the
/// committee must see. Those received after it are not, so re-running an
/// old report changes only as complaints close.
pub(super) fn backlog<E>(
    records: &[AnonymisedRecord],
    period: Period,
    today: NaiveDate,
    calendar: &Calendar,
    go_on: super::GoOn<'_, E>,
) -> Result<Backlog, E> {
    let mut b = Backlog::default();
    for (n, r) in records.iter().enumerate() {
        super::every(n, go_on)?;
        let Some(received_on) = r.received_on.filter(|d| *d <= period.to()) else {
            continue;
        };
        if r.is_open_on(today) {
            b.open_by_age
                .add(calendar.working_days_between(received_on, today));
        }
        b.actions_open += r.open_actions.len() as u64;
        b.actions_overdue += r.open_actions.values().filter(|due| **due < today).count() as u64;
        b.actions_completed += r.completed_actions.len() as u64;
        b.actions_completed_late +=
            r.completed_actions.values().filter(|late| **late).count() as u64;
    }
    Ok(b)
}
