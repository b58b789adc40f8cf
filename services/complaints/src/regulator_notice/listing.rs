//! Which regulator notices staff see, and in what order (R-REG-4). Pure:
//! the notices come from [`super::storage`], today from the shell's clock.

use super::Notice;
use crate::domain::types::InvalidValue;
use chrono::NaiveDate;
use complaints_proto::v1 as pb;

/// Which notices to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Every notice.
    All,
    /// Reviews not yet completed, overdue ones included.
    Open,
    /// Reviews not completed by their due date.
    Overdue,
    /// Completed reviews.
    Completed,
}

impl Filter {
    /// The filter of the wire; an unknown number is refused, unspecified is
    /// every notice.
    pub fn from_wire(raw: i32) -> Result<Self, InvalidValue> {
        match pb::RegulatorNoticeFilter::try_from(raw) {
            Ok(pb::RegulatorNoticeFilter::Unspecified) => Ok(Self::All),
            Ok(pb::RegulatorNoticeFilter::Open) => Ok(Self::Open),
            Ok(pb::RegulatorNoticeFilter::Overdue) => Ok(Self::Overdue),
            Ok(pb::RegulatorNoticeFilter::Completed) => Ok(Self::Completed),
            Err(_) => Err(InvalidValue::new(
                "filter",
                format!("{raw} is not a regulator notice filter"),
            )),
        }
    }

    fn keeps(self, notice: &Notice, today: NaiveDate) -> bool {
        match self {
            Self::All => true,
            Self::Open => notice.completed.is_none(),
            Self::Overdue => is_overdue(notice, today),
            Self::Completed => notice.completed.is_some(),
        }
    }
}

fn due_on(notice: &Notice) -> Option<NaiveDate> {
    notice
        .received
        .as_ref()
        .and_then(|r| r.review_due_on)
        .and_then(|d| NaiveDate::from_ymd_opt(d.year, d.month, d.day))
}

/// R-REG-4: the review is not completed and its due date has passed.
pub fn is_overdue(notice: &Notice, today: NaiveDate) -> bool {
    notice.completed.is_none() && due_on(notice).is_some_and(|due| due < today)
}

/// The notices `filter` keeps, as staff see them today, earliest review
/// due first (then by id, so the order is stable).
pub fn listed(
    notices: &[Notice],
    filter: Filter,
    today: NaiveDate,
) -> Vec<pb::RegulatorNoticeView> {
    let mut kept: Vec<&Notice> = notices
        .iter()
        .filter(|n| n.received.is_some() && filter.keeps(n, today))
        .collect();
    kept.sort_by_key(|n| (due_on(n), n.received.as_ref().map(|r| r.notice_id.clone())));
    kept.into_iter().map(|n| super::view(n, today)).collect()
}

#[cfg(test)]
mod tests {
    use super::super::{CompleteReview, RecordNotice, complete, evolve, record};
    use super::*;
    use crate::domain::types::{Name, NonEmptyText, StaffId};
    use uuid::Uuid;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn notice(n: u128, due: NaiveDate, completed: bool) -> Notice {
        let c = RecordNotice {
            regulator: Name::new("Ofqual").unwrap(),
            awarding_organisation: Name::new("Another Awarding Body").unwrap(),
            failure: NonEmptyText::new("Marks were transposed.").unwrap(),
            received_on: day(3, 2),
            review_owner: StaffId::new("assessment-lead").unwrap(),
            review_due_on: due,
        };
        let events = record(Uuid::from_u128(n), c, day(3, 2)).unwrap();
        let state = events.iter().fold(Notice::default(), evolve);
        if !completed {
            return state;
        }
        let findings = CompleteReview {
            findings: NonEmptyText::new("Our checks prevent this.").unwrap(),
        };
        let done = complete(&state, findings, day(3, 20)).unwrap();
        done.iter().fold(state, evolve)
    }

    #[test]
    fn r_reg_4_notices_are_listed_open_overdue_or_completed_earliest_due_first() {
        let notices = [
            notice(1, day(4, 30), false),
            notice(2, day(3, 31), false),
            notice(3, day(3, 25), true),
        ];
        let today = day(4, 1);
        let ids = |filter| -> Vec<String> {
            listed(&notices, filter, today)
                .into_iter()
                .map(|v| v.notice_id)
                .collect()
        };
        let id = |n: u128| Uuid::from_u128(n).to_string();
        assert_eq!(ids(Filter::All), [id(3), id(2), id(1)]);
        assert_eq!(ids(Filter::Open), [id(2), id(1)]);
        assert_eq!(ids(Filter::Overdue), [id(2)]);
        assert_eq!(ids(Filter::Completed), [id(3)]);
        let overdue = &listed(&notices, Filter::Overdue, today)[0];
        assert!(overdue.overdue);
        assert_eq!(overdue.failure, "Marks were transposed.");
        let completed = &listed(&notices, Filter::Completed, today)[0];
        assert!(!completed.overdue, "a completed review is never overdue");
        assert_eq!(completed.findings, "Our checks prevent this.");
        // Due today is not yet overdue.
        assert!(ids_at(&notices, day(3, 31)).is_empty());
        assert!(Filter::from_wire(99).is_err());
        assert_eq!(Filter::from_wire(0).unwrap(), Filter::All);
    }

    fn ids_at(notices: &[Notice], today: NaiveDate) -> Vec<String> {
        listed(notices, Filter::Overdue, today)
            .into_iter()
            .map(|v| v.notice_id)
            .collect()
    }
}
