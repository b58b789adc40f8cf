//! From incoming event bytes to rendered letters, as the shell runs it.

use super::{ctx, directory, event, pb_date, person, settings, third_party};
use crate::core::party::Party;
use crate::core::plan::letters_for;
use crate::core::render::render;
use crate::core::route::{RecipientKind, route};
use crate::core::templates::BuiltInTemplates;
use complaints_proto::v1 as pb;

/// What went out for one event: (recipient kind, channel is post, subject, body).
type Sent = Vec<(RecipientKind, bool, String, String)>;

fn handle(party: &mut Party, (event_type, payload): (String, Vec<u8>)) -> Sent {
    party.apply(&event_type, &payload).expect("applies");
    let (staff, settings) = (directory(), settings());
    let letters =
        letters_for(&event_type, &payload, party, &ctx(&staff, &settings)).expect("planned");
    let mut sent = Vec::new();
    for letter in &letters {
        for to in route(letter, party).recipients {
            let out = render(letter, &to, &BuiltInTemplates).expect("renders");
            sent.push((to.kind.clone(), to.channel.is_post(), out.subject, out.body));
        }
    }
    sent
}

fn final_outcome() -> (String, Vec<u8>) {
    event(pb::OutcomeRecorded {
        stage: pb::Stage::Stage3 as i32,
        decision: pb::Decision::NotUpheld as i32,
        findings: "Your script was marked in line with the published scheme.".into(),
        issued_on: pb_date(2027, 3, 1),
        ..Default::default()
    })
}

/// R-CORR-1, R-S3-6, R-REG-2: a regulated complaint, by post, to the end.
#[test]
fn r_reg_2_a_regulated_complaint_by_post_ends_with_a_posted_final_letter_naming_the_regulators() {
    let mut party = Party::default();
    handle(
        &mut party,
        event(pb::SubmissionReceived {
            reference: "SUB-2027-000042".into(),
            complainant: Some(person("ada@example.org", true)),
            correspondence: pb::CorrespondencePreference::Post as i32,
            ..Default::default()
        }),
    );
    handle(
        &mut party,
        event(pb::ComplaintOpened {
            reference: "CMP-2027-000001".into(),
            correspondence_by_post: true,
            qualification: Some(pb::ComplaintQualification {
                code: "L3-DIP-LP".into(),
                regulated: true,
                regulators: vec![
                    "Ofqual".into(),
                    "Qualifications Wales".into(),
                    "CCEA".into(),
                ],
            }),
            ..Default::default()
        }),
    );
    let sent = handle(&mut party, final_outcome());
    assert_eq!(sent.len(), 1);
    let (kind, by_post, subject, body) = &sent[0];
    assert_eq!((kind, *by_post), (&RecipientKind::Complainant, true));
    assert!(subject.contains("CMP-2027-000001"));
    assert!(body.contains("The outcome of Stage 3 is final"));
    assert!(body.contains("seek independent legal advice"));
    assert!(body.contains("Ofqual, Qualifications Wales or CCEA"));
    assert!(body.contains("This letter is that evidence"));
}

/// R-INT-4: the third party hears about consent, then gets copies with
/// consent, then nothing once it is withdrawn.
#[test]
fn r_int_4_a_represented_complaint_copies_the_third_party_only_while_consent_stands() {
    let mut party = Party::default();
    let asked = handle(
        &mut party,
        event(pb::ConsentRequested {
            reference: "SUB-2027-000042".into(),
            individual: Some(person("ada@example.org", false)),
            third_party: Some(third_party()),
            ..Default::default()
        }),
    );
    let kinds: Vec<_> = asked.iter().map(|s| s.0.clone()).collect();
    assert_eq!(
        kinds,
        vec![RecipientKind::Complainant, RecipientKind::ThirdParty]
    );
    assert!(asked[0].3.starts_with("Dear Ada Lovelace,"));
    assert!(asked[1].3.starts_with("Dear Grace Hopper,"));

    handle(
        &mut party,
        event(pb::ConsentRecorded {
            submission_id: "sub-1".into(),
            ..Default::default()
        }),
    );
    handle(
        &mut party,
        event(pb::ComplaintOpened {
            reference: "CMP-2027-000001".into(),
            ..Default::default()
        }),
    );
    let agreed = handle(
        &mut party,
        event(pb::TimescaleAgreed {
            due_on: pb_date(2027, 1, 29),
            agreed_on: pb_date(2027, 1, 5),
        }),
    );
    assert_eq!(
        agreed.len(),
        2,
        "the complainant and, with consent, the representative"
    );
    assert!(
        agreed[1]
            .3
            .contains("the person you represent has given their consent")
    );

    handle(
        &mut party,
        event(pb::ConsentWithdrawn {
            submission_id: "sub-1".into(),
            ..Default::default()
        }),
    );
    let outcome = handle(&mut party, final_outcome());
    let kinds: Vec<_> = outcome.iter().map(|s| s.0.clone()).collect();
    assert_eq!(kinds, vec![RecipientKind::Complainant]);
}

/// R-UPC-1: restricted contact stops neither an update nor the outcome.
#[test]
fn r_upc_1_after_a_restriction_the_update_and_the_outcome_both_go() {
    let mut party = Party::default();
    handle(
        &mut party,
        event(pb::SubmissionReceived {
            reference: "SUB-2027-000042".into(),
            complainant: Some(person("ada@example.org", false)),
            ..Default::default()
        }),
    );
    handle(
        &mut party,
        event(pb::ComplaintOpened {
            reference: "CMP-2027-000001".into(),
            ..Default::default()
        }),
    );
    handle(
        &mut party,
        event(pb::ContactRestricted {
            reason: "repeated calls".into(),
            review_on: pb_date(2027, 5, 1),
            restricted_on: pb_date(2027, 2, 1),
        }),
    );
    let update = event(pb::UpdateRecorded {
        stage: pb::Stage::Stage3 as i32,
        reason: "Waiting for a report.".into(),
        ..Default::default()
    });
    let sent = handle(&mut party, update);
    assert!(
        matches!(&sent[..], [(RecipientKind::Complainant, false, subject, _)] if subject.starts_with("An update on your complaint")),
        "{sent:?}"
    );
    let outcome = handle(&mut party, final_outcome());
    assert!(matches!(
        &outcome[..],
        [(RecipientKind::Complainant, false, _, _)]
    ));
}
