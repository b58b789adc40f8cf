//! A small harness: a complaint, its log and a clock that only moves forward.

use crate::domain::command::*;
use crate::domain::event::Event;
use crate::domain::types::*;
use crate::domain::{Complaint, Context, Policy, Refusal, RefusalKind, decide, evolve, replay};
use calendar::Calendar;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use std::sync::OnceLock;

pub fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(Calendar::england_and_wales)
}

pub fn policy() -> &'static Policy {
    static POLICY: OnceLock<Policy> = OnceLock::new();
    POLICY.get_or_init(|| Policy::with_defaults(staff("ccm"), team("Corporate Compliance")))
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// Noon UTC on a date: the same date in the UK, summer or winter.
pub fn noon(d: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(12, 0, 0).unwrap())
}

pub fn text(s: &str) -> NonEmptyText {
    NonEmptyText::new(s).unwrap()
}

pub fn name(s: &str) -> Name {
    Name::new(s).unwrap()
}

pub fn staff(s: &str) -> StaffId {
    StaffId::new(s).unwrap()
}

pub fn team(s: &str) -> Team {
    Team::new(s).unwrap()
}

pub fn reference(n: u32) -> ComplaintRef {
    ComplaintRef::new(2026, n).unwrap()
}

pub fn ofqual() -> Qualification {
    Qualification::new(
        Some(name("L3-DIP-LP")),
        true,
        vec![name("Ofqual"), name("CCEA")],
    )
    .unwrap()
}

pub fn open(received_at: DateTime<Utc>, written: bool) -> Command {
    Command::Open(Open {
        reference: reference(1),
        submission_id: SubmissionId::new(uuid::Uuid::from_u128(1)),
        channel: if written {
            Channel::WebForm
        } else {
            Channel::Telephone
        },
        received_at,
        written,
        query_category: name("Exams"),
        qualification: None,
        correspondence_by_post: false,
        raised_from: None,
        submitted_by: None,
        adjustments: None,
    })
}

pub fn assign(who: &str, role: Role) -> Command {
    Command::AssignHandler(AssignHandler {
        staff: staff(who),
        team: team("Customer Service"),
        role,
    })
}

pub fn apology() -> Remedy {
    Remedy::new(RemedyKind::Apology, text("we are sorry"), None).unwrap()
}

pub fn outcome(stage: Stage, decision: Decision, remedies: Vec<Remedy>) -> Command {
    Command::RecordOutcome(RecordOutcome {
        stage,
        decision,
        findings: text("what happened, what we got wrong and how we put it right"),
        remedies,
        assessment_failure_found: false,
        assessment_failure_actions: None,
        recorded_by: staff("recorder"),
    })
}

/// `command`, an outcome, as recorded by `who`.
pub fn recorded_by(who: &str, command: Command) -> Command {
    match command {
        Command::RecordOutcome(c) => Command::RecordOutcome(RecordOutcome {
            recorded_by: staff(who),
            ..c
        }),
        other => other,
    }
}

pub fn not_upheld(stage: Stage) -> Command {
    outcome(stage, Decision::NotUpheld, vec![])
}

pub fn escalate(to: Stage, grounds: &[Grounds], received_on: NaiveDate) -> Command {
    Command::RequestEscalation(RequestEscalation {
        to,
        grounds: grounds.to_vec(),
        reasons: text("my points were not answered"),
        outcome_sought: Some(text("a refund")),
        received_on,
    })
}

/// R-S2-1, R-S3-1: the `stage` outcome was emailed on `sent_on`.
pub fn emailed(stage: Stage, sent_on: NaiveDate) -> Command {
    Command::RecordOutcomeReceipt(RecordOutcomeReceipt {
        stage,
        by_post: false,
        sent_on,
    })
}

/// R-S2-1, R-S3-1: the `stage` outcome was posted on `posted_on`.
pub fn posted(stage: Stage, posted_on: NaiveDate) -> Command {
    Command::RecordOutcomeReceipt(RecordOutcomeReceipt {
        stage,
        by_post: true,
        sent_on: posted_on,
    })
}

pub fn decide_investigation() -> Command {
    Command::DecideInvestigation(DecideInvestigation {
        warranted: true,
        reason: text("the correspondence shows gaps"),
    })
}

pub fn planned(owner: &str, due_on: NaiveDate) -> PlannedAction {
    PlannedAction {
        description: text("do it"),
        owner: staff(owner),
        due_on,
    }
}

/// A complaint and its log, decided at a clock that only moves forward.
#[derive(Debug)]
pub struct Case {
    pub state: Complaint,
    pub log: Vec<Event>,
    pub now: DateTime<Utc>,
    /// The figures and people of the procedure; [`policy`] unless changed.
    pub policy: &'static Policy,
}

impl Case {
    /// A written complaint received at noon UTC on `received_on`.
    pub fn opened(received_on: NaiveDate) -> Self {
        Self::opened_with(open(noon(received_on), true))
    }

    pub fn opened_with(command: Command) -> Self {
        let Command::Open(o) = &command else {
            panic!("not an Open command")
        };
        let mut case = Case {
            state: Complaint::default(),
            log: Vec::new(),
            now: o.received_at,
            policy: policy(),
        };
        case.ok(command);
        case
    }

    /// A complaint with its Stage 1 outcome (not upheld) issued on
    /// `issued_on`, emailed and so received that day.
    pub fn stage1_outcome(received_on: NaiveDate, issued_on: NaiveDate) -> Self {
        let mut case = Case::stage1_outcome_unreceived(received_on, issued_on);
        case.ok(emailed(Stage::One, issued_on));
        case
    }

    /// A complaint with its Stage 1 outcome issued on `issued_on`, not yet
    /// reported delivered.
    pub fn stage1_outcome_unreceived(received_on: NaiveDate, issued_on: NaiveDate) -> Self {
        let mut case = Case::opened(received_on);
        case.on(issued_on).ok(not_upheld(Stage::One));
        case
    }

    /// A complaint at Stage 2 with a manager, its outcome issued on
    /// `issued_on`, emailed and so received that day.
    pub fn stage2_outcome(received_on: NaiveDate, issued_on: NaiveDate) -> Self {
        let mut case = Case::stage1_outcome(received_on, received_on);
        case.ok(escalate(Stage::Two, &[Grounds::NotUnderstood], received_on));
        case.ok(assign("manager", Role::Manager));
        case.on(issued_on).ok(not_upheld(Stage::Two));
        case.ok(emailed(Stage::Two, issued_on));
        case
    }

    /// A complaint at Stage 3, acknowledged and with an investigation decision.
    pub fn at_stage3(received_on: NaiveDate) -> Self {
        let mut case = Case::stage2_outcome(received_on, received_on);
        case.ok(escalate(
            Stage::Three,
            &[Grounds::DissatisfiedWithOutcome],
            received_on,
        ));
        case.ok(Command::AcknowledgeStage3);
        case.ok(decide_investigation());
        case
    }

    /// A complaint closed by its final Stage 3 outcome.
    pub fn closed_after_stage3(received_on: NaiveDate) -> Self {
        let mut case = Case::at_stage3(received_on);
        case.ok(not_upheld(Stage::Three));
        case
    }

    /// Decides from now on with `policy` (leaked: a test's lifetime).
    pub fn with_policy(&mut self, policy: Policy) -> &mut Self {
        self.policy = Box::leak(Box::new(policy));
        self
    }

    pub fn today(&self) -> NaiveDate {
        calendar::uk_date(self.now)
    }

    /// Moves the clock to noon UTC on `day` (never backwards).
    pub fn on(&mut self, day: NaiveDate) -> &mut Self {
        assert!(noon(day) >= self.now, "the clock only moves forward");
        self.now = noon(day);
        self
    }

    pub fn run(&mut self, command: Command) -> Result<Vec<Event>, Refusal> {
        let ctx = Context::new(self.now, calendar(), self.policy);
        let events = decide(&self.state, command, &ctx)?;
        for event in &events {
            self.state = evolve(std::mem::take(&mut self.state), event);
        }
        self.log.extend(events.iter().cloned());
        assert_eq!(replay(&self.log), self.state, "replay equals live state");
        Ok(events)
    }

    #[track_caller]
    pub fn ok(&mut self, command: Command) -> Vec<Event> {
        match self.run(command) {
            Ok(events) => events,
            Err(refusal) => panic!("refused: {refusal}"),
        }
    }

    /// The refusal, checking that nothing changed.
    #[track_caller]
    pub fn refused(&mut self, command: Command) -> Refusal {
        let before = self.state.clone();
        match self.run(command) {
            Ok(events) => panic!("accepted: {events:?}"),
            Err(refusal) => {
                assert_eq!(self.state, before, "a refused command changes nothing");
                refusal
            }
        }
    }

    /// A refusal citing `rule`, of `kind`.
    #[track_caller]
    pub fn refused_by(&mut self, command: Command, rule: &str, kind: RefusalKind) -> Refusal {
        let refusal = self.refused(command);
        assert_eq!((refusal.rule, refusal.kind), (rule, kind), "{refusal}");
        refusal
    }

    pub fn deadline(&self, kind: DeadlineKind) -> &crate::domain::state::Deadline {
        self.state.deadlines.get(&kind).expect("deadline set")
    }
}
