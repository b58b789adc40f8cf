//! Following a complaint from the signed link in its letters, over HTTP on
//! the console's public listener, in front of the real four services
//! in-process ([`Stack`]) with the real SMTP catcher: the automatic reply
//! carries the link; the link shows the stage and its dates and letters;
//! the complainant asks for Stage 2 on grounds from the page; a third
//! party's complaint proceeds once the individual consents from the
//! consent link; expired and tampered links are refused (and counted by
//! kind); a fresh link is emailed, never shown.

use crate::public_pages::{Browser, Page, start_console};
use crate::stack::{Person, Stack};
use base64::Engine;
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use complaints_proto::v1::notifications_client::NotificationsClient;
use platform::auth::Role;
use platform::testing::{Authed, channel_as, token};
use std::time::Duration;

/// Shared by notifications (which signs), complaints and intake (which
/// check); the console holds none.
pub(crate) const LINK_SECRET: &str = "a-link-secret-for-the-public-follow-tests-0123";
/// The public pages as the letters name them; the tests send the link's
/// path to the listener's real address.
pub(crate) const PUBLIC_BASE_URL: &str = "https://complaints.example.org";

pub(crate) async fn stack(prefix: &str) -> Stack {
    Stack::spawn_with(
        prefix,
        None,
        &[
            ("LINK_SECRET", LINK_SECRET.into()),
            ("PUBLIC_BASE_URL", PUBLIC_BASE_URL.into()),
        ],
    )
    .await
}

/// An email's body decoded from its transfer encoding.
fn body(data: &str) -> String {
    let data = data.replace("\r\n", "\n");
    let (head, body) = data.split_once("\n\n").unwrap_or((&data, ""));
    let head = head.to_ascii_lowercase();
    if head.contains("content-transfer-encoding: base64") {
        let joined: String = body.split_whitespace().collect();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(joined)
            .unwrap();
        String::from_utf8(bytes).unwrap()
    } else if head.contains("content-transfer-encoding: quoted-printable") {
        let mut out = Vec::new();
        let bytes = body.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'=' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
                b'=' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                    out.push(u8::from_str_radix(hex, 16).unwrap());
                    i += 3;
                }
                b => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        String::from_utf8(out).unwrap()
    } else {
        body.to_owned()
    }
}

/// The body of the first email to `to` whose subject contains `subject`,
/// waiting up to 30 s for it.
pub(crate) async fn mail(stack: &Stack, to: &str, subject: &str) -> String {
    for _ in 0..300 {
        if let Some(m) = stack
            .smtp
            .received()
            .into_iter()
            .find(|m| m.to.iter().any(|t| t.contains(to)) && m.subject().contains(subject))
        {
            return body(&m.data);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no email to {to} about {subject:?} within 30 s");
}

/// The path of the `kind` link (`follow` or `consent`) in an email.
pub(crate) fn link_path(body: &str, kind: &str) -> String {
    let start = format!("{PUBLIC_BASE_URL}/{kind}/");
    let at = body
        .find(&start)
        .unwrap_or_else(|| panic!("no {kind} link in the email:\n{body}"));
    let token = body[at + start.len()..].split_whitespace().next().unwrap();
    format!("/{kind}/{token}")
}

/// Submits `person`'s complaint as the public forms do (the portal).
pub(crate) async fn submit(
    stack: &Stack,
    request: pb::SubmitComplaintRequest,
) -> pb::SubmissionReceipt {
    let portal = token(console::public::credentials::SUBJECT, &[Role::Portal], None);
    let mut intake = IntakeClient::new(channel_as(stack.addrs[0], Some(&portal)).await);
    intake.submit_complaint(request).await.unwrap().into_inner()
}

pub(crate) async fn staff(stack: &Stack, who: &str, roles: &[Role]) -> ComplaintsClient<Authed> {
    let t = token(who, roles, Some("Customer Services"));
    ComplaintsClient::new(channel_as(stack.addrs[1], Some(&t)).await)
}

/// The complaint reference the automatic reply to `email` gives, and the
/// reply's body, waiting for it.
pub(crate) async fn reply_to(stack: &Stack, email: &str) -> (String, String) {
    let subject = "We have received your complaint";
    for _ in 0..300 {
        if let Some(m) = stack
            .smtp
            .received()
            .into_iter()
            .find(|m| m.to.iter().any(|t| t.contains(email)) && m.subject().contains(subject))
        {
            let subject = m.subject();
            let reference = subject
                .split("(reference ")
                .nth(1)
                .and_then(|r| r.split(')').next())
                .unwrap_or_else(|| panic!("no reference in {subject:?}"))
                .to_owned();
            return (reference, body(&m.data));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no automatic reply to {email} within 30 s");
}

pub(crate) fn command(reference: &str, user: &str) -> Option<pb::ComplaintCommand> {
    Some(pb::ComplaintCommand {
        reference: reference.to_owned(),
        acting_user: user.to_owned(),
        ..Default::default()
    })
}

/// GETs `path` until the page contains `text` (the services act on
/// their events in their own time), up to 30 s.
async fn page_with(b: &mut Browser, path: &str, text: &str) -> Page {
    for _ in 0..300 {
        let page = b.get(path).await;
        if page.body.contains(text) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let page = b.get(path).await;
    panic!("{text:?} not on {path} within 30 s:\n{}", page.body);
}

pub(crate) async fn metric(stack: &Stack, service: usize, name: &str, reason: &str) -> f64 {
    let mut b = Browser::new(stack.metrics[service]);
    let page = b.get("/metrics").await;
    let samples = platform::metrics::parse(&page.body).unwrap();
    samples
        .iter()
        .find(|s| s.name == name && s.label("reason") == Some(reason))
        .map_or(0.0, |s| s.value)
}

#[tokio::test]
async fn r_s1_4_r_s3_1_the_automatic_reply_links_to_the_complaint_whose_page_asks_for_stage_2_on_grounds_then_stage_3()
 {
    let stack = stack("public_follow").await;
    let console = start_console(&stack, &[]).await;
    let person = Person {
        first_name: "Philippa",
        last_name: "Follow-Through",
        email: "philippa.follow@example.org",
        detail: "My exam result letter never arrived.",
        attachment: "",
    };
    submit(&stack, person.submission()).await;
    // The automatic reply carries a follow link (no personal data in it).
    let (reference, reply) = reply_to(&stack, person.email).await;
    let follow = link_path(&reply, "follow");
    assert!(follow.contains(&reference), "{follow}");
    assert!(!follow.contains("philippa"), "{follow}");

    let mut b = Browser::new(console.public);
    let opened = b.get(&follow).await;
    assert_eq!(opened.status, 303, "{}", opened.body);
    assert_eq!(opened.location(), "/your-complaint");
    assert_eq!(
        opened.headers.get("referrer-policy").unwrap(),
        "no-referrer",
        "the token is not passed on"
    );
    // Stage 1, the contact date in words with its working days, and the
    // automatic reply's text without the link.
    let page = page_with(&mut b, "/your-complaint", "We have received your complaint").await;
    assert_eq!(page.status, 200);
    for shown in [
        reference.as_str(),
        "Stage 1",
        "A member of staff will contact you by",
    ] {
        assert!(
            page.body.contains(shown),
            "{shown} on the page:\n{}",
            page.body
        );
    }
    assert!(
        page.body.contains("working days from today"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("/follow/"), "no link on the page");
    assert!(!page.body.contains("Ask for Stage 2"), "no outcome yet");

    // Staff record the Stage 1 outcome over gRPC.
    let mut manager = staff(&stack, "manager-1", &[Role::Manager]).await;
    manager
        .assign_handler(pb::AssignHandlerRequest {
            command: command(&reference, "manager-1"),
            handler: "handler-1".into(),
            team: "Customer Services".into(),
            role: pb::HandlerRole::Handler as i32,
        })
        .await
        .unwrap();
    let mut handler = staff(&stack, "handler-1", &[Role::Handler]).await;
    handler
        .record_outcome(pb::RecordOutcomeRequest {
            command: command(&reference, "handler-1"),
            stage: pb::Stage::Stage1 as i32,
            decision: pb::Decision::NotUpheld as i32,
            findings: "The letter was posted on time.".into(),
            ..Default::default()
        })
        .await
        .unwrap();

    let page = b.get("/your-complaint").await;
    assert!(page.body.contains("Not upheld"), "{}", page.body);
    assert!(page.body.contains("Ask for Stage 2"), "{}", page.body);
    assert!(
        page.body.contains("You can ask for the next stage until"),
        "{}",
        page.body
    );

    // R-S1-4: the grounds; (c) is not offered (no timescale passed).
    let form = b.get("/your-complaint/next-stage").await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("not fully understood"));
    assert!(!form.body.contains("no response within the timescale"));
    let missing = b
        .post("/your-complaint/next-stage", &[("reasons", "")])
        .await;
    assert_eq!(missing.status, 422, "{}", missing.body);
    assert!(missing.body.contains("R-S1-4: Select why you want Stage 2"));
    let asked = b
        .post(
            "/your-complaint/next-stage",
            &[
                ("grounds", "a"),
                ("grounds", "b"),
                ("reasons", "My second point was not looked at."),
            ],
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(
        asked.body.contains("You have asked for Stage 2"),
        "{}",
        asked.body
    );

    // The complaints service has the request, from the public forms.
    let view = manager
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.stage, pb::Stage::Stage2 as i32);
    let history = manager
        .get_history(pb::GetHistoryRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    let escalated = history
        .entries
        .iter()
        .find(|e| e.event_type.ends_with("StageEscalated"))
        .expect("the request is in the history");
    assert_eq!(
        escalated.actor,
        format!("user:{}", console::public::credentials::SUBJECT)
    );
    let page = b.get("/your-complaint").await;
    assert!(page.body.contains("Stage 2"), "{}", page.body);

    // The staff console's complaint page shows the request in its timeline.
    let staff_console = crate::console::start_console(&stack.addrs, |_| {}).await;
    let mut staff_browser = crate::console::Browser::new(&staff_console);
    staff_browser
        .sign_in("manager-1", &["manager"], crate::console::TEAM)
        .await;
    let complaint = staff_browser.get(&format!("/complaints/{reference}")).await;
    assert_eq!(complaint.status, 200, "{}", complaint.body);
    assert!(
        complaint
            .body
            .contains("Escalated to Stage 2 at the complainant&#x27;s request")
            || complaint
                .body
                .contains("Escalated to Stage 2 at the complainant's request"),
        "{}",
        complaint.body
    );
    drop(staff_console);

    // R-S3-1: after the Stage 2 outcome, Stage 3 with the reasons and the
    // outcome sought, which is required.
    manager
        .assign_handler(pb::AssignHandlerRequest {
            command: command(&reference, "manager-1"),
            handler: "manager-1".into(),
            team: "Customer Services".into(),
            role: pb::HandlerRole::Manager as i32,
        })
        .await
        .unwrap();
    manager
        .record_outcome(pb::RecordOutcomeRequest {
            command: command(&reference, "manager-1"),
            stage: pb::Stage::Stage2 as i32,
            decision: pb::Decision::NotUpheld as i32,
            findings: "The second point was looked at and the letter was on time.".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    let page = b.get("/your-complaint").await;
    assert!(page.body.contains("Ask for Stage 3"), "{}", page.body);
    let form = b.get("/your-complaint/next-stage").await;
    assert!(
        form.body.contains("What outcome are you seeking?"),
        "{}",
        form.body
    );
    assert!(
        !form.body.contains("not fully understood"),
        "no Stage 2 grounds"
    );
    let missing = b
        .post(
            "/your-complaint/next-stage",
            &[("reasons", "The Stage 2 review repeated Stage 1.")],
        )
        .await;
    assert_eq!(missing.status, 422, "{}", missing.body);
    assert!(
        missing
            .body
            .contains("R-S3-1: Enter the outcome you are seeking")
    );
    assert!(
        missing
            .body
            .contains("The Stage 2 review repeated Stage 1."),
        "kept as typed"
    );
    let asked = b
        .post(
            "/your-complaint/next-stage",
            &[
                ("reasons", "The Stage 2 review repeated Stage 1."),
                ("outcome_sought", "A corrected letter and an apology."),
            ],
        )
        .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(
        asked.body.contains("You have asked for Stage 3"),
        "{}",
        asked.body
    );
    // Stage 3 went to the Corporate Compliance Manager: a monitor reads it.
    let view = staff(&stack, "csm-1", &[Role::CustomerServiceManager])
        .await
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.stage, pb::Stage::Stage3 as i32);
    // R-S3-6: nothing after Stage 3; the page offers no further stage.
    let page = b.get("/your-complaint").await;
    assert!(!page.body.contains("Ask for Stage"), "{}", page.body);
}

#[tokio::test]
async fn an_expired_a_tampered_and_a_misused_link_are_refused_and_counted_by_kind() {
    let stack = stack("public_links").await;
    let console = start_console(&stack, &[]).await;
    let person = Person {
        first_name: "Tamsin",
        last_name: "Tamper",
        email: "tamsin.tamper@example.org",
        detail: "Nobody answered my calls.",
        attachment: "",
    };
    submit(&stack, person.submission()).await;
    let (reference, reply) = reply_to(&stack, person.email).await;
    let follow = link_path(&reply, "follow");

    let key = links::LinkKey::new(LINK_SECRET.as_bytes()).unwrap();
    let now = chrono::Utc::now().timestamp();
    let expired = key
        .sign(links::Purpose::Follow, &reference, now - 60)
        .unwrap();
    let consent = key
        .sign(links::Purpose::Consent, &reference, now + 600)
        .unwrap();
    let tampered = follow.replacen(&reference, "CMP-2026-999999", 1);
    let mut b = Browser::new(console.public);
    for (path, kind) in [
        (format!("/follow/{expired}"), "expired"),
        (tampered, "tampered"),
        (format!("/follow/{consent}"), "malformed"),
        ("/follow/not-a-token".to_owned(), "malformed"),
    ] {
        let page = b.get(&path).await;
        assert_eq!(page.status, 410, "{kind}: {}", page.body);
        assert!(page.body.contains("This link no longer works"), "{kind}");
        assert!(
            page.body.contains("/new-link"),
            "{kind}: a fresh link is offered"
        );
    }
    // Without a link, the page says where to find one.
    let none = b.get("/your-complaint").await;
    assert_eq!(none.status, 404);
    // The complaints service counts each refusal by its kind only.
    assert!(
        metric(
            &stack,
            1,
            "complaints_follow_links_refused_total",
            "expired"
        )
        .await
            >= 1.0
    );
    assert!(
        metric(
            &stack,
            1,
            "complaints_follow_links_refused_total",
            "tampered"
        )
        .await
            >= 1.0
    );
    // The genuine link still works.
    assert_eq!(b.get(&follow).await.location(), "/your-complaint");
}

#[tokio::test]
async fn r_int_4_a_third_partys_complaint_proceeds_once_the_individual_consents_from_the_consent_link()
 {
    let stack = stack("public_consent").await;
    let console = start_console(&stack, &[]).await;
    let person = Person {
        first_name: "Constance",
        last_name: "Consenting",
        email: "constance.consenting@example.org",
        detail: "My employer complains for me about my results.",
        attachment: "",
    };
    let mut request = person.submission();
    request.third_party = Some(pb::ThirdParty {
        name: "Rupert Representative".into(),
        relationship: "employer".into(),
        email: "rupert.rep@example.org".into(),
        ..Default::default()
    });
    let receipt = submit(&stack, request).await;
    assert_eq!(receipt.status, pb::TriageStatus::AwaitingConsent as i32);

    let asked = mail(&stack, person.email, "We need your consent").await;
    let consent = link_path(&asked, "consent");
    assert!(consent.contains(&receipt.submission_id), "{consent}");
    // A tampered, an expired or an unknown consent link gets "this link
    // no longer works" at once, before any form: intake checks it for the
    // console, which holds no secret, and counts it by kind. Nothing is
    // kept in the session, so there is no form to answer either.
    let mut tampered = consent.clone();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let key = links::LinkKey::new(LINK_SECRET.as_bytes()).unwrap();
    let now = chrono::Utc::now().timestamp();
    let expired = key
        .sign(links::Purpose::Consent, &receipt.submission_id, now - 60)
        .unwrap();
    let unknown = key
        .sign(
            links::Purpose::Consent,
            &uuid::Uuid::new_v4().to_string(),
            now + 600,
        )
        .unwrap();
    for (path, kind) in [
        (tampered, "tampered"),
        (format!("/consent/{expired}"), "expired"),
        (format!("/consent/{unknown}"), "unknown"),
    ] {
        let mut tamperer = Browser::new(console.public);
        let refused = tamperer.get(&path).await;
        assert_eq!(refused.status, 410, "{kind}: {}", refused.body);
        assert!(refused.body.contains("This link no longer works"), "{kind}");
        assert_eq!(tamperer.get("/consent").await.status, 404, "{kind}");
        let answered = tamperer.post("/consent", &[("answer", "give")]).await;
        assert_ne!(answered.status, 200, "{kind}: {}", answered.body);
    }
    assert!(metric(&stack, 0, "intake_consent_links_refused_total", "tampered").await >= 1.0);
    assert!(metric(&stack, 0, "intake_consent_links_refused_total", "expired").await >= 1.0);

    let mut b = Browser::new(console.public);
    let opened = b.get(&consent).await;
    assert_eq!(opened.location(), "/consent", "{}", opened.body);
    let form = b.get("/consent").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let unanswered = b.post("/consent", &[]).await;
    assert_eq!(unanswered.status, 422);
    assert!(unanswered.body.contains("R-INT-4"));
    let given = b.post("/consent", &[("answer", "give")]).await;
    assert_eq!(given.status, 200, "{}", given.body);
    assert!(
        given.body.contains("your consent is recorded"),
        "{}",
        given.body
    );
    // The complaint proceeds: intake accepts it for the procedure.
    let t = token("manager-1", &[Role::Manager], Some("Customer Services"));
    let mut intake = IntakeClient::new(channel_as(stack.addrs[0], Some(&t)).await);
    let summary = intake
        .get_submission(pb::GetSubmissionRequest {
            submission_id: receipt.submission_id.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(summary.status, pb::TriageStatus::Accepted as i32);
    assert!(!summary.consent_withdrawn);

    // A consent link is for consent only.
    let mut other = Browser::new(console.public);
    let as_follow = consent.replacen("/consent/", "/follow/", 1);
    assert_eq!(other.get(&as_follow).await.status, 410);
}

#[tokio::test]
async fn a_fresh_link_is_emailed_when_the_details_match_and_the_page_never_shows_it() {
    let stack = stack("public_fresh").await;
    let console = start_console(&stack, &[]).await;
    let person = Person {
        first_name: "Frederica",
        last_name: "Fresh",
        email: "frederica.fresh@example.org",
        detail: "I lost the email with the link.",
        attachment: "",
    };
    submit(&stack, person.submission()).await;
    let (reference, _) = reply_to(&stack, person.email).await;

    let mut b = Browser::new(console.public);
    let form = b.get("/new-link").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let empty = b
        .post("/new-link", &[("reference", ""), ("email_or_postcode", "")])
        .await;
    assert_eq!(empty.status, 422);
    // Wrong details and right ones get the same answer.
    let wrong = b
        .post(
            "/new-link",
            &[
                ("reference", &reference),
                ("email_or_postcode", "someone.else@example.org"),
            ],
        )
        .await;
    assert_eq!(wrong.location(), "/new-link/sent");
    let right = b
        .post(
            "/new-link",
            &[
                ("reference", &reference.to_lowercase()),
                ("email_or_postcode", " Frederica.Fresh@example.org "),
            ],
        )
        .await;
    assert_eq!(right.location(), "/new-link/sent");
    let sent = b.get("/new-link/sent").await;
    assert!(sent.body.contains("If the details match"));
    assert!(!sent.body.contains("/follow/"));

    let fresh = mail(&stack, person.email, "A new link to follow your complaint").await;
    let path = link_path(&fresh, "follow");
    let mut other = Browser::new(console.public);
    assert_eq!(other.get(&path).await.location(), "/your-complaint");
    assert!(other.get("/your-complaint").await.body.contains(&reference));

    // Recorded: one fresh link, sent to the complainant, and only one.
    let t = token(
        "csm-1",
        &[Role::CustomerServiceManager, Role::Manager],
        Some("Customer Services"),
    );
    let mut notifications = NotificationsClient::new(channel_as(stack.addrs[2], Some(&t)).await);
    let letters = notifications
        .list_correspondence(pb::ListCorrespondenceRequest {
            reference: reference.clone(),
        })
        .await
        .unwrap()
        .into_inner()
        .items;
    let fresh_links: Vec<_> = letters
        .iter()
        .filter(|l| l.template == "follow_link")
        .collect();
    assert_eq!(fresh_links.len(), 1, "{letters:?}");
}
