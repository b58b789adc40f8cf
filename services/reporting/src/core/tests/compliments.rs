//! Positive feedback by team (R-POS-1).

use super::support::date;
use crate::core::{ComplimentRecord, Period, compliments_by_team};

/// R-POS-1: positive feedback "can be reported to recognise individuals
/// and share good practice"; the report counts it by team.
#[test]
fn r_pos_1_compliments_in_the_period_are_counted_by_team() {
    let compliment = |m, d, team: &str| ComplimentRecord {
        received_on: date(2026, m, d),
        team: team.into(),
    };
    let compliments = [
        compliment(3, 1, "Member Services"),
        compliment(3, 15, "Assessment"),
        compliment(3, 31, "Member Services"),
        compliment(2, 28, "Member Services"),
        compliment(4, 1, "Assessment"),
    ];
    let march = Period::new(date(2026, 3, 1), date(2026, 3, 31)).unwrap();
    let by_team = compliments_by_team(&compliments, march);
    assert_eq!(
        by_team.into_iter().collect::<Vec<_>>(),
        [("Assessment".into(), 1), ("Member Services".into(), 2)]
    );
}
