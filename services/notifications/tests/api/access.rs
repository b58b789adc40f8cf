//! R-CONF-1 at notifications: every RPC guarded, refusals recorded.

use crate::helpers::{Stack, assign, of_template, web_form};
use crate::smtp::SmtpSink;
use complaints_proto::v1 as pb;
use complaints_proto::v1::notifications_client::NotificationsClient;
use platform::auth::Role;
use platform::testing::{access_audit, channel_as, token};

#[tokio::test]
async fn r_conf_1_every_notifications_rpc_refuses_a_missing_or_expired_token_and_a_wrong_role() {
    let stack = Stack::spawn(SmtpSink::accepting().await).await;
    platform::testing::assert_service_is_guarded(
        stack.notifications_addr,
        "complaints.v1.Notifications",
        notifications::access::POLICY,
    )
    .await;
    stack.cleanup().await;
}

/// A notifications client holding a handler's token for `team`.
async fn handler_of(
    stack: &Stack,
    subject: &str,
    team: &str,
) -> NotificationsClient<platform::testing::Authed> {
    let token = token(subject, &[Role::Handler], Some(team));
    NotificationsClient::new(channel_as(stack.notifications_addr, Some(&token)).await)
}

#[tokio::test]
async fn r_conf_1_a_handler_reaches_only_their_teams_correspondence_and_print_queue_and_each_read_is_audited()
 {
    let mut stack = Stack::spawn_with_staff(SmtpSink::accepting().await, &[]).await;
    let mut request = web_form("reach-by-post");
    request.correspondence = pb::CorrespondencePreference::Post as i32;
    if let Some(person) = request.complainant.as_mut() {
        person.postal_address = Some(pb::PostalAddress {
            lines: vec!["1 High Street".into(), "Bedford".into()],
            postcode: "MK42 7AB".into(),
        });
    }
    let reference = stack.open(request).await;
    assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    // The letter naming the handler shows the assignment has been applied.
    stack
        .correspondence_when(&reference, |items| {
            !of_template(items, "now_dealt_with_by").is_empty()
        })
        .await;

    let mut colleague = handler_of(&stack, "handler-2", "Customer Services").await;
    let mut stranger = handler_of(&stack, "handler-9", "Examinations").await;
    let asked = || pb::ListCorrespondenceRequest {
        reference: reference.clone(),
    };
    let seen = colleague.list_correspondence(asked()).await.unwrap();
    assert!(
        !seen.into_inner().items.is_empty(),
        "the team sees the letters"
    );
    let refused = stranger.list_correspondence(asked()).await.unwrap_err();
    assert_eq!(refused.code(), tonic::Code::PermissionDenied);
    assert!(
        refused.message().contains("R-CONF-1"),
        "{}",
        refused.message()
    );

    let queue = |items: Vec<pb::PrintItem>| {
        items
            .into_iter()
            .filter(|i| i.reference == reference)
            .count()
    };
    let theirs = stranger
        .list_print_queue(pb::ListPrintQueueRequest::default())
        .await
        .unwrap()
        .into_inner()
        .items;
    assert_eq!(queue(theirs), 0, "another team's letters are not listed");
    let ours = colleague
        .list_print_queue(pb::ListPrintQueueRequest::default())
        .await
        .unwrap()
        .into_inner()
        .items;
    assert!(queue(ours) > 0, "the team's post letters are listed");

    let audit = access_audit(stack.notifications_addr, Some(&reference)).await;
    let entry = |who: &str, method: &str, outcome: &str| {
        audit.iter().any(|e| {
            e.subject == who
                && e.method == format!("/complaints.v1.Notifications/{method}")
                && e.outcome == outcome
                && e.record == reference
        })
    };
    assert!(
        entry("handler-2", "ListCorrespondence", "read"),
        "{audit:#?}"
    );
    assert!(entry("handler-2", "ListPrintQueue", "read"), "{audit:#?}");
    assert!(
        entry("handler-9", "ListCorrespondence", "denied"),
        "{audit:#?}"
    );
    assert!(
        !entry("handler-9", "ListPrintQueue", "read"),
        "nothing of it was read by the other team"
    );
    stack.cleanup().await;
}
