//! Equality monitoring in aggregate, small groups suppressed (R-MON-4).

use super::support::{date, opened, recoverable, replay};
use crate::core::{
    AnonymisedRecord, Cells, Channel, Characteristic, DEFAULT_THRESHOLD, Decision, EqualityTable,
    Fact, MonitoringAnswers, Stage, equality_analysis,
};

/// A data set: records with their monitoring answers.
#[derive(Default)]
struct People {
    records: Vec<AnonymisedRecord>,
    answers: Vec<MonitoringAnswers>,
}

impl People {
    /// `n` complainants of gender `gender`, all decided at Stage 1: the first
    /// `upheld` upheld, the first `escalated` went on to Stage 2.
    fn add(mut self, gender: &str, n: usize, upheld: usize, escalated: usize) -> Self {
        for i in 0..n {
            let pseudonym = format!("{gender}-{i}-{}", self.records.len());
            let decision = if i < upheld {
                Decision::Upheld
            } else {
                Decision::NotUpheld
            };
            let mut facts = vec![
                opened(date(2026, 3, 2), Channel::Email, "Assessment"),
                Fact::OutcomeRecorded {
                    stage: Stage::One,
                    decision: Some(decision),
                    remedies: vec![],
                    compensation_pence: 0,
                    on: date(2026, 3, 9),
                },
            ];
            if i < escalated {
                facts.push(Fact::StageEscalated {
                    to: Stage::Two,
                    received_on: date(2026, 3, 12),
                });
            }
            self.records.push(replay(&pseudonym, &facts));
            self.answers.push(MonitoringAnswers {
                pseudonym,
                gender: gender.into(),
                ..MonitoringAnswers::default()
            });
        }
        self
    }

    fn table(&self, threshold: u64) -> EqualityTable {
        equality_analysis(
            &self.records,
            &self.answers,
            Characteristic::Gender,
            threshold,
        )
    }
}

fn shown(count: u64, upheld: u64, escalated: u64) -> Cells {
    Cells {
        count: Some(count),
        decided: Some(count),
        upheld: Some(upheld),
        entered: Some(count),
        escalated: Some(escalated),
    }
}

fn row<'a>(table: &'a EqualityTable, group: &str) -> &'a crate::core::GroupRow {
    table.rows.iter().find(|r| r.group == group).unwrap()
}

/// R-MON-4: "to show differences in outcomes between groups".
#[test]
fn r_mon_4_each_group_shows_its_count_upheld_rate_and_escalation_rate() {
    let people = People::default()
        .add("Female", 6, 3, 2)
        .add("Male", 8, 2, 1)
        .add("Prefer not to say", 5, 1, 0)
        .add("", 3, 3, 3);
    let table = people.table(DEFAULT_THRESHOLD);
    let groups: Vec<&str> = table.rows.iter().map(|r| r.group.as_str()).collect();
    // "Prefer not to say" is a group; the unanswered are left out.
    assert_eq!(groups, ["Female", "Male", "Prefer not to say"]);
    assert!(table.rows.iter().all(|r| !r.suppressed));
    assert_eq!(row(&table, "Female").cells, shown(6, 3, 2));
    assert_eq!(row(&table, "Female").cells.upheld_rate(), Some(0.5));
    assert_eq!(row(&table, "Male").cells.escalation_rate(), Some(0.125));
    assert_eq!(table.total, shown(19, 6, 3));
    assert!(recoverable(&table).is_empty());
}

/// R-MON-4: one small group alone would be the total minus the others, so
/// the smallest other group is hidden with it: count, upheld and escalated
/// alike.
#[test]
fn r_mon_4_a_single_small_group_takes_the_smallest_other_group_with_it() {
    let table = People::default()
        .add("Female", 10, 4, 2)
        .add("Male", 7, 3, 1)
        .add("Non-binary", 2, 1, 1)
        .table(DEFAULT_THRESHOLD);
    assert!(!row(&table, "Female").suppressed);
    for hidden in ["Male", "Non-binary"] {
        assert!(row(&table, hidden).suppressed, "{hidden}");
        assert_eq!(row(&table, hidden).cells, Cells::default());
    }
    assert_eq!(table.total, shown(19, 8, 4));

    // The subtraction attack gives only sums of two hidden cells, and more
    // than one split of each fits what is shown.
    let female = row(&table, "Female").cells;
    let hidden_count = table.total.count.unwrap() - female.count.unwrap();
    let hidden_upheld = table.total.upheld.unwrap() - female.upheld.unwrap();
    let count_splits: Vec<(u64, u64)> = (1..hidden_count)
        .map(|male| (male, hidden_count - male))
        .collect();
    assert_eq!(count_splits.len(), 8);
    let upheld_splits = (0..=hidden_upheld).count();
    assert_eq!(upheld_splits, 5);
    assert_eq!(recoverable(&table), Vec::<String>::new());
}

#[test]
fn r_mon_4_two_small_groups_hide_each_other_without_a_third() {
    let table = People::default()
        .add("Female", 10, 4, 2)
        .add("Male", 12, 3, 1)
        .add("Non-binary", 2, 1, 0)
        .add("Other", 3, 1, 1)
        .table(DEFAULT_THRESHOLD);
    let suppressed: Vec<&str> = table
        .rows
        .iter()
        .filter(|r| r.suppressed)
        .map(|r| r.group.as_str())
        .collect();
    assert_eq!(suppressed, ["Non-binary", "Other"]);
    assert_eq!(table.total.count, Some(27));
    assert!(recoverable(&table).is_empty());
}

/// Two hidden groups of one complaint each: their sum, 2, would tell that
/// each is 1, so the total is withheld instead.
#[test]
fn r_mon_4_a_hidden_sum_that_pins_each_hidden_group_withholds_the_total() {
    let table = People::default()
        .add("Female", 10, 4, 2)
        .add("Male", 1, 1, 0)
        .add("Non-binary", 1, 0, 1)
        .table(DEFAULT_THRESHOLD);
    assert_eq!(table.total.count, None);
    assert!(recoverable(&table).is_empty());
}

/// If no hidden complaint was upheld, the hidden upheld sum is 0 and each
/// hidden group's upheld rate would be 0 %; if all were, 100 %.
#[test]
fn r_mon_4_hidden_numerators_that_are_all_zero_or_all_full_withhold_their_total() {
    let none_upheld = People::default()
        .add("Female", 10, 4, 2)
        .add("Male", 2, 0, 1)
        .add("Non-binary", 3, 0, 1)
        .table(DEFAULT_THRESHOLD);
    assert_eq!(none_upheld.total.upheld, None);
    assert_eq!(none_upheld.total.decided, Some(15));
    assert!(recoverable(&none_upheld).is_empty());

    let all_escalated = People::default()
        .add("Female", 10, 4, 2)
        .add("Male", 2, 1, 2)
        .add("Non-binary", 3, 1, 3)
        .table(DEFAULT_THRESHOLD);
    assert_eq!(all_escalated.total.escalated, None);
    assert_eq!(all_escalated.total.upheld, Some(6));
    assert!(recoverable(&all_escalated).is_empty());
}

#[test]
fn r_mon_4_a_lone_small_group_withholds_every_total() {
    let table = People::default()
        .add("Female", 3, 1, 1)
        .table(DEFAULT_THRESHOLD);
    assert!(table.rows[0].suppressed);
    assert_eq!(table.total, Cells::default());
    assert!(recoverable(&table).is_empty());
}

#[test]
fn r_mon_4_the_threshold_is_a_parameter() {
    let people = People::default()
        .add("Female", 3, 1, 1)
        .add("Male", 4, 2, 0);
    assert!(people.table(3).rows.iter().all(|r| !r.suppressed));
    assert!(people.table(5).rows.iter().all(|r| r.suppressed));
}

/// R-MON-4: answers are joined by pseudonym only; a complainant who
/// answered again counts once, with the later answers.
#[test]
fn r_mon_4_answers_join_by_pseudonym_and_the_last_answers_count() {
    let mut people = People::default()
        .add("Female", 5, 0, 0)
        .add("Male", 5, 0, 0);
    let first = people.answers[0].pseudonym.clone();
    people.answers.push(MonitoringAnswers {
        pseudonym: first,
        gender: "Male".into(),
        ..MonitoringAnswers::default()
    });
    people.answers.push(MonitoringAnswers {
        pseudonym: "no-such-record".into(),
        gender: "Female".into(),
        ..MonitoringAnswers::default()
    });
    let table = people.table(1);
    assert_eq!(row(&table, "Female").cells.count, Some(4));
    assert_eq!(row(&table, "Male").cells.count, Some(6));
    // Nobody answered about ethnicity.
    let ethnicity = equality_analysis(
        &people.records,
        &people.answers,
        Characteristic::Ethnicity,
        1,
    );
    assert!(ethnicity.rows.is_empty());
    assert_eq!(ethnicity.total.count, Some(0));
}

/// A redirected complaint counts in its group but is in no rate's base:
/// it was never decided and never entered the procedure.
#[test]
fn r_mon_4_a_redirected_complaint_counts_in_its_group_but_not_in_its_rates() {
    let mut people = People::default().add("Female", 5, 1, 1);
    people.records.push(replay(
        "redirected",
        &[
            super::support::submitted(date(2026, 3, 2), Channel::Email, "Fees", "Member"),
            Fact::Redirected,
        ],
    ));
    people.answers.push(MonitoringAnswers {
        pseudonym: "redirected".into(),
        gender: "Female".into(),
        ..MonitoringAnswers::default()
    });
    let cells = people.table(DEFAULT_THRESHOLD).rows[0].cells;
    assert_eq!(
        cells,
        Cells {
            count: Some(6),
            decided: Some(5),
            upheld: Some(1),
            entered: Some(5),
            escalated: Some(1),
        }
    );
}
