//! The two requests with nested or repeated fields: a stage outcome with
//! its remedies and assessment-failure actions, and a request for the next
//! stage with its grounds.

use super::fields::Fields;
use super::vocabulary;
use super::{Acting, FieldViolation, IntoCommand};
use crate::domain::Command;
use crate::domain::command::{
    AssessmentFailureActions, PlannedAction, RecordOutcome, RequestEscalation,
};
use crate::domain::types::{ActionId, Compensation, Money, Remedy};
use complaints_proto::v1 as pb;

const FINDINGS: &str = "R-OUT-1";
const REMEDIES: &str = "R-OUT-2";
const ASSESSMENT_FAILURE: &str = "R-OUT-4";

impl IntoCommand for pb::RecordOutcomeRequest {
    fn into_command(self) -> Result<(Acting, Command), Vec<FieldViolation>> {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let stage = f.choice("stage", FINDINGS, "stage", self.stage, vocabulary::stage);
        let decision = f.choice(
            "decision",
            FINDINGS,
            "decision",
            self.decision,
            vocabulary::decision,
        );
        let findings = f.text("findings", FINDINGS, &self.findings);
        let remedies: Vec<Option<Remedy>> = (self.remedies.into_iter().enumerate())
            .map(|(i, r)| remedy(&mut f, i, r))
            .collect();
        let actions = assessment_failure_actions(
            &mut f,
            [
                (
                    "identify_affected_learners",
                    self.identify_affected_learners,
                ),
                ("correct_or_mitigate", self.correct_or_mitigate),
                ("prevent_recurrence", self.prevent_recurrence),
            ],
        );
        f.finish(|| {
            let acting = acting?;
            let c = RecordOutcome {
                recorded_by: acting.user.clone(),
                stage: stage?,
                decision: decision?,
                findings: findings?,
                remedies: remedies.into_iter().collect::<Option<_>>()?,
                assessment_failure_found: self.assessment_failure_found,
                assessment_failure_actions: actions?,
            };
            Some((acting, Command::RecordOutcome(c)))
        })
    }
}

/// R-OUT-2: one remedy, its fields' paths under `remedies[i]`. Whether the
/// kind goes with compensation is the domain's `Remedy::new` to say.
fn remedy(f: &mut Fields, i: usize, r: pb::RemedyInput) -> Option<Remedy> {
    let at = |name: &str| format!("remedies[{i}].{name}");
    let kind = f.choice(
        &at("kind"),
        REMEDIES,
        "remedy kind",
        r.kind,
        vocabulary::remedy_kind,
    );
    let description = f.text(&at("description"), REMEDIES, &r.description);
    let description = match (kind, description) {
        (Some(kind), Some(text)) => {
            f.value(&at("description"), REMEDIES, Remedy::described(kind, text))
        }
        (_, description) => description,
    };
    let compensation = compensation(f, i, r.compensation, r.expected_payment_on);
    // R-OUT-1: by when it will be done, directly or through an action.
    let done_by = f.opt_date(&at("done_by"), FINDINGS, r.done_by);
    let action = match r.action_id {
        0 => Some(None),
        n => f
            .value(&at("action_id"), "R-OUT-3", ActionId::new(n))
            .map(Some),
    };
    let (kind, description, compensation) = (kind?, description?, compensation?);
    let (done_by, action) = (done_by?, action?);
    f.value(
        &at("compensation"),
        REMEDIES,
        Remedy::new(kind, description, compensation),
    )
    .map(|remedy| remedy.with_timescale(done_by, action))
}

/// R-OUT-2: an amount and an expected payment date come together, or
/// neither. `Some(None)` is no compensation; `None` a wrong field.
fn compensation(
    f: &mut Fields,
    i: usize,
    amount: Option<pb::Money>,
    paid: Option<pb::Date>,
) -> Option<Option<Compensation>> {
    let amount_field = format!("remedies[{i}].compensation");
    let paid_field = format!("remedies[{i}].expected_payment_on");
    let Some(money) = amount else {
        if paid.is_some() {
            let why = "an expected payment date goes with a compensation amount, and none is given";
            f.violation(&paid_field, REMEDIES, why);
            return None;
        }
        return Some(None);
    };
    let amount = match u64::try_from(money.pence) {
        Ok(pence) => f.value(&amount_field, REMEDIES, Money::from_pence(pence)),
        Err(_) => {
            f.violation(
                &amount_field,
                REMEDIES,
                "a negative amount is not compensation",
            );
            None
        }
    };
    let expected_payment_on = f.date(&paid_field, REMEDIES, paid);
    Some(Some(Compensation {
        amount: amount?,
        expected_payment_on: expected_payment_on?,
    }))
}

/// R-OUT-4: the three actions an assessment failure opens come all
/// together or not at all. Whether they go with `assessment_failure_found`
/// is the domain's to say. `Some(None)` is none given; `None` wrong fields.
fn assessment_failure_actions(
    f: &mut Fields,
    inputs: [(&str, Option<pb::PlannedActionInput>); 3],
) -> Option<Option<AssessmentFailureActions>> {
    if inputs.iter().all(|(_, input)| input.is_none()) {
        return Some(None);
    }
    let [identify, correct, prevent] = inputs.map(|(field, input)| match input {
        Some(input) => planned(f, field, input),
        None => {
            let why = "an assessment failure opens three actions (identify affected learners, \
                       correct or mitigate, prevent recurrence), each with an owner and a due date; \
                       this one is missing";
            f.violation(field, ASSESSMENT_FAILURE, why);
            None
        }
    });
    Some(Some(AssessmentFailureActions {
        identify_affected_learners: identify?,
        correct_or_mitigate: correct?,
        prevent_recurrence: prevent?,
    }))
}

fn planned(f: &mut Fields, field: &str, input: pb::PlannedActionInput) -> Option<PlannedAction> {
    let description = f.text(
        &format!("{field}.description"),
        ASSESSMENT_FAILURE,
        &input.description,
    );
    let owner = f.staff(&format!("{field}.owner"), ASSESSMENT_FAILURE, &input.owner);
    let due_on = f.date(&format!("{field}.due_on"), ASSESSMENT_FAILURE, input.due_on);
    Some(PlannedAction {
        description: description?,
        owner: owner?,
        due_on: due_on?,
    })
}

/// R-S1-4 (grounds), R-S2-1 (reasons, date received), R-S2-2 (the stage
/// asked for), R-S3-1 (outcome sought, optional here: the domain requires
/// it for Stage 3).
impl IntoCommand for pb::RequestEscalationRequest {
    fn into_command(self) -> Result<(Acting, Command), Vec<FieldViolation>> {
        let mut f = Fields::default();
        let acting = f.acting(self.command);
        let to = f.choice(
            "to_stage",
            "R-S2-2",
            "stage",
            self.to_stage,
            vocabulary::stage,
        );
        let grounds: Vec<_> = (self.grounds.iter().enumerate())
            .map(|(i, g)| {
                let field = format!("grounds[{i}]");
                f.choice(&field, "R-S1-4", "ground", *g, vocabulary::grounds)
            })
            .collect();
        let reasons = f.text("reasons", "R-S2-1", &self.reasons);
        let outcome_sought = f.opt_text("outcome_sought", "R-S3-1", &self.outcome_sought);
        let received_on = f.date("received_on", "R-S2-1", self.received_on);
        f.finish(|| {
            let c = RequestEscalation {
                to: to?,
                grounds: grounds.into_iter().collect::<Option<_>>()?,
                reasons: reasons?,
                outcome_sought: outcome_sought?,
                received_on: received_on?,
            };
            Some((acting?, Command::RequestEscalation(c)))
        })
    }
}
