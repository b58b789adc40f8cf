//! The Intake gRPC API: requests become domain commands at this edge, the
//! decision is made by the pure core, and the events are stored.

use crate::domain::{Command, Context as Decide, Event, Submission, Text, decide, naive};
use crate::error::IntakeError;
use crate::settings::IntakeSettings;
use crate::store::{self, Store};
use crate::validate::{self, Submitter, Violations};
use complaints_proto::v1 as pb;
use complaints_proto::v1::intake_server::Intake;
use eventlog::{Actor, Metadata};
use fieldtext::fields;
use links::Purpose;
use platform::Clock;
use platform::auth::{AccessAudit, Principal, Role};
use std::sync::Arc;
use tonic::{Request, Response, Status};
use tracing::Instrument;
use uuid::Uuid;

/// The Intake service's handlers.
#[derive(Debug, Clone)]
pub struct IntakeApi {
    store: Store,
    settings: Arc<IntakeSettings>,
    clock: Arc<dyn Clock>,
    audit: AccessAudit,
}

/// Roles that reach any submission; the portal reaches only its own.
const STAFF_READERS: &[Role] = &[
    Role::Handler,
    Role::Manager,
    Role::CustomerServiceManager,
    Role::ComplianceManager,
    Role::HeadOfCustomerExperience,
    Role::DataProtectionOfficer,
];

impl IntakeApi {
    pub fn new(
        store: Store,
        settings: Arc<IntakeSettings>,
        clock: Arc<dyn Clock>,
        audit: AccessAudit,
    ) -> Self {
        Self {
            store,
            settings,
            clock,
            audit,
        }
    }

    /// R-CONF-1: staff reach every submission; the portal only those it
    /// submitted itself. A refusal is recorded.
    async fn ensure_within_reach(
        &self,
        who: &Principal,
        method: &str,
        id: Uuid,
    ) -> Result<(), IntakeError> {
        if who.has_any(STAFF_READERS) {
            return Ok(());
        }
        let own = Actor::User(who.subject.clone());
        if self.store.submitted_by(id).await? == Some(own) {
            return Ok(());
        }
        let refused = self.audit.refused(who, method, &id.to_string()).await;
        Err(IntakeError::Forbidden(refused.message().to_owned()))
    }

    async fn submit(
        &self,
        who: &Principal,
        request: pb::SubmitComplaintRequest,
    ) -> Result<pb::SubmissionReceipt, IntakeError> {
        let mut v = Violations::default();
        let key = v.text(
            "idempotency_key",
            "R-INT-1",
            &request.idempotency_key,
            fields::IDEMPOTENCY_KEY,
        );
        if let Err(mut violations) = v.into_result(|| ()) {
            if let Err(more) = validate::submission(
                request,
                self.clock.now(),
                &self.settings.attachments,
                submitter(who),
            ) {
                violations.extend(more);
            }
            return Err(IntakeError::Invalid(violations));
        }
        let channel = pb::Channel::try_from(request.channel).unwrap_or(pb::Channel::Unspecified);
        let id = store::id_for("complaint", channel, key.as_ref().map_or("", Text::as_str));
        let fingerprint = Store::body_fingerprint(&request);
        // The submission's id and reference follow it into the trace, so the
        // complaint opened from it (which carries both) can be found; the
        // request itself, personal data, stays out.
        let span = tracing::info_span!(
            "submission.submit",
            submission.id = %id,
            submission.reference = tracing::field::Empty,
        );
        let receipt = self
            .record(who, id, &fingerprint, request)
            .instrument(span.clone())
            .await?;
        span.record("submission.reference", receipt.reference.as_str());
        Ok(receipt)
    }

    /// Triages and stores a submission whose channel and idempotency key
    /// made `id`, or
    /// answers with the first receipt when it was stored already.
    async fn record(
        &self,
        who: &Principal,
        id: Uuid,
        fingerprint: &[u8; 32],
        request: pb::SubmitComplaintRequest,
    ) -> Result<pb::SubmissionReceipt, IntakeError> {
        let existing = self.store.load(id).await?;
        if existing.exists() {
            // Kept since fingerprints were: a submission stored before has
            // none, and answers its receipt as it always did.
            if self
                .store
                .fingerprint(id)
                .await?
                .is_some_and(|kept| kept != fingerprint)
            {
                return Err(IntakeError::KeyReused);
            }
            tracing::info!(submission_id = %id, "a retried submission returns its first receipt");
            return Ok(receipt(&existing));
        }
        let now = self.clock.now();
        let submission =
            validate::submission(request, now, &self.settings.attachments, submitter(who))
                .map_err(IntakeError::Invalid)?;
        if self
            .store
            .keep_fingerprint(id, fingerprint)
            .await?
            .is_some_and(|kept| kept != fingerprint)
        {
            return Err(IntakeError::KeyReused);
        }
        let monitoring =
            submission
                .equality_monitoring
                .clone()
                .map(|answers| pb::EqualityMonitoringRecorded {
                    pseudonym: self.settings.monitoring_key.pseudonym(&id.to_string()),
                    answers: Some(answers),
                    received_at: Some(crate::domain::timestamp(now)),
                });
        let reference = self.store.next_reference(now).await?;
        let command = Command::Submit {
            id,
            reference,
            submission: Box::new(submission),
        };
        let events = self.decide(&existing, command)?;
        // The authenticated caller is who submitted: the portal's account,
        // the email gateway's, or the member of staff who took the call.
        let actor = Actor::User(who.subject.clone());
        match self
            .store
            .save(
                id,
                &existing,
                &events,
                &Metadata::new(actor.clone()),
                &actor,
                monitoring,
            )
            .await
        {
            Ok(state) => {
                tracing::info!(submission_id = %id, status = ?state.status, "submission received");
                Ok(receipt(&state))
            }
            // A concurrent retry won the race: answer with what it stored.
            Err(IntakeError::Log(eventlog::Error::Conflict { .. })) => {
                Ok(receipt(&self.store.load(id).await?))
            }
            Err(other) => Err(other),
        }
    }

    fn decide(&self, state: &Submission, command: Command) -> Result<Vec<Event>, IntakeError> {
        let ctx = Decide {
            now: self.clock.now(),
            policy: &self.settings.policy,
        };
        decide(state, command, &ctx).map_err(IntakeError::Refused)
    }

    /// Runs a staff decision on an existing submission: the decision is
    /// recorded as `by`'s, and what triage does next as the submitter's
    /// (R-INT-4: recording consent never changes who submitted).
    async fn staff(
        &self,
        submission_id: &str,
        by: &str,
        command: Command,
    ) -> Result<pb::SubmissionSummary, IntakeError> {
        let id = parse_id(submission_id)?;
        let state = self.store.load(id).await?;
        if !state.exists() {
            return Err(IntakeError::NotFound(submission_id.to_owned()));
        }
        let events = self.decide(&state, command)?;
        let metadata = Metadata::new(Actor::User(by.to_owned()));
        let submitter = self
            .store
            .submitted_by(id)
            .await?
            .ok_or_else(|| IntakeError::NotFound(submission_id.to_owned()))?;
        self.store
            .save(id, &state, &events, &metadata, &submitter, None)
            .await?;
        self.summary(id).await
    }

    /// A staff decision on a matter over the age limit (R-INT-2): a reason
    /// and who decided, then the command `make` builds from them.
    async fn age_decision(
        &self,
        submission_id: &str,
        reason: &str,
        decided_by: &str,
        make: impl FnOnce(Text, Text) -> Command,
    ) -> Result<pb::SubmissionSummary, IntakeError> {
        let (reason, by) = decision("R-INT-2", "reason", reason, "decided_by", decided_by)?;
        self.staff(submission_id, by.as_str(), make(reason, by.clone()))
            .await
    }

    /// A portal caller may change consent only on its own submissions,
    /// and only with a live consent link for the submission (R-INT-4): the
    /// public pages all submit as one portal, so the link, signed under
    /// `LINK_SECRET` and sent only to the individual, is what narrows it
    /// to the one submission. Staff need no link.
    async fn own_or_staff<T>(
        &self,
        request: &Request<T>,
        rpc: &str,
        submission_id: &str,
        link_token: &str,
    ) -> Result<(), IntakeError> {
        self.linked_or_staff(request, rpc, Purpose::Consent, submission_id, link_token)
            .await
    }

    /// As [`Self::own_or_staff`], for a link of `purpose`.
    async fn linked_or_staff<T>(
        &self,
        request: &Request<T>,
        rpc: &str,
        purpose: Purpose,
        submission_id: &str,
        link_token: &str,
    ) -> Result<(), IntakeError> {
        let who = Principal::of(request).map_err(|s| IntakeError::Forbidden(s.message().into()))?;
        let id = parse_id(submission_id)?;
        let method = format!("/complaints.v1.Intake/{rpc}");
        self.ensure_within_reach(who, &method, id).await?;
        if who.has_any(STAFF_READERS) {
            return Ok(());
        }
        let now = self.clock.now().timestamp();
        let checked = crate::consent_link::check(
            self.settings.links.as_ref(),
            purpose,
            link_token,
            &id.to_string(),
            now,
            rpc,
        );
        if checked.is_err() {
            let refused = self.audit.refused(who, &method, &id.to_string()).await;
            return Err(IntakeError::Forbidden(refused.message().to_owned()));
        }
        Ok(())
    }

    async fn summary(&self, id: Uuid) -> Result<pb::SubmissionSummary, IntakeError> {
        self.store
            .summary(id)
            .await?
            .map(Into::into)
            .ok_or_else(|| IntakeError::NotFound(id.to_string()))
    }

    /// The submission's events without their payloads: the types, times,
    /// actors and trace ids say what happened and where to look, and
    /// nothing personal leaves the service.
    async fn history(&self, id: Uuid) -> Result<pb::SubmissionHistory, IntakeError> {
        let events = self.store.events(id).await?;
        if events.is_empty() {
            return Err(IntakeError::NotFound(id.to_string()));
        }
        let reference = self
            .store
            .summary(id)
            .await?
            .map(|row| row.reference)
            .unwrap_or_default();
        let entries = events
            .into_iter()
            .map(|e| pb::SubmissionHistoryEntry {
                version: e.stream_version,
                event_type: e.event_type,
                occurred_at: Some(crate::domain::timestamp(e.occurred_at)),
                recorded_at: Some(crate::domain::timestamp(e.recorded_at)),
                actor: e.metadata.actor.encode(),
                event_id: e.event_id.to_string(),
                trace_id: e
                    .metadata
                    .traceparent
                    .as_deref()
                    .and_then(telemetry::propagation::trace_id_of)
                    .unwrap_or_default(),
            })
            .collect();
        Ok(pb::SubmissionHistory {
            submission_id: id.to_string(),
            reference,
            entries,
        })
    }

    async fn compliment(
        &self,
        request: pb::SubmitComplimentRequest,
    ) -> Result<pb::ComplimentReceipt, IntakeError> {
        let fingerprint = Store::body_fingerprint(&request);
        let mut v = Violations::default();
        let key = v.text(
            "idempotency_key",
            "R-POS-1",
            &request.idempotency_key,
            fields::IDEMPOTENCY_KEY,
        );
        let channel = pb::Channel::try_from(request.channel).unwrap_or(pb::Channel::Unspecified);
        if channel == pb::Channel::Unspecified {
            v.add(
                "channel",
                "R-POS-1",
                "must be web form, email, telephone or regulator",
            );
        }
        let team = v.text("team", "R-POS-1", &request.team, fields::TEAM);
        let message = v.text("message", "R-POS-1", &request.message, fields::FREE_TEXT);
        let about = v.optional_string(
            "about_person",
            "R-POS-1",
            &request.about_person,
            fields::PERSON_NAME,
        );
        let from = request
            .from
            .map(|from| validate::compliment_sender(&mut v, from));
        let (key, team, message, from) = v
            .finish(|| Some((key?, team?, message?, from.transpose().ok()?)))
            .map_err(IntakeError::Invalid)?;
        let id = store::id_for("compliment", channel, key.as_str());
        let kept = self.store.keep_fingerprint(id, &fingerprint).await?;
        if kept.is_some_and(|kept| kept != fingerprint) {
            return Err(IntakeError::KeyReused);
        }
        if let Some(existing) = self.store.compliment(id).await? {
            return Ok(compliment_receipt(&existing));
        }
        let now = self.clock.now();
        let number = self.store.next_compliment_number().await?;
        let compliment = pb::ComplimentReceived {
            compliment_id: id.to_string(),
            reference: format!(
                "CMT-{}-{number:06}",
                chrono::Datelike::year(&calendar::uk_date(now))
            ),
            channel: channel as i32,
            received_at: Some(crate::domain::timestamp(now)),
            routed_to: self
                .settings
                .compliments
                .managers_for(team.as_str())
                .to_vec(),
            team: team.into_string(),
            about_person: about,
            message: message.into_string(),
            from,
        };
        let metadata = Metadata::new(Actor::System("intake".into()));
        if self
            .store
            .save_compliment(id, &compliment, &metadata)
            .await?
        {
            Ok(compliment_receipt(&compliment))
        } else {
            let stored = self
                .store
                .compliment(id)
                .await?
                .ok_or_else(|| IntakeError::NotFound(id.to_string()))?;
            Ok(compliment_receipt(&stored))
        }
    }
}

/// Whether the caller submits as staff (their staff id) or as a channel
/// acting for the complainant: only staff may deal with a matter outside
/// the procedure (R-INT-7).
fn submitter(who: &Principal) -> Submitter<'_> {
    if who.has_any(crate::access::STAFF) {
        Submitter::Staff(&who.subject)
    } else {
        Submitter::Channel
    }
}

fn receipt(state: &Submission) -> pb::SubmissionReceipt {
    let received = state.received.clone().unwrap_or_default();
    let (redirected_to, dealt_with_by) = state.redirect.clone().unwrap_or_default();
    pb::SubmissionReceipt {
        submission_id: received.submission_id,
        reference: received.reference,
        status: state.status as i32,
        contact_due_on: state.contact_due_on,
        redirected_to,
        dealt_with_by,
    }
}

fn compliment_receipt(c: &pb::ComplimentReceived) -> pb::ComplimentReceipt {
    pb::ComplimentReceipt {
        compliment_id: c.compliment_id.clone(),
        reference: c.reference.clone(),
        routed_to: c.routed_to.clone(),
    }
}

fn parse_id(raw: &str) -> Result<Uuid, IntakeError> {
    Uuid::parse_str(raw.trim())
        .map_err(|_| IntakeError::field("submission_id", "R-INT-1", "must be a submission id"))
}

/// Reason and staff id of a staff decision.
fn decision(
    rule: &'static str,
    reason_field: &str,
    reason: &str,
    by_field: &str,
    by: &str,
) -> Result<(Text, Text), IntakeError> {
    let mut v = Violations::default();
    let reason = v.text(reason_field, rule, reason, fields::REASON);
    let by = v.text(by_field, rule, by, fields::ACTOR_ID);
    v.finish(|| Some((reason?, by?)))
        .map_err(IntakeError::Invalid)
}

fn date_field(
    field: &str,
    rule: &'static str,
    date: Option<pb::Date>,
) -> Result<chrono::NaiveDate, IntakeError> {
    date.and_then(naive)
        .ok_or_else(|| IntakeError::field(field, rule, "is required and must be a real date"))
}

#[tonic::async_trait]
impl Intake for IntakeApi {
    async fn submit_complaint(
        &self,
        request: Request<pb::SubmitComplaintRequest>,
    ) -> Result<Response<pb::SubmissionReceipt>, Status> {
        let who = Principal::of(&request)?.clone();
        Ok(Response::new(
            self.submit(&who, request.into_inner()).await?,
        ))
    }

    async fn submit_compliment(
        &self,
        request: Request<pb::SubmitComplimentRequest>,
    ) -> Result<Response<pb::ComplimentReceipt>, Status> {
        Ok(Response::new(self.compliment(request.into_inner()).await?))
    }

    async fn list_triage_queue(
        &self,
        request: Request<pb::ListTriageQueueRequest>,
    ) -> Result<Response<pb::ListTriageQueueResponse>, Status> {
        let request = request.into_inner();
        let status = match pb::TriageStatus::try_from(request.status) {
            Ok(pb::TriageStatus::Unspecified) => None,
            Ok(status) => Some(status),
            Err(_) => {
                return Err(
                    IntakeError::field("status", "R-INT-2", "is not a triage status").into(),
                );
            }
        };
        let page_size = platform::limits::page_size("page_size", request.page_size)
            .map_err(|v| Status::from(IntakeError::Invalid(vec![v])))?;
        let after = if request.page_token.is_empty() {
            None
        } else {
            Some(page_token::decode(&request.page_token).ok_or_else(|| {
                Status::from(IntakeError::field(
                    "page_token",
                    "R-MON-1",
                    "is not a token this service gave out",
                ))
            })?)
        };
        let rows = self.store.queue(status, page_size, after).await?;
        let next_page_token = if rows.len() == page_size as usize {
            rows.last()
                .map(|r| page_token::encode(r.received_at, r.submission_id))
                .unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Response::new(pb::ListTriageQueueResponse {
            submissions: rows.into_iter().map(Into::into).collect(),
            next_page_token,
        }))
    }

    async fn get_submission(
        &self,
        request: Request<pb::GetSubmissionRequest>,
    ) -> Result<Response<pb::SubmissionSummary>, Status> {
        let who = Principal::of(&request)?;
        let id = parse_id(&request.get_ref().submission_id)?;
        self.ensure_within_reach(who, crate::access::I_GET_SUBMISSION, id)
            .await?;
        let summary = self.summary(id).await?;
        self.audit
            .read(who, crate::access::I_GET_SUBMISSION, &id.to_string())
            .await
            .map_err(|_| IntakeError::AuditUnavailable)?;
        Ok(Response::new(summary))
    }

    async fn get_submission_history(
        &self,
        request: Request<pb::GetSubmissionRequest>,
    ) -> Result<Response<pb::SubmissionHistory>, Status> {
        let id = parse_id(&request.into_inner().submission_id)?;
        Ok(Response::new(self.history(id).await?))
    }

    async fn record_compelling_reason(
        &self,
        request: Request<pb::RecordCompellingReasonRequest>,
    ) -> Result<Response<pb::SubmissionSummary>, Status> {
        let r = request.into_inner();
        let summary = self
            .age_decision(
                &r.submission_id,
                &r.reason,
                &r.decided_by,
                |reason, decided_by| Command::RecordCompellingReason { reason, decided_by },
            )
            .await?;
        Ok(Response::new(summary))
    }

    async fn decline_out_of_time(
        &self,
        request: Request<pb::DeclineOutOfTimeRequest>,
    ) -> Result<Response<pb::SubmissionSummary>, Status> {
        let r = request.into_inner();
        let summary = self
            .age_decision(
                &r.submission_id,
                &r.reason,
                &r.decided_by,
                |reason, decided_by| Command::DeclineOutOfTime { reason, decided_by },
            )
            .await?;
        Ok(Response::new(summary))
    }

    async fn record_consent(
        &self,
        request: Request<pb::RecordConsentRequest>,
    ) -> Result<Response<pb::SubmissionSummary>, Status> {
        let r = request.get_ref();
        self.own_or_staff(&request, "RecordConsent", &r.submission_id, &r.link_token)
            .await?;
        let r = request.into_inner();
        let (evidence, recorded_by) = decision(
            "R-INT-4",
            "evidence",
            &r.evidence,
            "recorded_by",
            &r.recorded_by,
        )?;
        let given_on = date_field("given_on", "R-INT-4", r.given_on)?;
        let command = Command::RecordConsent {
            evidence,
            given_on,
            recorded_by: recorded_by.clone(),
        };
        Ok(Response::new(
            self.staff(&r.submission_id, recorded_by.as_str(), command)
                .await?,
        ))
    }

    /// R-INT-4: the consent link checked as [`Self::own_or_staff`] checks
    /// it for an answer, without recording one, so the public pages can
    /// refuse a dead link before showing the form.
    async fn check_consent_link(
        &self,
        request: Request<pb::CheckConsentLinkRequest>,
    ) -> Result<Response<pb::CheckConsentLinkResponse>, Status> {
        let r = request.get_ref();
        self.own_or_staff(
            &request,
            "CheckConsentLink",
            &r.submission_id,
            &r.link_token,
        )
        .await?;
        Ok(Response::new(pb::CheckConsentLinkResponse {}))
    }

    /// What the complainant may see of a submission before a complaint is
    /// opened from it, for the follow link in the automatic reply: its
    /// reference, when it came, where triage stands (R-INT-2, R-INT-4) and
    /// the complaint's reference once opened. Nothing of a third party,
    /// the matter or staff.
    async fn get_submitter_view(
        &self,
        request: Request<pb::GetSubmitterViewRequest>,
    ) -> Result<Response<pb::SubmitterView>, Status> {
        let r = request.get_ref();
        self.linked_or_staff(
            &request,
            "GetSubmitterView",
            Purpose::Follow,
            &r.submission_id,
            &r.link_token,
        )
        .await?;
        let id = parse_id(&r.submission_id)?;
        let summary = self.summary(id).await?;
        let complaint_reference = self.store.complaint_of(id).await?.unwrap_or_default();
        Ok(Response::new(pb::SubmitterView {
            reference: summary.reference,
            received_at: summary.received_at,
            status: summary.status,
            complaint_reference,
        }))
    }

    async fn withdraw_consent(
        &self,
        request: Request<pb::WithdrawConsentRequest>,
    ) -> Result<Response<pb::SubmissionSummary>, Status> {
        let r = request.get_ref();
        self.own_or_staff(&request, "WithdrawConsent", &r.submission_id, &r.link_token)
            .await?;
        let r = request.into_inner();
        let mut v = Violations::default();
        let recorded_by = v.text("recorded_by", "R-INT-4", &r.recorded_by, fields::ACTOR_ID);
        let recorded_by = v.finish(|| recorded_by).map_err(IntakeError::Invalid)?;
        let withdrawn_on = date_field("withdrawn_on", "R-INT-4", r.withdrawn_on)?;
        let command = Command::WithdrawConsent {
            withdrawn_on,
            recorded_by: recorded_by.clone(),
        };
        Ok(Response::new(
            self.staff(&r.submission_id, recorded_by.as_str(), command)
                .await?,
        ))
    }
}

/// Keyset paging: the last row's received time and id.
mod page_token {
    use chrono::{DateTime, Utc};
    use uuid::Uuid;

    pub fn encode(at: DateTime<Utc>, id: Uuid) -> String {
        format!("{}_{id}", at.timestamp_micros())
    }

    pub fn decode(token: &str) -> Option<(DateTime<Utc>, Uuid)> {
        let (micros, id) = token.split_once('_')?;
        Some((
            DateTime::from_timestamp_micros(micros.parse().ok()?)?,
            Uuid::parse_str(id).ok()?,
        ))
    }
}
