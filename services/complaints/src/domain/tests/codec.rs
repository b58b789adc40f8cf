use super::support::*;
use crate::domain::ClosedHow;
use crate::domain::codec::{CodecError, decode, encode, event_types};
use crate::domain::event::*;
use crate::domain::types::*;
use chrono::{TimeZone, Utc};
use complaints_proto::v1;
use prost::Message;

/// One event of every kind, with every optional field filled in somewhere.
pub fn samples() -> Vec<Event> {
    let d = date(2026, 12, 23);
    let compensation = Compensation {
        amount: Money::from_pence(12_345).unwrap(),
        expected_payment_on: d,
    };
    let kinds = [
        DeadlineKind::FirstContact,
        DeadlineKind::EscalationWindow(Stage::Two),
    ];
    let mut events = vec![
        Event::ComplaintOpened(ComplaintOpened {
            reference: reference(42),
            submission_id: SubmissionId::new(uuid::Uuid::from_u128(42)),
            channel: Channel::Regulator,
            received_at: Utc.with_ymd_and_hms(2026, 12, 23, 9, 30, 15).unwrap()
                + chrono::Duration::nanoseconds(123_456_789),
            received_on: d,
            written: true,
            query_category: name("Exams"),
            qualification: Some(ofqual()),
            correspondence_by_post: true,
            raised_from: Some(reference(7)),
            submitted_by: Some(name("member-portal")),
            adjustments: Some(Box::new(Adjustments {
                large_print: true,
                other_format: Some(name("braille")),
                contact_method: Some(name("telephone")),
                contact_time: Some(name("weekday mornings")),
                representative: Some((name("Grace Hopper"), Some(name("daughter")))),
                other: Some(NonEmptyText::new("Short sentences, please").unwrap()),
            })),
        }),
        Event::ComplaintOpened(ComplaintOpened {
            reference: reference(43),
            submission_id: SubmissionId::new(uuid::Uuid::from_u128(43)),
            channel: Channel::Telephone,
            received_at: noon(d),
            received_on: d,
            written: false,
            query_category: name("Membership"),
            qualification: Some(Qualification::new(None, false, vec![]).unwrap()),
            correspondence_by_post: false,
            raised_from: None,
            submitted_by: None,
            adjustments: None,
        }),
        Event::HandlerAssigned(HandlerAssigned {
            stage: Stage::Three,
            staff: staff("ccm"),
            team: team("Corporate Compliance"),
            role: Role::ComplianceManager,
            assigned_on: d,
        }),
        Event::ContactRecorded(ContactRecorded {
            at: noon(d),
            method: ContactMethod::VideoCall,
            summary: text("call\nwith notes"),
        }),
        Event::TimescaleAgreed(TimescaleAgreed {
            due_on: d,
            agreed_on: d,
        }),
        Event::UpdateRecorded(UpdateRecorded {
            stage: Stage::Two,
            reason: text("delay"),
            revised_due_on: Some(d),
            recorded_on: d,
        }),
        Event::ReferredToLineManager(ReferredToLineManager {
            manager: staff("m"),
            team: team("Exams"),
            referred_on: d,
        }),
        Event::OutcomeRecorded(OutcomeRecorded {
            stage: Stage::One,
            decision: Decision::PartlyUpheld,
            findings: text("findings"),
            remedies: vec![
                apology(),
                Remedy::new(
                    RemedyKind::FinancialCompensation,
                    text("refund"),
                    Some(compensation),
                )
                .unwrap(),
            ],
            assessment_failure_found: true,
            issued_on: d,
            escalation_window_ends_on: Some(d),
            escalation_window_ends_on_by_post: Some(d + chrono::Days::new(2)),
            recorded_by: Some(staff("recorder")),
        }),
        Event::OutcomeReceived(OutcomeReceived {
            stage: Stage::Two,
            by_post: true,
            sent_on: d,
            received_on: d + chrono::Days::new(2),
            window_ends_on: d + chrono::Days::new(16),
        }),
        Event::OutcomeReceiptRecorded(OutcomeReceiptRecorded {
            stage: Stage::One,
            received_on: d + chrono::Days::new(5),
            window_ends_on: d + chrono::Days::new(19),
            resent: true,
            reason: text("letter returned"),
            recorded_by: staff("recorder"),
        }),
        Event::StageEscalated(StageEscalated {
            to: Stage::Three,
            grounds: vec![Grounds::NotUnderstood, Grounds::DissatisfiedWithOutcome],
            reasons: text("reasons"),
            outcome_sought: Some(text("refund")),
            received_on: d,
            escalated_on: d,
        }),
        Event::InvestigationDecided(InvestigationDecided {
            warranted: false,
            reason: text("nothing new"),
            decided_on: d,
        }),
        Event::Stage3Acknowledged(Stage3Acknowledged { acknowledged_on: d }),
    ];
    for kind in kinds {
        events.extend([
            Event::DeadlineSet(DeadlineSet {
                kind,
                due_on: d,
                set_on: d,
            }),
            Event::DeadlineExtended(DeadlineExtended {
                kind,
                previous_due_on: d,
                due_on: d,
                reason: text("why"),
                extended_on: d,
            }),
            Event::DeadlineMet(DeadlineMet { kind, met_on: d }),
            Event::DeadlineWithdrawn(DeadlineWithdrawn {
                kind,
                withdrawn_on: d,
            }),
            Event::DeadlineApproaching(DeadlineApproaching {
                kind,
                due_on: d,
                marked_on: d,
            }),
            Event::DeadlineMissed(DeadlineMissed {
                kind,
                due_on: d,
                marked_on: d,
            }),
        ]);
    }
    events.extend([
        Event::ActionAdded(ActionAdded {
            action: ActionId::new(3).unwrap(),
            kind: ActionKind::PreventRecurrence,
            description: text("d"),
            owner: staff("o"),
            due_on: d,
            added_on: d,
        }),
        Event::ActionReassigned(ActionReassigned {
            action: ActionId::FIRST,
            previous_owner: staff("a"),
            owner: staff("b"),
            reason: text("r"),
            reassigned_on: d,
        }),
        Event::ActionCompleted(ActionCompleted {
            action: ActionId::FIRST,
            note: Some(text("done")),
            completed_on: d,
        }),
        Event::ActionCompleted(ActionCompleted {
            action: ActionId::FIRST,
            note: None,
            completed_on: d,
        }),
        Event::RegulatorReferralRecorded(RegulatorReferralRecorded {
            regulator: name("Ofqual"),
            referred_on: d,
        }),
        Event::ReferralRightRecorded(ReferralRightRecorded {
            regulators: vec![name("Ofqual"), name("CCEA")],
            recorded_on: d,
        }),
        Event::ContactRestricted(ContactRestricted {
            reason: text("r"),
            review_on: d,
            restricted_on: d,
        }),
        Event::ContactRestrictionLifted(ContactRestrictionLifted {
            reason: text("reviewed"),
            review_on: d,
            lifted_on: d,
        }),
        Event::RestrictionReviewDue(RestrictionReviewDue {
            review_on: d,
            restricted_on: date(2026, 6, 1),
            marked_on: d,
        }),
        Event::DisclosureRecorded(DisclosureRecorded {
            recipient: name("Police"),
            legal_basis: LegalBasis::StatutoryBody,
            what: text("w"),
            disclosed_on: d,
        }),
        Event::InformationPermissionRecorded(InformationPermissionRecorded {
            third_party: name("Employer"),
            scope: text("s"),
            given_on: d,
        }),
        Event::ResolvedOutsideProcedure(ResolvedOutsideProcedure {
            how: text("h"),
            resolved_on: d,
        }),
        Event::NewIssuesRaised(NewIssuesRaised {
            new_reference: reference(8),
            description: text("d"),
            raised_on: d,
        }),
        Event::NewIssuesAwaitingDecision(NewIssuesAwaitingDecision {
            description: text("d"),
            became_aware_on: date(2026, 1, 2),
            raised_on: d,
        }),
        Event::NewIssuesDecided(NewIssuesDecided {
            compelling_reason: true,
            reason: text("r"),
            decided_on: d,
        }),
    ]);
    for how in [
        ClosedHow::ClosedAfterStage3,
        ClosedHow::ResolvedOutsideProcedure,
        ClosedHow::EscalationWindowLapsed { stage: Stage::Two },
    ] {
        events.push(Event::ComplaintClosed(ComplaintClosed {
            how,
            closed_on: d,
        }));
    }
    events
}

#[test]
fn every_event_survives_a_round_trip_through_its_protobuf_message() {
    let samples = samples();
    let mut seen = std::collections::BTreeSet::new();
    for event in &samples {
        let (event_type, bytes) = encode(event);
        assert!(event_type.starts_with("complaints.v1."), "{event_type}");
        assert_eq!(
            decode(&event_type, &bytes).as_ref(),
            Ok(event),
            "{event_type}"
        );
        seen.insert(event_type);
    }
    let all: std::collections::BTreeSet<_> = event_types().into_iter().collect();
    assert_eq!(all.len(), 33);
    assert_eq!(seen, all, "a sample of every event type");
}

#[test]
fn the_event_type_is_the_fully_qualified_message_name() {
    let outcome = samples()
        .into_iter()
        .find(|e| matches!(e, Event::OutcomeRecorded(_)))
        .unwrap();
    assert_eq!(encode(&outcome).0, "complaints.v1.OutcomeRecorded");
}

#[test]
fn an_unknown_event_type_or_malformed_bytes_are_refused() {
    assert_eq!(
        decode("complaints.v1.SubmissionReceived", &[]),
        Err(CodecError::UnknownEventType(
            "complaints.v1.SubmissionReceived".into()
        ))
    );
    assert!(matches!(
        decode("OutcomeRecorded", &[]),
        Err(CodecError::UnknownEventType(_))
    ));
    assert!(matches!(
        decode("complaints.v1.OutcomeRecorded", &[0xff, 0xff]),
        Err(CodecError::Malformed { .. })
    ));
}

#[test]
fn r_conf_3_a_disclosure_without_a_legal_basis_cannot_be_decoded() {
    let message = v1::DisclosureRecorded {
        recipient: "Someone".into(),
        legal_basis: v1::LegalBasis::Unspecified as i32,
        what: "everything".into(),
        disclosed_on: Some(v1::Date {
            year: 2026,
            month: 3,
            day: 2,
        }),
    };
    let err = decode("complaints.v1.DisclosureRecorded", &message.encode_to_vec()).unwrap_err();
    assert!(
        matches!(
            err,
            CodecError::InvalidField {
                field: "legal_basis",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn r_out_2_compensation_of_zero_or_without_a_payment_date_cannot_be_decoded() {
    let outcome = |compensation, expected_payment_on| v1::OutcomeRecorded {
        stage: v1::Stage::Stage1 as i32,
        decision: v1::Decision::Upheld as i32,
        findings: "f".into(),
        remedies: vec![v1::Remedy {
            kind: v1::RemedyKind::FinancialCompensation as i32,
            description: "refund".into(),
            compensation,
            expected_payment_on,
            ..Default::default()
        }],
        assessment_failure_found: false,
        issued_on: Some(v1::Date {
            year: 2026,
            month: 3,
            day: 2,
        }),
        escalation_window_ends_on: None,
        escalation_window_ends_on_by_post: None,
        recorded_by: String::new(),
    };
    let paid = Some(v1::Date {
        year: 2026,
        month: 4,
        day: 1,
    });
    for message in [
        outcome(Some(v1::Money { pence: 0 }), paid),
        outcome(Some(v1::Money { pence: -5 }), paid),
        outcome(Some(v1::Money { pence: 500 }), None),
        outcome(None, None),
    ] {
        let bytes = message.encode_to_vec();
        assert!(
            decode("complaints.v1.OutcomeRecorded", &bytes).is_err(),
            "{message:?}"
        );
    }
    let valid = outcome(Some(v1::Money { pence: 500 }), paid).encode_to_vec();
    assert!(decode("complaints.v1.OutcomeRecorded", &valid).is_ok());
}

#[test]
fn a_date_that_does_not_exist_cannot_be_decoded() {
    let message = v1::Stage3Acknowledged {
        acknowledged_on: Some(v1::Date {
            year: 2026,
            month: 2,
            day: 30,
        }),
    };
    let err = decode("complaints.v1.Stage3Acknowledged", &message.encode_to_vec()).unwrap_err();
    assert!(err.to_string().contains("acknowledged_on"), "{err}");
}
