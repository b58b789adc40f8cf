//! What the process-level tests share: the test database, and waiting
//! for something to become true within a bound.

use std::future::Future;
use std::time::Duration;

/// A small pool on the test database, for looking into the services' schemas.
pub async fn database() -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(30))
        .connect(&eventlog::testing::database_url())
        .await
        .expect("the test database answers")
}

/// One number from `sql`.
pub async fn count(pool: &sqlx::PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Waits while `progress` moves towards `target`: it passes once
/// `progress` reaches it, and fails only when `progress` stands still for
/// `stalled` (a stuck consumer) or `cap` runs out, naming how far it got. A
/// machine busy with other tests is slow, not wrong, so this tells a stall
/// from a slow catch-up where a fixed deadline cannot.
pub async fn converges<F, Fut>(what: &str, stalled: Duration, cap: Duration, mut measure: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = (i64, i64)>,
{
    let started = tokio::time::Instant::now();
    let mut last = None;
    let mut moved_at = started;
    loop {
        let (progress, target) = measure().await;
        if progress >= target {
            return;
        }
        if last != Some(progress) {
            last = Some(progress);
            moved_at = tokio::time::Instant::now();
        }
        assert!(
            moved_at.elapsed() < stalled,
            "{what}: stuck at {progress} of {target} for {stalled:?}"
        );
        assert!(
            started.elapsed() < cap,
            "{what}: {progress} of {target} after {cap:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Polls `check` every 50 ms until it answers `Some`, or panics naming
/// `what` after `within`.
pub async fn eventually<T, F, Fut>(what: &str, within: Duration, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(found) = check().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what}: not within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Queues `count` post letters for one party straight through the
/// notifications store (whose settings are `notifications`), as its
/// planner does, one second apart from `first`: more letters to post than
/// a page shows, without a complaint each.
pub async fn queue_post_letters(
    notifications: &platform::Settings,
    reference: &str,
    count: usize,
    first: chrono::DateTime<chrono::Utc>,
) {
    use notifications::core::{Channel, Recipient, RecipientKind, Rendered};
    use notifications::store::{self, NewNotification};
    let log = eventlog::EventLog::open(&notifications.database)
        .await
        .unwrap();
    let mut tx = log.pool().begin().await.unwrap();
    let party = format!("party-{reference}");
    store::link_reference(&mut tx, reference, &party)
        .await
        .unwrap();
    let to = Recipient {
        kind: RecipientKind::Complainant,
        name: "Ada Lovelace".into(),
        channel: Channel::Post {
            lines: vec!["12 St James's Square".into(), "London".into()],
            postcode: "SW1Y 4JH".into(),
        },
        adjustments: None,
    };
    let rendered = Rendered {
        subject: format!("Your complaint {reference}"),
        body: "Dear Ada Lovelace,".into(),
    };
    for n in 0..count {
        let id = uuid::Uuid::new_v4();
        store::queue(
            &mut tx,
            &NewNotification {
                id,
                party_key: &party,
                reference,
                template: "automatic_reply",
                to: &to,
                rendered: &rendered,
                cause_event_id: None,
                cause_event_type: "",
                cause_payload: &[],
                resend_of: None,
            },
            first + chrono::Duration::seconds(n as i64),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}
