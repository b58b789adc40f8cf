//! Planning the correspondence from intake's and the complaints service's
//! events. Each handler runs inside the consumer's transaction with its
//! inbox row, so a redelivered event applies nothing twice; and every
//! notification's id is derived from the causing event, so even a replay
//! after a restart queues nothing twice (its stream already exists).
//!
//! Per event: record it for its party and fold the party
//! ([`crate::core::Party::apply`]), cancel what the event forbids (consent
//! withdrawn, contact restricted), plan its letters
//! ([`crate::core::letters_for`]), route each ([`crate::core::route`]),
//! render it and queue it.

use crate::core::{
    self, DeliveryCommand, PlanContext, PlanSettings, StaffDirectory, TemplateSource, letters,
};
use crate::store::{self, NewNotification};
use bus::HandlerError;
use complaints_proto::v1::{self as pb, EventEnvelope};
use eventlog::Actor;
use platform::Clock;
use prost::{Message, Name};
use sqlx::PgConnection;
use std::sync::Arc;
use tracing::Instrument;
use uuid::Uuid;

/// Durable name of the consumer of intake's events.
pub const FROM_INTAKE: &str = "notifications-intake";
/// Durable name of the consumer of the complaints service's events.
pub const FROM_COMPLAINTS: &str = "notifications-complaints";

/// What both consumers share.
#[derive(Clone)]
pub struct Planner {
    pub staff: Arc<dyn StaffDirectory + Send + Sync>,
    pub settings: PlanSettings,
    pub templates: Arc<dyn TemplateSource + Send + Sync>,
    pub policy: core::RetryPolicy,
    pub clock: Arc<dyn Clock>,
    /// The follow and consent links added to the complainant's letters
    /// ([`crate::follow`]); `None` without `LINK_SECRET`.
    pub links: Option<Arc<crate::follow::LinkSettings>>,
}

impl std::fmt::Debug for Planner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Planner").finish_non_exhaustive()
    }
}

/// Which service's events a consumer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Intake,
    Complaints,
}

/// A consumer of one service's events.
#[derive(Debug, Clone)]
pub struct Consume {
    pub source: Source,
    pub planner: Planner,
}

fn payload(envelope: &EventEnvelope) -> &[u8] {
    envelope
        .payload
        .as_ref()
        .map_or(&[], |p| p.value.as_slice())
}

impl bus::Handler for Consume {
    async fn handle(
        &self,
        tx: &mut PgConnection,
        envelope: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        // Which complaint or submission the letters are for, so the trace
        // of a complaint shows its correspondence; never the letters' text.
        let span = tracing::info_span!(
            "notifications.plan",
            event_type = %envelope.event_type,
            complaint.reference = tracing::field::Empty,
            submission.id = tracing::field::Empty,
        );
        match envelope.stream_type.as_str() {
            "complaint" => {
                span.record("complaint.reference", envelope.stream_id.as_str());
            }
            "submission" => {
                let id = envelope.stream_id.trim_start_matches("submission-");
                span.record("submission.id", id);
            }
            _ => {}
        }
        self.plan(tx, envelope).instrument(span).await
    }
}

impl Consume {
    /// Records `envelope` for its party and queues the letters it calls for.
    async fn plan(
        &self,
        tx: &mut PgConnection,
        envelope: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        // A retention fact names a record to destroy, not a party to write
        // to; the retention consumer acts on it.
        if envelope.stream_type == platform::retention::FACT_STREAM_TYPE {
            return Ok(());
        }
        let event_type = envelope.event_type.as_str();
        let bytes = payload(envelope);
        let event_id = Uuid::parse_str(&envelope.event_id)
            .map_err(|e| format!("event id {:?}: {e}", envelope.event_id))?;
        let party_key = match self.source {
            Source::Intake => envelope.stream_id.clone(),
            Source::Complaints => complaint_party(tx, envelope, event_type, bytes).await?,
        };
        let party = store::apply_to_party(tx, &party_key, event_id, event_type, bytes).await?;
        self.cancel_forbidden(tx, &party_key, event_type).await?;
        let planned = {
            let ctx = PlanContext {
                staff: self.planner.staff.as_ref(),
                settings: &self.planner.settings,
            };
            // A complaint event's letters quote that complaint's reference
            // (the stream id), even when the party holds a later one.
            let complaint =
                (envelope.stream_type == "complaint").then_some(envelope.stream_id.as_str());
            core::letters_about(complaint, event_type, bytes, &party, &ctx)?
        };
        let now = self.planner.clock.now();
        for letter in &planned {
            let route = core::route(letter, &party);
            for withheld in &route.withheld {
                tracing::info!(
                    template = letter.template(),
                    reference = letter.reference(),
                    kind = ?withheld.kind,
                    reason = ?withheld.reason,
                    "letter withheld"
                );
            }
            for to in &route.recipients {
                let mut rendered = core::render(letter, to, self.planner.templates.as_ref())?;
                if let Some(links) = &self.planner.links {
                    links.decorate(
                        letter.template(),
                        letter.reference(),
                        &party_key,
                        &to.kind,
                        now,
                        &mut rendered,
                    );
                }
                let id = store::notification_id(event_id, letter.template(), &to.kind);
                let queued = store::queue(
                    tx,
                    &NewNotification {
                        id,
                        party_key: &party_key,
                        reference: letter.reference(),
                        template: letter.template(),
                        to,
                        rendered: &rendered,
                        cause_event_id: Some(event_id),
                        cause_event_type: event_type,
                        cause_payload: bytes,
                        resend_of: None,
                    },
                    now,
                )
                .await?;
                tracing::info!(notification_id = %id, template = letter.template(), queued, "planned");
            }
        }
        Ok(())
    }

    /// R-INT-4: once consent is withdrawn, nothing still waiting goes to
    /// the third party. (R-UPC-1: a contact restriction cancels nothing: it
    /// limits the complainant's contact with us, never the letters owed.)
    async fn cancel_forbidden(
        &self,
        tx: &mut PgConnection,
        party_key: &str,
        event_type: &str,
    ) -> Result<(), HandlerError> {
        if event_type != pb::ConsentWithdrawn::full_name() {
            return Ok(());
        }
        let kinds = [pb::RecipientKind::ThirdParty as i32];
        let now = self.planner.clock.now();
        for row in store::pending_of_party(tx, party_key, &kinds).await? {
            store::command(
                tx,
                row.notification_id,
                DeliveryCommand::Cancel {
                    reason: "R-INT-4: consent withdrawn".into(),
                },
                &self.planner.policy,
                now,
                Actor::System("notifications".into()),
            )
            .await?;
        }
        Ok(())
    }
}

/// R-INT-8: `given_up` (a notification just given up, in `tx`) is raised
/// to staff: a staff alert to the complaint's handler and the monitors,
/// queued like any other notification. Its id derives from the given-up
/// notification's, so it is queued once however often this runs. A letter
/// to staff that is given up raises nothing. An alert that cannot be
/// planned or rendered is logged, not allowed to undo the give-up.
pub async fn raise_given_up(
    tx: &mut PgConnection,
    planner: &Planner,
    given_up: &store::Row,
) -> Result<(), store::StoreError> {
    let kind = crate::grpc::recipient_kind(given_up);
    let party = store::load_party(tx, &given_up.party_key).await?;
    let planned = {
        let ctx = PlanContext {
            staff: planner.staff.as_ref(),
            settings: &planner.settings,
        };
        core::given_up_alerts(&given_up.reference, &given_up.template, &kind, &party, &ctx)
    };
    let alerts = match planned {
        Ok(alerts) => alerts,
        Err(error) => {
            tracing::error!(notification_id = %given_up.notification_id, error = %error,
                "the staff alert for a given-up notification could not be planned");
            return Ok(());
        }
    };
    if alerts.is_empty() {
        tracing::warn!(notification_id = %given_up.notification_id, template = %given_up.template,
            "a notification was given up and nobody is known to alert");
    }
    let cause = pb::NotificationGivenUp {
        notification_id: given_up.notification_id.to_string(),
        attempts: given_up.attempts.max(0) as u32,
        ..Default::default()
    }
    .encode_to_vec();
    let now = planner.clock.now();
    for letter in &alerts {
        let route = core::route(letter, &party);
        for withheld in &route.withheld {
            tracing::warn!(template = letter.template(), reference = letter.reference(),
                kind = ?withheld.kind, reason = ?withheld.reason,
                "staff alert for a given-up notification withheld");
        }
        for to in &route.recipients {
            let rendered = match core::render(letter, to, planner.templates.as_ref()) {
                Ok(rendered) => rendered,
                Err(error) => {
                    tracing::error!(notification_id = %given_up.notification_id, error = %error,
                        "the staff alert for a given-up notification could not be rendered");
                    continue;
                }
            };
            let id = store::notification_id(given_up.notification_id, letter.template(), &to.kind);
            let queued = store::queue(
                tx,
                &NewNotification {
                    id,
                    party_key: &given_up.party_key,
                    reference: letter.reference(),
                    template: letter.template(),
                    to,
                    rendered: &rendered,
                    cause_event_id: None,
                    cause_event_type: &pb::NotificationGivenUp::full_name(),
                    cause_payload: &cause,
                    resend_of: None,
                },
                now,
            )
            .await?;
            tracing::info!(notification_id = %id, given_up = %given_up.notification_id, queued,
                "staff alerted of a given-up notification");
        }
    }
    Ok(())
}

/// The party of a complaint event: the submission it was opened from, once
/// `ComplaintOpened` linked the reference; the complaint stream otherwise.
async fn complaint_party(
    tx: &mut PgConnection,
    envelope: &EventEnvelope,
    event_type: &str,
    bytes: &[u8],
) -> Result<String, HandlerError> {
    let reference = envelope.stream_id.as_str();
    if event_type == pb::ComplaintOpened::full_name() {
        let opened = pb::ComplaintOpened::decode(bytes)?;
        if !opened.submission_id.is_empty() {
            let key = format!("submission-{}", opened.submission_id);
            store::link_complaint(tx, reference, &key).await?;
        }
    }
    Ok(store::party_of(tx, reference)
        .await?
        .unwrap_or_else(|| reference.to_owned()))
}

/// Staff contacts from `STAFF_DIRECTORY`, by staff id, and the mailbox
/// for letters to staff it does not list (the entry `*`).
///
/// The setting holds either the JSON of `deploy/local/staff-directory.json`
/// (`{"staff": {"<id>": {"name": ..., "email": ...}}, "unlisted": {"name":
/// ..., "email": ...}}`) or the older `id|Name|email;...` list, where
/// `*|Team name|mailbox` names the unlisted mailbox.
///
/// A staff id it lacks never withholds or blocks a letter (see
/// [`StaffDirectory`]); each lookup of one is a warning in the log, naming
/// the staff id only (never a complainant's data), and counts in
/// `complaints_notifications_unlisted_staff_total`
/// ([`UnlistedStaffMetrics`]), so an operator sees and fills the gap.
#[derive(Debug, Clone, Default)]
pub struct Directory(pub std::collections::HashMap<String, letters::StaffContact>);

/// Lookups of staff ids missing from the directory, in this process.
static UNLISTED_LOOKUPS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// How many lookups found a staff id missing from the directory, in this
/// process.
pub fn unlisted_lookups() -> u64 {
    UNLISTED_LOOKUPS.load(std::sync::atomic::Ordering::Relaxed)
}

impl Directory {
    /// Reads the setting with the platform's one reader of it
    /// ([`platform::staff::Directory`], which the console uses too).
    pub fn parse(text: &str) -> Result<Self, String> {
        let read = platform::staff::Directory::parse(text)?;
        let contact = |m: &platform::staff::Member| letters::StaffContact {
            id: m.id.clone(),
            name: m.name.clone(),
            email: m.email.clone(),
        };
        let mut directory = Self::default();
        for member in read.members() {
            directory.0.insert(member.id.clone(), contact(member));
        }
        if let Some(mailbox) = read.unlisted() {
            directory
                .0
                .insert(core::UNLISTED.to_owned(), contact(mailbox));
        }
        Ok(directory)
    }
}

impl StaffDirectory for Directory {
    fn contact(&self, staff_id: &str) -> Option<letters::StaffContact> {
        (staff_id != core::UNLISTED)
            .then(|| self.0.get(staff_id).cloned())
            .flatten()
    }

    fn unlisted_mailbox(&self) -> Option<letters::StaffContact> {
        self.0.get(core::UNLISTED).cloned()
    }

    fn unlisted(&self, staff_id: &str) {
        UNLISTED_LOOKUPS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::warn!(
            staff_id,
            mailbox = self.0.contains_key(core::UNLISTED),
            "staff id not in STAFF_DIRECTORY: letters name the role, and letters to them go to \
             the unlisted-staff mailbox; add them to the directory"
        );
    }
}

/// `complaints_notifications_unlisted_staff_total`: lookups of staff ids
/// missing from the staff directory since the process started (no label
/// carries the id). Registered with the service's metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct UnlistedStaffMetrics;

impl platform::metrics::Collector for UnlistedStaffMetrics {
    fn collect<'a>(
        &'a self,
        out: &'a mut platform::metrics::Exposition,
    ) -> platform::metrics::BoxFuture<'a, ()> {
        Box::pin(async move {
            out.counter(
                "complaints_notifications_unlisted_staff_total",
                "lookups of staff ids missing from STAFF_DIRECTORY (letters named the role instead)",
                &[],
                unlisted_lookups() as f64,
            );
        })
    }
}
