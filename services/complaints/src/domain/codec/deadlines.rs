//! Deadline events on the wire.

use super::enums::{deadline_kind, from_deadline_kind};
use super::scalars::{date, from_date, text};
use super::{Invalid, Wire};
use crate::domain::event as ev;
use complaints_proto::v1;

impl Wire for ev::DeadlineSet {
    type Proto = v1::DeadlineSet;

    fn to_proto(&self) -> Self::Proto {
        let (kind, escalation_stage) = deadline_kind(self.kind);
        v1::DeadlineSet {
            kind,
            escalation_stage,
            due_on: date(self.due_on),
            set_on: date(self.set_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            kind: from_deadline_kind(p.kind, p.escalation_stage)?,
            due_on: from_date("due_on", p.due_on)?,
            set_on: from_date("set_on", p.set_on)?,
        })
    }
}

impl Wire for ev::DeadlineExtended {
    type Proto = v1::DeadlineExtended;

    fn to_proto(&self) -> Self::Proto {
        let (kind, escalation_stage) = deadline_kind(self.kind);
        v1::DeadlineExtended {
            kind,
            escalation_stage,
            previous_due_on: date(self.previous_due_on),
            due_on: date(self.due_on),
            reason: self.reason.to_string(),
            extended_on: date(self.extended_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            kind: from_deadline_kind(p.kind, p.escalation_stage)?,
            previous_due_on: from_date("previous_due_on", p.previous_due_on)?,
            due_on: from_date("due_on", p.due_on)?,
            reason: text("reason", &p.reason)?,
            extended_on: from_date("extended_on", p.extended_on)?,
        })
    }
}

impl Wire for ev::DeadlineMet {
    type Proto = v1::DeadlineMet;

    fn to_proto(&self) -> Self::Proto {
        let (kind, escalation_stage) = deadline_kind(self.kind);
        v1::DeadlineMet {
            kind,
            escalation_stage,
            met_on: date(self.met_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            kind: from_deadline_kind(p.kind, p.escalation_stage)?,
            met_on: from_date("met_on", p.met_on)?,
        })
    }
}

impl Wire for ev::DeadlineWithdrawn {
    type Proto = v1::DeadlineWithdrawn;

    fn to_proto(&self) -> Self::Proto {
        let (kind, escalation_stage) = deadline_kind(self.kind);
        v1::DeadlineWithdrawn {
            kind,
            escalation_stage,
            withdrawn_on: date(self.withdrawn_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            kind: from_deadline_kind(p.kind, p.escalation_stage)?,
            withdrawn_on: from_date("withdrawn_on", p.withdrawn_on)?,
        })
    }
}

impl Wire for ev::DeadlineApproaching {
    type Proto = v1::DeadlineApproaching;

    fn to_proto(&self) -> Self::Proto {
        let (kind, escalation_stage) = deadline_kind(self.kind);
        v1::DeadlineApproaching {
            kind,
            escalation_stage,
            due_on: date(self.due_on),
            marked_on: date(self.marked_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            kind: from_deadline_kind(p.kind, p.escalation_stage)?,
            due_on: from_date("due_on", p.due_on)?,
            marked_on: from_date("marked_on", p.marked_on)?,
        })
    }
}

impl Wire for ev::DeadlineMissed {
    type Proto = v1::DeadlineMissed;

    fn to_proto(&self) -> Self::Proto {
        let (kind, escalation_stage) = deadline_kind(self.kind);
        v1::DeadlineMissed {
            kind,
            escalation_stage,
            due_on: date(self.due_on),
            marked_on: date(self.marked_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            kind: from_deadline_kind(p.kind, p.escalation_stage)?,
            due_on: from_date("due_on", p.due_on)?,
            marked_on: from_date("marked_on", p.marked_on)?,
        })
    }
}
