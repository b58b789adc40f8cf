//! Which letters each event calls for.

use super::{ctx, date, directory, email_party, event, pb_date, person, settings, third_party};
use crate::core::letters::*;
use crate::core::party::{Handler, Party};
use crate::core::plan::{PlanError, letters_for};
use crate::core::vocabulary::{DeadlineKind, Decision, Ground, RemedyKind, Role, Stage};
use crate::core::wire::WireError;
use calendar::WorkingDays;
use complaints_proto::v1 as pb;

fn plan(party: &Party, (event_type, payload): (String, Vec<u8>)) -> Result<Vec<Letter>, PlanError> {
    let (staff, settings) = (directory(), settings());
    letters_for(&event_type, &payload, party, &ctx(&staff, &settings))
}

fn templates(letters: &[Letter]) -> Vec<&'static str> {
    letters.iter().map(Letter::template).collect()
}

fn accepted(written: bool) -> (String, Vec<u8>) {
    event(pb::ComplaintAccepted {
        submission_id: "sub-1".into(),
        reference: "SUB-2027-000042".into(),
        complainant: Some(person("ada@example.org", false)),
        written,
        contact_within_working_days: 7,
        contact_due_on: pb_date(2027, 1, 6),
        ..Default::default()
    })
}

/// R-INT-8: a written submission gets the automatic reply.
#[test]
fn r_int_8_a_written_acceptance_calls_for_the_automatic_reply() {
    let letters = plan(&Party::default(), accepted(true)).expect("planned");
    assert_eq!(
        letters,
        vec![Letter::AutomaticReply(AutomaticReply {
            reference: "SUB-2027-000042".into(),
            contact: Some((WorkingDays::new(7), date(2027, 1, 6))),
            awaiting_age_decision: false,
            after_age_decision: false,
            replaces: None,
        })]
    );
}

/// R-INT-8: a telephone complaint gets no automatic reply.
#[test]
fn r_int_8_a_telephone_acceptance_calls_for_no_letter() {
    assert!(
        plan(&Party::default(), accepted(false))
            .expect("planned")
            .is_empty()
    );
}

/// R-INT-6.
#[test]
fn r_int_6_a_redirection_calls_for_the_redirect_notice() {
    let letters = plan(
        &Party::default(),
        event(pb::ComplaintRedirected {
            reference: "SUB-2027-000042".into(),
            redirected_to: "the Appeals team".into(),
            dealt_with_by: "Sam Patel".into(),
            ..Default::default()
        }),
    )
    .expect("planned");
    assert_eq!(templates(&letters), vec!["redirect_notice"]);
}

/// R-INT-4: the request to the individual and the notice to the third party.
#[test]
fn r_int_4_a_consent_request_calls_for_a_letter_to_each_side() {
    let letters = plan(
        &Party::default(),
        event(pb::ConsentRequested {
            reference: "SUB-2027-000042".into(),
            individual: Some(person("ada@example.org", false)),
            third_party: Some(third_party()),
            ..Default::default()
        }),
    )
    .expect("planned");
    assert_eq!(
        templates(&letters),
        vec!["consent_request", "third_party_notice"]
    );
    let Letter::ConsentRequest(request) = &letters[0] else {
        panic!("consent request")
    };
    assert_eq!(request.third_party_name, "Grace Hopper");
    assert_eq!(request.organisation, "Hopper Law LLP");
}

/// R-INT-8: the notice to the third party of a written submission carries
/// the contact promise intake worked out by the calendar; one from a
/// telephone call promises none.
#[test]
fn r_int_8_the_third_party_notice_of_a_written_submission_gives_the_contact_date() {
    let requested = |written| pb::ConsentRequested {
        reference: "SUB-2027-000042".into(),
        individual: Some(person("ada@example.org", false)),
        third_party: Some(third_party()),
        written,
        contact_within_working_days: 7,
        contact_due_on: pb_date(2027, 1, 13),
        ..Default::default()
    };
    let letters = plan(&Party::default(), event(requested(true))).expect("planned");
    let Letter::ThirdPartyNotice(notice) = &letters[1] else {
        panic!("third party notice")
    };
    assert_eq!(
        notice.contact,
        Some((WorkingDays::new(7), date(2027, 1, 13)))
    );
    let letters = plan(&Party::default(), event(requested(false))).expect("planned");
    let Letter::ThirdPartyNotice(notice) = &letters[1] else {
        panic!("third party notice")
    };
    assert_eq!(notice.contact, None);
}

/// R-S1-3 with R-S2-4: the manager is alerted at once; the complainant
/// learns who the manager is, and the date of their response, when the
/// referral's response deadline is set.
#[test]
fn r_s1_3_a_referral_to_the_line_manager_alerts_the_manager_and_the_deadline_tells_the_complainant()
{
    let mut party = email_party();
    party.handler = Some(crate::core::party::Handler {
        staff_id: "s-manager".into(),
        team: "Customer Services".into(),
        stage: Stage::Two,
    });
    let letters = plan(
        &party,
        event(pb::ReferredToLineManager {
            manager_id: "s-manager".into(),
            team: "Customer Services".into(),
            referred_on: pb_date(2027, 1, 4),
        }),
    )
    .expect("planned");
    let [Letter::StaffAlert(alert)] = &letters[..] else {
        panic!("a staff alert only: {letters:?}")
    };
    assert_eq!(alert.to.id, "s-manager");
    assert_eq!(
        alert.alert,
        Alert::Assigned {
            stage: Stage::Two,
            role: Role::Manager
        }
    );
    party
        .deadlines
        .insert(DeadlineKind::Stage2Response, date(2027, 2, 1));
    let letters = plan(
        &party,
        event(pb::DeadlineSet {
            kind: pb::DeadlineKind::Stage2Response as i32,
            due_on: pb_date(2027, 2, 1),
            set_on: pb_date(2027, 1, 4),
            ..Default::default()
        }),
    )
    .expect("planned");
    let [Letter::NowDealtWithBy(told)] = &letters[..] else {
        panic!("now dealt with by: {letters:?}")
    };
    assert_eq!((told.stage, told.role), (Stage::Two, Role::Manager));
    assert_eq!(told.handler_name.as_deref(), Some("Tom Okafor"));
    assert_eq!(told.reference, "CMP-2027-000001");
    assert_eq!(told.respond_by, Some(date(2027, 2, 1)));
}

/// R-S3-3: allocation to the Corporate Compliance Manager.
#[test]
fn r_s3_3_an_allocation_calls_for_who_now_deals_and_a_staff_alert() {
    let letters = plan(
        &email_party(),
        event(pb::HandlerAssigned {
            stage: pb::Stage::Stage3 as i32,
            staff_id: "s-ccm".into(),
            team: "Compliance".into(),
            role: pb::HandlerRole::ComplianceManager as i32,
            assigned_on: pb_date(2027, 2, 2),
        }),
    )
    .expect("planned");
    assert_eq!(
        templates(&letters),
        vec!["now_dealt_with_by", "staff_alert"]
    );
}

/// R-S1-2.
#[test]
fn r_s1_2_an_agreed_timescale_and_an_update_call_for_letters_with_their_dates() {
    let letters = plan(
        &email_party(),
        event(pb::TimescaleAgreed {
            due_on: pb_date(2027, 1, 29),
            agreed_on: pb_date(2027, 1, 5),
        }),
    )
    .expect("planned");
    assert_eq!(
        letters,
        vec![Letter::TimescaleAgreed(TimescaleAgreed {
            reference: "CMP-2027-000001".into(),
            respond_by: date(2027, 1, 29)
        })]
    );
    let update = plan(
        &email_party(),
        event(pb::UpdateRecorded {
            stage: pb::Stage::Stage2 as i32,
            reason: "Awaiting the examiner's report.".into(),
            revised_due_on: pb_date(2027, 2, 26),
            recorded_on: pb_date(2027, 2, 1),
        }),
    )
    .expect("planned");
    let Letter::DelayUpdate(u) = &update[0] else {
        panic!("update")
    };
    assert_eq!(
        (u.stage, u.revised_due_on),
        (Stage::Two, Some(date(2027, 2, 26)))
    );
}

/// R-S3-5 (and R-S1-2, R-S2-4): a response deadline extended on its own
/// calls for an update with the reason and the new date; the extension that
/// comes with an update (already announced to the complainant) calls for
/// nothing more, and staff-only deadlines for nothing at all.
#[test]
fn r_s3_5_an_extended_response_deadline_calls_for_an_update_unless_already_announced() {
    let extended = |kind: pb::DeadlineKind| {
        event(pb::DeadlineExtended {
            kind: kind as i32,
            previous_due_on: pb_date(2027, 2, 26),
            due_on: pb_date(2027, 3, 26),
            reason: "Awaiting the external examiner's report.".into(),
            extended_on: pb_date(2027, 2, 1),
            ..Default::default()
        })
    };
    let letters = plan(&email_party(), extended(pb::DeadlineKind::Stage3Response)).unwrap();
    assert_eq!(
        letters,
        vec![Letter::DelayUpdate(DelayUpdate {
            reference: "CMP-2027-000001".into(),
            stage: Stage::Three,
            reason: "Awaiting the external examiner's report.".into(),
            revised_due_on: Some(date(2027, 3, 26)),
        })]
    );
    let announced = Party {
        announced_due: Some((Stage::Three, date(2027, 3, 26))),
        ..email_party()
    };
    assert!(
        plan(&announced, extended(pb::DeadlineKind::Stage3Response))
            .unwrap()
            .is_empty()
    );
    assert!(
        plan(&email_party(), extended(pb::DeadlineKind::FirstContact))
            .unwrap()
            .is_empty()
    );
}

/// R-S3-4, R-S3-5: the acknowledgement carries the response date.
#[test]
fn r_s3_4_an_acknowledgement_calls_for_the_letter_with_the_response_date() {
    let mut party = email_party();
    party
        .deadlines
        .insert(DeadlineKind::Stage3Response, date(2027, 3, 1));
    let letters = plan(
        &party,
        event(pb::Stage3Acknowledged {
            acknowledged_on: pb_date(2027, 2, 2),
        }),
    )
    .expect("planned");
    assert_eq!(
        letters,
        vec![Letter::Stage3Acknowledgement(Stage3Acknowledgement {
            reference: "CMP-2027-000001".into(),
            received_on: None,
            respond_within: WorkingDays::new(20),
            respond_by: Some(date(2027, 3, 1)),
        })]
    );
}

fn outcome(stage: pb::Stage, window_ends: Option<pb::Date>) -> (String, Vec<u8>) {
    event(pb::OutcomeRecorded {
        stage: stage as i32,
        decision: pb::Decision::Upheld as i32,
        findings: "The result was sent late.".into(),
        remedies: vec![
            pb::Remedy {
                kind: pb::RemedyKind::FinancialCompensation as i32,
                description: "Refund".into(),
                compensation: Some(pb::Money { pence: 9500 }),
                expected_payment_on: pb_date(2027, 2, 19),
                ..Default::default()
            },
            pb::Remedy {
                kind: pb::RemedyKind::Apology as i32,
                description: "Sorry".into(),
                // Money on a non-financial remedy is not carried over.
                compensation: Some(pb::Money { pence: 1 }),
                expected_payment_on: None,
                ..Default::default()
            },
        ],
        issued_on: pb_date(2027, 1, 6),
        escalation_window_ends_on: window_ends,
        ..Default::default()
    })
}

/// R-S1-4, R-S2-1: grounds (a)-(c) and the last date from the event.
#[test]
fn r_s1_4_a_stage_1_outcome_carries_the_grounds_and_the_last_date_to_ask_for_stage_2() {
    let letters = plan(
        &email_party(),
        outcome(pb::Stage::Stage1, pb_date(2027, 1, 20)),
    )
    .expect("planned");
    let Letter::StageOutcome(o) = &letters[0] else {
        panic!("stage outcome")
    };
    assert_eq!((o.stage, o.decision), (Stage::One, Decision::Upheld));
    assert_eq!(
        o.escalation,
        EscalationRight {
            to_stage: Stage::Two,
            grounds: vec![
                Ground::NotUnderstood,
                Ground::PointsNotAnswered,
                Ground::NoResponseInTimescale
            ],
            within_days: 14,
            last_date: date(2027, 1, 20),
            // An outcome without the posted date states the emailed one.
            last_date_by_post: date(2027, 1, 20),
        }
    );
    assert_eq!(o.remedies[0].kind, RemedyKind::FinancialCompensation);
    assert_eq!(o.remedies[0].compensation_pence, Some(9500));
    assert_eq!(o.remedies[1].compensation_pence, None);
}

/// R-S3-1: after Stage 2 the way to Stage 3.
#[test]
fn r_s3_1_a_stage_2_outcome_carries_the_last_date_to_ask_for_stage_3() {
    let letters = plan(
        &email_party(),
        outcome(pb::Stage::Stage2, pb_date(2027, 1, 20)),
    )
    .expect("planned");
    let Letter::StageOutcome(o) = &letters[0] else {
        panic!("stage outcome")
    };
    assert_eq!(o.escalation.to_stage, Stage::Three);
    assert_eq!(o.escalation.last_date, date(2027, 1, 20));
}

#[test]
fn a_stage_outcome_without_its_escalation_window_is_an_error_not_a_letter_without_a_date() {
    let err = plan(&email_party(), outcome(pb::Stage::Stage1, None)).unwrap_err();
    assert!(
        matches!(&err, PlanError::Wire(WireError::Missing { field, .. }) if *field == "escalation_window_ends_on"),
        "{err}"
    );
}

/// R-S3-6, R-REG-2: the final letter, with the party's regulators.
#[test]
fn r_reg_2_a_stage_3_outcome_calls_for_the_final_letter_with_the_regulators() {
    let mut party = email_party();
    party.regulators = vec!["Ofqual".into()];
    let letters = plan(&party, outcome(pb::Stage::Stage3, None)).expect("planned");
    let Letter::FinalOutcome(f) = &letters[0] else {
        panic!("final outcome")
    };
    assert_eq!(f.regulators, vec!["Ofqual".to_owned()]);
    assert_eq!(f.issued_on, date(2027, 1, 6));
}

fn missed(kind: pb::DeadlineKind) -> (String, Vec<u8>) {
    event(pb::DeadlineMissed {
        kind: kind as i32,
        due_on: pb_date(2027, 2, 1),
        marked_on: pb_date(2027, 2, 2),
        ..Default::default()
    })
}

/// R-MON-1: a missed deadline alerts the handler and the monitors.
#[test]
fn r_mon_1_a_missed_deadline_alerts_the_handler_and_the_monitors() {
    let mut party = email_party();
    party.handler = Some(Handler {
        staff_id: "s-manager".into(),
        team: "Customer Services".into(),
        stage: Stage::Two,
    });
    let letters = plan(&party, missed(pb::DeadlineKind::Stage2Response)).expect("planned");
    let to: Vec<&str> = letters
        .iter()
        .map(|l| match l {
            Letter::StaffAlert(a) => a.to.id.as_str(),
            _ => panic!("staff alerts only"),
        })
        .collect();
    assert_eq!(to, vec!["s-manager", "s-monitor"]);
    let Letter::StaffAlert(a) = &letters[0] else {
        unreachable!()
    };
    assert_eq!(a.alert, Alert::DeadlineMissed(DeadlineKind::Stage2Response));
    assert_eq!(a.due_on, Some(date(2027, 2, 1)));
}

#[test]
fn an_approaching_deadline_alerts_the_handler_only_or_the_monitors_when_nobody_is_allocated() {
    let approaching = || {
        event(pb::DeadlineApproaching {
            kind: pb::DeadlineKind::FirstContact as i32,
            due_on: pb_date(2027, 1, 6),
            ..Default::default()
        })
    };
    let unallocated = plan(&email_party(), approaching()).expect("planned");
    assert!(matches!(&unallocated[..], [Letter::StaffAlert(a)] if a.to.id == "s-monitor"));
    let mut party = email_party();
    party.handler = Some(Handler {
        staff_id: "s-handler".into(),
        team: "Customer Services".into(),
        stage: Stage::One,
    });
    let allocated = plan(&party, approaching()).expect("planned");
    assert!(matches!(&allocated[..], [Letter::StaffAlert(a)] if a.to.id == "s-handler"));
}

#[test]
fn the_complainants_escalation_window_alerts_no_one() {
    assert!(
        plan(&email_party(), missed(pb::DeadlineKind::EscalationWindow))
            .expect("planned")
            .is_empty()
    );
}

/// R-POS-1: one letter per manager the compliment was routed to.
#[test]
fn r_pos_1_a_compliment_calls_for_a_letter_to_each_routed_manager() {
    let letters = plan(
        &Party::default(),
        event(pb::ComplimentReceived {
            reference: "POS-2027-000003".into(),
            team: "Exams".into(),
            about_person: "Sam".into(),
            message: "Sam sorted it in one call.".into(),
            from: Some(person("ada@example.org", false)),
            routed_to: vec!["s-manager".into(), "s-monitor".into()],
            ..Default::default()
        }),
    )
    .expect("planned");
    let to: Vec<&str> = letters
        .iter()
        .map(|l| match l {
            Letter::ComplimentForManager(c) => c.to.id.as_str(),
            _ => panic!("compliments only"),
        })
        .collect();
    assert_eq!(to, vec!["s-manager", "s-monitor"]);
}

#[test]
fn unknown_event_types_call_for_no_letters() {
    let party = email_party();
    assert!(
        plan(&party, ("complaints.v1.ActionAdded".into(), vec![]))
            .expect("planned")
            .is_empty()
    );
    assert!(
        plan(&party, ("acme.v9.Whatever".into(), b"junk".to_vec()))
            .expect("planned")
            .is_empty()
    );
}

#[test]
fn a_complaint_event_before_the_reference_is_known_is_an_error() {
    let err = plan(
        &Party::default(),
        event(pb::Stage3Acknowledged {
            acknowledged_on: None,
        }),
    )
    .unwrap_err();
    assert!(matches!(err, PlanError::NoReference { .. }));
}

#[test]
fn a_malformed_payload_is_an_error_naming_the_event_type() {
    let err = plan(
        &email_party(),
        ("complaints.v1.OutcomeRecorded".into(), b"\xff\xff".to_vec()),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("complaints.v1.OutcomeRecorded: not a valid protobuf message"),
        "{err}"
    );
}

/// R-INT-8: a given-up email to the complainant alerts the handler and the
/// monitors (as a missed deadline does); one to staff alerts nobody.
#[test]
fn r_int_8_a_given_up_email_alerts_the_handler_and_the_monitors_once_each() {
    use crate::core::plan::given_up_alerts;
    use crate::core::route::RecipientKind;
    let (staff, settings) = (directory(), settings());
    let mut party = email_party();
    party.handler = Some(Handler {
        staff_id: "s-monitor".into(),
        team: "Customer Services".into(),
        stage: Stage::One,
    });
    let letters = given_up_alerts(
        "CMP-2027-000001",
        "stage_outcome",
        &RecipientKind::Complainant,
        &party,
        &ctx(&staff, &settings),
    )
    .expect("planned");
    let [Letter::StaffAlert(a)] = &letters[..] else {
        panic!("one alert, the handler being a monitor: {letters:?}")
    };
    assert_eq!(a.to.id, "s-monitor");
    assert_eq!(a.reference, "CMP-2027-000001");
    assert_eq!(
        a.alert,
        Alert::DeliveryGivenUp {
            letter: "stage_outcome",
            recipient: GivenUpRecipient::Complainant,
        }
    );
    for kind in [
        RecipientKind::Staff("s-monitor".into()),
        RecipientKind::Manager("s-manager".into()),
    ] {
        assert!(
            given_up_alerts(
                "CMP-2027-000001",
                "staff_alert",
                &kind,
                &party,
                &ctx(&staff, &settings)
            )
            .expect("planned")
            .is_empty()
        );
    }
}
