//! Complaints taken through the procedure with `decide` and `evolve`, and
//! what the views make of them.

use super::*;
use crate::domain::command::*;
use crate::domain::event::Event;
use crate::domain::types::*;
use crate::domain::{Context, Policy, decide, evolve};
use calendar::Calendar;
use chrono::TimeZone;
use std::sync::OnceLock;

fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(Calendar::england_and_wales)
}

fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| {
        Policy::with_defaults(staff("ccm"), Team::new("Corporate Compliance").unwrap())
    })
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn noon(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap())
}

fn text(s: &str) -> NonEmptyText {
    NonEmptyText::new(s).unwrap()
}

fn staff(s: &str) -> StaffId {
    StaffId::new(s).unwrap()
}

fn team(s: &str) -> Team {
    Team::new(s).unwrap()
}

fn wire(d: NaiveDate) -> Option<pb::Date> {
    Some(date(d))
}

/// A complaint, its events and a clock at noon of the current day.
struct Case {
    state: Complaint,
    log: Vec<Event>,
    now: DateTime<Utc>,
}

impl Case {
    /// A written complaint by the online form, received on Monday 2 March
    /// 2026, about a qualification Ofqual regulates.
    fn opened() -> Self {
        let received_on = day(2026, 3, 2);
        let qualification = Qualification::new(
            Some(Name::new("L3-DIP").unwrap()),
            true,
            vec![Name::new("Ofqual").unwrap()],
        )
        .unwrap();
        let mut case = Case {
            state: Complaint::default(),
            log: Vec::new(),
            now: noon(received_on),
        };
        case.ok(Command::Open(Open {
            reference: ComplaintRef::new(2026, 1).unwrap(),
            submission_id: SubmissionId::new(uuid::Uuid::from_u128(7)),
            channel: Channel::WebForm,
            received_at: noon(received_on),
            written: true,
            query_category: Name::new("Exams").unwrap(),
            qualification: Some(qualification),
            correspondence_by_post: false,
            raised_from: None,
            submitted_by: None,
            adjustments: None,
        }));
        case
    }

    /// At Stage 1 with a handler, contacted on 3 March, a timescale agreed
    /// to 20 March and the outcome (upheld, an apology) issued on 16 March.
    fn stage1_outcome() -> Self {
        let mut case = Case::opened();
        case.ok(assign("handler-1", Role::Handler));
        case.on(day(2026, 3, 3))
            .ok(Command::RecordContact(RecordContact {
                at: noon(day(2026, 3, 3)),
                method: ContactMethod::Telephone,
                summary: text("called to clarify"),
            }));
        case.ok(Command::AgreeTimescale(AgreeTimescale {
            due_on: day(2026, 3, 20),
        }));
        let apology = Remedy::new(RemedyKind::Apology, text("sorry"), None).unwrap();
        case.on(day(2026, 3, 16))
            .ok(outcome(Decision::Upheld, vec![apology]));
        case
    }

    fn on(&mut self, d: NaiveDate) -> &mut Self {
        self.now = noon(d);
        self
    }

    #[track_caller]
    fn ok(&mut self, command: Command) -> &mut Self {
        let ctx = Context::new(self.now, calendar(), policy());
        let events = decide(&self.state, command, &ctx).unwrap_or_else(|r| panic!("{r}"));
        for event in events {
            self.state = evolve(std::mem::take(&mut self.state), &event);
            self.log.push(event);
        }
        self
    }

    fn view(&self) -> pb::ComplaintView {
        complaint_view(&self.state)
    }
}

fn assign(who: &str, role: Role) -> Command {
    Command::AssignHandler(AssignHandler {
        staff: staff(who),
        team: team("Customer Service"),
        role,
    })
}

fn outcome(decision: Decision, remedies: Vec<Remedy>) -> Command {
    Command::RecordOutcome(RecordOutcome {
        stage: Stage::One,
        decision,
        findings: text("what happened and how we put it right"),
        remedies,
        assessment_failure_found: false,
        assessment_failure_actions: None,
        recorded_by: staff("handler-1"),
    })
}

fn escalate_to_stage_2(received_on: NaiveDate) -> Command {
    Command::RequestEscalation(RequestEscalation {
        to: Stage::Two,
        grounds: vec![Grounds::PointsNotAnswered],
        reasons: text("my second point was not answered"),
        outcome_sought: None,
        received_on,
    })
}

fn deadline(kind: pb::DeadlineKind, stage: pb::Stage, due: NaiveDate) -> pb::DeadlineView {
    pb::DeadlineView {
        kind: kind as i32,
        stage: stage as i32,
        due_on: wire(due),
        ..Default::default()
    }
}

#[test]
fn r_mon_1_a_stage_1_outcome_shows_met_deadlines_the_outcome_and_its_window() {
    let case = Case::stage1_outcome();
    let view = case.view();
    let none = pb::Stage::Unspecified;
    let expected = pb::ComplaintView {
        reference: "CMP-2026-000001".into(),
        submission_id: uuid::Uuid::from_u128(7).to_string(),
        stage: pb::Stage::Stage1 as i32,
        closed: false,
        closure: pb::ClosureKind::Unspecified as i32,
        handler: "handler-1".into(),
        team: "Customer Service".into(),
        role: pb::HandlerRole::Handler as i32,
        channel: pb::Channel::WebForm as i32,
        query_category: "Exams".into(),
        received_at: Some(prost_types::Timestamp {
            seconds: noon(day(2026, 3, 2)).timestamp(),
            nanos: 0,
        }),
        deadlines: vec![
            pb::DeadlineView {
                met_on: wire(day(2026, 3, 3)),
                ..deadline(pb::DeadlineKind::FirstContact, none, day(2026, 3, 11))
            },
            pb::DeadlineView {
                met_on: wire(day(2026, 3, 16)),
                ..deadline(pb::DeadlineKind::AgreedTimescale, none, day(2026, 3, 20))
            },
            pb::DeadlineView {
                awaiting_receipt: true,
                ..deadline(
                    pb::DeadlineKind::EscalationWindow,
                    pb::Stage::Stage1,
                    day(2026, 3, 30),
                )
            },
        ],
        outcomes: vec![pb::OutcomeView {
            stage: pb::Stage::Stage1 as i32,
            decision: pb::Decision::Upheld as i32,
            issued_on: wire(day(2026, 3, 16)),
            escalation_window_ends_on: wire(day(2026, 3, 30)),
            remedies: vec![pb::RemedyView {
                kind: pb::RemedyKind::Apology as i32,
                description: "sorry".into(),
                ..Default::default()
            }],
            received_on: None,
        }],
        actions: vec![],
        qualification_code: "L3-DIP".into(),
        regulated: true,
        contact_restricted: false,
        raised_from: String::new(),
        new_complaints: vec![],
        version: case.log.len() as u64,
        restriction_review_on: None,
        new_issues_awaiting_decision: false,
        adjustments: None,
    };
    assert_eq!(view, expected);
}

/// R-ADJ-1: the adjustments the complainant asked for are on the
/// complaint as staff see it, and a complaint that asked for none shows
/// none.
#[test]
fn r_adj_1_the_view_shows_the_reasonable_adjustments_asked_for() {
    let mut case = Case::opened();
    assert_eq!(case.view().adjustments, None);
    let adjustments = crate::domain::types::Adjustments {
        large_print: true,
        other_format: Some(Name::new("braille").unwrap()),
        contact_method: None,
        contact_time: Some(Name::new("weekday mornings").unwrap()),
        representative: Some((
            Name::new("Grace Hopper").unwrap(),
            Some(Name::new("daughter").unwrap()),
        )),
        other: None,
    };
    if let Some(crate::domain::Event::ComplaintOpened(opened)) = case.log.first_mut() {
        opened.adjustments = Some(Box::new(adjustments));
    }
    case.state = crate::domain::replay(case.log.iter());
    assert_eq!(
        case.view().adjustments,
        Some(pb::ReasonableAdjustments {
            large_print: true,
            other_format: "braille".into(),
            contact_time: "weekday mornings".into(),
            representative_name: "Grace Hopper".into(),
            representative_relationship: "daughter".into(),
            ..Default::default()
        })
    );
}

/// R-S2-1: the window runs from the complainant's receipt of the outcome,
/// so it is overdue only once that receipt is known and 14 days have passed.
#[test]
fn r_s2_1_the_escalation_window_is_next_and_overdue_once_it_has_passed() {
    let mut case = Case::stage1_outcome();
    let window = DeadlineKind::EscalationWindow(Stage::One);
    let due = day(2026, 3, 30);
    assert_eq!(
        next_deadline(&case.state, day(2026, 3, 31)),
        Some((window, due, false)),
        "not yet reported delivered: the window is open"
    );
    case.ok(Command::RecordOutcomeReceipt(
        crate::domain::command::RecordOutcomeReceipt {
            stage: Stage::One,
            by_post: false,
            sent_on: day(2026, 3, 16),
        },
    ));
    assert_eq!(
        next_deadline(&case.state, day(2026, 3, 30)),
        Some((window, due, false))
    );
    assert_eq!(
        next_deadline(&case.state, day(2026, 3, 31)),
        Some((window, due, true))
    );
    assert_eq!(
        case.view().outcomes[0].received_on,
        Some(date(day(2026, 3, 16)))
    );
}

/// R-S2-1: until the complainant is known to have received the outcome
/// the escalation window has not started, and the view says so on its
/// deadline, so a page never shows it missed; once received it counts.
#[test]
fn r_s2_1_an_escalation_window_awaits_the_receipt_in_the_view() {
    let mut case = Case::stage1_outcome();
    let window = |case: &Case| {
        case.view()
            .deadlines
            .into_iter()
            .find(|d| d.kind == pb::DeadlineKind::EscalationWindow as i32)
            .expect("the window's deadline")
    };
    assert!(window(&case).awaiting_receipt);
    assert!(!window(&case).missed);
    case.ok(Command::RecordOutcomeReceipt(
        crate::domain::command::RecordOutcomeReceipt {
            stage: Stage::One,
            by_post: false,
            sent_on: day(2026, 3, 16),
        },
    ));
    assert!(!window(&case).awaiting_receipt);
}

#[test]
fn r_s1_1_a_new_written_complaint_waits_for_first_contact() {
    let case = Case::opened();
    let first_contact = (DeadlineKind::FirstContact, day(2026, 3, 11), false);
    assert_eq!(
        next_deadline(&case.state, day(2026, 3, 2)),
        Some(first_contact)
    );
    let view = case.view();
    assert_eq!(view.handler, "");
    assert_eq!(view.role, pb::HandlerRole::Unspecified as i32);
    assert_eq!(view.version, 2, "opened, first-contact deadline set");
}

#[test]
fn r_s2_4_a_stage_2_response_shows_approaching_then_missed() {
    let mut case = Case::stage1_outcome();
    case.on(day(2026, 3, 20))
        .ok(escalate_to_stage_2(day(2026, 3, 20)));
    assert_eq!(case.view().handler, "", "Stage 2 awaits its manager");
    case.ok(assign("manager-1", Role::Manager));
    let kind = DeadlineKind::Stage2Response;
    let due = case.state.deadlines[&kind].due_on;
    assert_eq!(due, day(2026, 4, 21), "20 working days, Easter excluded");

    case.on(day(2026, 4, 17))
        .ok(Command::MarkDeadlineApproaching(kind));
    let view = case.view();
    assert_eq!(view.stage, pb::Stage::Stage2 as i32);
    assert_eq!(
        (view.handler.as_str(), view.role),
        ("manager-1", pb::HandlerRole::Manager as i32)
    );
    let stage2 = |v: &pb::ComplaintView| {
        let wanted = pb::DeadlineKind::Stage2Response as i32;
        v.deadlines
            .iter()
            .find(|d| d.kind == wanted)
            .cloned()
            .unwrap()
    };
    assert!(stage2(&view).approaching && !stage2(&view).missed);
    assert_eq!(
        next_deadline(&case.state, day(2026, 4, 17)),
        Some((kind, due, false))
    );

    case.on(day(2026, 4, 22))
        .ok(Command::MarkDeadlineMissed(kind));
    let view = case.view();
    assert!(!stage2(&view).approaching && stage2(&view).missed);
    assert_eq!(
        next_deadline(&case.state, day(2026, 4, 22)),
        Some((kind, due, true))
    );
    let window = (view.deadlines.iter())
        .find(|d| d.kind == pb::DeadlineKind::EscalationWindow as i32)
        .unwrap();
    assert_eq!(
        window.met_on,
        wire(day(2026, 3, 20)),
        "the request met the window"
    );
}

#[test]
fn r_out_3_tracked_actions_show_owner_due_date_and_completion() {
    let mut case = Case::stage1_outcome();
    for owner in ["owner-1", "owner-2"] {
        case.ok(Command::AddAction(AddAction {
            kind: ActionKind::FollowUp,
            description: text("refund the fee"),
            owner: staff(owner),
            due_on: day(2026, 4, 30),
        }));
    }
    case.on(day(2026, 3, 18))
        .ok(Command::CompleteAction(CompleteAction {
            action: ActionId::FIRST,
            note: None,
        }));
    let actions = case.view().actions;
    assert_eq!(
        actions[0],
        pb::ActionView {
            action_id: 1,
            kind: pb::ActionKind::FollowUp as i32,
            description: "refund the fee".into(),
            owner: "owner-1".into(),
            due_on: wire(day(2026, 4, 30)),
            completed_on: wire(day(2026, 3, 18)),
        }
    );
    assert_eq!((actions[1].action_id, actions[1].completed_on), (2, None));
}

#[test]
fn r_s1_3_a_referral_withdraws_the_agreed_timescale_from_the_view() {
    let mut case = Case::opened();
    case.ok(Command::AgreeTimescale(AgreeTimescale {
        due_on: day(2026, 3, 20),
    }));
    case.on(day(2026, 3, 4))
        .ok(Command::ReferToLineManager(ReferToLineManager {
            manager: staff("line.manager"),
            team: team("Exams"),
        }));
    let view = case.view();
    let kinds: Vec<i32> = view.deadlines.iter().map(|d| d.kind).collect();
    assert_eq!(
        kinds,
        [
            pb::DeadlineKind::FirstContact as i32,
            pb::DeadlineKind::Stage2Response as i32
        ]
    );
    assert_eq!(
        (view.handler.as_str(), view.team.as_str()),
        ("line.manager", "Exams")
    );
    assert_eq!(view.stage, pb::Stage::Stage2 as i32);
}

#[test]
fn r_s2_1_an_extended_escalation_window_moves_the_outcome_s_window_end() {
    let mut case = Case::stage1_outcome();
    case.ok(Command::ExtendDeadline(ExtendDeadline {
        kind: DeadlineKind::EscalationWindow(Stage::One),
        due_on: day(2026, 4, 10),
        reason: text("the outcome letter was returned undelivered"),
    }));
    let outcome = &case.view().outcomes[0];
    assert_eq!(outcome.escalation_window_ends_on, wire(day(2026, 4, 10)));
    assert_eq!(outcome.issued_on, wire(day(2026, 3, 16)));
}

#[test]
fn r_int_7_a_complaint_resolved_outside_the_procedure_is_closed_and_off_the_queue() {
    let mut case = Case::opened();
    case.ok(Command::ResolveOutsideProcedure(ResolveOutsideProcedure {
        how: text("resent the certificate"),
    }));
    let view = case.view();
    assert!(view.closed);
    assert_eq!(
        view.closure,
        pb::ClosureKind::ResolvedOutsideProcedure as i32
    );
    assert_eq!(next_deadline(&case.state, day(2026, 3, 30)), None);
}

#[test]
fn r_upc_1_r_upc_2_restrictions_and_new_complaints_show_on_a_closed_complaint() {
    let mut case = Case::opened();
    case.ok(Command::ResolveOutsideProcedure(ResolveOutsideProcedure {
        how: text("resent the certificate"),
    }));
    case.ok(Command::RestrictContact(RestrictContact {
        reason: text("daily calls"),
        review_on: day(2026, 9, 1),
    }));
    case.ok(Command::RaiseNewIssues(RaiseNewIssues {
        new_reference: ComplaintRef::new(2026, 9).unwrap(),
        description: text("the certificate is wrong again"),
        became_aware_on: None,
    }));
    let view = case.view();
    assert!(view.contact_restricted);
    assert_eq!(
        view.restriction_review_on,
        Some(wire(day(2026, 9, 1)).unwrap())
    );
    assert_eq!(view.new_complaints, ["CMP-2026-000009"]);
    assert_eq!(view.version, case.log.len() as u64);
}

#[test]
fn a_complaint_not_yet_opened_has_an_empty_view() {
    let view = complaint_view(&Complaint::default());
    assert_eq!(view, pb::ComplaintView::default());
    assert_eq!(next_deadline(&Complaint::default(), day(2026, 1, 1)), None);
}

#[test]
fn an_escalation_window_deadline_names_its_stage_on_the_wire() {
    assert_eq!(
        deadline_kind(DeadlineKind::EscalationWindow(Stage::One)),
        (pb::DeadlineKind::EscalationWindow, pb::Stage::Stage1)
    );
    assert_eq!(
        deadline_kind(DeadlineKind::Stage3Response),
        (pb::DeadlineKind::Stage3Response, pb::Stage::Unspecified)
    );
}

#[test]
fn r_out_1_an_outcome_line_gives_the_stage_decision_and_remedy_count() {
    let remedies = ["sorry", "we explain"]
        .map(|t| Remedy::new(RemedyKind::Apology, text(t), None).unwrap())
        .to_vec();
    let event = Event::OutcomeRecorded(crate::domain::event::OutcomeRecorded {
        stage: Stage::One,
        decision: Decision::Upheld,
        findings: text("findings"),
        remedies,
        assessment_failure_found: false,
        issued_on: day(2026, 3, 16),
        escalation_window_ends_on: Some(day(2026, 3, 30)),
        escalation_window_ends_on_by_post: None,
        recorded_by: None,
    });
    assert_eq!(
        summary(&event),
        "Stage 1 outcome recorded: upheld, 2 remedies"
    );
}

#[test]
fn r_mon_3_audit_lines_never_repeat_free_text_or_staff_ids() {
    let mut case = Case::stage1_outcome();
    case.on(day(2026, 3, 20))
        .ok(escalate_to_stage_2(day(2026, 3, 20)));
    case.ok(assign("manager-1", Role::Manager));
    case.ok(Command::RecordDisclosure(RecordDisclosure {
        recipient: Name::new("PC Smith").unwrap(),
        legal_basis: Some(LegalBasis::Police),
        what: text("the correspondence"),
        disclosed_on: day(2026, 3, 20),
    }));
    let lines: Vec<String> = case.log.iter().map(summary).collect();
    assert_eq!(
        lines[0],
        "Complaint opened at Stage 1: received by the online form on 2026-03-02"
    );
    assert!(lines.contains(&"Deadline met: first contact on 2026-03-03".to_owned()));
    for line in &lines {
        for secret in [
            "handler-1",
            "manager-1",
            "called to clarify",
            "sorry",
            "PC Smith",
            "second point",
        ] {
            assert!(!line.contains(secret), "{line:?} repeats {secret:?}");
        }
    }
}
