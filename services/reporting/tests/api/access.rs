//! R-CONF-1 at reporting: every RPC guarded, refusals recorded; the
//! committee reads the anonymised figures.

use crate::helpers::Stack;
use complaints_proto::v1 as pb;
use complaints_proto::v1::reporting_client::ReportingClient;
use platform::auth::Role;
use platform::testing::{channel_as, token};

#[tokio::test]
async fn r_conf_1_every_reporting_rpc_refuses_a_missing_or_expired_token_and_a_wrong_role() {
    let stack = Stack::spawn().await;
    platform::testing::assert_service_is_guarded(
        stack.reporting_addr,
        "complaints.v1.Reporting",
        reporting::access::POLICY,
    )
    .await;
    let committee = token("committee-1", &[Role::Committee], None);
    let mut committee =
        ReportingClient::new(channel_as(stack.reporting_addr, Some(&committee)).await);
    committee
        .get_figures(pb::GetFiguresRequest {
            from: Some(pb::Date {
                year: 2026,
                month: 1,
                day: 1,
            }),
            to: Some(pb::Date {
                year: 2026,
                month: 3,
                day: 31,
            }),
            ..Default::default()
        })
        .await
        .expect("the committee reads the anonymised figures");
    stack.cleanup().await;
}
