//! R-CONF-1 at notifications: every RPC guarded, refusals recorded.

use crate::helpers::Stack;
use crate::smtp::SmtpSink;

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
