//! R-ADJ-1: the reasonable adjustments, read from intake's events and
//! honoured in every letter to the complainant.

use super::{complainant_by_email, event, person};
use crate::core::adjustments::Adjustments;
use crate::core::letters::{Letter, TimescaleAgreed};
use crate::core::party::Party;
use crate::core::render::render;
use crate::core::route::{Channel, Recipient, RecipientKind};
use crate::core::templates::BuiltInTemplates;
use chrono::NaiveDate;
use complaints_proto::v1 as pb;

fn asked() -> Adjustments {
    Adjustments {
        large_print: true,
        other_format: Some("braille".into()),
        contact_method: Some("telephone".into()),
        contact_time: Some("weekday mornings".into()),
        representative: Some(("Grace Hopper".into(), "daughter".into())),
        other: Some("Short sentences, please.".into()),
    }
}

fn letter() -> Letter {
    Letter::TimescaleAgreed(TimescaleAgreed {
        reference: "CMP-2027-000001".into(),
        respond_by: NaiveDate::from_ymd_opt(2027, 1, 29).expect("a date"),
    })
}

#[test]
fn r_adj_1_structured_adjustments_are_read_from_the_submission() {
    let mut party = Party::default();
    let (t, p) = event(pb::SubmissionReceived {
        reference: "SUB-2027-000042".into(),
        complainant: Some(person("ada@example.org", false)),
        reasonable_adjustments: "Short sentences, please.".into(),
        adjustments: Some(pb::ReasonableAdjustments {
            large_print: true,
            other_format: "braille".into(),
            contact_method: "telephone".into(),
            contact_time: "weekday mornings".into(),
            representative_name: "Grace Hopper".into(),
            representative_relationship: "daughter".into(),
            other: "Short sentences, please.".into(),
        }),
        ..Default::default()
    });
    party.apply(&t, &p).expect("applies");
    assert_eq!(party.adjustments, Some(asked()));
}

/// Events stored before the structured message hold the free text only;
/// "large print" in it still asks for large print.
#[test]
fn r_adj_1_older_events_free_text_still_asks_for_large_print() {
    let mut party = Party::default();
    let (t, p) = event(pb::ComplaintAccepted {
        reference: "SUB-2027-000042".into(),
        complainant: Some(person("ada@example.org", true)),
        reasonable_adjustments: "Letters in Large Print please".into(),
        ..Default::default()
    });
    party.apply(&t, &p).expect("applies");
    let read = party.adjustments.expect("read from the free text");
    assert!(read.large_print);
    assert_eq!(read.other.as_deref(), Some("Letters in Large Print please"));

    let mut none = Party::default();
    let (t, p) = event(pb::ComplaintAccepted {
        reference: "SUB-2027-000043".into(),
        complainant: Some(person("ada@example.org", true)),
        ..Default::default()
    });
    none.apply(&t, &p).expect("applies");
    assert_eq!(none.adjustments, None);
}

#[test]
fn r_adj_1_a_letter_to_the_complainant_says_how_each_adjustment_is_honoured() {
    let to = Recipient {
        adjustments: Some(asked()),
        ..complainant_by_email()
    };
    let out = render(&letter(), &to, &BuiltInTemplates).expect("renders");
    let note_at = out
        .body
        .find("You asked for large print")
        .expect("large print is honoured");
    let sign_off = out.body.rfind("Yours sincerely").expect("a sign-off");
    assert!(note_at < sign_off, "{}", out.body);
    for said in [
        "You asked for our letters in braille: we are preparing this email in that format",
        "We will contact you by telephone, at the time you prefer (weekday mornings), as you asked.",
        "we will also speak with Grace Hopper, your daughter, about your complaint",
        "We have also noted the other adjustments you asked for",
    ] {
        assert!(out.body.contains(said), "{said:?} in\n{}", out.body);
    }
    assert!(!out.body.contains("\n\n\n"), "{}", out.body);

    let posted = Recipient {
        channel: Channel::Post {
            lines: vec!["12 St James's Square".into()],
            postcode: "SW1Y 4JH".into(),
        },
        ..to.clone()
    };
    let out = render(&letter(), &posted, &BuiltInTemplates).expect("renders");
    assert!(
        out.body
            .contains("We have printed this letter in large print, as you asked.")
    );
}

#[test]
fn r_adj_1_without_adjustments_or_to_anyone_else_the_letter_is_unchanged() {
    let plain = render(&letter(), &complainant_by_email(), &BuiltInTemplates).expect("renders");
    let third_party = Recipient {
        kind: RecipientKind::ThirdParty,
        adjustments: None,
        ..complainant_by_email()
    };
    let copy = render(&letter(), &third_party, &BuiltInTemplates).expect("renders");
    assert!(!plain.body.contains("as you asked"));
    assert!(!copy.body.contains("as you asked"));
    let nothing = Recipient {
        adjustments: Some(Adjustments::default()),
        ..complainant_by_email()
    };
    assert_eq!(
        render(&letter(), &nothing, &BuiltInTemplates).expect("renders"),
        plain
    );
}
