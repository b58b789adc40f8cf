//! What the SMTP server received, read as the complainant (or manager)
//! reads it: one test per rule, each on its own stack and clock.

use crate::helpers::{
    ADA, FINDINGS, Stack, acting, apology, assign, date, outcome, to_stage_3, web_form,
};
use crate::smtp::SmtpSink;
use complaints_proto::v1 as pb;
use std::time::Duration;

/// The update letters Ada has received, once any duplicate had time to arrive.
async fn updates(stack: &Stack) -> usize {
    tokio::time::sleep(Duration::from_millis(500)).await;
    stack
        .mails_to(ADA)
        .iter()
        .filter(|m| m.subject.contains("An update on your complaint"))
        .count()
}

async fn staffed() -> Stack {
    Stack::spawn_with_staff(SmtpSink::accepting().await, &[]).await
}

/// R-INT-6: the redirect notice names where the complaint went and who
/// deals with it there.
#[tokio::test]
async fn r_int_6_the_redirect_notice_names_where_and_who() {
    let mut stack = staffed().await;
    let mut request = web_form("redirect");
    request.query_category = "Exam results appeal".into();
    let receipt = stack.submit(request).await;
    assert_eq!(receipt.status, pb::TriageStatus::Redirected as i32);
    let mail = stack
        .mail_when(ADA, "Your complaint has been passed to Appeals Team")
        .await;
    assert!(
        mail.subject.contains(&receipt.reference),
        "{}",
        mail.subject
    );
    mail.says("Dear Ada Lovelace,");
    mail.says("We have therefore passed your complaint to Appeals Team, where the Appeals Manager will be dealing with it");
    mail.says(&format!("quote the reference {}", receipt.reference));
    stack.cleanup().await;
}

/// R-S1-3: referred to the line manager, the complainant is told who now
/// deals with it, by name, and that it is now Stage 2.
#[tokio::test]
async fn r_s1_3_the_complainant_is_told_who_now_deals_with_a_referred_complaint() {
    let mut stack = staffed().await;
    let reference = stack.open(web_form("refer")).await;
    stack
        .complaints
        .refer_to_line_manager(pb::ReferToLineManagerRequest {
            command: acting(&reference, "handler-1"),
            manager: "manager-1".into(),
            team: "Customer Services".into(),
        })
        .await
        .unwrap();
    let mail = stack
        .mail_when(ADA, "Who is dealing with your complaint")
        .await;
    assert!(mail.subject.contains(&reference), "{}", mail.subject);
    mail.says(
        "your complaint is now being dealt with by Maria Moss, a manager (Customer Services)",
    );
    mail.says("your complaint is now at Stage 2 of our Complaints Procedure");
    stack.cleanup().await;
}

/// R-S1-2: the agreed timescale is confirmed with its date, and an update
/// gives the reason and the revised date.
#[tokio::test]
async fn r_s1_2_the_agreed_timescale_and_a_delay_update_give_the_dates() {
    let mut stack = staffed().await;
    let reference = stack.open(web_form("timescale")).await;
    assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    stack
        .complaints
        .agree_timescale(pb::AgreeTimescaleRequest {
            command: acting(&reference, "handler-1"),
            due_on: Some(date(2026, 3, 20)),
        })
        .await
        .unwrap();
    let agreed = stack.mail_when(ADA, "When to expect our response").await;
    assert!(agreed.subject.contains(&reference), "{}", agreed.subject);
    agreed.says("As agreed, we aim to send you our response by Friday 20 March 2026.");
    stack
        .complaints
        .record_update(pb::RecordUpdateRequest {
            command: acting(&reference, "handler-1"),
            reason: "The exam board has not yet replied.".into(),
            revised_due_on: Some(date(2026, 3, 27)),
        })
        .await
        .unwrap();
    let update = stack.mail_when(ADA, "An update on your complaint").await;
    update.says("at Stage 1 of our Complaints Procedure");
    update.says("The exam board has not yet replied.");
    update.says("We now expect to send you our response by Friday 27 March 2026.");
    assert_eq!(
        updates(&stack).await,
        1,
        "the update and its extension: one letter"
    );
    stack.cleanup().await;
}

/// R-OUT-1 and R-S1-4: the Stage 1 outcome letter gives the findings, the
/// grounds for Stage 2 and the last date to ask, 14 days after the outcome
/// (2 March 2026), written the UK way.
#[tokio::test]
async fn r_out_1_and_r_s1_4_the_stage_1_outcome_gives_findings_grounds_and_last_date() {
    let mut stack = staffed().await;
    let reference = stack.open(web_form("stage-1-outcome")).await;
    assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::PartlyUpheld,
        vec![apology()],
    )
    .await;
    let mail = stack
        .mail_when(ADA, "The outcome of your complaint at Stage 1")
        .await;
    assert!(mail.subject.contains(&reference), "{}", mail.subject);
    mail.says("We have upheld part of your complaint.");
    mail.says(FINDINGS);
    // R-OUT-1: the remedy line does not repeat its kind.
    mail.says("- A written apology.");
    mail.says("taken to Stage 2 of our Complaints Procedure");
    mail.says("not been fully understood, or has not been investigated thoroughly");
    mail.says("not all of the points you raised have been fully responded to");
    mail.says("you did not receive our response within the agreed timescale and were not told when to expect it");
    mail.says("within 14 days, that is by Monday 16 March 2026");
    stack.cleanup().await;
}

/// R-S2-1: the Stage 1 outcome letter states the 14-day window for a
/// Stage 2 request, and the reasons to give, with its last date.
#[tokio::test]
async fn r_s2_1_the_stage_1_outcome_states_the_14_day_window_for_stage_2() {
    let mut stack = staffed().await;
    let reference = stack.open(web_form("stage-2-window")).await;
    assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await;
    let mail = stack
        .mail_when(ADA, "The outcome of your complaint at Stage 1")
        .await;
    mail.says("We have not upheld your complaint.");
    mail.says("within 14 days, that is by Monday 16 March 2026, explaining why you are dissatisfied with the outcome.");
    mail.says("We are not able to accept a request after that date.");
    mail.never_says("2026-03-16");
    mail.never_says("03/16/2026");
    stack.cleanup().await;
}

/// R-S2-4: a Stage 2 delay update tells the complainant why and the
/// revised date.
#[tokio::test]
async fn r_s2_4_a_stage_2_delay_update_gives_the_reason_and_the_new_date() {
    let mut stack = staffed().await;
    let reference = stack.open(web_form("stage-2-delay")).await;
    stack
        .complaints
        .refer_to_line_manager(pb::ReferToLineManagerRequest {
            command: acting(&reference, "handler-1"),
            manager: "manager-1".into(),
            team: "Customer Services".into(),
        })
        .await
        .unwrap();
    stack
        .complaints
        .record_update(pb::RecordUpdateRequest {
            command: acting(&reference, "manager-1"),
            reason: "We are waiting for the examiner's report.".into(),
            revised_due_on: Some(date(2026, 4, 10)),
        })
        .await
        .unwrap();
    let mail = stack.mail_when(ADA, "An update on your complaint").await;
    assert!(mail.subject.contains(&reference), "{}", mail.subject);
    mail.says("at Stage 2 of our Complaints Procedure");
    mail.says("We are waiting for the examiner's report.");
    mail.says("We now expect to send you our response by Friday 10 April 2026.");
    assert_eq!(
        updates(&stack).await,
        1,
        "the update and its extension: one letter"
    );
    stack.cleanup().await;
}

/// R-S3-1: the Stage 2 outcome letter (19 March 2026) asks why the
/// complainant is still dissatisfied and what outcome they seek, the basis
/// of a Stage 3 request, without the Stage 2 grounds, and gives the last
/// date, 2 April 2026.
#[tokio::test]
async fn r_s3_1_the_stage_2_outcome_gives_the_stage_3_basis_and_last_date() {
    let mut stack = staffed().await;
    let reference = stack.open(web_form("stage-3-window")).await;
    to_stage_3(&mut stack, &reference).await;
    let mail = stack
        .mail_when(ADA, "The outcome of your complaint at Stage 2")
        .await;
    assert!(mail.subject.contains(&reference), "{}", mail.subject);
    mail.says("We have upheld part of your complaint.");
    mail.says(FINDINGS);
    mail.says("taken to Stage 3 of our Complaints Procedure");
    mail.says("within 14 days, that is by Thursday 2 April 2026, explaining why you are still dissatisfied with the outcome and what outcome you are seeking.");
    mail.says("the outcome of Stage 3 is final");
    assert!(
        !mail.body.contains("within the agreed timescale"),
        "{}",
        mail.body
    );
    stack.cleanup().await;
}

/// R-S3-4: the Stage 3 acknowledgement carries the complaint's reference.
#[tokio::test]
async fn r_s3_4_the_stage_3_acknowledgement_carries_the_reference() {
    let mut stack = staffed().await;
    let reference = stack.open(web_form("stage-3-ack")).await;
    to_stage_3(&mut stack, &reference).await;
    let mail = stack
        .mail_when(ADA, "Acknowledgement of your formal complaint")
        .await;
    assert!(mail.subject.contains(&reference), "{}", mail.subject);
    mail.says(&format!("Its reference number is {reference}"));
    mail.says("We aim to give you a full response within 20 working days, that is by");
    stack.cleanup().await;
}

/// R-S3-5: a Stage 3 response that needs longer: the complainant is told
/// why and when to expect the response or an update.
#[tokio::test]
async fn r_s3_5_a_stage_3_extension_letter_says_why_and_when() {
    let mut stack = staffed().await;
    let reference = stack.open(web_form("stage-3-extension")).await;
    to_stage_3(&mut stack, &reference).await;
    stack
        .complaints
        .extend_deadline(pb::ExtendDeadlineRequest {
            command: acting(&reference, "ccm-1"),
            kind: pb::DeadlineKind::Stage3Response as i32,
            due_on: Some(date(2026, 5, 15)),
            reason: "Awaiting the external examiner's report.".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let mail = stack.mail_when(ADA, "An update on your complaint").await;
    assert!(mail.subject.contains(&reference), "{}", mail.subject);
    mail.says("at Stage 3 of our Complaints Procedure");
    mail.says("Awaiting the external examiner's report.");
    mail.says(
        "We now expect to send you our full response, or a further update, by Friday 15 May 2026.",
    );
    assert_eq!(updates(&stack).await, 1, "one extension, one letter");
    stack.cleanup().await;
}

async fn final_letter(stack: &mut Stack, reference: &str) -> crate::helpers::Mail {
    to_stage_3(stack, reference).await;
    stack
        .complaints
        .decide_investigation(pb::DecideInvestigationRequest {
            command: acting(reference, "ccm-1"),
            warranted: true,
            reason: "The Stage 2 response left the refund question open.".into(),
        })
        .await
        .unwrap();
    outcome(
        stack,
        reference,
        "ccm-1",
        pb::Stage::Stage3,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await;
    stack
        .mail_when(ADA, "The final outcome of your formal complaint")
        .await
}

/// R-S3-6: the final letter says the outcome is final, the complaint is
/// closed with no further internal appeal, and advises legal advice.
#[tokio::test]
async fn r_s3_6_the_final_letter_says_the_outcome_is_final_and_advises_legal_advice() {
    let mut stack = staffed().await;
    let reference = stack.open(web_form("final")).await;
    let mail = final_letter(&mut stack, &reference).await;
    assert!(mail.subject.contains(&reference), "{}", mail.subject);
    mail.says(FINDINGS);
    mail.says("The outcome of Stage 3 is final, and your complaint is now closed.");
    mail.says("There is no further internal appeal against this decision");
    mail.says("you should seek independent legal advice");
    mail.never_says("regulator");
    stack.cleanup().await;
}

/// R-REG-2: for a regulated qualification the final letter names the
/// regulators the complaint can be referred to.
#[tokio::test]
async fn r_reg_2_the_final_letter_for_a_regulated_qualification_names_the_regulators() {
    let mut stack = staffed().await;
    let mut request = web_form("regulated");
    request.qualification_code = "L3-DIP-LP".into();
    let reference = stack.open(request).await;
    let mail = final_letter(&mut stack, &reference).await;
    mail.says("you have the right to refer your complaint to the relevant qualification regulator: Ofqual, Qualifications Wales or CCEA.");
    mail.says("you should seek independent legal advice");
    stack.cleanup().await;
}

/// R-POS-1: a compliment reaches the manager it was routed to, at the
/// email in the staff directory, with what was said.
#[tokio::test]
async fn r_pos_1_a_compliment_reaches_the_routed_managers_email() {
    let mut stack = staffed().await;
    let receipt = stack
        .intake
        .submit_compliment(pb::SubmitComplimentRequest {
            idempotency_key: "thanks".into(),
            channel: pb::Channel::WebForm as i32,
            team: "Customer Services".into(),
            about_person: "Sam Smith".into(),
            message: "Sam sorted out my exam entry in one call.".into(),
            from: None,
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.routed_to, vec!["head-of-customer-experience"]);
    let mail = stack
        .mail_when(
            "harriet@example.org",
            "A compliment for Sam Smith (Customer Services)",
        )
        .await;
    mail.says("Dear Harriet Hale,");
    mail.says("Sam sorted out my exam entry in one call.");
    mail.says(&format!("Reference: {}", receipt.reference));
    assert!(stack.mails_to(ADA).is_empty());
    stack.cleanup().await;
}

/// R-UPC-1: a contact restriction limits how the complainant may contact
/// us, never the letters owed: the agreed timescale, the update and the
/// outcome all reach them.
#[tokio::test]
async fn r_upc_1_after_a_contact_restriction_every_letter_owed_still_goes_out() {
    let mut stack = staffed().await;
    let reference = stack.open(web_form("restricted")).await;
    assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    stack
        .mail_when(ADA, "Who is dealing with your complaint")
        .await;
    let before = stack.mails_to(ADA).len();
    stack
        .complaints
        .restrict_contact(pb::RestrictContactRequest {
            command: acting(&reference, "manager-1"),
            reason: "Forty calls in a week about the same point.".into(),
            review_on: Some(date(2026, 6, 1)),
        })
        .await
        .unwrap();
    stack
        .complaints
        .agree_timescale(pb::AgreeTimescaleRequest {
            command: acting(&reference, "handler-1"),
            due_on: Some(date(2026, 3, 20)),
        })
        .await
        .unwrap();
    stack
        .complaints
        .record_update(pb::RecordUpdateRequest {
            command: acting(&reference, "handler-1"),
            reason: "The exam board has not yet replied.".into(),
            revised_due_on: Some(date(2026, 3, 27)),
        })
        .await
        .unwrap();
    outcome(
        &mut stack,
        &reference,
        "handler-1",
        pb::Stage::Stage1,
        pb::Decision::NotUpheld,
        vec![],
    )
    .await;
    stack
        .mail_when(ADA, "The outcome of your complaint at Stage 1")
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let mut after: Vec<String> = stack.mails_to(ADA)[before..]
        .iter()
        .map(|m| m.subject.clone())
        .collect();
    after.sort();
    assert_eq!(
        after,
        [
            format!("An update on your complaint (reference {reference})"),
            format!("The outcome of your complaint at Stage 1 (reference {reference})"),
            format!("When to expect our response to your complaint (reference {reference})"),
        ]
    );
    stack.cleanup().await;
}
