//! Random command sequences against the procedure's invariants.

use super::support::*;
use crate::domain::codec::{decode, encode};
use crate::domain::command::*;
use crate::domain::types::*;
use crate::domain::{Complaint, Context, Status, decide, evolve, replay};
use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;

const KINDS: [DeadlineKind; 7] = [
    DeadlineKind::FirstContact,
    DeadlineKind::AgreedTimescale,
    DeadlineKind::Stage2Response,
    DeadlineKind::Stage3Acknowledgement,
    DeadlineKind::Stage3Response,
    DeadlineKind::EscalationWindow(Stage::One),
    DeadlineKind::EscalationWindow(Stage::Two),
];

fn pick<T: Copy>(items: &[T], seed: u32) -> T {
    items[seed as usize % items.len()]
}

/// A plausible command of kind `choice`, its data drawn from `seed` and
/// aimed at the complaint's current state most of the time.
fn command(choice: u8, seed: u32, state: &Complaint, now: DateTime<Utc>) -> Command {
    let today = calendar::uk_date(now);
    let soon = today + Duration::days(i64::from(seed % 40));
    let current = state.stage.unwrap_or(Stage::One);
    let stage = if seed.is_multiple_of(5) {
        pick(&[Stage::One, Stage::Two, Stage::Three], seed / 5)
    } else {
        current
    };
    let next = current.next().unwrap_or(Stage::Three);
    let decision = pick(
        &[
            Decision::Upheld,
            Decision::PartlyUpheld,
            Decision::NotUpheld,
        ],
        seed,
    );
    let remedies = if decision == Decision::NotUpheld && !seed.is_multiple_of(3) {
        vec![]
    } else {
        vec![apology()]
    };
    let action = ActionId::new(1 + seed % 4).unwrap();
    match choice {
        0 => assign(
            pick(&["handler-a", "handler-b", "manager", "ccm"], seed),
            match current {
                Stage::One => Role::Handler,
                Stage::Two => Role::Manager,
                Stage::Three => Role::ComplianceManager,
            },
        ),
        1 => Command::RecordContact(RecordContact {
            at: now,
            method: ContactMethod::Telephone,
            summary: text("call"),
        }),
        2 => Command::AgreeTimescale(AgreeTimescale { due_on: soon }),
        3 => Command::RecordUpdate(RecordUpdate {
            reason: text("update"),
            revised_due_on: seed.is_multiple_of(2).then_some(soon + Duration::days(20)),
        }),
        4 => Command::ReferToLineManager(ReferToLineManager {
            manager: staff("line-manager"),
            team: team("Exams"),
        }),
        5 | 6 => {
            let found = seed.is_multiple_of(7);
            Command::RecordOutcome(RecordOutcome {
                stage,
                decision,
                findings: text("findings"),
                remedies,
                assessment_failure_found: found,
                assessment_failure_actions: found.then(|| AssessmentFailureActions {
                    identify_affected_learners: planned("a", soon),
                    correct_or_mitigate: planned("b", soon),
                    prevent_recurrence: planned("c", soon),
                }),
                recorded_by: staff("recorder"),
            })
        }
        7 | 8 => {
            let grounds = if next == Stage::Three {
                vec![Grounds::DissatisfiedWithOutcome]
            } else {
                vec![pick(
                    &[Grounds::NotUnderstood, Grounds::NoResponseInTimescale],
                    seed,
                )]
            };
            let to = if seed.is_multiple_of(6) { stage } else { next };
            escalate(to, &grounds, today - Duration::days(i64::from(seed % 3)))
        }
        9 => decide_investigation(),
        10 => Command::AcknowledgeStage3,
        11 => Command::ExtendDeadline(ExtendDeadline {
            kind: pick(&KINDS, seed),
            due_on: soon + Duration::days(30),
            reason: text("reason"),
        }),
        12 => Command::AddAction(AddAction {
            kind: pick(&[ActionKind::FollowUp, ActionKind::Improvement], seed),
            description: text("d"),
            owner: staff("owner"),
            due_on: soon,
        }),
        13 => Command::ReassignAction(ReassignAction {
            action,
            owner: staff(pick(&["owner", "owner-2"], seed)),
            reason: text("r"),
        }),
        14 => Command::CompleteAction(CompleteAction { action, note: None }),
        15 => Command::RecordRegulatorReferral(RecordRegulatorReferral {
            regulator: name("Ofqual"),
            referred_on: today,
        }),
        16 => Command::RestrictContact(RestrictContact {
            reason: text("r"),
            review_on: soon + Duration::days(1),
        }),
        17 => Command::RecordDisclosure(RecordDisclosure {
            recipient: name("Ofqual"),
            legal_basis: (!seed.is_multiple_of(4)).then_some(LegalBasis::Regulator),
            what: text("w"),
            disclosed_on: today,
        }),
        18 => Command::RecordInformationPermission(RecordInformationPermission {
            third_party: name("Employer"),
            scope: text("s"),
            given_on: today,
            in_writing: !seed.is_multiple_of(4),
        }),
        19 => Command::ResolveOutsideProcedure(ResolveOutsideProcedure { how: text("h") }),
        20 => Command::RaiseNewIssues(RaiseNewIssues {
            new_reference: reference(2 + seed % 3),
            description: text("d"),
            became_aware_on: None,
        }),
        21 => Command::CloseUnescalated,
        22 => Command::MarkDeadlineApproaching(pick(&KINDS, seed)),
        _ => Command::MarkDeadlineMissed(pick(&KINDS, seed)),
    }
}

fn qualification(seed: u32) -> Option<Qualification> {
    seed.is_multiple_of(2).then(ofqual)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Stages never skip or go back (R-S2-2, R-S3-2); a closed complaint
    /// stays closed and accepts only the follow-ups (R-UPC-2, R-S3-6); the
    /// version counts the events; replaying the log equals the live state;
    /// every event survives the codec.
    #[test]
    fn random_command_sequences_keep_the_procedure_invariants(
        start in 0i64..1500,
        open_seed in any::<u32>(),
        steps in prop::collection::vec((0u8..24, 0u32..48, any::<u32>()), 1..80),
    ) {
        // Receipt between 2025 and 2029, over every bank holiday in between.
        let mut now = noon(date(2025, 1, 1) + Duration::days(start));
        let Command::Open(mut o) = open(now, !open_seed.is_multiple_of(3)) else { unreachable!() };
        o.qualification = qualification(open_seed);
        let ctx = Context::new(now, calendar(), policy());
        let mut state = Complaint::default();
        let mut log = decide(&state, Command::Open(o), &ctx).unwrap();
        state = replay(&log);

        for (choice, hours, seed) in steps {
            now += Duration::hours(i64::from(hours) * (1 + i64::from(seed % 3)));
            let ctx = Context::new(now, calendar(), policy());
            let cmd = command(choice, seed, &state, now);
            let allowed_when_closed = cmd.allowed_after_closure();
            let before = state.clone();
            let Ok(events) = decide(&state, cmd, &ctx) else { continue };
            prop_assert!(!events.is_empty(), "an accepted command yields events");
            for event in &events {
                state = evolve(state, event);
                let (event_type, bytes) = encode(event);
                let decoded = decode(&event_type, &bytes);
                prop_assert_eq!(decoded.as_ref(), Ok(event));
            }
            log.extend(events.iter().cloned());

            prop_assert_eq!(state.version, before.version + events.len() as u64);
            prop_assert_eq!(&replay(&log), &state);
            let (from, to) = (before.stage.unwrap_or(Stage::One), state.stage.unwrap_or(Stage::One));
            prop_assert!(to >= from, "stage went back from {from} to {to}");
            prop_assert!(to.number() - from.number() <= 1, "stage skipped from {from} to {to}");
            if let Status::Closed { .. } = before.status {
                prop_assert!(allowed_when_closed, "a closed complaint accepted {:?}", events);
                prop_assert_eq!(state.status, before.status, "a closed complaint stays closed");
                prop_assert_eq!(state.stage, before.stage);
            }
        }
    }
}
