//! Action events on the wire.

use super::enums::{action_kind, from_action_kind};
use super::scalars::{date, from_date, opt_text, parse, string_of, text};
use super::{Invalid, Wire};
use crate::domain::event as ev;
use crate::domain::types::{ActionId, StaffId};
use complaints_proto::v1;

fn from_action_id(id: u32) -> Result<ActionId, Invalid> {
    ActionId::new(id).map_err(|e| Invalid::new("action_id", e.to_string()))
}

impl Wire for ev::ActionAdded {
    type Proto = v1::ActionAdded;

    fn to_proto(&self) -> Self::Proto {
        v1::ActionAdded {
            action_id: self.action.get(),
            kind: action_kind(self.kind),
            description: self.description.to_string(),
            owner_id: self.owner.to_string(),
            due_on: date(self.due_on),
            added_on: date(self.added_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            action: from_action_id(p.action_id)?,
            kind: from_action_kind("kind", p.kind)?,
            description: text("description", &p.description)?,
            owner: parse("owner_id", &p.owner_id, StaffId::new)?,
            due_on: from_date("due_on", p.due_on)?,
            added_on: from_date("added_on", p.added_on)?,
        })
    }
}

impl Wire for ev::ActionReassigned {
    type Proto = v1::ActionReassigned;

    fn to_proto(&self) -> Self::Proto {
        v1::ActionReassigned {
            action_id: self.action.get(),
            previous_owner_id: self.previous_owner.to_string(),
            owner_id: self.owner.to_string(),
            reason: self.reason.to_string(),
            reassigned_on: date(self.reassigned_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            action: from_action_id(p.action_id)?,
            previous_owner: parse("previous_owner_id", &p.previous_owner_id, StaffId::new)?,
            owner: parse("owner_id", &p.owner_id, StaffId::new)?,
            reason: text("reason", &p.reason)?,
            reassigned_on: from_date("reassigned_on", p.reassigned_on)?,
        })
    }
}

impl Wire for ev::ActionCompleted {
    type Proto = v1::ActionCompleted;

    fn to_proto(&self) -> Self::Proto {
        v1::ActionCompleted {
            action_id: self.action.get(),
            note: string_of(&self.note),
            completed_on: date(self.completed_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            action: from_action_id(p.action_id)?,
            note: opt_text("note", &p.note)?,
            completed_on: from_date("completed_on", p.completed_on)?,
        })
    }
}
