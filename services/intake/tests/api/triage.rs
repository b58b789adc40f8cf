use crate::helpers::{TestIntake, date, web_form};
use complaints_proto::v1 as pb;
use prost::Message;

/// R-INT-6: a category with its own procedure is redirected, and the
/// complainant is told where it went and who deals with it.
#[tokio::test]
async fn r_int_6_a_complaint_with_its_own_procedure_is_redirected_naming_where_and_who() {
    let mut intake = TestIntake::spawn().await;
    let mut request = web_form("appeal");
    request.query_category = "exam RESULTS appeal".into();
    let receipt = intake
        .client
        .submit_complaint(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.status, pb::TriageStatus::Redirected as i32);
    assert_eq!(receipt.redirected_to, "Appeals Team");
    assert_eq!(receipt.dealt_with_by, "the Appeals Manager");
    let published = intake
        .published("complaints.v1.ComplaintRedirected", 1)
        .await;
    let notice =
        pb::ComplaintRedirected::decode(published[0].payload.as_ref().unwrap().value.as_slice())
            .unwrap();
    assert_eq!(notice.redirected_to, "Appeals Team");
    assert_eq!(
        notice.complainant.unwrap().email,
        "ada@example.org",
        "the notice can be emailed"
    );
    assert!(
        intake.logged::<pb::ComplaintAccepted>().await.is_empty(),
        "it does not enter this procedure"
    );
    intake.cleanup().await;
}

/// R-INT-2: over six months old waits for staff; a compelling reason lets it on.
#[tokio::test]
async fn r_int_2_a_matter_over_six_months_old_waits_until_staff_record_a_compelling_reason() {
    let mut intake = TestIntake::spawn().await;
    let mut old = web_form("old");
    old.matter_date = Some(date(2026, 6, 22)); // the limit on 23 Dec 2026 is 23 Jun 2026
    let receipt = intake
        .client
        .submit_complaint(old)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        receipt.status,
        pb::TriageStatus::AwaitingTimeDecision as i32
    );
    assert!(intake.logged::<pb::ComplaintAccepted>().await.is_empty());

    let mut edge = web_form("six-months-exactly");
    edge.matter_date = Some(date(2026, 6, 23));
    let receipt_edge = intake
        .client
        .submit_complaint(edge)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        receipt_edge.status,
        pb::TriageStatus::Accepted as i32,
        "exactly six months is in time"
    );

    let queue = intake
        .client
        .list_triage_queue(pb::ListTriageQueueRequest::default())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(queue.submissions.len(), 1);
    assert_eq!(queue.submissions[0].submission_id, receipt.submission_id);

    let refused = intake
        .client
        .record_compelling_reason(pb::RecordCompellingReasonRequest {
            submission_id: receipt.submission_id.clone(),
            reason: " ".into(),
            decided_by: "staff-7".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        refused.code(),
        tonic::Code::InvalidArgument,
        "a reason is required"
    );

    let summary = intake
        .client
        .record_compelling_reason(pb::RecordCompellingReasonRequest {
            submission_id: receipt.submission_id.clone(),
            reason: "The complainant was in hospital for seven months.".into(),
            decided_by: "staff-7".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summary.status, pb::TriageStatus::Accepted as i32);
    let accepted = intake.logged::<pb::ComplaintAccepted>().await;
    assert!(
        accepted
            .iter()
            .any(|a| a.submission_id == receipt.submission_id)
    );

    let again = intake
        .client
        .record_compelling_reason(pb::RecordCompellingReasonRequest {
            submission_id: receipt.submission_id,
            reason: "twice".into(),
            decided_by: "staff-7".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(again.code(), tonic::Code::FailedPrecondition);
    assert!(
        again.message().starts_with("R-INT-2"),
        "{}",
        again.message()
    );
    intake.cleanup().await;
}

/// R-INT-8 with R-INT-2: a written submission about a matter over six
/// months old gets the automatic reply at once, not after staff decide:
/// the event it waits under carries the reference, the correspondence
/// preference and the contact date counted from receipt (the same date the
/// acceptance gives if staff let it on). A telephone call gets no date.
#[tokio::test]
async fn r_int_8_an_old_written_matter_waiting_for_staff_carries_what_the_automatic_reply_needs() {
    let mut intake = TestIntake::spawn().await;
    let mut old = web_form("old-written");
    old.matter_date = Some(date(2026, 1, 5));
    old.correspondence = pb::CorrespondencePreference::Post as i32;
    old.complainant.as_mut().unwrap().postal_address = Some(pb::PostalAddress {
        lines: vec!["1 High Street".into(), "Leeds".into()],
        postcode: "LS1 1AA".into(),
    });
    let receipt = intake
        .client
        .submit_complaint(old)
        .await
        .unwrap()
        .into_inner();
    let mut call = web_form("old-call");
    call.channel = pb::Channel::Telephone as i32;
    call.matter_date = Some(date(2026, 1, 5));
    intake.client.submit_complaint(call).await.unwrap();

    let published = intake
        .published("complaints.v1.OutOfTimeReviewRequired", 2)
        .await;
    let waiting: Vec<pb::OutOfTimeReviewRequired> = published
        .iter()
        .map(|e| {
            pb::OutOfTimeReviewRequired::decode(e.payload.as_ref().unwrap().value.as_slice())
                .unwrap()
        })
        .collect();
    let written = waiting
        .iter()
        .find(|w| w.submission_id == receipt.submission_id)
        .unwrap();
    assert_eq!(written.reference, receipt.reference);
    assert!(written.written);
    assert_eq!(
        written.correspondence,
        pb::CorrespondencePreference::Post as i32
    );
    assert_eq!(written.contact_within_working_days, 7);
    // Received Wednesday 23 December 2026: seven working days, skipping
    // Christmas, Boxing Day (a Saturday, so Monday 28th) and New Year's Day.
    let due = written.contact_due_on.unwrap();
    assert_eq!(due, date(2027, 1, 6), "{due:?}");
    let spoken = waiting
        .iter()
        .find(|w| w.submission_id != receipt.submission_id)
        .unwrap();
    assert!(!spoken.written);
    assert_eq!(
        spoken.contact_due_on, None,
        "a telephone call gets no reply"
    );

    let summary = intake
        .client
        .record_compelling_reason(pb::RecordCompellingReasonRequest {
            submission_id: receipt.submission_id.clone(),
            reason: "The complainant was in hospital for seven months.".into(),
            decided_by: "staff-7".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summary.status, pb::TriageStatus::Accepted as i32);
    let accepted = intake.logged::<pb::ComplaintAccepted>().await;
    assert_eq!(
        accepted[0].contact_due_on,
        Some(due),
        "the same contact date"
    );
    intake.cleanup().await;
}

/// R-INT-2: staff may decline a matter that is out of time.
#[tokio::test]
async fn r_int_2_staff_can_decline_a_matter_that_is_out_of_time() {
    let mut intake = TestIntake::spawn().await;
    let mut old = web_form("declined");
    old.matter_date = Some(date(2025, 1, 10));
    let receipt = intake
        .client
        .submit_complaint(old)
        .await
        .unwrap()
        .into_inner();
    let summary = intake
        .client
        .decline_out_of_time(pb::DeclineOutOfTimeRequest {
            submission_id: receipt.submission_id,
            reason: "No compelling reason given for the delay.".into(),
            decided_by: "staff-3".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summary.status, pb::TriageStatus::DeclinedOutOfTime as i32);
    assert!(intake.logged::<pb::ComplaintAccepted>().await.is_empty());
    assert_eq!(intake.logged::<pb::OutOfTimeDeclined>().await.len(), 1);
    intake.cleanup().await;
}

fn by_employer(key: &str) -> pb::SubmitComplaintRequest {
    let mut request = web_form(key);
    request.third_party = Some(pb::ThirdParty {
        name: "Grace Hopper".into(),
        relationship: "employer".into(),
        email: "hr@example.com".into(),
        organisation: "Hopper & Co".into(),
        ..Default::default()
    });
    request
}

/// R-INT-4: a third party's complaint waits for the individual's express
/// consent; once it is recorded the complaint is accepted with consent.
#[tokio::test]
async fn r_int_4_a_third_party_complaint_waits_for_the_individuals_consent() {
    let mut intake = TestIntake::spawn().await;
    let receipt = intake
        .client
        .submit_complaint(by_employer("employer"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.status, pb::TriageStatus::AwaitingConsent as i32);
    let requested = intake.published("complaints.v1.ConsentRequested", 1).await;
    assert_eq!(requested.len(), 1, "the consent request goes out");
    assert!(intake.logged::<pb::ComplaintAccepted>().await.is_empty());

    let summary = intake
        .client
        .record_consent(pb::RecordConsentRequest {
            submission_id: receipt.submission_id.clone(),
            evidence: "Signed consent form received by email".into(),
            given_on: Some(date(2026, 12, 23)),
            recorded_by: "staff-2".into(),
            link_token: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summary.status, pb::TriageStatus::Accepted as i32);
    assert!(summary.third_party);
    let accepted = intake.logged::<pb::ComplaintAccepted>().await;
    assert!(
        accepted[0].third_party_consent,
        "findings may now go to the third party"
    );
    intake.cleanup().await;
}

/// R-INT-4: consent can be withdrawn at any stage; it is recorded and
/// published so nothing more goes to the third party.
#[tokio::test]
async fn r_int_4_a_withdrawal_of_consent_is_honoured_once_recorded() {
    let mut intake = TestIntake::spawn().await;
    let receipt = intake
        .client
        .submit_complaint(by_employer("withdraw"))
        .await
        .unwrap()
        .into_inner();
    let early = intake
        .client
        .withdraw_consent(pb::WithdrawConsentRequest {
            submission_id: receipt.submission_id.clone(),
            withdrawn_on: Some(date(2026, 12, 23)),
            recorded_by: "staff-2".into(),
            link_token: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        early.code(),
        tonic::Code::FailedPrecondition,
        "no consent yet to withdraw"
    );
    intake
        .client
        .record_consent(pb::RecordConsentRequest {
            submission_id: receipt.submission_id.clone(),
            evidence: "Letter".into(),
            given_on: Some(date(2026, 12, 23)),
            recorded_by: "staff-2".into(),
            link_token: String::new(),
        })
        .await
        .unwrap();
    let summary = intake
        .client
        .withdraw_consent(pb::WithdrawConsentRequest {
            submission_id: receipt.submission_id.clone(),
            withdrawn_on: Some(date(2026, 12, 24)),
            recorded_by: "staff-2".into(),
            link_token: String::new(),
        })
        .await
        .unwrap()
        .into_inner();
    assert!(summary.consent_withdrawn);
    let published = intake.published("complaints.v1.ConsentWithdrawn", 1).await;
    let withdrawn =
        pb::ConsentWithdrawn::decode(published[0].payload.as_ref().unwrap().value.as_slice())
            .unwrap();
    assert_eq!(withdrawn.submission_id, receipt.submission_id);
    assert_eq!(withdrawn.withdrawn_on, Some(date(2026, 12, 24)));
    intake.cleanup().await;
}

#[tokio::test]
async fn the_triage_queue_lists_waiting_submissions_oldest_first_page_by_page() {
    let mut intake = TestIntake::spawn().await;
    let mut expected = Vec::new();
    for n in 0..5 {
        let receipt = intake
            .client
            .submit_complaint(by_employer(&format!("queue-{n}")))
            .await
            .unwrap()
            .into_inner();
        expected.push(receipt.submission_id);
        intake.clock.advance(chrono::Duration::minutes(5));
    }
    intake
        .client
        .submit_complaint(web_form("not-waiting"))
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = intake
            .client
            .list_triage_queue(pb::ListTriageQueueRequest {
                status: pb::TriageStatus::AwaitingConsent as i32,
                page_size: 2,
                page_token: token,
            })
            .await
            .unwrap()
            .into_inner();
        seen.extend(page.submissions.into_iter().map(|s| s.submission_id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(seen, expected);
    intake.cleanup().await;
}

/// R-INT-7: a matter staff resolve at once is dealt with outside the
/// procedure, and recorded as such rather than lost.
#[tokio::test]
async fn r_int_7_a_matter_resolved_at_once_is_recorded_outside_the_procedure() {
    let mut intake = TestIntake::spawn().await;
    let mut request = web_form("quick-fix");
    request.channel = pb::Channel::Telephone as i32;
    request.resolved_outside_procedure =
        "Resent the exam booking confirmation during the call.".into();
    let receipt = intake
        .client
        .submit_complaint(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        receipt.status,
        pb::TriageStatus::ResolvedOutsideProcedure as i32
    );
    assert!(
        intake.logged::<pb::ComplaintAccepted>().await.is_empty(),
        "it does not enter the procedure"
    );
    let published = intake
        .published("complaints.v1.SubmissionResolvedOutsideProcedure", 1)
        .await;
    let resolved = pb::SubmissionResolvedOutsideProcedure::decode(
        published[0].payload.as_ref().unwrap().value.as_slice(),
    )
    .unwrap();
    assert_eq!(
        resolved.how_resolved,
        "Resent the exam booking confirmation during the call."
    );
    assert_eq!(resolved.query_category, "Exams and assessments");
    intake.cleanup().await;
}

/// R-INT-7: dealing with a matter outside the procedure is a decision
/// staff make. The member portal asking for it at submission is refused
/// naming the field and the rule, and nothing is stored: no submission,
/// no resolution, no complaint.
#[tokio::test]
async fn r_int_7_the_member_portal_may_not_resolve_a_matter_outside_the_procedure() {
    use crate::helpers::{names, violations};
    use complaints_proto::v1::intake_client::IntakeClient;
    use platform::auth::Role;
    use platform::testing::{channel_as, token};

    let intake = TestIntake::spawn().await;
    let portal = token("portal-a", &[Role::Portal], None);
    let mut portal = IntakeClient::new(channel_as(intake.addr, Some(&portal)).await);
    let mut request = web_form("portal-resolves");
    request.resolved_outside_procedure = "I sorted it out myself.".into();
    let refused = portal.submit_complaint(request).await.unwrap_err();
    let found = violations(&refused);
    assert!(
        names(&found, "resolved_outside_procedure", "R-INT-7"),
        "{found:?}"
    );
    assert_eq!(intake.stored().await, (0, 0), "nothing was stored");
    assert!(
        intake
            .logged::<pb::SubmissionResolvedOutsideProcedure>()
            .await
            .is_empty()
    );

    // The same complaint without the field goes through the procedure.
    let receipt = portal
        .submit_complaint(web_form("portal-complains"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.status, pb::TriageStatus::Accepted as i32);
    intake.cleanup().await;
}

/// R-INT-7: when staff resolve a matter at once it is recorded as their
/// decision: the event names the member of staff who took it, and its
/// actor is them.
#[tokio::test]
async fn r_int_7_a_resolution_outside_the_procedure_is_recorded_as_the_staff_members_decision() {
    use complaints_proto::v1::intake_client::IntakeClient;
    use platform::auth::Role;
    use platform::testing::{channel_as, token};

    let intake = TestIntake::spawn().await;
    let handler = token("h.smith", &[Role::Handler], Some("North"));
    let mut handler = IntakeClient::new(channel_as(intake.addr, Some(&handler)).await);
    let mut request = web_form("staff-resolves");
    request.channel = pb::Channel::Telephone as i32;
    request.resolved_outside_procedure = "Rebooked the exam during the call.".into();
    let receipt = handler
        .submit_complaint(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        receipt.status,
        pb::TriageStatus::ResolvedOutsideProcedure as i32
    );
    let published = intake
        .published("complaints.v1.SubmissionResolvedOutsideProcedure", 1)
        .await;
    let resolved = pb::SubmissionResolvedOutsideProcedure::decode(
        published[0].payload.as_ref().unwrap().value.as_slice(),
    )
    .unwrap();
    assert_eq!(resolved.decided_by, "h.smith");
    assert_eq!(
        published[0].actor.as_ref().and_then(|a| a.kind.clone()),
        Some(pb::actor::Kind::UserId("h.smith".into()))
    );
    intake.cleanup().await;
}

/// Request limits: a triage queue page of more than 500 rows is refused
/// naming `page_size`, never clamped; 500 is served.
#[tokio::test]
async fn the_triage_queue_refuses_a_page_size_over_500_naming_the_field() {
    let mut intake = TestIntake::spawn().await;
    for page_size in [501, u32::MAX] {
        let status = intake
            .client
            .list_triage_queue(pb::ListTriageQueueRequest {
                status: pb::TriageStatus::AwaitingConsent as i32,
                page_size,
                page_token: String::new(),
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument, "{status:?}");
        assert!(
            status.message().starts_with("page_size:"),
            "{}",
            status.message()
        );
    }
    let page = intake
        .client
        .list_triage_queue(pb::ListTriageQueueRequest {
            status: pb::TriageStatus::AwaitingConsent as i32,
            page_size: 500,
            page_token: String::new(),
        })
        .await;
    assert!(page.is_ok(), "{page:?}");
    intake.cleanup().await;
}
