//! Each letter renders from its shipped template, in plain British English
//! with UK dates; a broken template is a clear error naming it.

use super::{complainant_by_email, date, staff};
use crate::core::letters::*;
use crate::core::render::{RenderError, Rendered, TemplateSource, render, template_file};
use crate::core::route::{Channel, Recipient, RecipientKind};
use crate::core::templates::{BuiltInTemplates, SHIPPED};
use crate::core::vocabulary::{DeadlineKind, Decision, Ground, RemedyKind, Role, Stage};
use calendar::WorkingDays;
use std::collections::HashMap;

const REF: &str = "CMP-2027-000001";

fn remedies() -> Vec<Remedy> {
    vec![
        Remedy {
            kind: RemedyKind::Apology,
            description: "We are sorry that your exam result was delayed.".into(),
            compensation_pence: None,
            expected_payment_on: None,
            done_by: None,
        },
        Remedy {
            kind: RemedyKind::FinancialCompensation,
            description: "A refund of your re-mark fee.".into(),
            compensation_pence: Some(9500),
            expected_payment_on: Some(date(2027, 2, 19)),
            done_by: None,
        },
    ]
}

fn stage_outcome(stage: Stage) -> StageOutcome {
    let to_stage = stage.next().expect("Stage 1 or 2");
    StageOutcome {
        reference: REF.into(),
        stage,
        decision: Decision::PartlyUpheld,
        findings: "Your re-mark request was logged late.".into(),
        remedies: remedies(),
        issued_on: date(2027, 1, 6),
        escalation: EscalationRight {
            to_stage,
            grounds: Ground::available_for(to_stage),
            within_days: 14,
            last_date: date(2027, 1, 20),
            // Posted Wednesday 6 January, received Friday 8 January.
            last_date_by_post: date(2027, 1, 22),
        },
    }
}

fn final_outcome(regulators: &[&str]) -> FinalOutcome {
    FinalOutcome {
        reference: REF.into(),
        decision: Decision::NotUpheld,
        findings: "The assessment was marked in line with the published scheme.".into(),
        remedies: vec![],
        issued_on: date(2027, 3, 1),
        regulators: regulators.iter().map(|r| (*r).to_owned()).collect(),
    }
}

/// One of every letter.
fn samples() -> Vec<Letter> {
    vec![
        Letter::AutomaticReply(AutomaticReply {
            reference: "SUB-2027-000042".into(),
            contact: Some((WorkingDays::new(7), date(2027, 1, 6))),
            awaiting_age_decision: false,
            after_age_decision: false,
            replaces: None,
        }),
        Letter::RedirectNotice(RedirectNotice {
            reference: "SUB-2027-000042".into(),
            redirected_to: "the Appeals team".into(),
            dealt_with_by: "Sam Patel".into(),
        }),
        Letter::OutOfTimeDeclined(OutOfTimeDeclined {
            reference: "SUB-2027-000042".into(),
            reason: "The exam sitting was in 2024.".into(),
        }),
        Letter::ConsentRequest(ConsentRequest {
            reference: "SUB-2027-000042".into(),
            third_party_name: "Grace Hopper".into(),
            relationship: "employer".into(),
            organisation: "Hopper Law LLP".into(),
        }),
        Letter::ThirdPartyNotice(ThirdPartyNotice {
            reference: "SUB-2027-000042".into(),
            contact: Some((WorkingDays::new(7), date(2027, 1, 6))),
        }),
        Letter::NowDealtWithBy(NowDealtWithBy {
            reference: REF.into(),
            stage: Stage::Two,
            role: Role::Manager,
            handler_name: Some("Tom Okafor".into()),
            team: "Customer Services".into(),
            respond_by: Some(date(2027, 2, 1)),
        }),
        Letter::TimescaleAgreed(TimescaleAgreed {
            reference: REF.into(),
            respond_by: date(2027, 1, 29),
        }),
        Letter::DelayUpdate(DelayUpdate {
            reference: REF.into(),
            stage: Stage::Three,
            reason: "We are waiting for the examiner's report.".into(),
            revised_due_on: Some(date(2027, 2, 26)),
        }),
        Letter::Stage3Acknowledgement(Stage3Acknowledgement {
            reference: REF.into(),
            received_on: Some(date(2027, 1, 27)),
            respond_within: WorkingDays::new(20),
            respond_by: Some(date(2027, 2, 3)),
        }),
        Letter::StageOutcome(stage_outcome(Stage::One)),
        Letter::FinalOutcome(final_outcome(&[])),
        Letter::ComplimentForManager(ComplimentForManager {
            to: staff("s-manager", "Tom Okafor"),
            unlisted: None,
            reference: "CMP-POS-2027-000003".into(),
            team: "Exams".into(),
            about_person: Some("Sam".into()),
            message: "Sam sorted out my entry in one call.".into(),
        }),
        Letter::StaffAlert(StaffAlert {
            to: staff("s-handler", "Priya Shah"),
            unlisted: None,
            reference: REF.into(),
            alert: Alert::DeadlineMissed(DeadlineKind::Stage2Response),
            due_on: Some(date(2027, 1, 6)),
        }),
        Letter::ComplaintReference(ComplaintReference {
            reference: REF.into(),
            replaces: Some("SUB-2027-000042".into()),
            raised_from: None,
            contact_by: Some(date(2027, 1, 6)),
            written: true,
        }),
        Letter::NewIssuesNotice(NewIssuesNotice {
            reference: REF.into(),
            declined: None,
        }),
        Letter::Stage2Acknowledgement(Stage2Acknowledgement {
            reference: REF.into(),
            received_on: date(2027, 1, 4),
            respond_by: date(2027, 2, 1),
        }),
        Letter::FollowLink(FollowLink {
            reference: REF.into(),
        }),
    ]
}

fn to(name: &str) -> Recipient {
    Recipient {
        kind: RecipientKind::Staff("s".into()),
        name: name.into(),
        channel: Channel::Email("x@cilex.example".into()),
        adjustments: None,
    }
}

fn rendered(letter: &Letter) -> Rendered {
    render(letter, &complainant_by_email(), &BuiltInTemplates).expect("renders")
}

#[test]
fn every_letter_renders_from_its_shipped_template_with_a_subject_and_a_greeting() {
    for letter in samples() {
        let out = render(&letter, &to("Ada Lovelace"), &BuiltInTemplates)
            .unwrap_or_else(|e| panic!("{}: {e}", letter.template()));
        assert!(!out.subject.is_empty(), "{}", letter.template());
        assert!(
            out.subject.contains(letter.reference()),
            "{}: {}",
            letter.template(),
            out.subject
        );
        assert!(
            out.body.starts_with("Dear Ada Lovelace,\n\n"),
            "{}:\n{}",
            letter.template(),
            out.body
        );
        assert!(
            !out.body.contains("{{") && !out.body.contains("{%"),
            "{}",
            letter.template()
        );
        assert!(
            !out.body.contains("\n\n\n"),
            "{}: stray blank lines:\n{}",
            letter.template(),
            out.body
        );
    }
}

#[test]
fn every_shipped_template_belongs_to_a_letter() {
    let used: Vec<String> = samples().iter().map(template_file).collect();
    for (file, _) in SHIPPED {
        assert!(
            used.iter().any(|u| u == file),
            "{file} is not used by any letter"
        );
    }
    assert_eq!(used.len(), SHIPPED.len());
}

/// R-INT-8: the automatic reply spells out the working-day deadline.
#[test]
fn r_int_8_the_automatic_reply_gives_the_working_days_and_the_uk_date() {
    let out = rendered(&samples()[0]);
    assert_eq!(
        out.subject,
        "We have received your complaint (reference SUB-2027-000042)"
    );
    assert!(
        out.body
            .contains("within 7 working days, that is by Wednesday 6 January 2027"),
        "{}",
        out.body
    );
}

/// R-INT-6: where the complaint went and who deals with it.
#[test]
fn r_int_6_the_redirect_notice_says_where_and_who() {
    let out = rendered(&samples()[1]);
    assert!(out.body.contains("the Appeals team"));
    assert!(out.body.contains("Sam Patel will be dealing with it"));
}

/// R-INT-4: the individual is asked for consent and told they can withdraw.
#[test]
fn r_int_4_the_consent_request_names_the_third_party_and_the_right_to_withdraw() {
    let out = rendered(&samples()[3]);
    assert!(
        out.body
            .contains("Grace Hopper of Hopper Law LLP, who we understand is your employer,")
    );
    assert!(out.body.contains("express consent"));
    assert!(out.body.contains("withdraw your consent at any stage"));
}

/// R-INT-8: the third party who raised a complaint for someone gets the
/// automatic reply a complainant gets: staff will make contact within the
/// configured working days, and by which date.
#[test]
fn r_int_8_the_third_party_is_told_within_how_many_working_days_and_by_when_staff_make_contact() {
    let out = rendered(&samples()[4]);
    assert!(
        out.body.contains(
            "A member of staff will contact you within 7 working days, that is by Wednesday \
             6 January 2027, to talk through the complaint and the consent we need."
        ),
        "{}",
        out.body
    );
    let unwritten = Letter::ThirdPartyNotice(ThirdPartyNotice {
        reference: "SUB-2027-000042".into(),
        contact: None,
    });
    assert!(
        !rendered(&unwritten)
            .body
            .contains("will contact you within")
    );
}

/// R-S1-3: the complainant is told who now deals with it.
#[test]
fn r_s1_3_the_complainant_is_told_who_now_deals_with_the_complaint() {
    let out = rendered(&samples()[5]);
    assert!(
        out.body
            .contains("now being dealt with by Tom Okafor, a manager (Customer Services).")
    );
    assert!(out.body.contains("Stage 2"));
}

/// R-S1-2, R-S3-5: the reason and the revised date.
#[test]
fn r_s3_5_a_delay_update_gives_the_reason_and_when_to_expect_the_response() {
    let out = rendered(&samples()[7]);
    assert!(
        out.body
            .contains("We are waiting for the examiner's report.")
    );
    assert!(
        out.body
            .contains("or a further update, by Friday 26 February 2027")
    );
}

/// R-S3-4, R-S3-5: the acknowledgement quotes the reference and the date.
#[test]
fn r_s3_4_the_acknowledgement_quotes_the_reference_and_the_response_date() {
    let out = rendered(&samples()[8]);
    assert!(out.body.contains("Its reference number is CMP-2027-000001"));
    assert!(
        out.body
            .contains("within 20 working days, that is by Wednesday 3 February 2027.\n\nIf the")
    );
}

/// R-OUT-1, R-OUT-2: findings, decision, remedies with money as £95.00.
#[test]
fn r_out_1_an_outcome_letter_gives_findings_decision_and_remedies() {
    let out = rendered(&samples()[9]);
    assert!(out.body.contains("We have upheld part of your complaint."));
    assert!(out.body.contains("Your re-mark request was logged late."));
    assert!(
        out.body
            .contains("- We are sorry that your exam result was delayed.")
    );
    assert!(
        !out.body.contains("An apology: We are sorry"),
        "{}",
        out.body
    );
    assert!(
        out.body.contains(
            "We will pay you £95.00, which we expect to reach you by Friday 19 February 2027."
        ),
        "{}",
        out.body
    );
}

/// R-S1-4, R-S2-1: a Stage 1 outcome gives grounds (a)-(c) and the last date.
#[test]
fn r_s1_4_a_stage_1_outcome_gives_the_grounds_for_stage_2_and_the_last_date() {
    let out = rendered(&samples()[9]);
    assert!(out.body.contains("taken to Stage 2"));
    assert!(
        out.body
            .contains("not been fully understood, or has not been investigated thoroughly")
    );
    assert!(
        out.body
            .contains("not all of the points you raised have been fully responded to")
    );
    assert!(
        out.body
            .contains("within the agreed timescale and were not told when to expect it")
    );
    assert!(
        out.body
            .contains("within 14 days, that is by Wednesday 20 January 2027")
    );
    assert!(!out.body.contains("outcome you are seeking"));
}

/// R-S3-1: a Stage 2 outcome asks why the complainant is still
/// dissatisfied and what outcome they seek, the basis of a Stage 3 request;
/// it offers none of the Stage 1 grounds of R-S1-4 (ground (c), a response
/// that never came, least of all).
#[test]
fn r_s3_1_a_stage_2_outcome_asks_for_the_reasons_and_outcome_sought_not_the_stage_2_grounds() {
    let out = rendered(&Letter::StageOutcome(stage_outcome(Stage::Two)));
    assert!(out.body.contains("taken to Stage 3"));
    assert!(
        out.body
            .contains("within 14 days, that is by Wednesday 20 January 2027")
    );
    assert!(
        out.body.contains(
            "why you are still dissatisfied with the outcome and what outcome you are seeking"
        ),
        "{}",
        out.body
    );
    for ground in [
        "not been fully understood",
        "not all of the points you raised",
        "within the agreed timescale",
        "for example if",
    ] {
        assert!(!out.body.contains(ground), "{ground} in {}", out.body);
    }
    assert!(out.body.contains("the outcome of Stage 3 is final"));
}

/// R-S2-1: the 14 days run from receipt. An emailed outcome is received the
/// day it is sent, so the email states that day plus 14; a posted one asks
/// for a reply within 14 days of receiving the letter, and states the day
/// it is expected to arrive if posted the day it was printed (two working
/// days later) and the last day that gives.
#[test]
fn r_s2_1_a_posted_outcome_counts_the_14_days_from_receiving_the_letter() {
    let letter = Letter::StageOutcome(stage_outcome(Stage::One));
    let by_post = Recipient {
        channel: Channel::Post {
            lines: vec!["12 St James's Square".into()],
            postcode: "SW1Y 4JH".into(),
        },
        ..complainant_by_email()
    };
    let posted = render(&letter, &by_post, &BuiltInTemplates).expect("renders");
    let text = posted.body.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains("please reply within 14 days of receiving this letter"),
        "{text}"
    );
    assert!(
        text.contains(
            "We expect this letter to reach you by Friday 8 January 2027, which makes the last \
             day Friday 22 January 2027."
        ),
        "{text}"
    );
    assert!(!text.contains("Wednesday 20 January 2027"), "{text}");
    let emailed = rendered(&letter).body;
    assert!(emailed.contains(
        "please reply to this email within 14 days, that is by Wednesday 20 January 2027"
    ));
    assert!(!emailed.contains("receiving this letter"));
}

/// R-S3-6: final, closed, no further internal appeal, legal advice.
#[test]
fn r_s3_6_the_final_letter_says_it_is_final_and_advises_independent_legal_advice() {
    let out = rendered(&samples()[10]);
    assert!(out.subject.contains("final outcome"));
    assert!(
        out.body
            .contains("The outcome of Stage 3 is final, and your complaint is now closed.")
    );
    assert!(out.body.contains("no further internal appeal"));
    assert!(
        out.body
            .contains("you should seek independent legal advice")
    );
    assert!(
        !out.body.contains("regulator"),
        "not regulated: no regulator paragraph"
    );
}

/// R-REG-2: a regulated qualification's final letter names its regulators.
#[test]
fn r_reg_2_the_final_letter_for_a_regulated_qualification_names_the_regulators() {
    let three = rendered(&Letter::FinalOutcome(final_outcome(&[
        "Ofqual",
        "Qualifications Wales",
        "CCEA",
    ])));
    assert!(
        three.body.contains(
            "the right to refer your complaint to the relevant qualification regulator: Ofqual, Qualifications Wales or CCEA."
        ),
        "{}",
        three.body
    );
    let one = rendered(&Letter::FinalOutcome(final_outcome(&["Ofqual"])));
    assert!(one.body.contains("qualification regulator: Ofqual."));
}

/// R-POS-1: the manager reads the compliment, not the sender's details.
#[test]
fn r_pos_1_the_manager_gets_the_compliment_and_whom_it_is_about() {
    let out = render(&samples()[11], &to("Tom Okafor"), &BuiltInTemplates).expect("renders");
    assert_eq!(
        out.subject,
        "A compliment for Sam (Exams) (CMP-POS-2027-000003)"
    );
    assert!(
        out.body
            .contains("\"Sam sorted out my entry in one call.\"")
    );
}

#[test]
fn a_staff_alert_gives_the_reference_and_deadline_without_personal_data() {
    let out = render(&samples()[12], &to("Priya Shah"), &BuiltInTemplates).expect("renders");
    assert_eq!(out.subject, "Deadline missed: complaint CMP-2027-000001");
    assert!(out.body.contains(
        "the Stage 2 response on complaint CMP-2027-000001 was Wednesday 6 January 2027"
    ));
    assert!(!out.body.contains("Ada"));
}

/// R-INT-4: a consented third party's copy says why they receive it.
#[test]
fn a_copy_to_a_representative_says_why_they_receive_it() {
    let rep = Recipient {
        kind: RecipientKind::ThirdParty,
        name: "Grace Hopper".into(),
        channel: Channel::Email("grace@hopper-law.example".into()),
        adjustments: None,
    };
    let out = render(&samples()[9], &rep, &BuiltInTemplates).expect("renders");
    assert!(out.body.starts_with("Dear Grace Hopper,"));
    assert!(
        out.body
            .contains("the person you represent has given their consent")
    );
    let own = rendered(&samples()[9]);
    assert!(!own.body.contains("the person you represent"));
}

/// R-CORR-1: a letter going by post refers to itself as a letter.
#[test]
fn r_corr_1_a_posted_letter_calls_itself_a_letter() {
    let by_post = Recipient {
        channel: Channel::Post {
            lines: vec!["12 St James's Square".into()],
            postcode: "SW1Y 4JH".into(),
        },
        ..complainant_by_email()
    };
    let posted = render(&samples()[0], &by_post, &BuiltInTemplates).expect("renders");
    assert!(posted.body.contains("please reply to this letter"));
    assert!(
        rendered(&samples()[0])
            .body
            .contains("please reply to this email")
    );
}

fn source(text: &str) -> HashMap<String, String> {
    HashMap::from([("timescale_agreed.txt.j2".to_owned(), text.to_owned())])
}

fn timescale() -> Letter {
    samples()[6].clone()
}

#[test]
fn an_operator_edited_template_is_used_as_given() {
    let custom =
        source("Subject: Our date\nDear {{ recipient_name }}, by {{ respond_by | uk_date }}.\n");
    let out = render(&timescale(), &complainant_by_email(), &custom).expect("renders");
    assert_eq!(out.subject, "Our date");
    assert_eq!(out.body, "Dear Ada Lovelace, by Friday 29 January 2027.\n");
}

#[test]
fn a_missing_template_is_an_error_naming_it() {
    let err = render(&timescale(), &complainant_by_email(), &HashMap::new()).unwrap_err();
    assert_eq!(
        err,
        RenderError::Missing {
            template: "timescale_agreed.txt.j2".into()
        }
    );
    assert!(err.to_string().contains("timescale_agreed.txt.j2"));
}

#[test]
fn a_template_with_a_syntax_error_is_a_clear_error_naming_it() {
    let broken = source("Subject: x\n{% if respond_by %}unclosed\n");
    let err = render(&timescale(), &complainant_by_email(), &broken).unwrap_err();
    assert!(
        matches!(&err, RenderError::Broken { template, .. } if template == "timescale_agreed.txt.j2"),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("template timescale_agreed.txt.j2 is broken"),
        "{err}"
    );
}

#[test]
fn a_template_naming_a_variable_the_letter_lacks_fails_rather_than_leaving_a_gap() {
    let wrong = source("Subject: x\nYour hearing is on {{ hearing_date }}.\n");
    let err = render(&timescale(), &complainant_by_email(), &wrong).unwrap_err();
    assert!(
        matches!(&err, RenderError::Failed { template, .. } if template == "timescale_agreed.txt.j2"),
        "{err}"
    );
    assert!(err.to_string().contains("undefined"), "{err}");
}

#[test]
fn a_template_without_a_subject_line_is_refused() {
    let no_subject = source("Dear {{ recipient_name }},\n");
    let err = render(&timescale(), &complainant_by_email(), &no_subject).unwrap_err();
    assert_eq!(
        err,
        RenderError::NoSubject {
            template: "timescale_agreed.txt.j2".into()
        }
    );
}

#[test]
fn a_bad_date_in_a_filter_is_an_error_naming_the_template() {
    let bad = source("Subject: x\n{{ \"6/1/2027\" | uk_date }}\n");
    let err = render(&timescale(), &complainant_by_email(), &bad).unwrap_err();
    assert!(matches!(&err, RenderError::Failed { .. }), "{err}");
    assert!(err.to_string().contains("6/1/2027"), "{err}");
}

#[test]
fn the_built_in_source_serves_only_shipped_files() {
    assert!(BuiltInTemplates.get("automatic_reply.txt.j2").is_some());
    assert!(BuiltInTemplates.get("../Cargo.toml").is_none());
}

#[test]
fn rendered_letters_do_not_print_their_content_in_debug_output() {
    let out = rendered(&samples()[0]);
    assert!(!format!("{out:?}").contains("Lovelace"));
    let letter = format!("{:?}", samples()[3]);
    assert!(!letter.contains("Grace"), "{letter}");
}

/// R-INT-8: the alert for a given-up email names the reference and the
/// letter that did not go, and nothing about the complainant.
#[test]
fn r_int_8_a_delivery_given_up_alert_names_the_reference_and_the_letter() {
    let alert = Letter::StaffAlert(StaffAlert {
        to: staff("s-handler", "Priya Shah"),
        unlisted: None,
        reference: REF.into(),
        alert: Alert::DeliveryGivenUp {
            letter: "stage_outcome",
            recipient: GivenUpRecipient::Complainant,
        },
        due_on: None,
    });
    let out = render(&alert, &to("Priya Shah"), &BuiltInTemplates).expect("renders");
    assert_eq!(
        out.subject,
        "Letter not delivered: complaint CMP-2027-000001"
    );
    let text = out.body.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        text.contains(
            "We could not deliver the stage outcome letter (stage_outcome) on complaint \
             CMP-2027-000001 to the complainant by email"
        ),
        "{}",
        out.body
    );
    assert!(!out.body.contains("\n\n\n"), "{}", out.body);
    assert!(!out.body.contains("Ada") && !out.body.contains('@'));
}

/// The fresh-link letter says why it came and what to do if it was not
/// asked for, in the words of the channel it goes by; the link itself is
/// added below it like every follow link.
#[test]
fn the_fresh_link_letter_says_why_it_came_by_email_and_by_post() {
    let letter = Letter::FollowLink(FollowLink {
        reference: REF.into(),
    });
    let emailed = rendered(&letter);
    assert_eq!(
        emailed.subject,
        "A new link to follow your complaint (reference CMP-2027-000001)"
    );
    assert!(
        emailed
            .body
            .contains("You asked on our website for a new link")
    );
    assert!(emailed.body.contains("you can ignore this message"));
    assert!(
        !emailed.body.contains("/follow/"),
        "the link is added apart"
    );
    let mut by_post = complainant_by_email();
    by_post.channel = Channel::Post {
        lines: vec!["1 High Street".into()],
        postcode: "AB1 2CD".into(),
    };
    let posted = render(&letter, &by_post, &BuiltInTemplates).expect("renders");
    assert!(posted.body.contains("you can ignore this letter"));
}
