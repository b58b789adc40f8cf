//! R-MON-1 at notifications: the monitors read every team's letters;
//! acting on them (resending) stays with the team that holds the complaint.

use crate::helpers::{Stack, assign, of_template, web_form};
use crate::smtp::SmtpSink;
use complaints_proto::v1 as pb;
use complaints_proto::v1::notifications_client::NotificationsClient;
use platform::auth::Role;
use platform::testing::{channel_as, token};

async fn client_of(
    stack: &Stack,
    subject: &str,
    roles: &[Role],
    team: &str,
) -> NotificationsClient<platform::testing::Authed> {
    let token = token(subject, roles, Some(team));
    NotificationsClient::new(channel_as(stack.notifications_addr, Some(&token)).await)
}

#[tokio::test]
async fn r_mon_1_monitors_read_every_teams_letters_but_only_the_holding_team_resends_them() {
    let mut stack = Stack::spawn_with_staff(SmtpSink::accepting().await, &[]).await;
    let reference = stack.open(web_form("monitors-read")).await;
    assign(
        &mut stack,
        &reference,
        "handler-1",
        pb::HandlerRole::Handler,
    )
    .await;
    let items = stack
        .correspondence_when(&reference, |items| {
            of_template(items, "automatic_reply")
                .iter()
                .any(|i| i.status_code == pb::NotificationStatus::Sent as i32)
        })
        .await;
    let sent = of_template(&items, "automatic_reply")
        .into_iter()
        .find(|i| i.status_code == pb::NotificationStatus::Sent as i32)
        .expect("the automatic reply was sent")
        .notification_id
        .clone();
    let asked = || pb::ListCorrespondenceRequest {
        reference: reference.clone(),
    };

    let mut csm = client_of(
        &stack,
        "csm-1",
        &[Role::CustomerServiceManager],
        "Examinations",
    )
    .await;
    let seen = csm
        .list_correspondence(asked())
        .await
        .expect("a monitor reads");
    assert!(!seen.into_inner().items.is_empty());

    // A handler of another team who also monitors reads, but does not act.
    let mut monitor_handler = client_of(
        &stack,
        "handler-9",
        &[Role::Handler, Role::HeadOfCustomerExperience],
        "Examinations",
    )
    .await;
    monitor_handler
        .list_correspondence(asked())
        .await
        .expect("monitoring reads every team's letters");
    let refused = monitor_handler
        .resend_notification(pb::ResendNotificationRequest {
            notification_id: sent.clone(),
        })
        .await
        .expect_err("monitoring gives no more than reading");
    assert_eq!(refused.code(), tonic::Code::PermissionDenied);
    assert!(
        refused.message().contains("R-CONF-1"),
        "{}",
        refused.message()
    );

    // The holding team reaches notifications on the bus (the assignment),
    // which may land after the automatic reply went: wait for it.
    let mut colleague = client_of(&stack, "handler-2", &[Role::Handler], "Customer Services").await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    loop {
        let answer = colleague
            .resend_notification(pb::ResendNotificationRequest {
                notification_id: sent.clone(),
            })
            .await;
        match answer {
            Ok(_) => break,
            Err(refused)
                if refused.code() == tonic::Code::PermissionDenied
                    && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            Err(refused) => panic!("the holding team resends: {refused:?}"),
        }
    }
    stack.cleanup().await;
}
