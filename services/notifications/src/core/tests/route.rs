//! Who gets what: R-CORR-1 (email or post), R-INT-4 (third parties and
//! consent), R-UPC-1 (contact restriction).

use super::{date, email_party, represented_party, staff};
use crate::core::letters::*;
use crate::core::party::{Consent, Restriction};
use crate::core::route::{
    Channel, RecipientKind as K, Withheld, WithheldReason as Why, recipients, route,
};
use crate::core::vocabulary::{DeadlineKind, Decision, Stage};
use calendar::WorkingDays;

fn update() -> Letter {
    Letter::DelayUpdate(DelayUpdate {
        reference: "CMP-2027-000001".into(),
        stage: Stage::One,
        reason: "We are waiting for the examiner's report.".into(),
        revised_due_on: None,
    })
}

fn final_outcome() -> Letter {
    Letter::FinalOutcome(FinalOutcome {
        reference: "CMP-2027-000001".into(),
        decision: Decision::NotUpheld,
        findings: "…".into(),
        remedies: vec![],
        issued_on: date(2027, 3, 1),
        regulators: vec![],
    })
}

fn consent_letters() -> (Letter, Letter) {
    let reference = "SUB-2027-000042".to_owned();
    (
        Letter::ConsentRequest(ConsentRequest {
            reference: reference.clone(),
            third_party_name: "Grace Hopper".into(),
            relationship: "employer".into(),
            organisation: String::new(),
        }),
        Letter::ThirdPartyNotice(ThirdPartyNotice {
            reference,
            contact: None,
        }),
    )
}

fn kinds(letter: &Letter, party: &crate::core::party::Party) -> Vec<K> {
    recipients(letter, party)
        .into_iter()
        .map(|r| r.kind)
        .collect()
}

/// R-CORR-1: email by default.
#[test]
fn r_corr_1_correspondence_goes_by_email_unless_post_was_asked_for() {
    let to = recipients(&update(), &email_party());
    assert_eq!(to.len(), 1);
    assert_eq!(to[0].kind, K::Complainant);
    assert_eq!(to[0].name, "Ada Lovelace");
    assert_eq!(to[0].channel, Channel::Email("ada@example.org".into()));
}

/// R-CORR-1: post when asked for, to the recorded address.
#[test]
fn r_corr_1_a_complainant_who_asked_for_post_gets_letters_by_post() {
    let party = crate::core::party::Party {
        by_post: true,
        ..email_party()
    };
    let to = recipients(&update(), &party);
    assert_eq!(
        to[0].channel,
        Channel::Post {
            lines: vec!["12 St James's Square".into(), "London".into()],
            postcode: "SW1Y 4JH".into()
        }
    );
}

/// R-CORR-1: post asked for but no address: withheld for staff, not
/// silently emailed.
#[test]
fn r_corr_1_post_without_an_address_is_withheld_rather_than_emailed() {
    let mut party = email_party();
    party.by_post = true;
    if let Some(c) = party.complainant.as_mut() {
        c.postal = None;
    }
    let r = route(&update(), &party);
    assert!(r.recipients.is_empty());
    assert_eq!(
        r.withheld,
        vec![Withheld {
            kind: K::Complainant,
            reason: Why::NoPostalAddress
        }]
    );
}

/// R-INT-4: before consent, nothing about the complaint goes to the third party.
#[test]
fn r_int_4_no_letter_goes_to_a_third_party_without_consent() {
    let party = represented_party(Consent::Awaiting);
    let r = route(&update(), &party);
    assert_eq!(kinds(&update(), &party), vec![K::Complainant]);
    assert_eq!(
        r.withheld,
        vec![Withheld {
            kind: K::ThirdParty,
            reason: Why::NoConsent
        }]
    );
}

/// R-INT-4: with consent the third party gets a copy of each letter.
#[test]
fn r_int_4_a_consented_third_party_gets_a_copy_by_email() {
    let party = represented_party(Consent::Given);
    let to = recipients(&update(), &party);
    assert_eq!(to.len(), 2);
    assert_eq!(to[1].kind, K::ThirdParty);
    assert_eq!(to[1].name, "Grace Hopper");
    assert_eq!(
        to[1].channel,
        Channel::Email("grace@hopper-law.example".into())
    );
}

/// R-INT-4: after withdrawal nothing more goes to the third party, not even
/// an outcome.
#[test]
fn r_int_4_nothing_goes_to_a_third_party_after_consent_is_withdrawn() {
    let party = represented_party(Consent::Withdrawn);
    for letter in [update(), final_outcome(), consent_letters().1] {
        let r = route(&letter, &party);
        assert!(
            r.recipients.iter().all(|x| x.kind != K::ThirdParty),
            "{letter:?}"
        );
        assert!(r.withheld.contains(&Withheld {
            kind: K::ThirdParty,
            reason: Why::ConsentWithdrawn
        }));
    }
}

/// R-INT-4: the request goes to the individual, the notice asking for
/// consent to the third party, before consent is given.
#[test]
fn r_int_4_the_consent_request_goes_to_the_individual_and_the_notice_to_the_third_party() {
    let party = represented_party(Consent::Awaiting);
    let (request, notice) = consent_letters();
    assert_eq!(kinds(&request, &party), vec![K::Complainant]);
    assert_eq!(kinds(&notice, &party), vec![K::ThirdParty]);
}

fn restricted(party: crate::core::party::Party) -> crate::core::party::Party {
    crate::core::party::Party {
        restriction: Some(Restriction {
            restricted_on: date(2027, 2, 1),
            review_on: date(2027, 5, 1),
        }),
        ..party
    }
}

/// R-UPC-1: a restriction limits the complainant's contact with us, never
/// the letters owed to them: an update reaches them and their consenting
/// representative.
#[test]
fn r_upc_1_a_contact_restriction_withholds_no_letter_the_procedure_owes() {
    let party = restricted(represented_party(Consent::Given));
    let r = route(&update(), &party);
    assert!(r.withheld.is_empty(), "{:?}", r.withheld);
    assert_eq!(
        r.recipients
            .iter()
            .map(|t| t.kind.clone())
            .collect::<Vec<_>>(),
        vec![K::Complainant, K::ThirdParty]
    );
}

/// R-UPC-1 with R-OUT-1 and R-S3-6: outcome letters still go.
#[test]
fn r_upc_1_outcome_letters_still_go_while_contact_is_restricted() {
    let party = restricted(represented_party(Consent::Given));
    assert_eq!(
        kinds(&final_outcome(), &party),
        vec![K::Complainant, K::ThirdParty]
    );
}

#[test]
fn staff_letters_go_to_the_member_of_staff_whatever_the_complainant_state() {
    let party = restricted(represented_party(Consent::Withdrawn));
    let alert = Letter::StaffAlert(StaffAlert {
        to: staff("s-handler", "Priya Shah"),
        unlisted: None,
        reference: "CMP-2027-000001".into(),
        alert: Alert::DeadlineApproaching(DeadlineKind::Stage2Response),
        due_on: Some(date(2027, 2, 1)),
    });
    let to = recipients(&alert, &party);
    assert_eq!(to.len(), 1);
    assert_eq!(to[0].kind, K::Staff("s-handler".into()));
    assert_eq!(
        to[0].channel,
        Channel::Email("s-handler@cilex.example".into())
    );
    let compliment = Letter::ComplimentForManager(ComplimentForManager {
        to: staff("s-manager", "Tom Okafor"),
        unlisted: None,
        reference: "POS-1".into(),
        team: "Exams".into(),
        about_person: None,
        message: "Thank you".into(),
    });
    assert_eq!(
        kinds(&compliment, &party),
        vec![K::Manager("s-manager".into())]
    );
}

#[test]
fn a_letter_with_no_known_complainant_is_withheld_for_want_of_contact_details() {
    let letter = Letter::AutomaticReply(AutomaticReply {
        reference: "SUB-1".into(),
        contact: Some((WorkingDays::new(7), date(2027, 1, 6))),
        awaiting_age_decision: false,
        after_age_decision: false,
        replaces: None,
    });
    let r = route(&letter, &crate::core::party::Party::default());
    assert_eq!(
        r.withheld,
        vec![Withheld {
            kind: K::Complainant,
            reason: Why::NoContactDetails
        }]
    );
}

#[test]
fn recipients_do_not_print_names_or_addresses_in_debug_output() {
    let printed = format!("{:?}", recipients(&update(), &email_party()));
    assert!(
        !printed.contains("Ada") && !printed.contains("example.org"),
        "{printed}"
    );
}
