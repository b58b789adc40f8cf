//! R-INT-8 for a third party: whoever raised the complaint is told when
//! staff will make contact.

use crate::helpers::{Stack, web_form};
use crate::smtp::SmtpSink;
use complaints_proto::v1 as pb;

/// R-INT-8: a third party who raised a complaint for someone, by the web
/// form on Monday 2 March 2026, is told like any complainant that staff
/// will make contact within 7 working days, that is by Wednesday 11 March
/// 2026 (the calendar's count), while the individual's consent is awaited.
#[tokio::test]
async fn r_int_8_a_third_party_is_told_within_how_many_working_days_staff_make_contact() {
    let mut stack = Stack::spawn(SmtpSink::accepting().await).await;
    let mut request = web_form("third-party-contact");
    request.third_party = Some(pb::ThirdParty {
        name: "Grace Hopper".into(),
        relationship: "employer".into(),
        email: "hr@example.com".into(),
        organisation: "Hopper & Co".into(),
        ..Default::default()
    });
    stack.submit(request).await;
    let mail = stack
        .mail_when(
            "hr@example.com",
            "The complaint you raised for someone else",
        )
        .await;
    mail.says(
        "A member of staff will contact you within 7 working days, that is by Wednesday \
         11 March 2026, to talk through the complaint and the consent we need.",
    );
    mail.says("We will be in touch once we have their consent.");
    stack.cleanup().await;
}
