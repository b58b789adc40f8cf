//! Reporting periods and how figures are grouped within them.

use chrono::{Datelike, Days, Months, NaiveDate};
use thiserror::Error;

/// A reporting period, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: NaiveDate,
    to: NaiveDate,
}

/// A period that ends before it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("the period ends ({to}) before it starts ({from})")]
pub struct InvalidPeriod {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Self, InvalidPeriod> {
        if to < from {
            return Err(InvalidPeriod { from, to });
        }
        Ok(Self { from, to })
    }

    /// The period from `from` (moved back to `to` if it is later) to `to`:
    /// for periods computed from a valid one, which cannot end too early.
    pub fn clamped(from: NaiveDate, to: NaiveDate) -> Self {
        Self {
            from: from.min(to),
            to,
        }
    }

    pub fn from(&self) -> NaiveDate {
        self.from
    }

    pub fn to(&self) -> NaiveDate {
        self.to
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// The period of the same length just before this one, for the trend.
    /// A period of whole calendar months compares with the same number of
    /// whole months before it (Q2 with Q1, not with the 91 days before Q2);
    /// any other period with the same number of days.
    pub fn previous(&self) -> Period {
        let to = self.from.pred_opt().unwrap_or(NaiveDate::MIN);
        let from = match self.whole_months() {
            Some(months) => self.from.checked_sub_months(Months::new(months)),
            None => {
                let days = (self.to - self.from).num_days().unsigned_abs() + 1;
                self.from.checked_sub_days(Days::new(days))
            }
        }
        .unwrap_or(NaiveDate::MIN);
        Period {
            from: from.min(to),
            to,
        }
    }

    /// How many calendar months the period spans, if it starts on a 1st and
    /// ends on a month's last day.
    fn whole_months(&self) -> Option<u32> {
        let ends_month = self.to.succ_opt().is_some_and(|next| next.day() == 1);
        if self.from.day() != 1 || !ends_month {
            return None;
        }
        let months = (self.to.year() - self.from.year()) * 12 + self.to.month0() as i32
            - self.from.month0() as i32
            + 1;
        u32::try_from(months).ok()
    }
}

/// How a period's figures are broken down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Month,
    Quarter,
}

impl Grouping {
    /// The label of the group `date` falls in: "2026-03" or "2026-Q1".
    pub fn label(self, date: NaiveDate) -> String {
        match self {
            Grouping::Month => format!("{}-{:02}", date.year(), date.month()),
            Grouping::Quarter => format!("{}-Q{}", date.year(), date.month0() / 3 + 1),
        }
    }

    /// Every group the period touches, in order, including the empty ones
    /// (a month without complaints is a figure too).
    pub(super) fn labels(self, period: Period) -> Vec<String> {
        let mut labels: Vec<String> = Vec::new();
        let mut month = period.from.with_day(1);
        while let Some(start) = month.filter(|m| *m <= period.to) {
            let label = self.label(start);
            if labels.last() != Some(&label) {
                labels.push(label);
            }
            month = start.checked_add_months(Months::new(1));
        }
        labels
    }
}
