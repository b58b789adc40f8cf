//! The Complaints gRPC API: each command request becomes a domain command
//! at the edge ([`crate::edge`]), is decided against the complaint rebuilt
//! from its stream, and its events are appended expecting that version.

use crate::domain::command::Open;
use crate::domain::types::ComplaintRef;
use crate::domain::{Command, Complaint, Context, decide};
use crate::edge::{self, Acting, IntoCommand};
use crate::error::{ComplaintsError, Context as _};
use crate::settings::ComplaintsSettings;
use crate::store::{QueueFilter, Store, stored_kind};
use crate::{complainant, overdue, reach, regulator_notice, view};
use chrono::{Datelike, NaiveDate};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_server::Complaints;
use eventlog::{Actor, Metadata};
use platform::Clock;
use platform::auth::{AccessAudit, Principal, Role};
use std::sync::Arc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};
use tracing::Instrument;

/// How many times a step that named no version is decided when facts the
/// services record by themselves keep landing in between (see `execute`).
const COMMAND_ATTEMPTS: u32 = 3;

#[derive(Debug, Clone)]
pub struct ComplaintsApi {
    store: Store,
    settings: Arc<ComplaintsSettings>,
    clock: Arc<dyn Clock>,
    audit: AccessAudit,
}

type Reply<T> = Result<Response<T>, Status>;

/// Reads a follow-on request (new issues, a decision on them) given the
/// reference the shell drew for the complaint it may open (R-UPC-2).
type FollowOnParser<R> =
    fn(R, ComplaintRef) -> Result<(Acting, Command), Vec<edge::FieldViolation>>;

impl ComplaintsApi {
    pub fn new(
        store: Store,
        settings: Arc<ComplaintsSettings>,
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

    /// Parses, decides and appends one command; answers with the complaint as it now stands.
    async fn command<R: IntoCommand>(&self, request: Request<R>) -> Reply<pb::ComplaintView> {
        let who = Principal::of(&request)?.clone();
        let (acting, command) = request
            .into_inner()
            .into_command()
            .map_err(ComplaintsError::Invalid)?;
        let view = self.execute(&who, acting, command).await?;
        Ok(Response::new(view))
    }

    /// A complaint within the caller's reach, its read recorded (R-CONF-1).
    async fn read(
        &self,
        who: &Principal,
        method: &str,
        reference: &str,
    ) -> Result<(ComplaintRef, Complaint), ComplaintsError> {
        let reference =
            edge::reference(reference, "reference").map_err(ComplaintsError::Invalid)?;
        let state = self.loaded(&reference).await?;
        let method = reach::method(method);
        let shown = reference.to_string();
        reach::check(&self.audit, who, &method, &shown, &state).await?;
        reach::read(&self.audit, who, &method, &shown).await?;
        Ok((reference, state))
    }

    async fn execute(
        &self,
        who: &Principal,
        acting: Acting,
        command: Command,
    ) -> Result<pb::ComplaintView, ComplaintsError> {
        let span = tracing::info_span!(
            "complaint.command",
            complaint.reference = %acting.reference,
            command = command.name(),
        );
        async {
            // R-S2-1, R-S3-1 and the deadline watcher: the services record
            // facts of their own (an outcome's delivery, a deadline mark)
            // at any moment. A step that named no version is decided
            // against the complaint as it stands, so when such a fact lands
            // between its reading and its writing it is decided again
            // rather than refused; one that named its version is refused.
            let mut attempt = 1;
            loop {
                match self.execute_once(who, &acting, command.clone()).await {
                    Err(ComplaintsError::Log(eventlog::Error::Conflict { .. }))
                        if acting.expected_version.is_none() && attempt < COMMAND_ATTEMPTS =>
                    {
                        attempt += 1;
                    }
                    other => return other,
                }
            }
        }
        .instrument(span)
        .await
    }

    /// One reading, decision and writing of `command`.
    async fn execute_once(
        &self,
        who: &Principal,
        acting: &Acting,
        command: Command,
    ) -> Result<pb::ComplaintView, ComplaintsError> {
        let (state, origin) = self.store.load_with_origin(&acting.reference).await?;
        if state.reference().is_none() {
            return Err(ComplaintsError::NotFound(acting.reference.to_string()));
        }
        // A command sent outside the complaint's trace (a staff tool
        // starting its own) is linked to the trace that opened it, so
        // the complaint's traces can be followed from one to the next.
        if let Some((parent, trace_state)) = &origin {
            telemetry::propagation::add_link(
                &tracing::Span::current(),
                Some(parent),
                trace_state.as_deref(),
            );
        }
        reach::check_command(&self.audit, who, acting, &command, &state).await?;
        still_at(acting, &state)?;
        let now = self.clock.now();
        let ctx = Context::new(now, &self.settings.calendar, &self.settings.policy);
        let events = decide(&state, command, &ctx).map_err(ComplaintsError::Refused)?;
        let metadata = Metadata::new(Actor::User(acting.user.as_str().to_owned()));
        let mut tx = self
            .store
            .log()
            .pool()
            .begin()
            .await
            .context("beginning a command")?;
        let after = Store::append(&mut tx, &state, &events, &metadata, ctx.today).await?;
        tx.commit().await.context("committing a command")?;
        Ok(view::complaint_view(&after))
    }

    /// The complaint, which must exist.
    /// The submission complaint `reference` was opened from, if it is
    /// one here: a follow link for it works for the complaint
    /// ([`complainant::check_link`]). Read before the link is checked, so
    /// nothing of the complaint is answered from it.
    async fn opened_from(&self, reference: &str) -> Option<String> {
        let reference = edge::reference(reference, "reference").ok()?;
        let state = self.loaded(&reference).await.ok()?;
        state.opened.as_ref().map(|o| o.submission_id.to_string())
    }

    async fn loaded(&self, reference: &ComplaintRef) -> Result<Complaint, ComplaintsError> {
        let state = self.store.load(reference).await?;
        if state.reference().is_none() {
            return Err(ComplaintsError::NotFound(reference.to_string()));
        }
        Ok(state)
    }

    /// R-UPC-2: new issues after closure are recorded on the closed
    /// complaint and, when the decision says they are considered (raised in
    /// time, or a compelling reason recorded), open a new complaint linked
    /// to it, in one transaction; the answer is the new complaint, or the
    /// closed one when nothing was opened (waiting for a decision, declined).
    async fn follow_on<R>(
        &self,
        who: &Principal,
        request: R,
        parse: FollowOnParser<R>,
    ) -> Result<pb::ComplaintView, ComplaintsError> {
        let now = self.clock.now();
        let ctx = Context::new(now, &self.settings.calendar, &self.settings.policy);
        let mut tx = self
            .store
            .log()
            .pool()
            .begin()
            .await
            .context("beginning new issues")?;
        let new_reference = Store::next_reference(&mut tx, ctx.today.year()).await?;
        let (acting, command) = parse(request, new_reference).map_err(ComplaintsError::Invalid)?;
        let old = self.loaded(&acting.reference).await?;
        reach::check_command(&self.audit, who, &acting, &command, &old).await?;
        still_at(&acting, &old)?;
        let events = decide(&old, command, &ctx).map_err(ComplaintsError::Refused)?;
        let metadata = Metadata::new(Actor::User(acting.user.as_str().to_owned()));
        let after = Store::append(&mut tx, &old, &events, &metadata, ctx.today).await?;
        let opens = events.iter().any(|e| {
            matches!(e, crate::domain::Event::NewIssuesRaised(n) if n.new_reference == new_reference)
        });
        if !opens {
            // The drawn number stays unused: numbers are never reused.
            tx.commit().await.context("committing new issues")?;
            return Ok(view::complaint_view(&after));
        }
        let opened = old
            .opened
            .as_ref()
            .ok_or_else(|| ComplaintsError::NotFound(acting.reference.to_string()))?;
        let open = Command::Open(Open {
            reference: new_reference,
            submission_id: opened.submission_id,
            channel: opened.channel,
            received_at: now,
            written: true,
            query_category: opened.query_category.clone(),
            qualification: opened.qualification.clone(),
            correspondence_by_post: opened.correspondence_by_post,
            raised_from: Some(acting.reference),
            // The same complainant's matter: the portal that submitted the
            // first reaches this one too.
            submitted_by: opened.submitted_by.clone(),
            // R-ADJ-1: the same complainant's adjustments.
            adjustments: opened.adjustments.clone(),
        });
        let fresh = Complaint::default();
        let events = decide(&fresh, open, &ctx).map_err(ComplaintsError::Refused)?;
        let created = Store::append(&mut tx, &fresh, &events, &metadata, ctx.today).await?;
        tx.commit().await.context("committing new issues")?;
        Ok(view::complaint_view(&created))
    }

    async fn history(
        &self,
        who: &Principal,
        method: &str,
        reference: &str,
    ) -> Result<pb::ComplaintHistory, ComplaintsError> {
        let (reference, _) = self.read(who, method, reference).await?;
        let history = self.store.history(&reference).await?;
        if history.is_empty() {
            return Err(ComplaintsError::NotFound(reference.to_string()));
        }
        let entries = history
            .iter()
            .map(|(recorded, event)| pb::HistoryEntry {
                version: recorded.stream_version,
                event_type: recorded.event_type.clone(),
                recorded_at: Some(timestamp(recorded.recorded_at)),
                occurred_at: Some(timestamp(recorded.occurred_at)),
                actor: recorded.metadata.actor.encode(),
                summary: view::summary(event),
                event_id: recorded.event_id.to_string(),
                correlation_id: recorded.metadata.correlation_id.to_string(),
                trace_id: recorded
                    .metadata
                    .traceparent
                    .as_deref()
                    .and_then(telemetry::propagation::trace_id_of)
                    .unwrap_or_default(),
            })
            .collect();
        Ok(pb::ComplaintHistory {
            reference: reference.to_string(),
            entries,
        })
    }

    async fn work_queue(
        &self,
        request: pb::ListWorkQueueRequest,
        with_unallocated: bool,
    ) -> Result<pb::ListWorkQueueResponse, ComplaintsError> {
        let today = calendar::uk_date(self.clock.now());
        let page_size = platform::limits::page_size("page_size", request.page_size)
            .map_err(|v| ComplaintsError::Invalid(vec![v]))?;
        let stage = match pb::Stage::try_from(request.stage) {
            Ok(pb::Stage::Unspecified) => None,
            Ok(stage) => Some(stage as i32),
            Err(_) => return Err(violation("stage", "R-MON-1", "is not a stage")),
        };
        // A filter is a staff id or a team as commands write them: text
        // neither could hold is refused here, never sent to the database.
        let handler = match request.handler.trim() {
            "" => None,
            raw => Some(
                crate::domain::types::StaffId::new(raw)
                    .map_err(|e| violation("handler", "R-MON-1", &e.reason))?
                    .to_string(),
            ),
        };
        let team = match request.team.trim() {
            "" => None,
            raw => Some(
                crate::domain::types::Team::new(raw)
                    .map_err(|e| violation("team", "R-MON-1", &e.reason))?
                    .to_string(),
            ),
        };
        // Ten years of working days is further ahead than any deadline.
        if request.due_within_working_days > 2_600 {
            return Err(violation(
                "due_within_working_days",
                platform::limits::RULE,
                "is more than 2600 working days (ten years) ahead",
            ));
        }
        let due_by = (request.due_within_working_days > 0).then(|| {
            self.settings.calendar.add_working_days(
                today,
                calendar::WorkingDays::new(request.due_within_working_days),
            )
        });
        let after = if request.page_token.is_empty() {
            None
        } else {
            Some(page_token::decode(&request.page_token).ok_or_else(|| {
                violation(
                    "page_token",
                    "R-MON-1",
                    "is not a token this service gave out",
                )
            })?)
        };
        let filter = QueueFilter {
            stage,
            handler,
            team,
            with_unallocated,
            overdue: request.overdue,
            due_by,
            after,
            page_size,
        };
        let counts = if request.with_counts {
            Some(self.queue_counts(&request, &filter, today).await?)
        } else {
            None
        };
        let rows = self.store.queue(&filter).await?;
        let next_page_token = match rows.last() {
            Some(last) if rows.len() == page_size as usize => {
                page_token::encode(last.next_due_on, &last.reference)
            }
            _ => String::new(),
        };
        let items = rows
            .into_iter()
            .map(|row| pb::WorkItem {
                reference: row.reference,
                stage: row.stage,
                handler: row.handler.unwrap_or_default(),
                team: row.team.unwrap_or_default(),
                query_category: row.query_category,
                next_deadline: stored_kind(row.next_deadline) as i32,
                next_due_on: row.next_due_on.map(date),
                overdue: row.overdue,
                awaiting_receipt: row.awaiting_receipt,
            })
            .collect();
        Ok(pb::ListWorkQueueResponse {
            items,
            next_page_token,
            counts,
        })
    }

    /// R-MON-1: the counts a monitoring page shows over the whole queue
    /// the filters match, on the day the request names (the page's today).
    async fn queue_counts(
        &self,
        request: &pb::ListWorkQueueRequest,
        filter: &QueueFilter,
        today: NaiveDate,
    ) -> Result<pb::WorkQueueCounts, ComplaintsError> {
        let as_of = match request.counts_as_of {
            None => today,
            Some(d) => NaiveDate::from_ymd_opt(d.year, d.month, d.day)
                .filter(|day| platform::limits::year("counts_as_of", day.year()).is_ok())
                .ok_or_else(|| {
                    violation("counts_as_of", "R-MON-1", "is not a date from 2000 to 2100")
                })?,
        };
        if request.approaching_within_working_days > 2_600 {
            return Err(violation(
                "approaching_within_working_days",
                platform::limits::RULE,
                "is more than 2600 working days (ten years) ahead",
            ));
        }
        let approaching_by = self.settings.calendar.add_working_days(
            as_of,
            calendar::WorkingDays::new(request.approaching_within_working_days),
        );
        let counts = self
            .store
            .queue_counts(filter, as_of, approaching_by)
            .await?;
        let count = |n: i64| u64::try_from(n).unwrap_or_default();
        Ok(pb::WorkQueueCounts {
            open: count(counts.open),
            missed: count(counts.missed),
            approaching: count(counts.approaching),
        })
    }
}

impl ComplaintsApi {
    /// R-MON-2: a page of the actions overdue across every complaint, from
    /// the read model; each complaint answered is recorded as read (its
    /// actions' descriptions are free text, R-CONF-1), all in one
    /// statement. Only the monitors reach this RPC (`access::POLICY`),
    /// and they read every complaint (R-MON-1).
    async fn overdue_actions(
        &self,
        who: &Principal,
        request: &pb::ListOverdueActionsRequest,
    ) -> Result<pb::ListOverdueActionsResponse, ComplaintsError> {
        let query = edge::overdue_query(request).map_err(ComplaintsError::Invalid)?;
        let as_of = query
            .as_of
            .unwrap_or_else(|| calendar::uk_date(self.clock.now()));
        let mut rows = overdue::page(
            self.store.log().pool(),
            as_of,
            query.page_size,
            query.after.as_ref(),
        )
        .await?;
        let total = overdue::count(self.store.log().pool(), as_of).await?;
        let more = rows.len() > query.page_size as usize;
        rows.truncate(query.page_size as usize);
        let next_page_token = match rows.last().and_then(overdue::Row::position) {
            Some(last) if more => last.token(),
            _ => String::new(),
        };
        let mut references: Vec<String> = rows.iter().map(|r| r.reference.clone()).collect();
        references.sort_unstable();
        references.dedup();
        self.audit
            .read_all(who, &reach::method("ListOverdueActions"), &references)
            .await
            .map_err(|_| ComplaintsError::AuditUnavailable)?;
        let mut actions = Vec::with_capacity(rows.len());
        for row in rows {
            if let Some(action) = self.overdue_action(row).await? {
                actions.push(action);
            }
        }
        Ok(pb::ListOverdueActionsResponse {
            actions,
            next_page_token,
            total,
        })
    }

    /// One row as answered; what the action is comes from the complaint's
    /// log for a row projected before the read model held it. `None` when
    /// the log no longer has the action open (a row the next write of the
    /// complaint replaces).
    async fn overdue_action(
        &self,
        row: overdue::Row,
    ) -> Result<Option<pb::OverdueAction>, ComplaintsError> {
        let due_on = Some(date(row.due_on));
        if let (Some(kind), Some(description), Some(owner)) = (row.kind, row.description, row.owner)
        {
            return Ok(Some(pb::OverdueAction {
                reference: row.reference,
                action_id: u32::try_from(row.action_id).unwrap_or_default(),
                kind,
                description,
                owner,
                due_on,
            }));
        }
        let Ok(reference) = ComplaintRef::parse(&row.reference) else {
            return Ok(None);
        };
        let state = self.store.load(&reference).await?;
        let action = view::complaint_view(&state).actions.into_iter().find(|a| {
            i64::from(a.action_id) == i64::from(row.action_id) && a.completed_on.is_none()
        });
        Ok(action.map(|a| pb::OverdueAction {
            reference: row.reference,
            action_id: a.action_id,
            kind: a.kind,
            description: a.description,
            owner: a.owner,
            due_on,
        }))
    }
}

/// Narrows a work queue request to what the caller may see (R-CONF-1):
/// handlers and managers their own team's complaints (a handler with no
/// team, only their own), and a manager also the complaints no team holds
/// yet, which they allocate; asking for another team is refused. Answers
/// whether the unallocated complaints are in.
fn within_reach(who: &Principal, filter: &mut pb::ListWorkQueueRequest) -> Result<bool, Status> {
    if who.sees_everything() {
        return Ok(false);
    }
    match who.team.as_deref() {
        Some(team) if filter.team.trim().is_empty() || filter.team.trim() == team => {
            let with_unallocated = who.has(Role::Manager) && filter.handler.trim().is_empty();
            filter.team = team.to_owned();
            Ok(with_unallocated)
        }
        None if who.has(Role::Handler)
            && (filter.handler.trim().is_empty() || filter.handler.trim() == who.subject) =>
        {
            filter.handler.clone_from(&who.subject);
            Ok(false)
        }
        _ => Err(who.denied("list another team's work queue")),
    }
}

/// Double submission: a command naming the version it was decided on
/// (`command.expected_version`) is refused, with nothing appended, when the
/// complaint is no longer there. Past this check the append expects
/// exactly that version ([`Store::append`] expects the version loaded), so
/// a command landing in between is refused too (ABORTED either way).
fn still_at(acting: &Acting, state: &Complaint) -> Result<(), ComplaintsError> {
    match acting.expected_version {
        Some(expected) if expected != state.version => Err(ComplaintsError::Changed {
            expected,
            current: state.version,
        }),
        _ => Ok(()),
    }
}

fn violation(field: &str, rule: &'static str, description: &str) -> ComplaintsError {
    ComplaintsError::Invalid(vec![edge::FieldViolation {
        field: field.into(),
        rule,
        description: description.into(),
    }])
}

fn timestamp(at: chrono::DateTime<chrono::Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: at.timestamp_subsec_nanos() as i32,
    }
}

fn date(d: NaiveDate) -> pb::Date {
    pb::Date {
        year: d.year(),
        month: d.month(),
        day: d.day(),
    }
}

/// Keyset paging over (due date or "none", reference).
mod page_token {
    use chrono::NaiveDate;

    pub fn encode(due_on: Option<NaiveDate>, reference: &str) -> String {
        let due = due_on.unwrap_or(NaiveDate::MAX);
        format!("{}_{reference}", due.format("%Y-%m-%d"))
    }

    pub fn decode(token: &str) -> Option<(NaiveDate, String)> {
        let (due, reference) = token.split_once('_')?;
        let due = NaiveDate::parse_from_str(due, "%Y-%m-%d").ok()?;
        Some((due, reference.to_owned()))
    }
}

#[tonic::async_trait]
impl Complaints for ComplaintsApi {
    async fn get_complaint(
        &self,
        request: Request<pb::GetComplaintRequest>,
    ) -> Reply<pb::ComplaintView> {
        let who = Principal::of(&request)?;
        let (_, state) = self
            .read(who, "GetComplaint", &request.get_ref().reference)
            .await?;
        Ok(Response::new(view::complaint_view(&state)))
    }

    async fn get_complainant_view(
        &self,
        request: Request<pb::GetComplainantViewRequest>,
    ) -> Reply<pb::ComplainantView> {
        let who = Principal::of(&request)?;
        let r = request.get_ref();
        let now = self.clock.now();
        let opened_from = self.opened_from(&r.reference).await;
        complainant::check_link(
            &self.audit,
            self.settings.links.as_ref(),
            who,
            "GetComplainantView",
            &r.reference,
            opened_from.as_deref(),
            &r.link_token,
            now,
        )
        .await?;
        let (_, state) = self
            .read(who, "GetComplainantView", &r.reference)
            .await
            .inspect_err(complainant::count_gone)?;
        let today = calendar::uk_date(now);
        Ok(Response::new(complainant::complainant_view(&state, today)))
    }

    async fn list_work_queue(
        &self,
        request: Request<pb::ListWorkQueueRequest>,
    ) -> Reply<pb::ListWorkQueueResponse> {
        let who = Principal::of(&request)?.clone();
        let mut filter = request.into_inner();
        let with_unallocated = within_reach(&who, &mut filter)?;
        Ok(Response::new(
            self.work_queue(filter, with_unallocated).await?,
        ))
    }

    async fn list_overdue_actions(
        &self,
        request: Request<pb::ListOverdueActionsRequest>,
    ) -> Reply<pb::ListOverdueActionsResponse> {
        let who = Principal::of(&request)?.clone();
        Ok(Response::new(
            self.overdue_actions(&who, request.get_ref()).await?,
        ))
    }

    async fn get_history(
        &self,
        request: Request<pb::GetHistoryRequest>,
    ) -> Reply<pb::ComplaintHistory> {
        let who = Principal::of(&request)?;
        Ok(Response::new(
            self.history(who, "GetHistory", &request.get_ref().reference)
                .await?,
        ))
    }

    async fn export_evidence(
        &self,
        request: Request<pb::GetHistoryRequest>,
    ) -> Reply<pb::ComplaintHistory> {
        let who = Principal::of(&request)?;
        Ok(Response::new(
            self.history(who, "ExportEvidence", &request.get_ref().reference)
                .await?,
        ))
    }

    async fn assign_handler(
        &self,
        r: Request<pb::AssignHandlerRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn record_contact(
        &self,
        r: Request<pb::RecordContactRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn agree_timescale(
        &self,
        r: Request<pb::AgreeTimescaleRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn record_update(&self, r: Request<pb::RecordUpdateRequest>) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn refer_to_line_manager(
        &self,
        r: Request<pb::ReferToLineManagerRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn record_outcome(
        &self,
        r: Request<pb::RecordOutcomeRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    /// From the public pages a `portal` caller acts as itself and needs a
    /// follow link for the complaint ([`complainant`]).
    async fn request_escalation(
        &self,
        mut r: Request<pb::RequestEscalationRequest>,
    ) -> Reply<pb::ComplaintView> {
        let who = Principal::of(&r)?.clone();
        if complainant::needs_link(&who) {
            let request = r.get_mut();
            let reference = (request.command.as_ref())
                .map(|c| c.reference.clone())
                .unwrap_or_default();
            let opened_from = self.opened_from(&reference).await;
            complainant::check_link(
                &self.audit,
                self.settings.links.as_ref(),
                &who,
                "RequestEscalation",
                &reference,
                opened_from.as_deref(),
                &request.link_token,
                self.clock.now(),
            )
            .await?;
            if let Some(command) = request.command.as_mut() {
                command.acting_user.clone_from(&who.subject);
            }
        }
        self.command(r).await
    }

    async fn decide_investigation(
        &self,
        r: Request<pb::DecideInvestigationRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn acknowledge_stage3(
        &self,
        r: Request<pb::ComplaintCommand>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn extend_deadline(
        &self,
        r: Request<pb::ExtendDeadlineRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn add_action(&self, r: Request<pb::AddActionRequest>) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn reassign_action(
        &self,
        r: Request<pb::ReassignActionRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn complete_action(
        &self,
        r: Request<pb::CompleteActionRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn record_regulator_referral(
        &self,
        r: Request<pb::RecordRegulatorReferralRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn restrict_contact(
        &self,
        r: Request<pb::RestrictContactRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn lift_restriction(
        &self,
        r: Request<pb::LiftRestrictionRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn record_receipt_by_hand(
        &self,
        r: Request<pb::RecordReceiptByHandRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn record_disclosure(
        &self,
        r: Request<pb::RecordDisclosureRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn record_information_permission(
        &self,
        r: Request<pb::RecordInformationPermissionRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn resolve_outside_procedure(
        &self,
        r: Request<pb::ResolveOutsideProcedureRequest>,
    ) -> Reply<pb::ComplaintView> {
        self.command(r).await
    }

    async fn raise_new_issues(
        &self,
        r: Request<pb::RaiseNewIssuesRequest>,
    ) -> Reply<pb::ComplaintView> {
        let who = Principal::of(&r)?.clone();
        Ok(Response::new(
            self.follow_on(&who, r.into_inner(), edge::raise_new_issues)
                .await?,
        ))
    }

    async fn decide_new_issues(
        &self,
        r: Request<pb::DecideNewIssuesRequest>,
    ) -> Reply<pb::ComplaintView> {
        let who = Principal::of(&r)?.clone();
        Ok(Response::new(
            self.follow_on(&who, r.into_inner(), edge::decide_new_issues)
                .await?,
        ))
    }

    async fn record_regulator_notice(
        &self,
        r: Request<pb::RecordRegulatorNoticeRequest>,
    ) -> Reply<pb::RegulatorNoticeView> {
        let (by, command) =
            edge::record_notice(r.into_inner()).map_err(ComplaintsError::Invalid)?;
        let today = calendar::uk_date(self.clock.now());
        let id = uuid::Uuid::now_v7();
        let events =
            regulator_notice::record(id, command, today).map_err(ComplaintsError::Refused)?;
        let metadata = Metadata::new(Actor::User(by.as_str().to_owned()));
        let state = regulator_notice::save(
            self.store.log(),
            id,
            &Default::default(),
            &events,
            &metadata,
        )
        .await?;
        Ok(Response::new(regulator_notice::view(&state, today)))
    }

    async fn complete_regulator_review(
        &self,
        r: Request<pb::CompleteRegulatorReviewRequest>,
    ) -> Reply<pb::RegulatorNoticeView> {
        let (by, id, command) =
            edge::complete_review(r.into_inner()).map_err(ComplaintsError::Invalid)?;
        let today = calendar::uk_date(self.clock.now());
        let state = regulator_notice::load(self.store.log(), id).await?;
        let events =
            regulator_notice::complete(&state, command, today).map_err(ComplaintsError::Refused)?;
        let metadata = Metadata::new(Actor::User(by.as_str().to_owned()));
        let state =
            regulator_notice::save(self.store.log(), id, &state, &events, &metadata).await?;
        Ok(Response::new(regulator_notice::view(&state, today)))
    }

    async fn list_regulator_notices(
        &self,
        r: Request<pb::ListRegulatorNoticesRequest>,
    ) -> Reply<pb::ListRegulatorNoticesResponse> {
        let filter = edge::notice_filter(r.get_ref()).map_err(ComplaintsError::Invalid)?;
        let today = calendar::uk_date(self.clock.now());
        let notices = regulator_notice::storage::load_all(self.store.log()).await?;
        Ok(Response::new(pb::ListRegulatorNoticesResponse {
            notices: regulator_notice::listing::listed(&notices, filter, today),
        }))
    }

    async fn get_regulator_notice(
        &self,
        r: Request<pb::GetRegulatorNoticeRequest>,
    ) -> Reply<pb::RegulatorNoticeView> {
        let id = edge::notice_id(r.get_ref()).map_err(ComplaintsError::Invalid)?;
        let today = calendar::uk_date(self.clock.now());
        let state = regulator_notice::load(self.store.log(), id).await?;
        if state.received.is_none() {
            return Err(Status::not_found(format!("no regulator notice {id}")));
        }
        Ok(Response::new(regulator_notice::view(&state, today)))
    }

    type RebuildReadModelStream = ReceiverStream<Result<pb::RebuildReadModelResponse, Status>>;

    /// The rebuild runs as a task of its own, so it finishes (or rolls
    /// back) whatever the caller does; the caller hears its progress.
    async fn rebuild_read_model(
        &self,
        _: Request<pb::RebuildReadModelRequest>,
    ) -> Reply<Self::RebuildReadModelStream> {
        let today = calendar::uk_date(self.clock.now());
        let (updates, stream) = tokio::sync::mpsc::channel(16);
        let store = self.store.clone();
        tokio::spawn(
            async move {
                let progress = |read: u64, total: u64| {
                    // A slow listener misses updates, never the outcome.
                    let _ = updates.try_send(Ok(pb::RebuildReadModelResponse {
                        events_read: read,
                        events_total: total,
                        ..Default::default()
                    }));
                };
                let last = match store.rebuild_read_model(today, &progress).await {
                    Ok(complaints) => {
                        tracing::info!(complaints, "read model rebuilt from the log");
                        Ok(pb::RebuildReadModelResponse {
                            complaints,
                            done: true,
                            ..Default::default()
                        })
                    }
                    Err(error) => Err(Status::from(error)),
                };
                let _ = updates.send(last).await;
            }
            .in_current_span(),
        );
        Ok(Response::new(ReceiverStream::new(stream)))
    }
}
