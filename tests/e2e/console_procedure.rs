//! The staff console's newest procedure steps over HTTP against the four
//! services: a contact restriction lifted (R-UPC-1), new issues raised
//! late waiting for a decision (R-UPC-2), and the regulator notices'
//! list and pages (R-REG-4). The browser and console are those of
//! [`crate::console`].

use crate::console::{
    Browser, Page, TEAM, date_fields, in_days, pairs, start_console, submit, view,
};
use crate::stack::Stack;

/// Signs a line manager in, and gives the complaint to `handler-1` of
/// the team, so both reach it.
async fn assigned(browser: &mut Browser, reference: &str) {
    browser.sign_in("supervisor-1", &["manager"], TEAM).await;
    let page = browser
        .step(
            reference,
            "assign",
            &[
                ("handler", "handler-1"),
                ("team", TEAM),
                ("role", "handler"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
}

fn offers(page: &Page, reference: &str, step: &str) -> bool {
    page.body
        .contains(&format!("/complaints/{reference}/steps/{step}\""))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_upc_1_a_contact_restriction_is_recorded_then_lifted_through_the_console() {
    let stack = Stack::spawn("console_lift").await;
    let console = start_console(&stack.addrs, |_| {}).await;
    let reference = submit(&stack, "console-lift").await;
    let mut manager = Browser::new(&console);
    assigned(&mut manager, &reference).await;

    let page = manager.get(&format!("/complaints/{reference}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        !offers(&page, &reference, "lift-restriction"),
        "no restriction, no lift: {}",
        page.body
    );

    let review_on = in_days(30);
    let mut fields = vec![("reason".to_owned(), "Daily calls abusing staff.".to_owned())];
    date_fields("review_on", review_on, &mut fields);
    let page = manager
        .step(&reference, "restrict-contact", &pairs(&fields))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("Contact is restricted."),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("id=\"contact-restriction\""),
        "{}",
        page.body
    );
    let review_words = review_on.format("%-d %B %Y").to_string();
    assert!(
        page.body.contains("until it is reviewed on ") && page.body.contains(&review_words),
        "the review date in words: {}",
        page.body
    );
    assert!(
        offers(&page, &reference, "lift-restriction"),
        "{}",
        page.body
    );
    assert!(view(&stack, &reference).await.contact_restricted);

    let page = manager
        .step(
            &reference,
            "lift-restriction",
            &[("reason", "Reviewed: the calls have stopped.")],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("The contact restriction is lifted."),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("id=\"contact-restriction\""),
        "{}",
        page.body
    );
    assert!(
        !offers(&page, &reference, "lift-restriction"),
        "{}",
        page.body
    );
    let after = view(&stack, &reference).await;
    assert!(!after.contact_restricted);
    assert!(after.restriction_review_on.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_upc_2_new_issues_raised_late_wait_and_a_compelling_reason_opens_a_new_complaint() {
    let stack = Stack::spawn("console_late_issues").await;
    let console = start_console(&stack.addrs, |_| {}).await;
    let reference = submit(&stack, "console-late-issues").await;
    let mut manager = Browser::new(&console);
    assigned(&mut manager, &reference).await;
    let mut handler = Browser::new(&console);
    handler.sign_in("handler-1", &["handler"], TEAM).await;
    let page = handler
        .step(
            &reference,
            "resolve-outside-procedure",
            &[("how", "Sent the certificate by courier the same day.")],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(view(&stack, &reference).await.closed);

    // Aware of them eight months ago: outside the 6 months, so they wait.
    let aware = chrono::Utc::now().date_naive() - chrono::Days::new(240);
    let mut fields = vec![(
        "description".to_owned(),
        "The replacement certificate misspells my name.".to_owned(),
    )];
    date_fields("became_aware_on", aware, &mut fields);
    let page = handler
        .step(&reference, "raise-new-issues", &pairs(&fields))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("wait for a decision"), "{}", page.body);
    assert!(
        page.body.contains("id=\"new-issues-waiting\""),
        "{}",
        page.body
    );
    assert!(
        offers(&page, &reference, "decide-new-issues"),
        "{}",
        page.body
    );
    let waiting = view(&stack, &reference).await;
    assert!(waiting.new_issues_awaiting_decision);
    assert!(waiting.new_complaints.is_empty());

    // No decision chosen: refused by the form, nothing done.
    let refused = handler
        .step(
            &reference,
            "decide-new-issues",
            &[("reason", "Typed before choosing.")],
        )
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("Choose whether there is a compelling reason"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("Typed before choosing."),
        "{}",
        refused.body
    );
    assert!(view(&stack, &reference).await.new_issues_awaiting_decision);

    let page = handler
        .step(
            &reference,
            "decide-new-issues",
            &[
                ("decision", "compelling"),
                (
                    "reason",
                    "The complainant was abroad and could not have known sooner.",
                ),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let decided = view(&stack, &reference).await;
    assert!(!decided.new_issues_awaiting_decision);
    assert_eq!(decided.new_complaints.len(), 1, "{decided:?}");
    let opened = &decided.new_complaints[0];
    assert!(
        page.body.contains("the new issues are opened")
            || page.body.contains("The new issues are opened as"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("href=\"/complaints/{opened}\"")),
        "the new complaint linked: {}",
        page.body
    );
    assert!(
        !page.body.contains("id=\"new-issues-waiting\""),
        "{}",
        page.body
    );
    assert!(
        !offers(&page, &reference, "decide-new-issues"),
        "{}",
        page.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_reg_4_a_regulator_notice_recorded_in_the_console_is_listed_open_and_shown() {
    let stack = Stack::spawn("console_notices").await;
    let console = start_console(&stack.addrs, |_| {}).await;

    // The navigation offers the list to the Corporate Compliance Manager
    // only, as the service lets only them read it.
    let mut handler = Browser::new(&console);
    handler.sign_in("handler-1", &["handler"], TEAM).await;
    let queue = handler.get("/queue").await;
    assert!(
        !queue.body.contains("href=\"/regulator-notices\""),
        "{}",
        queue.body
    );
    let mut ccm = Browser::new(&console);
    ccm.sign_in("ccm-1", &["compliance_manager"], "").await;
    let queue = ccm.get("/queue").await;
    assert!(
        queue.body.contains("href=\"/regulator-notices\""),
        "{}",
        queue.body
    );

    let form = ccm.get("/regulator-notices/new").await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.hidden("csrf_token");
    let due = in_days(20);
    let mut fields = vec![
        ("csrf_token".to_owned(), csrf),
        ("regulator".to_owned(), "Ofqual".to_owned()),
        (
            "awarding_organisation".to_owned(),
            "Northern Awarding Body".to_owned(),
        ),
        (
            "failure".to_owned(),
            "Moderation samples were too small to detect marking errors.".to_owned(),
        ),
        ("review_owner".to_owned(), "ccm-1".to_owned()),
    ];
    date_fields("review_due_on", due, &mut fields);
    let sent = ccm
        .post(
            "/regulator-notices/new/steps/record-regulator-notice",
            &pairs(&fields),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    let id = sent
        .location()
        .strip_prefix("/regulator-notices/")
        .and_then(|rest| rest.strip_suffix("/steps/complete-regulator-review"))
        .unwrap_or_else(|| panic!("to the review's form: {}", sent.location()))
        .to_owned();

    let open = ccm.get("/regulator-notices?filter=open").await;
    assert_eq!(open.status, 200, "{}", open.body);
    assert!(
        open.body
            .contains(&format!("href=\"/regulator-notices/{id}\"")),
        "{}",
        open.body
    );
    for shown in [
        "Ofqual",
        "Northern Awarding Body",
        "ccm-1",
        "Review open",
        &due.format("%-d %B %Y").to_string(),
    ] {
        assert!(open.body.contains(shown), "{shown}: {}", open.body);
    }
    assert!(
        open.body.contains("value=\"open\" selected"),
        "{}",
        open.body
    );
    let completed = ccm.get("/regulator-notices?filter=completed").await;
    assert_eq!(completed.status, 200, "{}", completed.body);
    assert!(!completed.body.contains(&id), "{}", completed.body);

    let page = ccm.get(&format!("/regulator-notices/{id}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("Moderation samples were too small to detect marking errors."),
        "{}",
        page.body
    );
    let step = format!("/regulator-notices/{id}/steps/complete-regulator-review");
    assert!(
        page.body.contains(&format!("href=\"{step}\"")),
        "{}",
        page.body
    );

    // Completing the review from the notice's page: its findings show,
    // and it leaves the open list for the completed one.
    let form = ccm.get(&step).await;
    assert_eq!(form.status, 200, "{}", form.body);
    let csrf = form.hidden("csrf_token");
    let sent = ccm
        .post(
            &step,
            &[
                ("csrf_token", csrf.as_str()),
                (
                    "findings",
                    "Our samples meet the minimum; sampling guidance reissued to moderators.",
                ),
            ],
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert_eq!(sent.location(), format!("/regulator-notices/{id}"));
    let page = ccm.get(&format!("/regulator-notices/{id}")).await;
    assert!(
        page.body.contains("The review is complete."),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Our samples meet the minimum; sampling guidance reissued to moderators."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Review completed"), "{}", page.body);
    let open = ccm.get("/regulator-notices?filter=open").await;
    assert!(!open.body.contains(&id), "{}", open.body);
    let completed = ccm.get("/regulator-notices?filter=completed").await;
    assert!(completed.body.contains(&id), "{}", completed.body);

    // A handler is refused the list by the service.
    let refused = handler.get("/regulator-notices").await;
    assert_ne!(refused.status, 200, "{}", refused.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_reg_4_a_notice_whose_review_date_has_passed_is_listed_overdue() {
    let stack = Stack::spawn("console_notice_overdue").await;
    let console = start_console(&stack.addrs, |_| {}).await;
    let mut ccm = Browser::new(&console);
    ccm.sign_in("ccm-1", &["compliance_manager"], "").await;
    let form = ccm.get("/regulator-notices/new").await;
    let csrf = form.hidden("csrf_token");
    let today = chrono::Utc::now().date_naive();
    let mut fields = vec![
        ("csrf_token".to_owned(), csrf),
        ("regulator".to_owned(), "Qualifications Wales".to_owned()),
        (
            "awarding_organisation".to_owned(),
            "Western Awarding Body".to_owned(),
        ),
        (
            "failure".to_owned(),
            "Assessors were not standardised before marking.".to_owned(),
        ),
        ("review_owner".to_owned(), "ccm-1".to_owned()),
    ];
    date_fields("received_on", today - chrono::Days::new(30), &mut fields);
    date_fields("review_due_on", today - chrono::Days::new(10), &mut fields);
    let sent = ccm
        .post(
            "/regulator-notices/new/steps/record-regulator-notice",
            &pairs(&fields),
        )
        .await;
    assert_eq!(sent.status, 303, "{}", sent.body);

    let overdue = ccm.get("/regulator-notices?filter=overdue").await;
    assert_eq!(overdue.status, 200, "{}", overdue.body);
    assert!(
        overdue.body.contains("Western Awarding Body"),
        "{}",
        overdue.body
    );
    assert!(overdue.body.contains("Review overdue"), "{}", overdue.body);
    let open = ccm.get("/regulator-notices?filter=open").await;
    assert!(
        open.body.contains("Western Awarding Body"),
        "overdue is open too: {}",
        open.body
    );
    let completed = ccm.get("/regulator-notices?filter=completed").await;
    assert!(
        completed.body.contains("id=\"no-notices\""),
        "{}",
        completed.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_upc_2_new_issues_raised_late_can_be_declined_and_open_nothing() {
    let stack = Stack::spawn("console_late_declined").await;
    let console = start_console(&stack.addrs, |_| {}).await;
    let reference = submit(&stack, "console-late-declined").await;
    let mut manager = Browser::new(&console);
    assigned(&mut manager, &reference).await;
    let page = manager
        .step(
            &reference,
            "resolve-outside-procedure",
            &[("how", "Sent the certificate by courier the same day.")],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let aware = chrono::Utc::now().date_naive() - chrono::Days::new(300);
    let mut fields = vec![(
        "description".to_owned(),
        "The exam room was too cold last year.".to_owned(),
    )];
    date_fields("became_aware_on", aware, &mut fields);
    let page = manager
        .step(&reference, "raise-new-issues", &pairs(&fields))
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(view(&stack, &reference).await.new_issues_awaiting_decision);

    let page = manager
        .step(
            &reference,
            "decide-new-issues",
            &[
                ("decision", "decline"),
                ("reason", "No reason was given for raising them so late."),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body.contains("The new issues are declined."),
        "{}",
        page.body
    );
    let decided = view(&stack, &reference).await;
    assert!(!decided.new_issues_awaiting_decision);
    assert!(decided.new_complaints.is_empty(), "{decided:?}");
    assert!(
        !page.body.contains("id=\"new-issues-waiting\""),
        "{}",
        page.body
    );
}

/// R-S2-1: once the Stage 1 outcome is recorded the complaint's page offers
/// to record the day the complainant received it; a day in the future is
/// refused with the service's rule next to the date, what was typed kept,
/// and nothing changed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn r_s2_1_the_console_records_the_day_an_outcome_was_received_or_says_why_not() {
    let stack = Stack::spawn("console_receipt").await;
    let console = start_console(&stack.addrs, |_| {}).await;
    let reference = submit(&stack, "console-receipt").await;
    let mut manager = Browser::new(&console);
    assigned(&mut manager, &reference).await;
    let mut handler = Browser::new(&console);
    handler.sign_in("handler-1", &["handler"], TEAM).await;
    let page = handler.get(&format!("/complaints/{reference}")).await;
    assert!(
        !offers(&page, &reference, "record-receipt"),
        "no outcome, nothing received: {}",
        page.body
    );
    let page = handler
        .step(
            &reference,
            "record-outcome",
            &[
                ("stage", "1"),
                ("decision", "not_upheld"),
                ("findings", "The certificate was sent on time."),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(offers(&page, &reference, "record-receipt"), "{}", page.body);

    // The emailed outcome's delivery report moves the complaint on by
    // itself; wait for it so that the refusal below is all that is tested.
    let mut received = view(&stack, &reference).await;
    for _ in 0..300 {
        if received.outcomes.iter().any(|o| o.received_on.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        received = view(&stack, &reference).await;
    }
    assert!(
        received.outcomes.iter().any(|o| o.received_on.is_some()),
        "the emailed outcome is reported received"
    );
    let before = received.version;
    let mut fields = vec![
        ("stage".to_owned(), "1".to_owned()),
        ("resent".to_owned(), "yes".to_owned()),
        (
            "reason".to_owned(),
            "The letter came back undelivered.".to_owned(),
        ),
    ];
    date_fields("received_on", in_days(3), &mut fields);
    let refused = handler
        .step(&reference, "record-receipt", &pairs(&fields))
        .await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert!(
        refused.body.contains("id=\"received_on-error\"") && refused.body.contains("R-S2-1"),
        "the rule next to the date: {}",
        refused.body
    );
    assert!(refused.body.contains("The letter came back undelivered."));
    assert_eq!(
        view(&stack, &reference).await.version,
        before,
        "nothing changed"
    );
}
