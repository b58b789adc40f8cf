//! Reading the other services' events into facts.

use super::support::{date, replay};
use crate::core::{
    Channel, ClosureKind, DeadlineKind, Decision, DecodeError, Fact, RemedyKind, Stage,
    compliment_from_intake, facts_from_complaints, facts_from_intake, monitoring_from_intake,
    submission_of_complaint,
};
use complaints_proto::v1;
use prost::{Message, Name};

fn encoded<M: Message + Name>(m: &M) -> (String, Vec<u8>) {
    (M::full_name(), m.encode_to_vec())
}

fn intake<M: Message + Name>(m: &M) -> Result<Vec<Fact>, DecodeError> {
    let (t, bytes) = encoded(m);
    facts_from_intake(&t, &bytes)
}

fn complaints<M: Message + Name>(m: &M) -> Result<Vec<Fact>, DecodeError> {
    let (t, bytes) = encoded(m);
    facts_from_complaints(&t, &bytes)
}

fn pb_date(y: i32, m: u32, d: u32) -> Option<v1::Date> {
    Some(v1::Date {
        year: y,
        month: m,
        day: d,
    })
}

fn at(seconds: i64) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp { seconds, nanos: 0 })
}

/// 23:30 UTC on Thursday 21 May 2026 is Friday 22 May in the UK.
const LATE_EVENING_21_MAY_2026: i64 = 1_779_406_200;

fn personal_submission() -> v1::SubmissionReceived {
    v1::SubmissionReceived {
        submission_id: "0190f5a0-0000-7000-8000-000000000001".into(),
        reference: "SUB-2026-000042".into(),
        channel: Channel::WebForm as i32,
        received_at: at(LATE_EVENING_21_MAY_2026),
        customer_status: "Member".into(),
        customer_type: " Student ".into(),
        query_category: "Assessment".into(),
        query_detail: "My exam script for unit 7 was lost by Mr Smith".into(),
        complainant: Some(v1::Person {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: "ada@example.org".into(),
            telephone: "07700 900123".into(),
            postal_address: None,
        }),
        third_party: Some(v1::ThirdParty {
            name: "Acme Legal".into(),
            ..Default::default()
        }),
        reasonable_adjustments: "Large print".into(),
        qualification_code: "L3-DIP".into(),
        ..Default::default()
    }
}

#[test]
fn a_submission_gives_its_uk_receipt_date_channel_category_and_customer_type() {
    assert_eq!(
        intake(&personal_submission()),
        Ok(vec![Fact::Submitted {
            received_on: date(2026, 5, 22),
            channel: Channel::WebForm,
            query_category: "Assessment".into(),
            customer_type: "Student".into(),
            third_party: true,
        }])
    );
}

/// R-MON-3: "It holds no personal data." Not the names, contact details,
/// free text or the references of the events it was built from; so under
/// R-CONF-2 the log survives a case's destruction with nothing to destroy.
#[test]
fn r_mon_3_the_anonymised_record_holds_no_personal_data() {
    let opened = v1::ComplaintOpened {
        reference: "CMP-2026-000007".into(),
        submission_id: "0190f5a0-0000-7000-8000-000000000001".into(),
        channel: Channel::WebForm as i32,
        received_at: at(LATE_EVENING_21_MAY_2026),
        received_on: pb_date(2026, 5, 22),
        written: true,
        query_category: "Assessment".into(),
        qualification: Some(v1::ComplaintQualification {
            code: "L3-DIP".into(),
            regulated: true,
            regulators: vec!["Ofqual".into()],
        }),
        ..Default::default()
    };
    let action = v1::ActionAdded {
        action_id: 1,
        description: "Call Ada Lovelace back".into(),
        owner_id: "staff-123".into(),
        due_on: pb_date(2026, 6, 1),
        ..Default::default()
    };
    let mut facts = intake(&personal_submission()).unwrap();
    facts.extend(complaints(&opened).unwrap());
    facts.extend(complaints(&action).unwrap());
    let record = replay("pseudonym", &facts);
    let printed = format!("{record:?}");
    for personal in [
        "Ada",
        "Lovelace",
        "ada@example.org",
        "07700",
        "Smith",
        "Acme",
        "Large print",
        "L3-DIP",
        "Ofqual",
        "staff-123",
        "SUB-2026",
        "CMP-2026",
        "0190f5a0",
    ] {
        assert!(!printed.contains(personal), "{personal} in {printed}");
    }
    assert!(record.regulated_qualification);
}

#[test]
fn intake_triage_outcomes_become_status_facts() {
    assert_eq!(
        intake(&v1::ComplaintRedirected::default()),
        Ok(vec![Fact::Redirected])
    );
    assert_eq!(
        intake(&v1::SubmissionResolvedOutsideProcedure::default()),
        Ok(vec![Fact::ResolvedOutsideProcedure])
    );
    assert_eq!(
        intake(&v1::OutOfTimeDeclined::default()),
        Ok(vec![Fact::DeclinedOutOfTime])
    );
    assert_eq!(
        intake(&v1::ComplaintAccepted::default()),
        Ok(vec![Fact::Accepted])
    );
}

#[test]
fn event_types_the_log_does_not_use_give_no_facts() {
    assert_eq!(intake(&v1::ConsentRecorded::default()), Ok(vec![]));
    assert_eq!(intake(&v1::ComplimentReceived::default()), Ok(vec![]));
    assert_eq!(complaints(&v1::HandlerAssigned::default()), Ok(vec![]));
    assert_eq!(complaints(&v1::DisclosureRecorded::default()), Ok(vec![]));
    assert_eq!(facts_from_intake("something.Else", &[0xff]), Ok(vec![]));
    assert_eq!(
        facts_from_complaints("complaints.v1.SubmissionReceived", &[0xff]),
        Ok(vec![])
    );
}

#[test]
fn bytes_that_are_not_the_named_message_are_an_error() {
    let err = facts_from_intake("complaints.v1.SubmissionReceived", &[0xff, 0xff]);
    assert!(matches!(err, Err(DecodeError::Malformed { .. })), "{err:?}");
}

#[test]
fn a_missing_date_or_an_unknown_enum_value_is_an_error_not_a_guess() {
    let err = complaints(&v1::ComplaintClosed {
        how: ClosureKind::AfterStage3 as i32,
        ..Default::default()
    });
    assert!(
        matches!(
            err,
            Err(DecodeError::InvalidField {
                field: "closed_on",
                ..
            })
        ),
        "{err:?}"
    );
    let err = complaints(&v1::DeadlineMet {
        kind: 99,
        ..Default::default()
    });
    assert!(
        matches!(err, Err(DecodeError::InvalidField { field: "kind", .. })),
        "{err:?}"
    );
    let err = complaints(&v1::ActionAdded {
        due_on: pb_date(2026, 2, 30),
        ..Default::default()
    });
    assert!(
        matches!(
            err,
            Err(DecodeError::InvalidField {
                field: "due_on",
                ..
            })
        ),
        "{err:?}"
    );
}

#[test]
fn an_outcome_gives_its_decision_remedy_kinds_and_compensation_total() {
    let outcome = v1::OutcomeRecorded {
        stage: v1::Stage::Stage2 as i32,
        decision: Decision::PartlyUpheld as i32,
        findings: "free text".into(),
        remedies: vec![
            v1::Remedy {
                kind: RemedyKind::Apology as i32,
                description: "We are sorry".into(),
                ..Default::default()
            },
            v1::Remedy {
                kind: RemedyKind::FinancialCompensation as i32,
                compensation: Some(v1::Money { pence: 2_500 }),
                expected_payment_on: pb_date(2026, 5, 1),
                ..Default::default()
            },
        ],
        issued_on: pb_date(2026, 4, 14),
        ..Default::default()
    };
    assert_eq!(
        complaints(&outcome),
        Ok(vec![Fact::OutcomeRecorded {
            stage: Stage::Two,
            decision: Some(Decision::PartlyUpheld),
            remedies: vec![RemedyKind::Apology, RemedyKind::FinancialCompensation],
            compensation_pence: 2_500,
            on: date(2026, 4, 14),
        }])
    );
    let undecided = v1::OutcomeRecorded {
        decision: 0,
        ..outcome
    };
    assert!(matches!(
        complaints(&undecided).as_deref(),
        Ok([Fact::OutcomeRecorded { decision: None, .. }])
    ));
}

#[test]
fn an_outcome_without_a_stage_is_an_error() {
    let err = complaints(&v1::OutcomeRecorded {
        issued_on: pb_date(2026, 4, 14),
        ..Default::default()
    });
    assert!(
        matches!(err, Err(DecodeError::InvalidField { field: "stage", .. })),
        "{err:?}"
    );
}

/// R-S1-3: the referral counts as Stage 2, its clock starting on the
/// referral date.
#[test]
fn a_referral_to_the_line_manager_is_an_escalation_to_stage_2() {
    let referral = v1::ReferredToLineManager {
        manager_id: "staff-9".into(),
        team: "Assessment".into(),
        referred_on: pb_date(2026, 3, 4),
    };
    assert_eq!(
        complaints(&referral),
        Ok(vec![Fact::StageEscalated {
            to: Stage::Two,
            received_on: date(2026, 3, 4),
        }])
    );
}

#[test]
fn the_complaint_lifecycle_events_become_facts() {
    assert_eq!(
        complaints(&v1::StageEscalated {
            to_stage: v1::Stage::Stage3 as i32,
            received_on: pb_date(2026, 4, 20),
            escalated_on: pb_date(2026, 4, 21),
            reasons: "free text".into(),
            ..Default::default()
        }),
        Ok(vec![Fact::StageEscalated {
            to: Stage::Three,
            received_on: date(2026, 4, 20),
        }])
    );
    assert_eq!(
        complaints(&v1::DeadlineMissed {
            kind: DeadlineKind::Stage3Response as i32,
            ..Default::default()
        }),
        Ok(vec![Fact::DeadlineMissed {
            kind: DeadlineKind::Stage3Response
        }])
    );
    assert_eq!(
        complaints(&v1::ActionCompleted {
            action_id: 3,
            note: "done".into(),
            completed_on: pb_date(2026, 5, 1),
        }),
        Ok(vec![Fact::ActionCompleted {
            id: 3,
            on: Some(date(2026, 5, 1))
        }])
    );
    assert_eq!(
        complaints(&v1::ResolvedOutsideProcedure::default()),
        Ok(vec![Fact::ResolvedOutsideProcedure])
    );
    assert_eq!(
        complaints(&v1::ComplaintClosed {
            how: ClosureKind::EscalationWindowLapsed as i32,
            stage: v1::Stage::Stage1 as i32,
            closed_on: pb_date(2026, 4, 30),
        }),
        Ok(vec![Fact::Closed {
            on: date(2026, 4, 30),
            how: ClosureKind::EscalationWindowLapsed,
        }])
    );
}

#[test]
fn the_opening_names_its_submission_so_the_shell_can_share_the_pseudonym() {
    let opened = v1::ComplaintOpened {
        submission_id: "sub-1".into(),
        ..Default::default()
    };
    let (t, bytes) = encoded(&opened);
    assert_eq!(
        submission_of_complaint(&t, &bytes),
        Ok(Some("sub-1".into()))
    );
    let (t, bytes) = encoded(&v1::ComplaintClosed::default());
    assert_eq!(submission_of_complaint(&t, &bytes), Ok(None));
}

/// R-POS-1: a compliment keeps its team and date, nothing about people.
#[test]
fn r_pos_1_a_compliment_keeps_only_its_team_and_date() {
    let compliment = v1::ComplimentReceived {
        compliment_id: "c-1".into(),
        received_at: at(LATE_EVENING_21_MAY_2026),
        team: "Member Services".into(),
        about_person: "Grace Hopper".into(),
        message: "So helpful".into(),
        ..Default::default()
    };
    let (t, bytes) = encoded(&compliment);
    let record = compliment_from_intake(&t, &bytes).unwrap().unwrap();
    assert_eq!(record.received_on, date(2026, 5, 22));
    assert_eq!(record.team, "Member Services");
    assert!(!format!("{record:?}").contains("Grace"));
}

/// R-MON-4: monitoring answers come under the pseudonym and never print.
#[test]
fn r_mon_4_monitoring_answers_are_read_under_their_pseudonym_and_never_printed() {
    let recorded = v1::EqualityMonitoringRecorded {
        pseudonym: "p-1".into(),
        answers: Some(v1::EqualityMonitoring {
            ethnicity: " Prefer not to say ".into(),
            disability: "Disabled".into(),
            ..Default::default()
        }),
        received_at: at(LATE_EVENING_21_MAY_2026),
    };
    let (t, bytes) = encoded(&recorded);
    let answers = monitoring_from_intake(&t, &bytes).unwrap().unwrap();
    assert_eq!(answers.pseudonym, "p-1");
    assert_eq!(answers.ethnicity, "Prefer not to say");
    assert_eq!(answers.gender, "");
    let printed = format!("{answers:?}");
    assert!(
        printed.contains("p-1") && !printed.contains("Disabled"),
        "{printed}"
    );
}

/// R-MON-3: the log reads a submission's labels with the rule intake's
/// edge applied: what intake accepted (right-to-left marks, accents, the
/// longest label) reads back unchanged, and a value no edge accepts (a
/// NUL, which no text column can hold) is named as the field's error
/// instead of failing in the database.
#[test]
fn r_mon_3_labels_are_read_with_the_rule_the_edge_applied() {
    let longest = format!(
        "\u{200F}{}",
        "é".repeat(fieldtext::fields::LABEL.max_chars() - 1)
    );
    let mut m = personal_submission();
    m.customer_type = longest.clone();
    let facts = intake(&m).unwrap();
    assert!(
        matches!(&facts[..], [Fact::Submitted { customer_type, .. }] if *customer_type == longest),
        "{facts:?}"
    );

    m.customer_type = "Stu\0dent".into();
    match intake(&m) {
        Err(DecodeError::InvalidField { field, .. }) => assert_eq!(field, "customer_type"),
        other => panic!("expected customer_type to be named, got {other:?}"),
    }
}
