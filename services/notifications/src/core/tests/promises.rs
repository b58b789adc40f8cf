//! The promises a complainant can act on, event by event as the shell
//! runs them: every written submission answered (R-INT-8), one reference
//! from the first letter to the last, staff named or their role, dates in
//! words, and no letter the procedure owes stopped by a contact
//! restriction (R-UPC-1).

use super::{date, directory, event, pb_date, person, settings, third_party};
use crate::core::letters::{Remedy, StaffContact};
use crate::core::party::Party;
use crate::core::plan::{PlanContext, StaffDirectory, letters_about};
use crate::core::render::render;
use crate::core::route::{RecipientKind, route};
use crate::core::templates::BuiltInTemplates;
use crate::core::vocabulary::RemedyKind;
use complaints_proto::v1 as pb;
use std::cell::RefCell;
use std::collections::HashMap;

/// One letter as it went: to whom, its template, subject and body.
#[derive(Debug)]
struct Sent {
    to: RecipientKind,
    template: &'static str,
    subject: String,
    body: String,
}

/// A directory that remembers the ids it did not list.
struct Recording {
    staff: HashMap<String, StaffContact>,
    unlisted: RefCell<Vec<String>>,
}

impl StaffDirectory for Recording {
    fn contact(&self, staff_id: &str) -> Option<StaffContact> {
        self.staff.contact(staff_id)
    }
    fn unlisted_mailbox(&self) -> Option<StaffContact> {
        self.staff.unlisted_mailbox()
    }
    fn unlisted(&self, staff_id: &str) {
        self.unlisted.borrow_mut().push(staff_id.to_owned());
    }
}

fn recording() -> Recording {
    let mut staff = directory();
    staff.insert(
        "*".into(),
        StaffContact {
            id: "*".into(),
            name: "Customer Services team".into(),
            email: "customer.services@cilex.example".into(),
        },
    );
    Recording {
        staff,
        unlisted: RefCell::new(Vec::new()),
    }
}

/// Applies and plans one event of `stream` (a complaint's reference, or
/// `None` for intake's events), routes and renders what it calls for.
fn handle_with(
    staff: &Recording,
    party: &mut Party,
    stream: Option<&str>,
    (event_type, payload): (String, Vec<u8>),
) -> Vec<Sent> {
    party.apply(&event_type, &payload).expect("applies");
    let settings = settings();
    let ctx = PlanContext {
        staff,
        settings: &settings,
    };
    let letters = letters_about(stream, &event_type, &payload, party, &ctx).expect("planned");
    let mut sent = Vec::new();
    for letter in &letters {
        let r = route(letter, party);
        assert!(
            r.withheld.is_empty(),
            "{letter:?} withheld: {:?}",
            r.withheld
        );
        for to in r.recipients {
            let out = render(letter, &to, &BuiltInTemplates).expect("renders");
            sent.push(Sent {
                to: to.kind.clone(),
                template: letter.template(),
                subject: out.subject,
                body: out.body,
            });
        }
    }
    sent
}

fn handle(party: &mut Party, stream: Option<&str>, e: (String, Vec<u8>)) -> Vec<Sent> {
    handle_with(&recording(), party, stream, e)
}

const SUB: &str = "SUB-2027-000042";
const CMP: &str = "CMP-2027-000001";

fn received(written: bool, by_post: bool) -> (String, Vec<u8>) {
    event(pb::SubmissionReceived {
        reference: SUB.into(),
        complainant: Some(person("ada@example.org", true)),
        correspondence: if by_post {
            pb::CorrespondencePreference::Post as i32
        } else {
            pb::CorrespondencePreference::Email as i32
        },
        written,
        ..Default::default()
    })
}

fn accepted(written: bool) -> (String, Vec<u8>) {
    event(pb::ComplaintAccepted {
        reference: SUB.into(),
        complainant: Some(person("ada@example.org", true)),
        written,
        contact_within_working_days: if written { 7 } else { 0 },
        contact_due_on: if written { pb_date(2027, 1, 13) } else { None },
        ..Default::default()
    })
}

fn opened(reference: &str, written: bool, raised_from: &str) -> (String, Vec<u8>) {
    event(pb::ComplaintOpened {
        reference: reference.into(),
        written,
        raised_from: raised_from.into(),
        ..Default::default()
    })
}

fn deadline(kind: pb::DeadlineKind, due: Option<pb::Date>) -> (String, Vec<u8>) {
    event(pb::DeadlineSet {
        kind: kind as i32,
        due_on: due,
        ..Default::default()
    })
}

/// A written complaint, accepted and opened.
fn opened_written(party: &mut Party) -> Vec<Sent> {
    let mut sent = handle(party, None, received(true, false));
    sent.extend(handle(party, None, accepted(true)));
    sent.extend(handle(party, Some(CMP), opened(CMP, true, "")));
    sent.extend(handle(
        party,
        Some(CMP),
        deadline(pb::DeadlineKind::FirstContact, pb_date(2027, 1, 13)),
    ));
    sent
}

/// R-INT-8 with R-INT-2: a written submission about a matter over six
/// months old gets the automatic reply on receipt, saying staff will
/// decide; once accepted, the reply gives the contact date.
#[test]
fn r_int_8_a_written_submission_waiting_for_the_age_decision_gets_the_automatic_reply() {
    let mut party = Party::default();
    assert!(handle(&mut party, None, received(true, false)).is_empty());
    let sent = handle(
        &mut party,
        None,
        event(pb::OutOfTimeReviewRequired {
            matter_date: pb_date(2026, 1, 2),
            limit_date: pb_date(2026, 7, 4),
            reference: SUB.into(),
            written: true,
            contact_within_working_days: 7,
            contact_due_on: pb_date(2027, 1, 13),
            ..Default::default()
        }),
    );
    let [reply] = &sent[..] else {
        panic!("one automatic reply: {sent:?}")
    };
    assert_eq!(
        (&reply.to, reply.template),
        (&RecipientKind::Complainant, "automatic_reply")
    );
    assert!(reply.subject.contains(SUB), "{}", reply.subject);
    assert!(
        reply
            .body
            .contains("given it the reference SUB-2027-000042")
    );
    assert!(reply.body.contains("more than six months ago"));
    assert!(
        reply
            .body
            .contains("a member of staff will first look at whether we can consider it")
    );

    let sent = handle(&mut party, None, accepted(true));
    let [reply] = &sent[..] else {
        panic!("the acceptance reply: {sent:?}")
    };
    assert!(reply.subject.starts_with("We can consider your complaint"));
    assert!(
        reply
            .body
            .contains("within 7 working days, that is by Wednesday 13 January 2027")
    );
}

/// R-INT-8: a telephone submission waiting for the age decision gets no
/// automatic reply (it is for written submissions).
#[test]
fn r_int_8_a_telephone_submission_waiting_for_the_age_decision_gets_no_automatic_reply() {
    let mut party = Party::default();
    handle(&mut party, None, received(false, false));
    let sent = handle(
        &mut party,
        None,
        event(pb::OutOfTimeReviewRequired::default()),
    );
    assert!(sent.is_empty(), "{sent:?}");
}

/// One reference, R-INT-8: a written complaint accepted at once gets one
/// automatic reply, sent when its complaint is opened, quoting the
/// complaint's reference and the contact date; later letters quote the
/// same reference and never "continue to quote" a number not given.
#[test]
fn one_reference_a_written_complaint_gets_one_automatic_reply_quoting_the_complaint_reference() {
    let mut party = Party::default();
    let sent = opened_written(&mut party);
    let [reply] = &sent[..] else {
        panic!("one automatic reply: {sent:?}")
    };
    assert_eq!(reply.template, "automatic_reply");
    assert_eq!(
        reply.subject,
        format!("We have received your complaint (reference {CMP})")
    );
    assert_eq!(
        reply.body.matches(SUB).count(),
        1,
        "said once, plainly: {}",
        reply.body
    );
    assert!(reply.body.contains(&format!(
        "If you were given the reference {SUB} when you sent us your complaint, {CMP} replaces it"
    )));
    assert!(
        reply
            .body
            .contains("within 7 working days, that is by Wednesday 13 January 2027")
    );
    let later = handle(
        &mut party,
        Some(CMP),
        event(pb::HandlerAssigned {
            stage: pb::Stage::Stage1 as i32,
            staff_id: "s-handler".into(),
            role: pb::HandlerRole::Handler as i32,
            ..Default::default()
        }),
    );
    let letter = later
        .iter()
        .find(|s| s.to == RecipientKind::Complainant)
        .expect("a letter to the complainant");
    assert!(letter.body.contains(&format!("Your reference is {CMP}")));
    assert!(!letter.body.contains(SUB));
    assert!(!letter.body.contains("continue to quote"));
}

/// One reference: a complainant given the submission's reference (the
/// reply while the matter's age waited for a decision) is told plainly,
/// once, when the complaint is opened, that its reference replaces it.
#[test]
fn one_reference_the_complaint_reference_replaces_the_submission_reference_plainly_once() {
    let mut party = Party::default();
    handle(&mut party, None, received(true, false));
    let first = handle(
        &mut party,
        None,
        event(pb::OutOfTimeReviewRequired::default()),
    );
    assert!(first[0].subject.contains(SUB));
    let accepted = handle(&mut party, None, accepted(true));
    assert!(accepted[0].subject.contains(SUB));
    let sent = handle(&mut party, Some(CMP), opened(CMP, true, ""));
    let [told] = &sent[..] else {
        panic!("one letter introducing the reference: {sent:?}")
    };
    assert_eq!(told.template, "complaint_reference");
    assert_eq!(told.subject, format!("Your complaint reference is {CMP}"));
    assert!(told.body.contains(&format!(
        "It replaces the reference {SUB} that we gave you before; please quote {CMP} from now on."
    )));
    assert!(told.body.contains("by Wednesday 13 January 2027"));
    let later = handle(
        &mut party,
        Some(CMP),
        event(pb::TimescaleAgreed {
            due_on: pb_date(2027, 2, 1),
            agreed_on: pb_date(2027, 1, 12),
        }),
    );
    assert!(later[0].subject.contains(CMP));
    assert!(!later[0].body.contains(SUB));
}

/// One reference: when the complaint was opened before the acceptance was
/// planned, the automatic reply already quotes the complaint's reference,
/// and no second letter introduces it.
#[test]
fn one_reference_an_automatic_reply_after_the_opening_quotes_the_complaint_reference() {
    let mut party = Party::default();
    handle(&mut party, None, received(true, false));
    assert!(handle(&mut party, Some(CMP), opened(CMP, true, "")).is_empty());
    let sent = handle(&mut party, None, accepted(true));
    let [reply] = &sent[..] else {
        panic!("one automatic reply: {sent:?}")
    };
    assert!(reply.subject.contains(CMP));
    assert_eq!(reply.body.matches(SUB).count(), 1, "{}", reply.body);
}

/// One reference: a telephone complainant who asked for post gets a first
/// letter, by post, introducing their reference and what happens next.
#[test]
fn one_reference_a_telephone_complainant_by_post_is_told_their_reference_and_what_happens_next() {
    let mut party = Party::default();
    assert!(handle(&mut party, None, received(false, true)).is_empty());
    assert!(handle(&mut party, None, accepted(false)).is_empty());
    let sent = handle(
        &mut party,
        Some(CMP),
        event(pb::ComplaintOpened {
            reference: CMP.into(),
            correspondence_by_post: true,
            ..Default::default()
        }),
    );
    let [first] = &sent[..] else {
        panic!("one first letter: {sent:?}")
    };
    assert_eq!(first.template, "complaint_reference");
    assert!(
        first
            .body
            .contains("Thank you for speaking to us about your complaint")
    );
    assert!(
        first
            .body
            .contains(&format!("given it the reference {CMP}"))
    );
    assert!(first.body.contains("What happens next"));
    assert!(first.body.contains("This letter") || !first.body.contains("this email"));
}

/// R-UPC-2 with R-INT-8: new issues after closure open a new complaint,
/// acknowledged to the complainant with its reference and contact date;
/// letters about the closed complaint keep quoting its own reference.
#[test]
fn r_upc_2_new_issues_after_closure_are_acknowledged_with_the_new_reference_and_contact_date() {
    let mut party = Party::default();
    opened_written(&mut party);
    let new = "CMP-2027-000009";
    handle(
        &mut party,
        Some(CMP),
        event(pb::NewIssuesRaised {
            new_reference: new.into(),
            description: "The refund has not arrived.".into(),
            raised_on: pb_date(2027, 4, 1),
        }),
    );
    assert!(handle(&mut party, Some(new), opened(new, true, CMP)).is_empty());
    let sent = handle(
        &mut party,
        Some(new),
        deadline(pb::DeadlineKind::FirstContact, pb_date(2027, 4, 12)),
    );
    let [ack] = &sent[..] else {
        panic!("one acknowledgement: {sent:?}")
    };
    assert_eq!(ack.template, "complaint_reference");
    assert!(ack.subject.contains(new));
    assert!(
        ack.body
            .contains(&format!("concerning your complaint {CMP}"))
    );
    assert!(ack.body.contains(&format!("with the reference {new}")));
    assert!(ack.body.contains("by Monday 12 April 2027"));

    // A letter caused by the closed complaint quotes the closed one.
    let old = handle(
        &mut party,
        Some(CMP),
        event(pb::OutcomeRecorded {
            stage: pb::Stage::Stage3 as i32,
            decision: pb::Decision::NotUpheld as i32,
            findings: "Nothing more was found.".into(),
            issued_on: pb_date(2027, 4, 2),
            ..Default::default()
        }),
    );
    assert!(old[0].subject.contains(CMP), "{}", old[0].subject);
}

/// Staff by name: a handler missing from the staff directory is named by
/// role in the complainant's letter, never by id; their alert goes to the
/// unlisted-staff mailbox saying whom it was for; the directory is told.
#[test]
fn staff_by_name_a_missing_directory_entry_names_the_role_and_is_reported() {
    let staff = recording();
    let mut party = Party::default();
    opened_written(&mut party);
    let sent = handle_with(
        &staff,
        &mut party,
        Some(CMP),
        event(pb::HandlerAssigned {
            stage: pb::Stage::Stage1 as i32,
            staff_id: "handler-9".into(),
            role: pb::HandlerRole::Handler as i32,
            ..Default::default()
        }),
    );
    let to_complainant = sent
        .iter()
        .find(|s| s.to == RecipientKind::Complainant)
        .expect("the complainant is told");
    assert!(
        to_complainant
            .body
            .contains("dealt with by our Customer Services team.")
    );
    assert!(!to_complainant.body.contains("handler-9"));
    let alert = sent
        .iter()
        .find(|s| s.template == "staff_alert")
        .expect("the alert still goes");
    assert!(alert.body.starts_with("Dear Customer Services team,"));
    assert!(
        alert
            .body
            .contains("staff id handler-9, who is not in the staff directory")
    );
    assert_eq!(staff.unlisted.borrow().as_slice(), ["handler-9"]);
}

/// Staff by name: the Corporate Compliance Manager missing from the
/// directory is "our Corporate Compliance Manager".
#[test]
fn staff_by_name_a_missing_compliance_manager_is_named_by_role() {
    let mut party = Party::default();
    opened_written(&mut party);
    let sent = handle(
        &mut party,
        Some(CMP),
        event(pb::HandlerAssigned {
            stage: pb::Stage::Stage3 as i32,
            staff_id: "corporate-compliance-manager".into(),
            role: pb::HandlerRole::ComplianceManager as i32,
            ..Default::default()
        }),
    );
    let told = sent
        .iter()
        .find(|s| s.to == RecipientKind::Complainant)
        .expect("the complainant is told");
    assert!(
        told.body
            .contains("dealt with by our Corporate Compliance Manager.")
    );
    assert!(
        told.body
            .contains("Our Corporate Compliance Manager will review")
    );
}

/// Staff by name, R-POS-1: a compliment for a manager missing from the
/// directory still goes out, to the unlisted-staff mailbox.
#[test]
fn staff_by_name_a_compliment_for_an_unlisted_manager_is_not_withheld() {
    let mut party = Party::default();
    let sent = handle(
        &mut party,
        None,
        event(pb::ComplimentReceived {
            reference: "POS-2027-000003".into(),
            team: "Exams".into(),
            message: "Thank you for your help.".into(),
            routed_to: vec!["head-of-nowhere".into(), "s-manager".into()],
            ..Default::default()
        }),
    );
    let subjects: Vec<_> = sent
        .iter()
        .map(|s| (&s.to, s.body.lines().next()))
        .collect();
    assert_eq!(sent.len(), 2, "{subjects:?}");
    assert!(sent[0].body.starts_with("Dear Customer Services team,"));
    assert!(sent[0].body.contains("staff id head-of-nowhere"));
    assert!(sent[1].body.starts_with("Dear Tom Okafor,"));
}

/// Staff by name: one id missing from the directory holds up nothing: a
/// missed deadline still alerts the monitors and the unlisted handler.
#[test]
fn staff_by_name_one_missing_id_does_not_block_the_other_letters() {
    let mut party = Party::default();
    opened_written(&mut party);
    handle(
        &mut party,
        Some(CMP),
        event(pb::HandlerAssigned {
            stage: pb::Stage::Stage1 as i32,
            staff_id: "handler-9".into(),
            role: pb::HandlerRole::Handler as i32,
            ..Default::default()
        }),
    );
    let sent = handle(
        &mut party,
        Some(CMP),
        event(pb::DeadlineMissed {
            kind: pb::DeadlineKind::FirstContact as i32,
            due_on: pb_date(2027, 1, 13),
            ..Default::default()
        }),
    );
    let to: Vec<_> = sent.iter().map(|s| s.to.clone()).collect();
    assert_eq!(
        to,
        [
            RecipientKind::Staff("handler-9".into()),
            RecipientKind::Staff("s-monitor".into())
        ]
    );
}

/// R-S2-1, R-S2-4: a Stage 2 request is acknowledged when received, with
/// the date (in words) by which the manager will respond.
#[test]
fn r_s2_4_a_stage_2_request_is_acknowledged_on_receipt_with_the_response_date() {
    let mut party = Party::default();
    opened_written(&mut party);
    assert!(
        handle(
            &mut party,
            Some(CMP),
            event(pb::StageEscalated {
                to_stage: pb::Stage::Stage2 as i32,
                received_on: pb_date(2027, 3, 3),
                escalated_on: pb_date(2027, 3, 3),
                ..Default::default()
            }),
        )
        .is_empty()
    );
    let sent = handle(
        &mut party,
        Some(CMP),
        deadline(pb::DeadlineKind::Stage2Response, pb_date(2027, 3, 31)),
    );
    let [ack] = &sent[..] else {
        panic!("one acknowledgement: {sent:?}")
    };
    assert_eq!(ack.template, "stage2_acknowledgement");
    assert!(ack.body.contains("on Wednesday 3 March 2027"));
    assert!(ack.body.contains("by Wednesday 31 March 2027"));
    // The manager's allocation repeats the date.
    let sent = handle(
        &mut party,
        Some(CMP),
        event(pb::HandlerAssigned {
            stage: pb::Stage::Stage2 as i32,
            staff_id: "s-manager".into(),
            role: pb::HandlerRole::Manager as i32,
            ..Default::default()
        }),
    );
    let told = sent
        .iter()
        .find(|s| s.to == RecipientKind::Complainant)
        .expect("the complainant is told");
    assert!(
        told.body
            .contains("Tom Okafor aims to send you a response by Wednesday 31 March 2027.")
    );
}

fn restrict(party: &mut Party) {
    handle(
        party,
        Some(CMP),
        event(pb::ContactRestricted {
            reason: "Forty calls in a week.".into(),
            review_on: pb_date(2027, 6, 1),
            restricted_on: pb_date(2027, 3, 1),
        }),
    );
}

/// R-S3-4 with R-UPC-1: a Stage 3 request from a restricted complainant is
/// acknowledged when received, with the response date; the staff's later
/// record of the acknowledgement sends no second letter.
#[test]
fn r_upc_1_a_restricted_complainant_gets_the_stage_3_acknowledgement_on_receipt() {
    let mut party = Party::default();
    opened_written(&mut party);
    restrict(&mut party);
    handle(
        &mut party,
        Some(CMP),
        event(pb::StageEscalated {
            to_stage: pb::Stage::Stage3 as i32,
            received_on: pb_date(2027, 3, 3),
            ..Default::default()
        }),
    );
    let sent = handle(
        &mut party,
        Some(CMP),
        deadline(pb::DeadlineKind::Stage3Response, pb_date(2027, 3, 31)),
    );
    let [ack] = &sent[..] else {
        panic!("one acknowledgement: {sent:?}")
    };
    assert_eq!(
        (&ack.to, ack.template),
        (&RecipientKind::Complainant, "stage3_acknowledgement")
    );
    assert!(
        ack.body
            .contains("which we received on Wednesday 3 March 2027")
    );
    assert!(ack.body.contains("that is by Wednesday 31 March 2027"));
    let again = handle(
        &mut party,
        Some(CMP),
        event(pb::Stage3Acknowledged {
            acknowledged_on: pb_date(2027, 3, 4),
        }),
    );
    assert!(again.is_empty(), "{again:?}");
}

/// R-UPC-1: a restricted complainant and their consenting representative
/// still get delay notices.
#[test]
fn r_upc_1_a_restricted_complainant_still_gets_delay_notices() {
    let mut party = Party::default();
    handle(
        &mut party,
        None,
        event(pb::ComplaintAccepted {
            reference: SUB.into(),
            complainant: Some(person("ada@example.org", false)),
            third_party: Some(third_party()),
            third_party_consent: true,
            ..Default::default()
        }),
    );
    handle(&mut party, Some(CMP), opened(CMP, false, ""));
    restrict(&mut party);
    let sent = handle(
        &mut party,
        Some(CMP),
        event(pb::DeadlineExtended {
            kind: pb::DeadlineKind::AgreedTimescale as i32,
            due_on: pb_date(2027, 4, 9),
            reason: "The exam board has not replied.".into(),
            ..Default::default()
        }),
    );
    let to: Vec<_> = sent.iter().map(|s| (s.to.clone(), s.template)).collect();
    assert_eq!(
        to,
        [
            (RecipientKind::Complainant, "delay_update"),
            (RecipientKind::ThirdParty, "delay_update")
        ]
    );
    assert!(sent[0].body.contains("by Friday 9 April 2027"));
}

/// R-OUT-1: a remedy line does not repeat its kind ("An apology: An
/// apology for ..."), and one that does not say it keeps its label.
#[test]
fn r_out_1_remedy_lines_do_not_repeat_themselves() {
    let mut party = Party::default();
    opened_written(&mut party);
    let sent = handle(
        &mut party,
        Some(CMP),
        event(pb::OutcomeRecorded {
            stage: pb::Stage::Stage1 as i32,
            decision: pb::Decision::Upheld as i32,
            findings: "Your result was sent late.".into(),
            remedies: vec![
                pb::Remedy {
                    kind: pb::RemedyKind::Apology as i32,
                    description: "An apology for the delay in sending your result.".into(),
                    ..Default::default()
                },
                pb::Remedy {
                    kind: pb::RemedyKind::Explanation as i32,
                    description: "Results are checked twice before release.".into(),
                    ..Default::default()
                },
            ],
            issued_on: pb_date(2027, 3, 1),
            escalation_window_ends_on: pb_date(2027, 3, 15),
            ..Default::default()
        }),
    );
    let body = &sent[0].body;
    assert!(
        body.contains("- An apology for the delay in sending your result."),
        "{body}"
    );
    assert!(!body.contains("An apology: An apology"));
    assert!(body.contains("- An explanation: Results are checked twice before release."));
    assert!(body.contains("within 14 days, that is by Monday 15 March 2027"));
}

/// R-OUT-2: a remedy whose opening words already say what it is ("An
/// apology for...", "We are sorry...") is given alone, never as "An
/// apology: We are sorry..."; one that does not is introduced by its kind.
#[test]
fn r_out_2_a_remedy_restates_its_kind_only_when_its_opening_words_say_it() {
    let remedy = |kind, description: &str| Remedy {
        kind,
        description: description.into(),
        compensation_pence: None,
        expected_payment_on: None,
        done_by: None,
    };
    assert!(remedy(RemedyKind::Apology, "An apology for the delay.").restates_kind());
    assert!(remedy(RemedyKind::FinancialCompensation, "A refund of the fee.").restates_kind());
    assert!(remedy(RemedyKind::Apology, "We are sorry for the delay.").restates_kind());
    assert!(remedy(RemedyKind::Apology, "I am very sorry that it took so long.").restates_kind());
    assert!(
        remedy(
            RemedyKind::Apology,
            "We would like to apologise for the delay."
        )
        .restates_kind()
    );
    assert!(!remedy(RemedyKind::Apology, "The delay was ours.").restates_kind());
    assert!(
        !remedy(
            RemedyKind::TrainOrSuperviseStaff,
            "Staff in Exams will be retrained."
        )
        .restates_kind()
    );
    let _ = date(2027, 1, 1);
}

/// R-UPC-1: when a restriction's review date comes, the handler is alerted
/// to review it; a lifted restriction is no longer on the party.
#[test]
fn r_upc_1_a_restriction_review_due_alerts_the_handler() {
    let mut party = Party::default();
    opened_written(&mut party);
    handle(
        &mut party,
        Some(CMP),
        event(pb::HandlerAssigned {
            stage: pb::Stage::Stage1 as i32,
            staff_id: "s-handler".into(),
            role: pb::HandlerRole::Handler as i32,
            ..Default::default()
        }),
    );
    restrict(&mut party);
    let sent = handle(
        &mut party,
        Some(CMP),
        event(pb::RestrictionReviewDue {
            review_on: pb_date(2027, 6, 1),
            restricted_on: pb_date(2027, 3, 1),
            marked_on: pb_date(2027, 6, 1),
        }),
    );
    let [alert] = &sent[..] else {
        panic!("one alert: {sent:?}")
    };
    assert_eq!(alert.to, RecipientKind::Staff("s-handler".into()));
    assert_eq!(
        alert.subject,
        format!("Contact restriction due for review: complaint {CMP}")
    );
    assert!(alert.body.contains("due for review on Tuesday 1 June 2027"));
    handle(
        &mut party,
        Some(CMP),
        event(pb::ContactRestrictionLifted {
            reason: "Calls have stopped.".into(),
            review_on: pb_date(2027, 6, 1),
            lifted_on: pb_date(2027, 6, 2),
        }),
    );
    assert!(party.restriction.is_none());
}

/// R-UPC-2 with R-INT-8: new issues raised too long after the complainant
/// became aware of them are acknowledged while staff decide, and a decline
/// is explained with its reason; a compelling reason sends nothing yet (the
/// new complaint is acknowledged when opened).
#[test]
fn r_upc_2_new_issues_awaiting_a_decision_are_acknowledged_and_a_decline_explained() {
    let mut party = Party::default();
    opened_written(&mut party);
    let sent = handle(
        &mut party,
        Some(CMP),
        event(pb::NewIssuesAwaitingDecision {
            description: "The refund never arrived.".into(),
            became_aware_on: pb_date(2026, 1, 5),
            raised_on: pb_date(2027, 4, 1),
        }),
    );
    let [ack] = &sent[..] else {
        panic!("one acknowledgement: {sent:?}")
    };
    assert_eq!(
        ack.subject,
        format!("We have received the new issues you raised (reference {CMP})")
    );
    assert!(ack.body.contains("a member of staff will first decide"));
    let sent = handle(
        &mut party,
        Some(CMP),
        event(pb::NewIssuesDecided {
            compelling_reason: false,
            reason: "The refund was paid on 3 February 2026.".into(),
            decided_on: pb_date(2027, 4, 8),
        }),
    );
    let [declined] = &sent[..] else {
        panic!("one decline: {sent:?}")
    };
    assert!(
        declined
            .body
            .contains("The refund was paid on 3 February 2026.")
    );
    assert!(
        declined
            .body
            .contains("we are not able to consider these new issues")
    );
    let considered = handle(
        &mut party,
        Some(CMP),
        event(pb::NewIssuesDecided {
            compelling_reason: true,
            reason: "Staff gave the wrong advice.".into(),
            decided_on: pb_date(2027, 4, 8),
        }),
    );
    assert!(considered.is_empty());
}

/// R-INT-8 with R-INT-4: a third party who raised the complaint with the
/// individual's consent is told, like the complainant, within how many
/// working days and by which date staff will make contact.
#[test]
fn r_int_8_a_consenting_third_party_is_told_the_contact_date() {
    let mut party = Party::default();
    handle(
        &mut party,
        None,
        event(pb::ComplaintAccepted {
            reference: SUB.into(),
            complainant: Some(person("ada@example.org", false)),
            third_party: Some(third_party()),
            third_party_consent: true,
            written: true,
            contact_within_working_days: 7,
            contact_due_on: pb_date(2027, 1, 13),
            ..Default::default()
        }),
    );
    let sent = handle(&mut party, Some(CMP), opened(CMP, true, ""));
    let to: Vec<_> = sent.iter().map(|s| (s.to.clone(), s.template)).collect();
    assert_eq!(
        to,
        [
            (RecipientKind::Complainant, "automatic_reply"),
            (RecipientKind::ThirdParty, "automatic_reply")
        ]
    );
    for s in &sent {
        assert!(
            s.body
                .contains("within 7 working days, that is by Wednesday 13 January 2027"),
            "{}",
            s.body
        );
    }
    assert!(
        sent[1]
            .body
            .contains("the person you represent has given their consent")
    );
}

/// R-OUT-1: a remedy carrying the date it will be done by states it in
/// words in the outcome letter.
#[test]
fn r_out_1_a_remedy_with_a_date_states_it_in_words() {
    let mut party = Party::default();
    opened_written(&mut party);
    let sent = handle(
        &mut party,
        Some(CMP),
        event(pb::OutcomeRecorded {
            stage: pb::Stage::Stage1 as i32,
            decision: pb::Decision::Upheld as i32,
            findings: "The guidance was unclear.".into(),
            remedies: vec![pb::Remedy {
                kind: pb::RemedyKind::RevisePublishedMaterial as i32,
                description: "We will rewrite the resit guidance.".into(),
                done_by: pb_date(2026, 12, 16),
                ..Default::default()
            }],
            issued_on: pb_date(2026, 11, 2),
            escalation_window_ends_on: pb_date(2026, 11, 16),
            ..Default::default()
        }),
    );
    let body = &sent[0].body;
    assert!(
        body.contains("We will have done this by Wednesday 16 December 2026."),
        "{body}"
    );
}
