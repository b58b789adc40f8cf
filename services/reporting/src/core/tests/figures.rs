//! The committee's figures for a small data set, checked by hand
//! (R-MON-3, R-MON-1, R-MON-2).

use super::support::{calendar, date, opened, replay, submitted};
use crate::core::{
    AgeBands, AnonymisedRecord, Backlog, Channel, ClosureKind, Compliance, DeadlineKind, Decision,
    Fact, Figures, Grouping, NOT_RECORDED, Period, Rate, RemedyKind, Stage, figures,
};
use chrono::NaiveDate;
use std::collections::BTreeMap;

fn outcome(stage: Stage, decision: Decision, on: NaiveDate) -> Fact {
    Fact::OutcomeRecorded {
        stage,
        decision: Some(decision),
        remedies: vec![],
        compensation_pence: 0,
        on,
    }
}

fn met(kind: DeadlineKind) -> Fact {
    Fact::DeadlineMet { kind }
}

fn escalated(to: Stage, received_on: NaiveDate) -> Fact {
    Fact::StageEscalated { to, received_on }
}

fn action(id: u32, due_on: NaiveDate) -> Fact {
    Fact::ActionAdded { id, due_on }
}

fn closed(on: NaiveDate) -> Fact {
    Fact::Closed {
        on,
        how: ClosureKind::EscalationWindowLapsed,
    }
}

/// Opened complaints start with their submission and opening.
fn complaint(
    on: NaiveDate,
    channel: Channel,
    category: &str,
    customer: &str,
    more: Vec<Fact>,
) -> Vec<Fact> {
    let mut facts = vec![
        submitted(on, channel, category, customer),
        Fact::Accepted,
        opened(on, channel, category),
    ];
    facts.extend(more);
    facts
}

/// Ten complaints from January to May 2026 and one record whose first
/// facts have not arrived. The working days in the comments skip Good
/// Friday (3 April) and Easter Monday (6 April).
fn log() -> Vec<AnonymisedRecord> {
    let d = |m, day| date(2026, m, day);
    let mut e = complaint(
        d(4, 7),
        Channel::Regulator,
        "Assessment",
        "Employer",
        vec![
            met(DeadlineKind::FirstContact),
            // 10 working days.
            outcome(Stage::One, Decision::NotUpheld, d(4, 21)),
        ],
    );
    e[0] = Fact::Submitted {
        received_on: d(4, 7),
        channel: Channel::Regulator,
        query_category: "Assessment".into(),
        customer_type: "Employer".into(),
        third_party: true,
    };
    e[2] = Fact::Opened {
        received_on: d(4, 7),
        channel: Channel::Regulator,
        query_category: "Assessment".into(),
        regulated_qualification: true,
    };
    let records = [
        (
            "A",
            complaint(
                d(3, 2),
                Channel::WebForm,
                "Assessment",
                "Student",
                vec![
                    met(DeadlineKind::FirstContact),
                    // 5 working days.
                    outcome(Stage::One, Decision::NotUpheld, d(3, 9)),
                    escalated(Stage::Two, d(3, 12)),
                    // 18 working days.
                    Fact::OutcomeRecorded {
                        stage: Stage::Two,
                        decision: Some(Decision::Upheld),
                        remedies: vec![RemedyKind::Apology, RemedyKind::FinancialCompensation],
                        compensation_pence: 2_500,
                        on: d(4, 9),
                    },
                    met(DeadlineKind::Stage2Response),
                    action(1, d(5, 20)),
                    closed(d(4, 30)),
                ],
            ),
        ),
        (
            "B",
            complaint(
                d(3, 10),
                Channel::Email,
                "Assessment",
                "Member",
                vec![
                    Fact::DeadlineMissed {
                        kind: DeadlineKind::FirstContact,
                    },
                    // 8 working days.
                    outcome(Stage::One, Decision::Upheld, d(3, 20)),
                    closed(d(4, 10)),
                ],
            ),
        ),
        (
            "C",
            vec![
                submitted(d(3, 16), Channel::Telephone, "Membership", "Member"),
                Fact::Redirected,
            ],
        ),
        (
            "D",
            complaint(
                d(3, 25),
                Channel::WebForm,
                "Membership",
                "",
                vec![
                    met(DeadlineKind::FirstContact),
                    // 8 working days.
                    outcome(Stage::One, Decision::PartlyUpheld, d(4, 8)),
                    escalated(Stage::Two, d(4, 14)),
                    action(1, d(4, 20)),
                ],
            ),
        ),
        ("E", e),
        (
            "F",
            vec![
                submitted(d(4, 20), Channel::Email, "Assessment", "Student"),
                Fact::ResolvedOutsideProcedure,
            ],
        ),
        (
            "G",
            complaint(d(4, 28), Channel::WebForm, "Fees", "Student", vec![]),
        ),
        (
            "H",
            complaint(
                d(2, 20),
                Channel::WebForm,
                "Fees",
                "Member",
                vec![action(1, d(3, 1))],
            ),
        ),
        (
            "I",
            complaint(
                d(1, 15),
                Channel::Email,
                "Fees",
                "Member",
                vec![closed(d(2, 1))],
            ),
        ),
        (
            "J",
            complaint(
                d(5, 5),
                Channel::WebForm,
                "Fees",
                "Member",
                vec![action(1, d(5, 10))],
            ),
        ),
        ("K", vec![action(1, d(1, 1))]),
    ];
    records
        .iter()
        .map(|(pseudonym, facts)| replay(pseudonym, facts))
        .collect()
}

fn march_and_april() -> Figures {
    let period = Period::new(date(2026, 3, 1), date(2026, 4, 30)).unwrap();
    figures(
        &log(),
        period,
        Grouping::Month,
        date(2026, 5, 1),
        calendar(),
    )
}

fn counts<K: Ord + Clone, V: Clone>(pairs: &[(K, V)]) -> BTreeMap<K, V> {
    pairs.iter().cloned().collect()
}

fn rate(numerator: u64, denominator: u64) -> Rate {
    Rate {
        numerator,
        denominator,
    }
}

/// R-MON-3: volumes by category, channel and customer type, and the
/// circumstances, for March: A, B, C and D.
#[test]
fn r_mon_3_march_volumes_count_every_complaint_received_that_month() {
    let f = march_and_april();
    let labels: Vec<&str> = f.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["2026-03", "2026-04"]);
    let march = &f.groups[0];
    assert_eq!(march.volumes.total, 4);
    assert_eq!(
        march.volumes.by_category,
        counts(&[("Assessment".into(), 2), ("Membership".into(), 2)])
    );
    assert_eq!(
        march.volumes.by_channel,
        counts(&[
            (Channel::WebForm, 2),
            (Channel::Email, 1),
            (Channel::Telephone, 1)
        ])
    );
    assert_eq!(
        march.volumes.by_customer_type,
        counts(&[
            ("Member".into(), 2),
            ("Student".into(), 1),
            (NOT_RECORDED.into(), 1)
        ])
    );
    assert_eq!(march.circumstances.redirected, 1);
    assert_eq!(march.circumstances.entered_procedure, 3);
}

/// R-MON-3: stages, outcomes and timeliness for March.
#[test]
fn r_mon_3_march_escalation_upheld_rates_and_working_days_are_as_worked_by_hand() {
    let march = &march_and_april().groups[0];
    // Stage 1 is over for A, B and D; A and D went on to Stage 2.
    assert_eq!(march.escalation_1_to_2, rate(2, 3));
    // Stage 2 is over for A only (D waits for its outcome); nobody went on.
    assert_eq!(march.escalation_2_to_3, rate(0, 1));

    let [s1, s2, s3] = &march.stages[..] else {
        panic!("three stages")
    };
    assert_eq!(s1.reached, 3);
    // B upheld and D partly upheld, of A, B and D decided.
    assert_eq!(s1.upheld, rate(2, 3));
    // 5, 8 and 8 working days.
    assert_eq!(s1.median_working_days, Some(8));
    assert_eq!(s1.p90_working_days, Some(8));
    assert_eq!(s2.reached, 2);
    assert_eq!(s2.upheld, rate(1, 1));
    assert_eq!(s2.median_working_days, Some(18));
    assert_eq!(
        s2.remedies,
        counts(&[
            (RemedyKind::Apology, 1),
            (RemedyKind::FinancialCompensation, 1)
        ])
    );
    assert_eq!(s2.compensation_pence, 2_500);
    assert_eq!(
        (s3.reached, s3.upheld, s3.median_working_days),
        (0, rate(0, 0), None)
    );
    assert_eq!(march.compensation_pence, 2_500);
    assert_eq!(
        march.deadlines,
        counts(&[
            (DeadlineKind::FirstContact, Compliance { met: 2, missed: 1 }),
            (
                DeadlineKind::Stage2Response,
                Compliance { met: 1, missed: 0 }
            ),
        ])
    );
    assert_eq!(
        march.deadlines[&DeadlineKind::FirstContact].rate(),
        Some(2.0 / 3.0)
    );
}

#[test]
fn r_mon_3_april_counts_e_f_and_g_with_their_circumstances() {
    let april = &march_and_april().groups[1];
    assert_eq!(april.volumes.total, 3);
    assert_eq!(
        april.volumes.by_category,
        counts(&[("Assessment".into(), 2), ("Fees".into(), 1)])
    );
    assert_eq!(april.circumstances.third_party, 1);
    assert_eq!(april.circumstances.regulated_qualification, 1);
    assert_eq!(april.circumstances.resolved_outside_procedure, 1);
    assert_eq!(april.circumstances.entered_procedure, 2);
    assert_eq!(april.escalation_1_to_2, rate(0, 1));
    assert_eq!(april.escalation_2_to_3, rate(0, 0));
    assert_eq!(april.stages[0].upheld, rate(0, 1));
    assert_eq!(april.stages[0].median_working_days, Some(10));
    assert_eq!(april.compensation_pence, 0);
}

/// R-MON-1 and R-MON-2: on 1 May, G (3 working days), E (18), D (25) and
/// H (received in February, 48) are open; A, B and I are closed, J came
/// after the period. Actions: A's (due 20 May), D's (20 April, overdue)
/// and H's (1 March, overdue), even though A is closed.
#[test]
fn r_mon_1_r_mon_2_the_backlog_ages_open_complaints_and_counts_overdue_actions() {
    assert_eq!(
        march_and_april().backlog,
        Backlog {
            open_by_age: AgeBands {
                up_to_7: 1,
                from_8_to_20: 1,
                from_21_to_40: 1,
                over_40: 1,
            },
            actions_open: 3,
            actions_overdue: 2,
            actions_completed: 0,
            actions_completed_late: 0,
        }
    );
}

/// R-MON-3 "showing trends": seven complaints in March and April against
/// two in January and February.
#[test]
fn r_mon_3_the_trend_compares_with_the_previous_period_of_the_same_length() {
    let trend = march_and_april().trend;
    assert_eq!(
        trend.previous,
        Period::new(date(2026, 1, 1), date(2026, 2, 28)).unwrap()
    );
    assert_eq!(
        (trend.volume, trend.previous_volume, trend.delta),
        (7, 2, 5)
    );
    assert_eq!(trend.percent, Some(250.0));
}

#[test]
fn a_trend_against_an_empty_previous_period_has_no_percentage() {
    let period = Period::new(date(2026, 1, 1), date(2026, 1, 31)).unwrap();
    let trend = figures(
        &log(),
        period,
        Grouping::Month,
        date(2026, 5, 1),
        calendar(),
    )
    .trend;
    assert_eq!((trend.volume, trend.previous_volume), (1, 0));
    assert_eq!(trend.delta, 1);
    assert_eq!(trend.percent, None);
}

/// R-MON-3: quarterly reporting, as the committee meets.
#[test]
fn r_mon_3_quarter_grouping_puts_january_to_march_in_q1() {
    let period = Period::new(date(2026, 1, 1), date(2026, 6, 30)).unwrap();
    let f = figures(
        &log(),
        period,
        Grouping::Quarter,
        date(2026, 7, 1),
        calendar(),
    );
    let volumes: Vec<(&str, u64)> = f
        .groups
        .iter()
        .map(|g| (g.label.as_str(), g.volumes.total))
        .collect();
    // Q1: I, H, A, B, C, D. Q2: E, F, G, J.
    assert_eq!(volumes, [("2026-Q1", 6), ("2026-Q2", 4)]);
    assert_eq!(f.trend.previous.from(), date(2025, 7, 1));
}

#[test]
fn groups_cover_every_month_of_the_period_even_empty_ones_and_across_a_year_end() {
    let period = Period::new(date(2025, 11, 15), date(2026, 2, 10)).unwrap();
    let months = figures(
        &log(),
        period,
        Grouping::Month,
        date(2026, 5, 1),
        calendar(),
    );
    let labels: Vec<&str> = months.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["2025-11", "2025-12", "2026-01", "2026-02"]);
    assert_eq!(months.groups[0].volumes.total, 0);
    assert_eq!(months.groups[0].escalation_1_to_2.ratio(), None);
    let quarters = figures(
        &log(),
        period,
        Grouping::Quarter,
        date(2026, 5, 1),
        calendar(),
    );
    let labels: Vec<&str> = quarters.groups.iter().map(|g| g.label.as_str()).collect();
    assert_eq!(labels, ["2025-Q4", "2026-Q1"]);
}

#[test]
fn working_days_follow_the_calendar_given_so_office_closures_count() {
    let closed_for_a_week = calendar::Calendar::england_and_wales()
        .with_closures((16..=20).map(|day| date(2026, 3, day)));
    let period = Period::new(date(2026, 3, 1), date(2026, 3, 31)).unwrap();
    let f = figures(
        &log(),
        period,
        Grouping::Month,
        date(2026, 5, 1),
        &closed_for_a_week,
    );
    // B's Stage 1 drops from 8 working days to 3 (11 to 13 March); A's 5
    // and D's 8 do not change: 3, 5, 8.
    assert_eq!(f.groups[0].stages[0].median_working_days, Some(5));
    assert_eq!(f.groups[0].stages[0].p90_working_days, Some(8));
}
