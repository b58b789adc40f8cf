//! Letters for the complaints service's events. Those events carry no
//! reference (the stream id is the reference), so it comes from the party.

use super::{PlanContext, PlanError, staff};
use crate::core::letters::{
    Alert, DelayUpdate, EscalationRight, FinalOutcome, Letter, NowDealtWithBy, Remedy, StaffAlert,
    Stage3Acknowledgement, StageOutcome, TimescaleAgreed,
};
use crate::core::party::Party;
use crate::core::vocabulary::{DeadlineKind, Ground, RemedyKind, Role, Stage};
use crate::core::wire::{Wire, WireError, is};
use complaints_proto::v1 as pb;

pub(super) fn letters(
    w: Wire<'_>,
    payload: &[u8],
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    let t = w.0;
    let reference = || {
        party
            .reference
            .clone()
            .ok_or_else(|| PlanError::NoReference {
                event_type: t.to_owned(),
            })
    };
    if is::<pb::HandlerAssigned>(t) {
        let e: pb::HandlerAssigned = w.decode(payload)?;
        let stage = w.stage("stage", e.stage)?;
        let role = w.role("role", e.role)?;
        let staff_id = w.text("staff_id", &e.staff_id)?;
        let allocation = Allocation {
            stage,
            role,
            staff_id: &staff_id,
            team: &e.team,
        };
        allocated(reference()?, allocation, party, ctx)
    } else if is::<pb::ReferredToLineManager>(t) {
        // R-S1-3: referral counts as Stage 2, dealt with by the manager.
        let e: pb::ReferredToLineManager = w.decode(payload)?;
        let staff_id = w.text("manager_id", &e.manager_id)?;
        let allocation = Allocation {
            stage: Stage::Two,
            role: Role::Manager,
            staff_id: &staff_id,
            team: &e.team,
        };
        allocated(reference()?, allocation, party, ctx)
    } else if is::<pb::TimescaleAgreed>(t) {
        let e: pb::TimescaleAgreed = w.decode(payload)?;
        Ok(vec![Letter::TimescaleAgreed(TimescaleAgreed {
            reference: reference()?,
            respond_by: w.required_date("due_on", e.due_on.as_ref())?,
        })])
    } else if is::<pb::UpdateRecorded>(t) {
        let e: pb::UpdateRecorded = w.decode(payload)?;
        Ok(vec![Letter::DelayUpdate(DelayUpdate {
            reference: reference()?,
            stage: w.stage("stage", e.stage)?,
            reason: w.text("reason", &e.reason)?,
            revised_due_on: w.date("revised_due_on", e.revised_due_on.as_ref())?,
        })])
    } else if is::<pb::DeadlineExtended>(t) {
        // R-S1-2, R-S2-4, R-S3-5: a response deadline moved later; the
        // complainant is told why and the new date, unless the update it
        // came with (RecordUpdate) already told them.
        let e: pb::DeadlineExtended = w.decode(payload)?;
        let kind = w.deadline_kind("kind", e.kind)?;
        let stage = match kind {
            DeadlineKind::AgreedTimescale => Stage::One,
            DeadlineKind::Stage2Response => Stage::Two,
            DeadlineKind::Stage3Response => Stage::Three,
            _ => return Ok(Vec::new()),
        };
        let due = w.required_date("due_on", e.due_on.as_ref())?;
        if party.announced_due == Some((stage, due)) {
            return Ok(Vec::new());
        }
        Ok(vec![Letter::DelayUpdate(DelayUpdate {
            reference: reference()?,
            stage,
            reason: w.text("reason", &e.reason)?,
            revised_due_on: Some(due),
        })])
    } else if is::<pb::Stage3Acknowledged>(t) {
        Ok(vec![Letter::Stage3Acknowledgement(Stage3Acknowledgement {
            reference: reference()?,
            respond_within: ctx.settings.stage3_response,
            respond_by: party.deadlines.get(&DeadlineKind::Stage3Response).copied(),
        })])
    } else if is::<pb::OutcomeRecorded>(t) {
        outcome(reference()?, w, w.decode(payload)?, party)
    } else if is::<pb::DeadlineApproaching>(t) {
        let e: pb::DeadlineApproaching = w.decode(payload)?;
        let kind = w.deadline_kind("kind", e.kind)?;
        let due = w.required_date("due_on", e.due_on.as_ref())?;
        let alert = Alert::DeadlineApproaching(kind);
        deadline_alerts(reference()?, alert, kind, due, party, ctx)
    } else if is::<pb::DeadlineMissed>(t) {
        let e: pb::DeadlineMissed = w.decode(payload)?;
        let kind = w.deadline_kind("kind", e.kind)?;
        let due = w.required_date("due_on", e.due_on.as_ref())?;
        let alert = Alert::DeadlineMissed(kind);
        deadline_alerts(reference()?, alert, kind, due, party, ctx)
    } else {
        Ok(Vec::new())
    }
}

/// Who was allocated a stage, and as what.
struct Allocation<'a> {
    stage: Stage,
    role: Role,
    staff_id: &'a str,
    team: &'a str,
}

/// R-S1-3 and every allocation: the complainant is told who now deals with
/// it, and the member of staff is alerted with the next deadline.
fn allocated(
    reference: String,
    a: Allocation<'_>,
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    let to = staff(ctx, a.staff_id)?;
    let (stage, role) = (a.stage, a.role);
    Ok(vec![
        Letter::NowDealtWithBy(NowDealtWithBy {
            reference: reference.clone(),
            stage,
            role,
            handler_name: to.name.clone(),
            team: a.team.trim().to_owned(),
        }),
        Letter::StaffAlert(StaffAlert {
            to,
            reference,
            alert: Alert::Assigned { stage, role },
            due_on: party.next_deadline(stage),
        }),
    ])
}

/// R-OUT-1 with R-S1-4 / R-S3-1 (grounds and last date) after Stages 1 and
/// 2; R-S3-6 and R-REG-2 after Stage 3.
fn outcome(
    reference: String,
    w: Wire<'_>,
    e: pb::OutcomeRecorded,
    party: &Party,
) -> Result<Vec<Letter>, PlanError> {
    let stage = w.stage("stage", e.stage)?;
    let decision = w.decision("decision", e.decision)?;
    let findings = w.text("findings", &e.findings)?;
    let issued_on = w.required_date("issued_on", e.issued_on.as_ref())?;
    let remedies = e
        .remedies
        .iter()
        .map(|r| remedy(w, r))
        .collect::<Result<Vec<_>, _>>()?;
    let Some(to_stage) = stage.next() else {
        return Ok(vec![Letter::FinalOutcome(FinalOutcome {
            reference,
            decision,
            findings,
            remedies,
            issued_on,
            regulators: party.regulators.clone(),
        })]);
    };
    let field = "escalation_window_ends_on";
    let last_date = w.required_date(field, e.escalation_window_ends_on.as_ref())?;
    let within_days = u32::try_from((last_date - issued_on).num_days())
        .map_err(|_| w.invalid(field, "the window ends before the outcome was issued"))?;
    Ok(vec![Letter::StageOutcome(StageOutcome {
        reference,
        stage,
        decision,
        findings,
        remedies,
        issued_on,
        escalation: EscalationRight {
            to_stage,
            grounds: Ground::available_for(to_stage),
            within_days,
            last_date,
        },
    })])
}

/// R-OUT-2: only financial compensation carries an amount and a date.
fn remedy(w: Wire<'_>, r: &pb::Remedy) -> Result<Remedy, WireError> {
    let kind = w.remedy_kind("remedies.kind", r.kind)?;
    let money = kind == RemedyKind::FinancialCompensation;
    let compensation_pence = match (money, r.compensation.as_ref()) {
        (true, Some(m)) => Some(m.pence),
        (true, None) => return Err(w.missing("remedies.compensation")),
        (false, _) => None,
    };
    let field = "remedies.expected_payment_on";
    let expected_payment_on = if money {
        w.date(field, r.expected_payment_on.as_ref())?
    } else {
        None
    };
    Ok(Remedy {
        kind,
        description: r.description.trim().to_owned(),
        compensation_pence,
        expected_payment_on,
    })
}

/// Alerts the handler of a staff deadline; a missed one also goes to the
/// monitors (R-MON-1), as does any alert when nobody is allocated yet.
/// The complainant's own escalation window alerts nobody.
fn deadline_alerts(
    reference: String,
    alert: Alert,
    kind: DeadlineKind,
    due_on: chrono::NaiveDate,
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    if !kind.is_for_staff() {
        return Ok(Vec::new());
    }
    let mut ids: Vec<&str> = party.handler.iter().map(|h| h.staff_id.as_str()).collect();
    if matches!(alert, Alert::DeadlineMissed(_)) || ids.is_empty() {
        ids.extend(ctx.settings.monitors.iter().map(String::as_str));
    }
    let mut seen = Vec::new();
    ids.retain(|id| {
        let fresh = !seen.contains(id);
        seen.push(*id);
        fresh
    });
    ids.into_iter()
        .map(|id| {
            Ok(Letter::StaffAlert(StaffAlert {
                to: staff(ctx, id)?,
                reference: reference.clone(),
                alert,
                due_on: Some(due_on),
            }))
        })
        .collect()
}
