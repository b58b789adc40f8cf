//! Folding intake's and the complaints service's events into a party.

use super::{date, event, pb_date, person, third_party};
use crate::core::party::{Consent, Party};
use crate::core::vocabulary::{DeadlineKind, Stage};
use crate::core::wire::WireError;
use complaints_proto::v1 as pb;

fn apply(party: &mut Party, (event_type, payload): (String, Vec<u8>)) {
    party.apply(&event_type, &payload).expect("applies");
}

fn received(correspondence: pb::CorrespondencePreference, tp: bool) -> (String, Vec<u8>) {
    event(pb::SubmissionReceived {
        submission_id: "sub-1".into(),
        reference: "SUB-2027-000042".into(),
        complainant: Some(person("ada@example.org", true)),
        correspondence: correspondence as i32,
        third_party: tp.then(third_party),
        ..Default::default()
    })
}

fn opened(by_post: bool, regulated: bool) -> (String, Vec<u8>) {
    event(pb::ComplaintOpened {
        reference: "CMP-2027-000001".into(),
        submission_id: "sub-1".into(),
        correspondence_by_post: by_post,
        qualification: Some(pb::ComplaintQualification {
            code: "L3-DIP-LP".into(),
            regulated,
            regulators: vec!["Ofqual".into(), "CCEA".into()],
        }),
        ..Default::default()
    })
}

#[test]
fn a_submission_gives_the_complainant_contact_and_the_submission_reference() {
    let mut party = Party::default();
    apply(
        &mut party,
        received(pb::CorrespondencePreference::Email, false),
    );
    let c = party.complainant.as_ref().expect("complainant");
    assert_eq!(c.name, "Ada Lovelace");
    assert_eq!(c.email.as_deref(), Some("ada@example.org"));
    assert_eq!(party.reference.as_deref(), Some("SUB-2027-000042"));
    assert!(!party.by_post);
    assert_eq!(party.consent, Consent::NotApplicable);
}

/// R-CORR-1, R-REG-2: the opened complaint's reference, post preference and
/// regulators.
#[test]
fn r_corr_1_an_opened_complaint_sets_the_reference_post_preference_and_regulators() {
    let mut party = Party::default();
    apply(
        &mut party,
        received(pb::CorrespondencePreference::Email, false),
    );
    apply(&mut party, opened(true, true));
    assert_eq!(party.reference.as_deref(), Some("CMP-2027-000001"));
    assert!(party.by_post);
    assert_eq!(
        party.regulators,
        vec!["Ofqual".to_owned(), "CCEA".to_owned()]
    );
    apply(&mut party, opened(false, false));
    assert!(
        party.regulators.is_empty(),
        "an unregulated qualification has none"
    );
}

/// R-INT-4: awaiting, given, withdrawn; withdrawal is final.
#[test]
fn r_int_4_consent_moves_from_awaited_to_given_to_withdrawn_and_stays_withdrawn() {
    let mut party = Party::default();
    apply(
        &mut party,
        received(pb::CorrespondencePreference::Email, true),
    );
    assert_eq!(party.consent, Consent::Awaiting);
    assert_eq!(
        party.third_party.as_ref().and_then(|t| t.email.as_deref()),
        Some("grace@hopper-law.example")
    );
    let recorded = || {
        event(pb::ConsentRecorded {
            submission_id: "sub-1".into(),
            evidence: "signed form".into(),
            given_on: pb_date(2027, 1, 4),
            recorded_by: "s-1".into(),
        })
    };
    apply(&mut party, recorded());
    assert_eq!(party.consent, Consent::Given);
    apply(
        &mut party,
        event(pb::ConsentWithdrawn {
            submission_id: "sub-1".into(),
            withdrawn_on: pb_date(2027, 2, 1),
            recorded_by: "s-1".into(),
        }),
    );
    assert_eq!(party.consent, Consent::Withdrawn);
    apply(&mut party, recorded());
    assert_eq!(party.consent, Consent::Withdrawn);
}

/// R-INT-4: an acceptance that says consent covers the third party.
#[test]
fn r_int_4_an_acceptance_with_third_party_consent_records_consent_given() {
    let mut party = Party::default();
    apply(
        &mut party,
        event(pb::ComplaintAccepted {
            reference: "SUB-2027-000042".into(),
            complainant: Some(person("ada@example.org", false)),
            third_party: Some(third_party()),
            third_party_consent: true,
            ..Default::default()
        }),
    );
    assert_eq!(party.consent, Consent::Given);
}

/// R-UPC-1: the restriction and its review date are kept.
#[test]
fn r_upc_1_a_contact_restriction_is_recorded_with_its_review_date() {
    let mut party = Party::default();
    apply(
        &mut party,
        event(pb::ContactRestricted {
            reason: "daily calls".into(),
            review_on: pb_date(2027, 5, 1),
            restricted_on: pb_date(2027, 2, 1),
        }),
    );
    let r = party.restriction.expect("restricted");
    assert_eq!(
        (r.restricted_on, r.review_on),
        (date(2027, 2, 1), date(2027, 5, 1))
    );
}

#[test]
fn the_handler_and_live_staff_deadlines_are_tracked() {
    let mut party = Party::default();
    apply(
        &mut party,
        event(pb::ReferredToLineManager {
            manager_id: "s-manager".into(),
            team: "Customer Services".into(),
            referred_on: pb_date(2027, 1, 4),
        }),
    );
    let handler = party.handler.clone().expect("handler");
    assert_eq!(
        (handler.staff_id.as_str(), handler.stage),
        ("s-manager", Stage::Two)
    );
    let set = |kind: pb::DeadlineKind, d| {
        event(pb::DeadlineSet {
            kind: kind as i32,
            due_on: pb_date(2027, 2, d),
            ..Default::default()
        })
    };
    apply(&mut party, set(pb::DeadlineKind::Stage2Response, 1));
    apply(&mut party, set(pb::DeadlineKind::EscalationWindow, 20));
    assert_eq!(
        party.deadlines.len(),
        1,
        "the escalation window is not a staff deadline"
    );
    apply(&mut party, set(pb::DeadlineKind::AgreedTimescale, 10));
    assert_eq!(party.next_deadline(Stage::Two), Some(date(2027, 2, 1)));
    assert_eq!(party.next_deadline(Stage::One), Some(date(2027, 2, 10)));
    assert_eq!(party.next_deadline(Stage::Three), None);
    apply(
        &mut party,
        event(pb::DeadlineMet {
            kind: pb::DeadlineKind::Stage2Response as i32,
            ..Default::default()
        }),
    );
    assert!(!party.deadlines.contains_key(&DeadlineKind::Stage2Response));
}

#[test]
fn events_that_say_nothing_about_the_parties_are_ignored() {
    let mut party = Party::default();
    party
        .apply("complaints.v1.ActionAdded", b"\x08\x01")
        .expect("ignored");
    party
        .apply("something.else.Entirely", b"junk")
        .expect("ignored");
    assert_eq!(party, Party::default());
}

#[test]
fn a_malformed_payload_is_an_error_naming_the_event_type() {
    let err = Party::default()
        .apply("complaints.v1.ComplaintOpened", b"\xff\xff\xff")
        .unwrap_err();
    assert!(
        matches!(&err, WireError::Malformed { event_type, .. } if event_type == "complaints.v1.ComplaintOpened")
    );
}

#[test]
fn a_party_does_not_print_personal_data_in_debug_output() {
    let mut party = Party::default();
    apply(
        &mut party,
        received(pb::CorrespondencePreference::Post, true),
    );
    let printed = format!("{party:?}");
    for secret in ["Ada", "Lovelace", "example.org", "SW1Y", "Grace"] {
        assert!(!printed.contains(secret), "{printed}");
    }
}

/// R-INT-8: a complainant's name is read with the rule intake's edge
/// applied: what intake accepted (right-to-left marks, the longest name)
/// reaches the letter unchanged, and a name no edge accepts (a line break,
/// which would break an email header) is named as the field's error
/// before any letter is planned from it.
#[test]
fn r_int_8_names_are_read_with_the_rule_the_edge_applied() {
    let longest = format!(
        "\u{200F}{}",
        "é".repeat(fieldtext::fields::PERSON_NAME.max_chars() - 1)
    );
    let mut complainant = person("ada@example.org", false);
    complainant.first_name = longest.clone();
    let mut party = Party::default();
    apply(
        &mut party,
        event(pb::SubmissionReceived {
            reference: "SUB-2027-000043".into(),
            complainant: Some(complainant.clone()),
            ..Default::default()
        }),
    );
    let name = &party.complainant.as_ref().expect("complainant").name;
    assert!(name.starts_with(&longest), "{name}");

    complainant.first_name = "Ada\r\nBcc: all@example.org".into();
    let (event_type, payload) = event(pb::SubmissionReceived {
        reference: "SUB-2027-000044".into(),
        complainant: Some(complainant),
        ..Default::default()
    });
    match Party::default().apply(&event_type, &payload) {
        Err(WireError::Invalid { field, .. }) => assert_eq!(field, "first_name"),
        other => panic!("expected first_name to be named, got {other:?}"),
    }
}
