//! Delivery: the email sender over SMTP, and the operators' templates.
//!
//! The sender takes the next due email under a row lock (`FOR UPDATE SKIP
//! LOCKED`, so replicas never take the same one), hands it to the SMTP
//! server and records the answer (sent, or failed with its attempt number
//! and back-off, or given up) in the same transaction. An email given up
//! to the complainant or the third party is raised to staff in that
//! transaction too ([`crate::consume::raise_given_up`]): a staff alert to
//! the handler and the monitors, whose id derives from the given-up one. Post letters never
//! pass here: they wait in the print queue until staff mark them posted.
//!
//! A crash after the server accepted a message but before the commit
//! would send it again on restart; that window is the length of one SMTP
//! exchange, and is the only one.

use crate::core::{BuiltInTemplates, DeliveryCommand, RetryPolicy, TemplateSource};
use crate::smtp::Connection;
use crate::store::{self, Row, StoreError};
use eventlog::Actor;
use lettre::Message;
use lettre::message::Mailbox;
use platform::Clock;
use sqlx::PgPool;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

/// Where and how email goes.
#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub from: Mailbox,
    pub timeout: Duration,
}

/// The email sender.
#[derive(Debug, Clone)]
pub struct Sender {
    pub pool: PgPool,
    pub smtp: SmtpSettings,
    pub policy: RetryPolicy,
    pub clock: Arc<dyn Clock>,
    pub poll_interval: Duration,
    /// Raises a given-up email to staff (R-INT-8).
    pub planner: crate::consume::Planner,
    /// How many SMTP exchanges run at once.
    pub senders: usize,
    /// Where a queued email's commit wakes the senders
    /// ([`store::email_due_channel`]).
    pub wake_channel: String,
    /// The emails this process's senders hold a claim on right now.
    pub in_flight: InFlight,
}

/// The emails this process's senders are exchanging or recording, so the
/// recovery of interrupted exchanges never gives up one whose sender is
/// alive and only waiting for the database to take its result.
#[derive(Debug, Clone, Default)]
pub struct InFlight(Arc<std::sync::Mutex<std::collections::HashSet<uuid::Uuid>>>);

impl InFlight {
    fn hold(&self, id: uuid::Uuid) -> Held {
        if let Ok(mut ids) = self.0.lock() {
            ids.insert(id);
        }
        Held {
            set: self.clone(),
            id,
        }
    }

    fn holds(&self, id: &uuid::Uuid) -> bool {
        self.0.lock().map(|ids| ids.contains(id)).unwrap_or(false)
    }
}

/// Lets go of the email when its sender is done with it, however it ends.
struct Held {
    set: InFlight,
    id: uuid::Uuid,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Ok(mut ids) = self.set.0.lock() {
            ids.remove(&self.id);
        }
    }
}

impl Sender {
    /// Sends due emails until the service stops: `senders` loops
    /// (`sender-0`, `sender-1`...), each taking the next due email under
    /// its row lock (as replicas do), woken when an email is queued
    /// (LISTEN/NOTIFY, the `email-listener` loop) and otherwise every poll
    /// interval, which also finds retries coming due. Each runs under the
    /// runtime's supervision, so one that fails is started again.
    pub fn start(self, runtime: &mut platform::Runtime) {
        let wake = Arc::new(tokio::sync::Notify::new());
        {
            let (pool, channel, wake) =
                (self.pool.clone(), self.wake_channel.clone(), wake.clone());
            runtime.spawn("email-listener", move |stop| {
                listen(pool.clone(), channel.clone(), wake.clone(), stop)
            });
        }
        for index in 0..self.senders.max(1) {
            let (sender, wake) = (self.clone(), wake.clone());
            runtime.spawn(format!("sender-{index}"), move |stop| {
                let (sender, wake) = (sender.clone(), wake.clone());
                async move { sender.send_loop(index, &wake, &stop).await }
            });
        }
    }

    /// One sender loop, with its own connection to the mail server kept
    /// open between emails ([`crate::smtp`]).
    async fn send_loop(&self, index: usize, wake: &tokio::sync::Notify, stop: &CancellationToken) {
        let mut connection = Connection::new(&self.smtp.host, self.smtp.port, self.smtp.timeout);
        while !stop.is_cancelled() {
            // One loop looks for exchanges a stop cut short.
            if index == 0
                && let Err(error) = self.recover_stalled().await
            {
                tracing::warn!(error = %error, "recovering interrupted exchanges failed");
            }
            match self.send_next(&mut connection, stop).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(error) => tracing::warn!(error = %error, "sending a notification failed"),
            }
            // Nothing due: give the server its session back until there is.
            connection.close().await;
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = wake.notified() => {}
                _ = tokio::time::sleep(self.poll_interval) => {}
            }
        }
        connection.close().await;
    }

    /// Sends the next due email, if any; `true` when one was handled.
    ///
    /// The email is claimed in a commit of its own before the SMTP exchange
    /// and its result recorded in a second one. A stop between the two
    /// leaves the claim behind, and [`Sender::recover_stalled`] gives the
    /// email up instead of sending it again: nobody gets two copies. A
    /// claim whose commit failed is released again
    /// ([`Sender::release_through_outage`]): nothing was sent.
    async fn send_next(
        &self,
        connection: &mut Connection,
        stop: &CancellationToken,
    ) -> Result<bool, StoreError> {
        let claimed = store::claim_next_due(&self.pool, self.clock.as_ref(), |id| {
            self.in_flight.hold(id)
        })
        .await;
        let (row, _held) = match claimed {
            Ok(Some(claimed)) => claimed,
            Ok(None) => return Ok(false),
            Err(store::ClaimError::Store(error)) => return Err(error),
            Err(store::ClaimError::Uncommitted { id, since, error }) => {
                let _held = self.in_flight.hold(id);
                tracing::warn!(notification_id = %id, error = %error, claim.path = "claim-commit", "the commit of a claim failed; releasing it once the database answers (nothing was sent)");
                self.release_through_outage(id, since, stop).await?;
                return Err(error);
            }
        };
        // The sender runs on its own schedule; the email still belongs to
        // the trace of the work that queued it. No address or text here.
        let span = tracing::info_span!(
            "notification.send",
            otel.kind = "client",
            notification.id = %row.notification_id,
            notification.template = %row.template,
            letter.reference = %row.reference,
        );
        telemetry::propagation::set_parent(
            &span,
            row.traceparent.as_deref(),
            row.tracestate.as_deref(),
        );
        self.exchange(connection, &row, stop)
            .instrument(span)
            .await?;
        Ok(true)
    }

    /// Releases a claim whose commit failed, waiting out an outage as
    /// [`Sender::record_through_outage`] does.
    async fn release_through_outage(
        &self,
        id: uuid::Uuid,
        since: chrono::DateTime<chrono::Utc>,
        stop: &CancellationToken,
    ) -> Result<(), StoreError> {
        let mut pause = Duration::from_millis(200);
        loop {
            match store::release_claim(&self.pool, id, since).await {
                Ok(released) => {
                    tracing::info!(notification_id = %id, released, "a claim whose commit failed is settled");
                    return Ok(());
                }
                Err(error) if transient(&error) || !self.database_answers().await => {
                    tokio::select! {
                        _ = stop.cancelled() => {
                            tracing::warn!(notification_id = %id, claim.path = "claim-commit-stopped", "stopping before a claim whose commit failed could be released; it may be given up as interrupted");
                            return Err(error);
                        }
                        _ = tokio::time::sleep(pause) => {}
                    }
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// One SMTP exchange for a claimed email, and its result recorded.
    async fn exchange(
        &self,
        connection: &mut Connection,
        row: &Row,
        stop: &CancellationToken,
    ) -> Result<(), StoreError> {
        let command = match self.message(row) {
            Err(error) => DeliveryCommand::RecordFailure {
                error,
                permanent: true,
            },
            Ok(message) => match connection
                .send(message.envelope(), &message.formatted())
                .await
            {
                Ok(response) => DeliveryCommand::RecordSent {
                    server_answer: format!(
                        "{} {}",
                        response.code(),
                        response.message().collect::<Vec<_>>().join(" ")
                    ),
                },
                Err(error) => DeliveryCommand::RecordFailure {
                    permanent: error.is_permanent(),
                    error: error.to_string(),
                },
            },
        };
        self.record_through_outage(row.notification_id, command, stop)
            .await
    }

    /// Records an exchange's result, waiting out an outage of the database:
    /// the server's answer is known only here, and a claim left behind
    /// would later be given up as unknown although the email went (or be
    /// marked sent although it failed). Only a stop while the database is
    /// away, or a database that answers but refuses the statement itself,
    /// leaves the claim, for [`Sender::recover_stalled`].
    ///
    /// Every failure that is the database being away or busy ([`transient`])
    /// is retried, whether or not a ping then answers: after PostgreSQL
    /// comes back, the first statement can fail on a connection the restart
    /// broke, or wait out the pool's acquire timeout while every consumer
    /// catches up, while a ping on another connection succeeds. Giving up
    /// there would leave the claim behind, and the reply the server had
    /// taken would be given up as unknown: one of the two ways found to
    /// produce what the outage fault test once saw (the other is in
    /// [`store::claim_next_due`]).
    async fn record_through_outage(
        &self,
        id: uuid::Uuid,
        command: DeliveryCommand,
        stop: &CancellationToken,
    ) -> Result<(), StoreError> {
        let mut failures = 0u32;
        let mut pause = Duration::from_millis(200);
        loop {
            match self.record(id, command.clone()).await {
                Ok(()) => {
                    if failures > 0 {
                        tracing::info!(notification_id = %id, failures, "the SMTP result is recorded after the database came back");
                    }
                    return Ok(());
                }
                Err(error) if transient(&error) || !self.database_answers().await => {
                    failures += 1;
                    if failures == 1 || failures.is_multiple_of(30) {
                        tracing::warn!(notification_id = %id, error = %error, failures, "the database does not take the SMTP result; keeping it until it does");
                    }
                    tokio::select! {
                        _ = stop.cancelled() => {
                            tracing::warn!(notification_id = %id, claim.path = "record-stopped", "stopping before the database took the SMTP result; the claim is left and will be given up as interrupted");
                            return Err(error);
                        }
                        _ = tokio::time::sleep(pause) => {}
                    }
                    pause = (pause * 2).min(Duration::from_secs(2));
                }
                Err(error) => {
                    tracing::warn!(notification_id = %id, error = %error, claim.path = "record-refused", "the database refused the SMTP result; the claim is left and will be given up as interrupted");
                    return Err(error);
                }
            }
        }
    }

    /// Whether the database answers a trivial query within a few seconds.
    async fn database_answers(&self) -> bool {
        let ping = sqlx::query("SELECT 1").execute(&self.pool);
        matches!(
            tokio::time::timeout(Duration::from_secs(5), ping).await,
            Ok(Ok(_))
        )
    }

    /// Records the result of an exchange, ends the claim, and raises a
    /// given-up email to staff, in one transaction.
    ///
    /// A notification that finished meanwhile (cancelled during the
    /// exchange, or already recorded by an earlier attempt whose commit
    /// answer was lost) refuses the result: its claim ends all the same, or
    /// the recovery of interrupted exchanges would try it again and again.
    async fn record(&self, id: uuid::Uuid, command: DeliveryCommand) -> Result<(), StoreError> {
        self.record_claimed(id, None, command).await
    }

    /// [`Sender::record`]; with `claim`, only while the email is still
    /// claimed at that time (checked under its row lock), so the recovery
    /// of interrupted exchanges never gives up an email whose claim ended
    /// or was taken again after it looked.
    async fn record_claimed(
        &self,
        id: uuid::Uuid,
        claim: Option<chrono::DateTime<chrono::Utc>>,
        command: DeliveryCommand,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(since) = claim
            && !store::still_claimed(&mut tx, id, since).await?
        {
            tx.rollback().await?;
            tracing::info!(notification_id = %id, "a claim that looked interrupted had ended; nothing is given up");
            return Ok(());
        }
        let after = match store::command(
            &mut tx,
            id,
            command,
            &self.policy,
            self.clock.now(),
            Actor::System("notifications-sender".into()),
        )
        .await
        {
            Ok(after) => after,
            Err(StoreError::Refused(refusal)) => {
                tx.rollback().await?;
                let mut tx = self.pool.begin().await?;
                store::end_sending(&mut tx, id).await?;
                tx.commit().await?;
                tracing::warn!(notification_id = %id, refusal = %refusal, "the notification had finished before its SMTP result was recorded; its claim ends");
                return Ok(());
            }
            Err(other) => return Err(other),
        };
        store::end_sending(&mut tx, id).await?;
        if matches!(after.delivery().status, crate::core::Status::GivenUp { .. }) {
            crate::consume::raise_given_up(&mut tx, &self.planner, &after).await?;
        }
        tx.commit().await?;
        tracing::info!(
            notification_id = %id,
            status = after.status,
            attempts = after.attempts,
            "delivery attempt recorded"
        );
        Ok(())
    }

    /// Gives up emails whose SMTP exchange began but never recorded a result
    /// (the service stopped during it), longer ago than two SMTP timeouts:
    /// the server may have taken them, so they are not sent again, and
    /// staff are told.
    pub async fn recover_stalled(&self) -> Result<(), StoreError> {
        let before = self.clock.now()
            - chrono::Duration::from_std(self.smtp.timeout * 2).unwrap_or_default();
        let mut tx = self.pool.begin().await?;
        let stalled = store::stalled(&mut tx, before).await?;
        tx.commit().await?;
        // A claim this process's own sender still holds is not stalled: it
        // is waiting for the database to take the server's answer.
        for (id, since) in stalled
            .into_iter()
            .filter(|(id, _)| !self.in_flight.holds(id))
        {
            let age_ms = (self.clock.now() - since).num_milliseconds();
            tracing::warn!(notification_id = %id, claim.age_ms = age_ms, claim.path = "recover-stalled", "an SMTP exchange was interrupted; giving the email up rather than risk a second copy");
            let command = DeliveryCommand::RecordFailure {
                error: "the service stopped during the SMTP exchange, so whether the message arrived is unknown; \
                        it is not sent again so that nobody gets two copies"
                    .into(),
                permanent: true,
            };
            self.record_claimed(id, Some(since), command).await?;
        }
        Ok(())
    }

    /// The email for `row`, or why it cannot be built: that email's
    /// permanent failure, never the sender loop's. lettre panics on a CR or
    /// LF in a display name, so header values are cleaned first
    /// ([`header_text`]), and a panic of its own all the same is caught and
    /// becomes the failure (its message is not kept: it may quote the
    /// recipient).
    fn message(&self, row: &Row) -> Result<Message, String> {
        guarded_message(&self.smtp.from, row)
    }
}

/// Whether `error` is the database being away or busy rather than a
/// refusal of the statement: a lost, broken or refused connection, the
/// pool's wait running out, a server shutting down or starting
/// (SQLSTATE class 08, 57P), out of connections or resources (53), or a
/// serialization failure or deadlock (40001, 40P01). The same statement
/// can succeed once it passes.
fn transient(error: &StoreError) -> bool {
    let sql = match error {
        StoreError::Database(e) => e,
        StoreError::Log(eventlog::Error::Database { source, .. }) => source,
        _ => return false,
    };
    match sql {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08")
                || code.starts_with("57P")
                || code.starts_with("53")
                || code == "40001"
                || code == "40P01"
        }),
        _ => false,
    }
}

/// [`build_message`], a panic in it turned into the message's failure.
fn guarded_message(from: &Mailbox, row: &Row) -> Result<Message, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| build_message(from, row)))
        .unwrap_or_else(|_| Err("the message cannot be built: building it panicked".into()))
}

fn build_message(from: &Mailbox, row: &Row) -> Result<Message, String> {
    let email = row.email.as_deref().unwrap_or_default();
    let address = email
        .parse()
        .map_err(|e| format!("the recipient's email address is not usable: {e}"))?;
    let name = header_text(&row.recipient_name);
    let name = (!name.is_empty()).then_some(name);
    Message::builder()
        .from(from.clone())
        .to(Mailbox::new(name, address))
        .subject(header_text(&row.subject))
        .header(lettre::message::header::ContentType::TEXT_PLAIN)
        .body(row.body.clone())
        .map_err(|e| format!("the message cannot be built: {e}"))
}

/// `text` fit for one header line: every control character (CR, LF, NUL,
/// the rest of C0, DEL and C1, such as NEL) and the Unicode line and
/// paragraph separators become a space, runs of spaces one space, and the
/// ends are trimmed. A name or subject cannot break the header or add one,
/// and lettre (which panics on a CR or LF in a display name, and drops the
/// recipient of a name holding NUL) gets only what it can encode.
fn header_text(text: &str) -> String {
    let mut clean = String::with_capacity(text.len());
    for c in text.chars() {
        let c = if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            ' '
        } else {
            c
        };
        if !(c == ' ' && (clean.is_empty() || clean.ends_with(' '))) {
            clean.push(c);
        }
    }
    clean.truncate(clean.trim_end().len());
    clean
}

/// `TEMPLATES_DIR`, the operators' folder, read at every render so an edit
/// takes effect at once; a file missing there falls back to the built-in
/// template.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    pub dir: Option<PathBuf>,
}

impl TemplateSource for Templates {
    fn get(&self, name: &str) -> Option<String> {
        self.dir
            .as_ref()
            .and_then(|dir| std::fs::read_to_string(dir.join(name)).ok())
            .or_else(|| BuiltInTemplates.get(name))
    }
}

/// Wakes the senders whenever a transaction queuing an email commits.
/// Without the listener (PostgreSQL unreachable) the senders still poll.
async fn listen(
    pool: PgPool,
    channel: String,
    wake: Arc<tokio::sync::Notify>,
    stop: CancellationToken,
) {
    while !stop.is_cancelled() {
        let listener = async {
            let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
            listener.listen(&channel).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        match listener.await {
            Ok(mut listener) => loop {
                tokio::select! {
                    _ = stop.cancelled() => return,
                    received = listener.recv() => match received {
                        Ok(_) => wake.notify_waiters(),
                        Err(error) => {
                            tracing::warn!(error = %error, "listening for queued emails stopped; polling meanwhile");
                            break;
                        }
                    },
                }
            },
            Err(error) => {
                tracing::warn!(error = %error, "cannot listen for queued emails; polling meanwhile")
            }
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operators_template_wins_and_a_missing_one_falls_back_to_the_built_in() {
        let dir = std::env::temp_dir().join(format!("notify-templates-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("automatic_reply.txt.j2"),
            "Subject: Ours\n\nHello\n",
        )
        .unwrap();
        let templates = Templates {
            dir: Some(dir.clone()),
        };
        assert_eq!(
            templates.get("automatic_reply.txt.j2").as_deref(),
            Some("Subject: Ours\n\nHello\n")
        );
        assert_eq!(
            templates.get("final_outcome.txt.j2"),
            BuiltInTemplates.get("final_outcome.txt.j2")
        );
        assert!(templates.get("no_such_letter.txt.j2").is_none());
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn row(recipient_name: &str, subject: &str) -> Row {
        let now = chrono::Utc::now();
        Row {
            notification_id: uuid::Uuid::nil(),
            party_key: String::new(),
            reference: "C-2026-000001".into(),
            template: "automatic_reply.txt.j2".into(),
            recipient_kind: 0,
            recipient_staff_id: String::new(),
            channel: 0,
            recipient_name: recipient_name.into(),
            email: Some("ann.example@example.org".into()),
            postal_lines: Vec::new(),
            postcode: String::new(),
            subject: subject.into(),
            body: "Dear Ann,\nThank you.\n".into(),
            cause_event_id: None,
            cause_event_type: String::new(),
            cause_payload: Vec::new(),
            resend_of: None,
            resent_as: None,
            status: 0,
            attempts: 0,
            detail: String::new(),
            next_attempt_at: now,
            queued_at: now,
            updated_at: now,
            version: 1,
            traceparent: None,
            tracestate: None,
        }
    }

    /// The header section of a built message, unfolded, one header a line.
    fn headers(message: &Message) -> Vec<String> {
        let text = String::from_utf8(message.formatted()).unwrap();
        let (head, _) = text.split_once("\r\n\r\n").unwrap();
        let mut lines: Vec<String> = Vec::new();
        for line in head.split("\r\n") {
            match lines.last_mut() {
                Some(last) if line.starts_with([' ', '\t']) => last.push_str(line),
                _ => lines.push(line.to_owned()),
            }
        }
        lines
    }

    /// lettre 0.11 panics on a CR or LF in a display name (its `Mailbox`
    /// refuses to print one, inside `MessageBuilder::to`), and drops the
    /// recipient of a name holding NUL: such a name, or subject, must make
    /// an ordinary email, with nothing added to its headers, and never take
    /// the sender loop down.
    #[test]
    fn control_characters_in_a_name_or_subject_never_panic_and_never_add_a_header() {
        let from: Mailbox = "complaints@example.org".parse().unwrap();
        for bad in [
            "Ann\r\nBcc: someone@example.net",
            "Ann\nExample",
            "Ann\rExample",
            "Ann\0Example",
            "Ann\u{85}Example",
            "Ann\u{1b}[31mExample\u{7f}",
            "Ann\u{2028}Example",
            "\r\n\0",
        ] {
            for (name, subject) in [(bad, "Your complaint"), ("Ann Example", bad)] {
                let message = guarded_message(&from, &row(name, subject))
                    .unwrap_or_else(|e| panic!("{name:?} / {subject:?}: {e}"));
                let headers = headers(&message);
                assert!(
                    !headers.iter().any(|h| h.to_lowercase().starts_with("bcc")),
                    "{name:?} / {subject:?} added a header: {headers:?}"
                );
                let to = headers.iter().find(|h| h.starts_with("To: ")).unwrap();
                assert!(to.contains("ann.example@example.org"), "{to}");
                for header in &headers {
                    assert!(
                        !header.chars().any(|c| c.is_control()),
                        "{name:?} / {subject:?}: {header:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn header_text_turns_control_characters_into_single_spaces() {
        assert_eq!(header_text("Ann\r\nExample"), "Ann Example");
        assert_eq!(header_text("  Ann\0\u{85}\tExample\n"), "Ann Example");
        assert_eq!(header_text("Zoë O'Brien-Śmith"), "Zoë O'Brien-Śmith");
        assert_eq!(header_text("\r\n"), "");
    }
}
