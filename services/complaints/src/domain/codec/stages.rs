//! Opening and the stages of the procedure on the wire.

use super::enums::*;
use super::scalars::*;
use super::{Invalid, Wire};
use crate::domain::event as ev;
use crate::domain::types::{
    ActionId, Compensation, ComplaintRef, Money, Name, Qualification, Remedy, StaffId,
    SubmissionId, Team,
};
use complaints_proto::v1;

impl Wire for ev::ComplaintOpened {
    type Proto = v1::ComplaintOpened;

    fn to_proto(&self) -> Self::Proto {
        v1::ComplaintOpened {
            reference: self.reference.to_string(),
            submission_id: self.submission_id.to_string(),
            channel: channel(self.channel),
            received_at: timestamp(self.received_at),
            received_on: date(self.received_on),
            written: self.written,
            query_category: self.query_category.to_string(),
            qualification: self
                .qualification
                .as_ref()
                .map(|q| v1::ComplaintQualification {
                    code: string_of(&q.code()),
                    regulated: q.is_regulated(),
                    regulators: q.regulators().iter().map(Name::to_string).collect(),
                }),
            correspondence_by_post: self.correspondence_by_post,
            raised_from: string_of(&self.raised_from),
            submitted_by: string_of(&self.submitted_by),
            adjustments: self
                .adjustments
                .as_deref()
                .map(super::adjustments::to_proto),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        let qualification = p
            .qualification
            .map(|q| {
                let code = parse_opt("qualification.code", &q.code, Name::new)?;
                let regulators = q
                    .regulators
                    .iter()
                    .map(|r| parse("qualification.regulators", r, Name::new))
                    .collect::<Result<_, _>>()?;
                Qualification::new(code, q.regulated, regulators)
                    .map_err(|e| Invalid::new("qualification", e.to_string()))
            })
            .transpose()?;
        Ok(Self {
            reference: parse("reference", &p.reference, ComplaintRef::parse)?,
            submission_id: parse("submission_id", &p.submission_id, SubmissionId::parse)?,
            channel: from_channel("channel", p.channel)?,
            received_at: from_timestamp("received_at", p.received_at)?,
            received_on: from_date("received_on", p.received_on)?,
            written: p.written,
            query_category: parse("query_category", &p.query_category, Name::new)?,
            qualification,
            correspondence_by_post: p.correspondence_by_post,
            raised_from: parse_opt("raised_from", &p.raised_from, ComplaintRef::parse)?,
            submitted_by: parse_opt("submitted_by", &p.submitted_by, Name::new)?,
            adjustments: super::adjustments::from_proto(p.adjustments, "")
                .map_err(|(field, reason)| Invalid::new(field, reason))?
                .map(Box::new),
        })
    }
}

impl Wire for ev::HandlerAssigned {
    type Proto = v1::HandlerAssigned;

    fn to_proto(&self) -> Self::Proto {
        v1::HandlerAssigned {
            stage: stage(self.stage),
            staff_id: self.staff.to_string(),
            team: self.team.to_string(),
            role: role(self.role),
            assigned_on: date(self.assigned_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            stage: from_stage("stage", p.stage)?,
            staff: parse("staff_id", &p.staff_id, StaffId::new)?,
            team: parse("team", &p.team, Team::new)?,
            role: from_role("role", p.role)?,
            assigned_on: from_date("assigned_on", p.assigned_on)?,
        })
    }
}

impl Wire for ev::ContactRecorded {
    type Proto = v1::ContactRecorded;

    fn to_proto(&self) -> Self::Proto {
        v1::ContactRecorded {
            at: timestamp(self.at),
            method: contact_method(self.method),
            summary: self.summary.to_string(),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            at: from_timestamp("at", p.at)?,
            method: from_contact_method("method", p.method)?,
            summary: text("summary", &p.summary)?,
        })
    }
}

impl Wire for ev::TimescaleAgreed {
    type Proto = v1::TimescaleAgreed;

    fn to_proto(&self) -> Self::Proto {
        v1::TimescaleAgreed {
            due_on: date(self.due_on),
            agreed_on: date(self.agreed_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            due_on: from_date("due_on", p.due_on)?,
            agreed_on: from_date("agreed_on", p.agreed_on)?,
        })
    }
}

impl Wire for ev::UpdateRecorded {
    type Proto = v1::UpdateRecorded;

    fn to_proto(&self) -> Self::Proto {
        v1::UpdateRecorded {
            stage: stage(self.stage),
            reason: self.reason.to_string(),
            revised_due_on: opt_date(self.revised_due_on),
            recorded_on: date(self.recorded_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            stage: from_stage("stage", p.stage)?,
            reason: text("reason", &p.reason)?,
            revised_due_on: from_opt_date("revised_due_on", p.revised_due_on)?,
            recorded_on: from_date("recorded_on", p.recorded_on)?,
        })
    }
}

impl Wire for ev::ReferredToLineManager {
    type Proto = v1::ReferredToLineManager;

    fn to_proto(&self) -> Self::Proto {
        v1::ReferredToLineManager {
            manager_id: self.manager.to_string(),
            team: self.team.to_string(),
            referred_on: date(self.referred_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            manager: parse("manager_id", &p.manager_id, StaffId::new)?,
            team: parse("team", &p.team, Team::new)?,
            referred_on: from_date("referred_on", p.referred_on)?,
        })
    }
}

fn remedy(r: &Remedy) -> v1::Remedy {
    let compensation = r.compensation();
    v1::Remedy {
        kind: remedy_kind(r.kind()),
        description: r.description().to_string(),
        compensation: compensation.map(|c| v1::Money {
            pence: i64::try_from(c.amount.pence()).unwrap_or(i64::MAX),
        }),
        expected_payment_on: opt_date(compensation.map(|c| c.expected_payment_on)),
        done_by: opt_date(r.done_by()),
        action_id: r.action().map_or(0, |a| a.get()),
    }
}

fn from_remedy(r: v1::Remedy) -> Result<Remedy, Invalid> {
    let field = "remedies";
    let compensation = match (r.compensation, r.expected_payment_on) {
        (None, None) => None,
        (Some(money), paid) => {
            let pence = u64::try_from(money.pence)
                .map_err(|_| Invalid::new(field, "a negative amount is not compensation"))?;
            Some(Compensation {
                amount: Money::from_pence(pence).map_err(|e| Invalid::new(field, e.to_string()))?,
                expected_payment_on: from_date("remedies.expected_payment_on", paid)?,
            })
        }
        (None, Some(_)) => return Err(Invalid::new(field, "a payment date without an amount")),
    };
    let done_by = from_opt_date("remedies.done_by", r.done_by)?;
    let action = match r.action_id {
        0 => None,
        n => Some(ActionId::new(n).map_err(|e| Invalid::new("remedies.action_id", e.to_string()))?),
    };
    Remedy::new(
        from_remedy_kind("remedies.kind", r.kind)?,
        text("remedies.description", &r.description)?,
        compensation,
    )
    .map(|remedy| remedy.with_timescale(done_by, action))
    .map_err(|e| Invalid::new(field, e.to_string()))
}

impl Wire for ev::OutcomeRecorded {
    type Proto = v1::OutcomeRecorded;

    fn to_proto(&self) -> Self::Proto {
        v1::OutcomeRecorded {
            stage: stage(self.stage),
            decision: decision(self.decision),
            findings: self.findings.to_string(),
            remedies: self.remedies.iter().map(remedy).collect(),
            assessment_failure_found: self.assessment_failure_found,
            issued_on: date(self.issued_on),
            escalation_window_ends_on: opt_date(self.escalation_window_ends_on),
            escalation_window_ends_on_by_post: opt_date(self.escalation_window_ends_on_by_post),
            recorded_by: self
                .recorded_by
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            stage: from_stage("stage", p.stage)?,
            decision: from_decision("decision", p.decision)?,
            findings: text("findings", &p.findings)?,
            remedies: p
                .remedies
                .into_iter()
                .map(from_remedy)
                .collect::<Result<_, _>>()?,
            assessment_failure_found: p.assessment_failure_found,
            issued_on: from_date("issued_on", p.issued_on)?,
            escalation_window_ends_on: from_opt_date(
                "escalation_window_ends_on",
                p.escalation_window_ends_on,
            )?,
            escalation_window_ends_on_by_post: from_opt_date(
                "escalation_window_ends_on_by_post",
                p.escalation_window_ends_on_by_post,
            )?,
            recorded_by: parse_opt("recorded_by", &p.recorded_by, StaffId::new)?,
        })
    }
}

impl Wire for ev::OutcomeReceived {
    type Proto = v1::OutcomeReceived;

    fn to_proto(&self) -> Self::Proto {
        v1::OutcomeReceived {
            stage: stage(self.stage),
            by_post: self.by_post,
            sent_on: date(self.sent_on),
            received_on: date(self.received_on),
            window_ends_on: date(self.window_ends_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            stage: from_stage("stage", p.stage)?,
            by_post: p.by_post,
            sent_on: from_date("sent_on", p.sent_on)?,
            received_on: from_date("received_on", p.received_on)?,
            window_ends_on: from_date("window_ends_on", p.window_ends_on)?,
        })
    }
}

impl Wire for ev::OutcomeReceiptRecorded {
    type Proto = v1::OutcomeReceiptRecorded;

    fn to_proto(&self) -> Self::Proto {
        v1::OutcomeReceiptRecorded {
            stage: stage(self.stage),
            received_on: date(self.received_on),
            window_ends_on: date(self.window_ends_on),
            resent: self.resent,
            reason: self.reason.to_string(),
            recorded_by: self.recorded_by.to_string(),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            stage: from_stage("stage", p.stage)?,
            received_on: from_date("received_on", p.received_on)?,
            window_ends_on: from_date("window_ends_on", p.window_ends_on)?,
            resent: p.resent,
            reason: text("reason", &p.reason)?,
            recorded_by: parse("recorded_by", &p.recorded_by, StaffId::new)?,
        })
    }
}

impl Wire for ev::StageEscalated {
    type Proto = v1::StageEscalated;

    fn to_proto(&self) -> Self::Proto {
        v1::StageEscalated {
            to_stage: stage(self.to),
            grounds: self.grounds.iter().copied().map(grounds).collect(),
            reasons: self.reasons.to_string(),
            outcome_sought: string_of(&self.outcome_sought),
            received_on: date(self.received_on),
            escalated_on: date(self.escalated_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            to: from_stage("to_stage", p.to_stage)?,
            grounds: p
                .grounds
                .iter()
                .map(|g| from_grounds("grounds", *g))
                .collect::<Result<_, _>>()?,
            reasons: text("reasons", &p.reasons)?,
            outcome_sought: opt_text("outcome_sought", &p.outcome_sought)?,
            received_on: from_date("received_on", p.received_on)?,
            escalated_on: from_date("escalated_on", p.escalated_on)?,
        })
    }
}

impl Wire for ev::InvestigationDecided {
    type Proto = v1::InvestigationDecided;

    fn to_proto(&self) -> Self::Proto {
        v1::InvestigationDecided {
            warranted: self.warranted,
            reason: self.reason.to_string(),
            decided_on: date(self.decided_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            warranted: p.warranted,
            reason: text("reason", &p.reason)?,
            decided_on: from_date("decided_on", p.decided_on)?,
        })
    }
}

impl Wire for ev::Stage3Acknowledged {
    type Proto = v1::Stage3Acknowledged;

    fn to_proto(&self) -> Self::Proto {
        v1::Stage3Acknowledged {
            acknowledged_on: date(self.acknowledged_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            acknowledged_on: from_date("acknowledged_on", p.acknowledged_on)?,
        })
    }
}
