//! Letters for the complaints service's events. Those events carry no
//! reference (the stream id is the reference), so it comes from the party.

use super::{PlanContext, PlanError, named, staff};
use crate::core::letters::{
    Alert, AutomaticReply, ComplaintReference, DelayUpdate, EscalationRight, FinalOutcome, Letter,
    NewIssuesNotice, NowDealtWithBy, Remedy, StaffAddressee, StaffAlert, Stage2Acknowledgement,
    Stage3Acknowledgement, StageOutcome, TimescaleAgreed,
};
use crate::core::party::Party;
use crate::core::vocabulary::{DeadlineKind, Ground, RemedyKind, Role, Stage};
use crate::core::wire::{Wire, WireError, is};
use complaints_proto::v1 as pb;

pub(super) fn letters(
    w: Wire<'_>,
    payload: &[u8],
    complaint: Option<&str>,
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    let t = w.0;
    let reference = || {
        complaint
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .or_else(|| party.reference.clone())
            .ok_or_else(|| PlanError::NoReference {
                event_type: t.to_owned(),
            })
    };
    if is::<pb::ComplaintOpened>(t) {
        let e: pb::ComplaintOpened = w.decode(payload)?;
        opened(reference()?, &e, party)
    } else if is::<pb::DeadlineSet>(t) {
        let e: pb::DeadlineSet = w.decode(payload)?;
        let kind = w.deadline_kind("kind", e.kind)?;
        let due = w.required_date("due_on", e.due_on.as_ref())?;
        deadline_set(reference()?, kind, due, party, ctx)
    } else if is::<pb::HandlerAssigned>(t) {
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
        // R-S2-4: the complainant's letter waits for the response
        // deadline the referral sets, so it can give its date.
        let StaffAddressee { to, unlisted } = staff(ctx, &staff_id);
        Ok(vec![Letter::StaffAlert(StaffAlert {
            to,
            unlisted,
            reference: reference()?,
            alert: Alert::Assigned {
                stage: Stage::Two,
                role: Role::Manager,
            },
            due_on: party.next_deadline(Stage::Two),
        })])
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
        // R-S3-4: acknowledged on receipt already (see `deadline_set`);
        // only a request that predates that gets its letter now.
        if party.stage3_acknowledged {
            return Ok(Vec::new());
        }
        Ok(vec![stage3_acknowledgement(reference()?, party, ctx)])
    } else if is::<pb::OutcomeRecorded>(t) {
        outcome(reference()?, w, w.decode(payload)?, party)
    } else if is::<pb::NewIssuesAwaitingDecision>(t) {
        // R-UPC-2 with R-INT-8: acknowledged while staff decide.
        Ok(vec![Letter::NewIssuesNotice(NewIssuesNotice {
            reference: reference()?,
            declined: None,
        })])
    } else if is::<pb::NewIssuesDecided>(t) {
        // R-UPC-2: a decline is explained; a compelling reason opens a new
        // complaint, acknowledged when its first contact is set.
        let e: pb::NewIssuesDecided = w.decode(payload)?;
        if e.compelling_reason {
            return Ok(Vec::new());
        }
        Ok(vec![Letter::NewIssuesNotice(NewIssuesNotice {
            reference: reference()?,
            declined: Some(w.text("reason", &e.reason)?),
        })])
    } else if is::<pb::RestrictionReviewDue>(t) {
        // R-UPC-1: the handler reviews the restriction; with nobody
        // allocated, the monitors do.
        let e: pb::RestrictionReviewDue = w.decode(payload)?;
        let due = w.required_date("review_on", e.review_on.as_ref())?;
        let mut ids: Vec<&str> = party.handler.iter().map(|h| h.staff_id.as_str()).collect();
        if ids.is_empty() {
            ids.extend(ctx.settings.monitors.iter().map(String::as_str));
        }
        let reference = reference()?;
        Ok(ids
            .into_iter()
            .map(|id| {
                let StaffAddressee { to, unlisted } = staff(ctx, id);
                Letter::StaffAlert(StaffAlert {
                    to,
                    unlisted,
                    reference: reference.clone(),
                    alert: Alert::RestrictionReviewDue,
                    due_on: Some(due),
                })
            })
            .collect())
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
/// it (by name, or by role when the staff directory lacks them) and, from
/// Stage 2, by when they respond; the member of staff is alerted with the
/// next deadline.
fn allocated(
    reference: String,
    a: Allocation<'_>,
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    let StaffAddressee { to, unlisted } = staff(ctx, a.staff_id);
    let (stage, role) = (a.stage, a.role);
    Ok(vec![
        Letter::NowDealtWithBy(NowDealtWithBy {
            reference: reference.clone(),
            stage,
            role,
            handler_name: unlisted.is_none().then(|| to.name.clone()),
            team: a.team.trim().to_owned(),
            respond_by: response_due(party, stage),
        }),
        Letter::StaffAlert(StaffAlert {
            to,
            unlisted,
            reference,
            alert: Alert::Assigned { stage, role },
            due_on: party.next_deadline(stage),
        }),
    ])
}

/// R-S2-4, R-S3-5: the date a stage's response is due, when it is set.
fn response_due(party: &Party, stage: Stage) -> Option<chrono::NaiveDate> {
    let kind = match stage {
        Stage::One => return None,
        Stage::Two => DeadlineKind::Stage2Response,
        Stage::Three => DeadlineKind::Stage3Response,
    };
    party.deadlines.get(&kind).copied()
}

/// The complaint's reference introduced, once, when it was opened: in the
/// automatic reply held for the opening (R-INT-8), to a complainant who
/// spoke to us, or to one who holds the submission's reference, saying it
/// replaces that (the party applied the opening and decided what is owed).
/// New issues after closure are acknowledged with the contact date, so
/// when their first-contact deadline is set (see [`deadline_set`]).
fn opened(
    reference: String,
    e: &pb::ComplaintOpened,
    party: &Party,
) -> Result<Vec<Letter>, PlanError> {
    if !e.raised_from.trim().is_empty() || party.told_reference.as_ref() != Some(&reference) {
        return Ok(Vec::new());
    }
    if party.reply_on_opening && party.replaced_reference.is_none() {
        // R-INT-8: the automatic reply, held for this moment (one
        // reference), saying it replaces any the submission's receipt gave.
        return Ok(vec![Letter::AutomaticReply(AutomaticReply {
            reference,
            contact: party.contact,
            awaiting_age_decision: false,
            after_age_decision: false,
            replaces: party.submission_reference.clone(),
        })]);
    }
    Ok(vec![Letter::ComplaintReference(ComplaintReference {
        reference,
        replaces: party.replaced_reference.clone(),
        raised_from: None,
        contact_by: party.contact.map(|(_, by)| by),
        written: e.written,
    })])
}

/// The letters a deadline's setting calls for, the date being known now:
/// - R-UPC-2, R-S1-1: new issues after closure opened this complaint; the
///   complainant is told its reference and when staff will make contact.
/// - R-S2-1, R-S2-4: a Stage 2 request is acknowledged on receipt with the
///   date of the manager's response; after a referral (R-S1-3), the
///   complainant learns who the manager is and that date.
/// - R-S3-4, R-S3-5: a Stage 3 request is acknowledged on receipt with the
///   date of the full response.
fn deadline_set(
    reference: String,
    kind: DeadlineKind,
    due: chrono::NaiveDate,
    party: &Party,
    ctx: &PlanContext<'_>,
) -> Result<Vec<Letter>, PlanError> {
    match kind {
        DeadlineKind::FirstContact => Ok(party
            .raised_from
            .clone()
            .map(|from| {
                Letter::ComplaintReference(ComplaintReference {
                    reference,
                    replaces: None,
                    raised_from: Some(from),
                    contact_by: Some(due),
                    written: true,
                })
            })
            .into_iter()
            .collect()),
        DeadlineKind::Stage2Response => match (party.escalation, &party.handler) {
            (Some((Stage::Two, received_on)), _) => {
                Ok(vec![Letter::Stage2Acknowledgement(Stage2Acknowledgement {
                    reference,
                    received_on,
                    respond_by: due,
                })])
            }
            (_, Some(handler)) if handler.stage == Stage::Two => {
                Ok(vec![Letter::NowDealtWithBy(NowDealtWithBy {
                    reference,
                    stage: Stage::Two,
                    role: Role::Manager,
                    handler_name: named(ctx, &handler.staff_id).map(|c| c.name),
                    team: handler.team.clone(),
                    respond_by: Some(due),
                })])
            }
            _ => Ok(Vec::new()),
        },
        DeadlineKind::Stage3Response => Ok(vec![stage3_acknowledgement(reference, party, ctx)]),
        _ => Ok(Vec::new()),
    }
}

/// R-S3-4: the acknowledgement of a Stage 3 request, quoting the reference,
/// with the full-response date (R-S3-5) when it is known.
fn stage3_acknowledgement(reference: String, party: &Party, ctx: &PlanContext<'_>) -> Letter {
    Letter::Stage3Acknowledgement(Stage3Acknowledgement {
        reference,
        received_on: party
            .escalation
            .filter(|(to, _)| *to == Stage::Three)
            .map(|(_, on)| on),
        respond_within: ctx.settings.stage3_response,
        respond_by: party.deadlines.get(&DeadlineKind::Stage3Response).copied(),
    })
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
    // Outcomes recorded before the posted date was kept state the emailed one.
    let field = "escalation_window_ends_on_by_post";
    let last_date_by_post = w
        .date(field, e.escalation_window_ends_on_by_post.as_ref())?
        .unwrap_or(last_date);
    if last_date_by_post < last_date {
        let why = "a posted outcome's window ends before an emailed one's";
        return Err(w.invalid(field, why).into());
    }
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
            last_date_by_post,
        },
    })])
}

/// R-OUT-2: only financial compensation carries an amount and a payment
/// date; R-OUT-1: any remedy may carry the date it will be done by.
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
        done_by: w.date("remedies.done_by", r.done_by.as_ref())?,
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
            let StaffAddressee { to, unlisted } = staff(ctx, id);
            Ok(Letter::StaffAlert(StaffAlert {
                to,
                unlisted,
                reference: reference.clone(),
                alert,
                due_on: Some(due_on),
            }))
        })
        .collect()
}
