use crate::helpers::{TestIntake, date, web_form};
use complaints_proto::v1 as pb;
use prost::Message;

/// R-INT-1, R-INT-8: each channel is taken in; written ones get a contact date.
#[tokio::test]
async fn r_int_1_a_complaint_is_taken_in_from_every_channel() {
    let mut intake = TestIntake::spawn().await;
    for (key, channel) in [
        ("web", pb::Channel::WebForm),
        ("email", pb::Channel::Email),
        ("phone", pb::Channel::Telephone),
        ("regulator", pb::Channel::Regulator),
    ] {
        let mut request = web_form(key);
        request.channel = channel as i32;
        if channel == pb::Channel::Regulator {
            request.referring_regulator = "Ofqual".into();
        }
        let receipt = intake
            .client
            .submit_complaint(request)
            .await
            .unwrap()
            .into_inner();
        assert_eq!(
            receipt.status,
            pb::TriageStatus::Accepted as i32,
            "{channel:?}"
        );
        assert!(
            receipt.reference.starts_with("SUB-2026-"),
            "{}",
            receipt.reference
        );
        assert_eq!(
            receipt.contact_due_on.is_some(),
            channel != pb::Channel::Telephone,
            "only written submissions get the automatic reply's contact date ({channel:?})"
        );
    }
    let accepted = intake.logged::<pb::ComplaintAccepted>().await;
    let channels: Vec<i32> = accepted.iter().map(|a| a.channel).collect();
    assert_eq!(
        channels,
        vec![1, 2, 3, 4],
        "the channel is recorded with each complaint"
    );
    intake.cleanup().await;
}

/// R-REG-3: a regulator's referral is handled like any other complaint,
/// with the channel and the regulator recorded.
#[tokio::test]
async fn r_reg_3_a_complaint_passed_on_by_a_regulator_is_handled_like_any_other() {
    let mut intake = TestIntake::spawn().await;
    let mut request = web_form("from-ofqual");
    request.channel = pb::Channel::Regulator as i32;
    request.referring_regulator = "Ofqual".into();
    let receipt = intake
        .client
        .submit_complaint(request)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.status, pb::TriageStatus::Accepted as i32);
    let published = intake.published("complaints.v1.ComplaintAccepted", 1).await;
    let accepted =
        pb::ComplaintAccepted::decode(published[0].payload.as_ref().unwrap().value.as_slice())
            .unwrap();
    assert_eq!(accepted.channel, pb::Channel::Regulator as i32);
    assert_eq!(accepted.referring_regulator, "Ofqual");
    intake.cleanup().await;
}

#[tokio::test]
async fn a_retried_submission_with_the_same_key_returns_the_same_reference_and_stores_nothing_more()
{
    let mut intake = TestIntake::spawn().await;
    let first = intake
        .client
        .submit_complaint(web_form("retry-me"))
        .await
        .unwrap()
        .into_inner();
    let stored = intake.stored().await;
    let second = intake
        .client
        .submit_complaint(web_form("retry-me"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first, second);
    assert_eq!(intake.stored().await, stored, "the retry stored nothing");
    let other = intake
        .client
        .submit_complaint(web_form("another"))
        .await
        .unwrap()
        .into_inner();
    assert_ne!(other.reference, first.reference);
    intake.cleanup().await;
}

#[tokio::test]
async fn concurrent_retries_of_one_submission_create_one_submission() {
    let intake = TestIntake::spawn().await;
    let mut calls = Vec::new();
    for _ in 0..6 {
        let mut client = intake.client.clone();
        calls.push(tokio::spawn(async move {
            client.submit_complaint(web_form("double-click")).await
        }));
    }
    let mut references = std::collections::HashSet::new();
    for call in calls {
        references.insert(call.await.unwrap().unwrap().into_inner().reference);
    }
    assert_eq!(references.len(), 1, "every retry got the same reference");
    assert_eq!(intake.logged::<pb::SubmissionReceived>().await.len(), 1);
    intake.cleanup().await;
}

/// R-INT-8: the accepted event carries what the automatic reply needs: the
/// configured number of working days and the date it gives, counted over
/// Christmas 2026 (Wed 23 Dec + 7 working days, skipping 25 Dec, the
/// Boxing Day substitute on Mon 28 Dec and New Year's Day: Wed 6 Jan 2027).
#[tokio::test]
async fn r_int_8_an_accepted_written_complaint_publishes_the_automatic_reply_with_its_contact_date()
{
    let mut intake = TestIntake::spawn().await;
    let receipt = intake
        .client
        .submit_complaint(web_form("reply"))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(receipt.contact_due_on, Some(date(2027, 1, 6)));
    let published = intake.published("complaints.v1.ComplaintAccepted", 1).await;
    assert_eq!(published.len(), 1);
    let accepted =
        pb::ComplaintAccepted::decode(published[0].payload.as_ref().unwrap().value.as_slice())
            .unwrap();
    assert!(accepted.written);
    assert_eq!(accepted.contact_within_working_days, 7);
    assert_eq!(accepted.contact_due_on, Some(date(2027, 1, 6)));
    assert_eq!(
        accepted.complainant.unwrap().email,
        "ada@example.org",
        "the reply's address travels with it"
    );
    intake.cleanup().await;
}

/// R-INT-8: the figure varies at times of high volume; it is configuration.
#[tokio::test]
async fn r_int_8_the_contact_figure_is_configurable() {
    let mut intake = TestIntake::spawn_with(&[("CONTACT_WITHIN_WORKING_DAYS", "10")]).await;
    let receipt = intake
        .client
        .submit_complaint(web_form("busy"))
        .await
        .unwrap()
        .into_inner();
    // Three more working days after Wed 6 Jan 2027: Thu 7, Fri 8, Mon 11.
    assert_eq!(receipt.contact_due_on, Some(date(2027, 1, 11)));
    intake.cleanup().await;
}
