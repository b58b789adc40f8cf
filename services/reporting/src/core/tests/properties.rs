//! Properties over generated facts and tables (R-MON-3, R-MON-4).

use super::support::{date, recoverable, replay};
use crate::core::{
    AnonymisedRecord, Channel, Characteristic, ClosureKind, DeadlineKind, Decision, Fact,
    MonitoringAnswers, RemedyKind, Stage, apply, equality_analysis,
};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

fn day() -> impl Strategy<Value = NaiveDate> {
    (0u64..200).prop_map(|n| date(2026, 1, 1) + Days::new(n))
}

fn stage() -> impl Strategy<Value = Stage> {
    prop_oneof![Just(Stage::One), Just(Stage::Two), Just(Stage::Three)]
}

fn channel() -> impl Strategy<Value = Channel> {
    (0i32..5).prop_map(|c| Channel::try_from(c).unwrap_or_default())
}

fn fact() -> impl Strategy<Value = Fact> {
    let kind = (0i32..7).prop_map(|k| DeadlineKind::try_from(k).unwrap_or_default());
    let decision = proptest::option::of((1i32..4).prop_map(|d| Decision::try_from(d).unwrap()));
    let remedies = proptest::collection::vec(
        (1i32..9).prop_map(|k| RemedyKind::try_from(k).unwrap()),
        0..3,
    );
    let how = (1i32..4).prop_map(|h| ClosureKind::try_from(h).unwrap());
    prop_oneof![
        (day(), channel(), "[ab]{0,2}", "[xy]{0,2}", any::<bool>()).prop_map(
            |(received_on, channel, query_category, customer_type, third_party)| {
                Fact::Submitted {
                    received_on,
                    channel,
                    query_category,
                    customer_type,
                    third_party,
                }
            }
        ),
        Just(Fact::Redirected),
        Just(Fact::ResolvedOutsideProcedure),
        Just(Fact::DeclinedOutOfTime),
        Just(Fact::Accepted),
        (day(), channel(), "[ab]{0,2}", any::<bool>()).prop_map(|(received_on, channel, c, r)| {
            Fact::Opened {
                received_on,
                channel,
                query_category: c,
                regulated_qualification: r,
            }
        }),
        (stage(), decision, remedies, 0i64..10_000, day()).prop_map(
            |(stage, decision, remedies, compensation_pence, on)| Fact::OutcomeRecorded {
                stage,
                decision,
                remedies,
                compensation_pence,
                on,
            }
        ),
        (stage(), day()).prop_map(|(to, received_on)| Fact::StageEscalated { to, received_on }),
        kind.clone().prop_map(|kind| Fact::DeadlineMet { kind }),
        kind.prop_map(|kind| Fact::DeadlineMissed { kind }),
        (0u32..4, day()).prop_map(|(id, due_on)| Fact::ActionAdded { id, due_on }),
        (0u32..4, proptest::option::of(day()))
            .prop_map(|(id, on)| Fact::ActionCompleted { id, on }),
        (day(), how).prop_map(|(on, how)| Fact::Closed { on, how }),
    ]
}

/// Facts only intake's events give, after the submission itself.
fn intake_fact() -> impl Strategy<Value = Fact> {
    prop_oneof![
        Just(Fact::Redirected),
        Just(Fact::ResolvedOutsideProcedure),
        Just(Fact::DeclinedOutOfTime),
        Just(Fact::Accepted),
    ]
}

fn is_intake_fact(fact: &Fact) -> bool {
    matches!(
        fact,
        Fact::Submitted { .. }
            | Fact::Redirected
            | Fact::ResolvedOutsideProcedure
            | Fact::DeclinedOutOfTime
            | Fact::Accepted
    )
}

proptest! {
    /// R-MON-3: the log can be rebuilt from the events at any time and
    /// comes out the same; a record stored half way and resumed gives the
    /// same as a full replay; stages never go back down.
    #[test]
    fn r_mon_3_replaying_the_same_facts_always_gives_the_same_record(
        facts in proptest::collection::vec(fact(), 0..40),
        cut in any::<prop::sample::Index>(),
    ) {
        let once = replay("p", &facts);
        prop_assert_eq!(&once, &replay("p", &facts));

        let cut = if facts.is_empty() { 0 } else { cut.index(facts.len() + 1) };
        let mut resumed = replay("p", &facts[..cut]).clone();
        let mut highest = resumed.stage_reached;
        for fact in &facts[cut..] {
            apply(&mut resumed, fact);
            prop_assert!(resumed.stage_reached >= highest);
            highest = resumed.stage_reached;
        }
        prop_assert_eq!(&once, &resumed);
    }

    /// R-MON-3: intake's and the complaints service's events reach the log
    /// through two consumers, so either may be ahead of the other. Any
    /// interleaving that keeps each service's own order gives the same
    /// record as intake first, then the complaint.
    #[test]
    fn r_mon_3_the_record_does_not_depend_on_which_service_was_heard_first(
        submitted in fact().prop_filter("a submission", |f| matches!(f, Fact::Submitted { .. })),
        intake_tail in proptest::collection::vec(intake_fact(), 0..3),
        opened in fact().prop_filter("an opening", |f| matches!(f, Fact::Opened { .. })),
        complaint_tail in proptest::collection::vec(
            fact().prop_filter("a complaint fact", |f| !is_intake_fact(f)
                && !matches!(f, Fact::Opened { .. })),
            0..12,
        ),
        picks in proptest::collection::vec(any::<bool>(), 0..20),
    ) {
        let intake: Vec<Fact> = std::iter::once(submitted).chain(intake_tail).collect();
        let complaint: Vec<Fact> = std::iter::once(opened).chain(complaint_tail).collect();
        let in_order: Vec<Fact> = intake.iter().chain(&complaint).cloned().collect();

        let (mut i, mut c) = (intake.iter(), complaint.iter());
        let mut interleaved = Vec::new();
        for intake_next in picks {
            let next = if intake_next { i.next() } else { c.next() };
            interleaved.extend(next.cloned());
        }
        interleaved.extend(i.cloned());
        interleaved.extend(c.cloned());

        prop_assert_eq!(replay("p", &in_order), replay("p", &interleaved));
    }

    /// A fact delivered twice in a row changes nothing the second time.
    #[test]
    fn a_redelivered_fact_changes_nothing(
        facts in proptest::collection::vec(fact(), 0..20),
        last in fact(),
    ) {
        let mut record = replay("p", &facts);
        apply(&mut record, &last);
        let after_once = record.clone();
        apply(&mut record, &last);
        prop_assert_eq!(after_once, record);
    }

    /// R-MON-4: whatever the groups, no shown group is below the threshold,
    /// shown cells and totals are true, and no hidden cell can be worked
    /// out from what is shown (never exactly one hidden cell in a column
    /// with a shown total, never a pinned sum).
    #[test]
    fn r_mon_4_suppression_never_leaves_a_hidden_cell_recoverable(
        groups in proptest::collection::vec(any::<[u64; 5]>(), 1..8),
        threshold in 1u64..10,
    ) {
        let (records, answers, truth) = population(&groups);
        let table = equality_analysis(&records, &answers, Characteristic::Gender, threshold);
        prop_assert_eq!(recoverable(&table), Vec::<String>::new());
        let hidden = table.rows.iter().filter(|r| r.suppressed).count();
        prop_assert!(hidden != 1 || table.total.count.is_none());
        for (row, true_cells) in table.rows.iter().zip(&truth) {
            if row.suppressed {
                prop_assert_eq!(row.cells, crate::core::Cells::default());
            } else {
                prop_assert!(row.cells.count.unwrap() >= threshold);
                prop_assert_eq!(row.cells.count, Some(true_cells[0]));
                prop_assert_eq!(row.cells.upheld, Some(true_cells[2]));
                prop_assert_eq!(row.cells.escalated, Some(true_cells[4]));
            }
        }
        let total: u64 = truth.iter().map(|t| t[0]).sum();
        prop_assert!(table.total.count.is_none_or(|c| c == total));
    }
}

/// Complainants for each group from five raw numbers, reduced to a
/// consistent (count, decided, upheld, entered, escalated), and those true
/// values, in group-name order.
fn population(
    groups: &[[u64; 5]],
) -> (Vec<AnonymisedRecord>, Vec<MonitoringAnswers>, Vec<[u64; 5]>) {
    let (mut records, mut answers, mut truth) = (Vec::new(), Vec::new(), Vec::new());
    for (g, raw) in groups.iter().enumerate() {
        let count = 1 + raw[0] % 25;
        let entered = raw[1] % (count + 1);
        let decided = raw[2] % (entered + 1);
        let upheld = raw[3] % (decided + 1);
        let escalated = raw[4] % (entered + 1);
        truth.push([count, decided, upheld, entered, escalated]);
        for i in 0..count {
            let pseudonym = format!("g{g}-{i}");
            let mut facts = Vec::new();
            if i < entered {
                facts.push(Fact::Opened {
                    received_on: date(2026, 3, 2),
                    channel: Channel::Email,
                    query_category: "Fees".into(),
                    regulated_qualification: false,
                });
            }
            if i < decided {
                facts.push(Fact::OutcomeRecorded {
                    stage: Stage::One,
                    decision: Some(if i < upheld {
                        Decision::Upheld
                    } else {
                        Decision::NotUpheld
                    }),
                    remedies: vec![],
                    compensation_pence: 0,
                    on: date(2026, 3, 9),
                });
            }
            if i < escalated {
                facts.push(Fact::StageEscalated {
                    to: Stage::Two,
                    received_on: date(2026, 3, 12),
                });
            }
            records.push(replay(&pseudonym, &facts));
            answers.push(MonitoringAnswers {
                pseudonym,
                gender: format!("group {g}"),
                ..MonitoringAnswers::default()
            });
        }
    }
    (records, answers, truth)
}
