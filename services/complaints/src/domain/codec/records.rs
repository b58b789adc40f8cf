//! Records, referrals and closure on the wire.

use super::enums::{closure, from_closure, from_legal_basis, legal_basis};
use super::scalars::{date, from_date, parse, text};
use super::{Invalid, Wire};
use crate::domain::event as ev;
use crate::domain::types::{ComplaintRef, Name};
use complaints_proto::v1;

impl Wire for ev::RegulatorReferralRecorded {
    type Proto = v1::RegulatorReferralRecorded;

    fn to_proto(&self) -> Self::Proto {
        v1::RegulatorReferralRecorded {
            regulator: self.regulator.to_string(),
            referred_on: date(self.referred_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            regulator: parse("regulator", &p.regulator, Name::new)?,
            referred_on: from_date("referred_on", p.referred_on)?,
        })
    }
}

impl Wire for ev::ReferralRightRecorded {
    type Proto = v1::ReferralRightRecorded;

    fn to_proto(&self) -> Self::Proto {
        v1::ReferralRightRecorded {
            regulators: self.regulators.iter().map(Name::to_string).collect(),
            recorded_on: date(self.recorded_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            regulators: p
                .regulators
                .iter()
                .map(|r| parse("regulators", r, Name::new))
                .collect::<Result<_, _>>()?,
            recorded_on: from_date("recorded_on", p.recorded_on)?,
        })
    }
}

impl Wire for ev::ContactRestricted {
    type Proto = v1::ContactRestricted;

    fn to_proto(&self) -> Self::Proto {
        v1::ContactRestricted {
            reason: self.reason.to_string(),
            review_on: date(self.review_on),
            restricted_on: date(self.restricted_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            reason: text("reason", &p.reason)?,
            review_on: from_date("review_on", p.review_on)?,
            restricted_on: from_date("restricted_on", p.restricted_on)?,
        })
    }
}

impl Wire for ev::ContactRestrictionLifted {
    type Proto = v1::ContactRestrictionLifted;

    fn to_proto(&self) -> Self::Proto {
        v1::ContactRestrictionLifted {
            reason: self.reason.to_string(),
            review_on: date(self.review_on),
            lifted_on: date(self.lifted_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            reason: text("reason", &p.reason)?,
            review_on: from_date("review_on", p.review_on)?,
            lifted_on: from_date("lifted_on", p.lifted_on)?,
        })
    }
}

impl Wire for ev::RestrictionReviewDue {
    type Proto = v1::RestrictionReviewDue;

    fn to_proto(&self) -> Self::Proto {
        v1::RestrictionReviewDue {
            review_on: date(self.review_on),
            restricted_on: date(self.restricted_on),
            marked_on: date(self.marked_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            review_on: from_date("review_on", p.review_on)?,
            restricted_on: from_date("restricted_on", p.restricted_on)?,
            marked_on: from_date("marked_on", p.marked_on)?,
        })
    }
}

impl Wire for ev::NewIssuesAwaitingDecision {
    type Proto = v1::NewIssuesAwaitingDecision;

    fn to_proto(&self) -> Self::Proto {
        v1::NewIssuesAwaitingDecision {
            description: self.description.to_string(),
            became_aware_on: date(self.became_aware_on),
            raised_on: date(self.raised_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            description: text("description", &p.description)?,
            became_aware_on: from_date("became_aware_on", p.became_aware_on)?,
            raised_on: from_date("raised_on", p.raised_on)?,
        })
    }
}

impl Wire for ev::NewIssuesDecided {
    type Proto = v1::NewIssuesDecided;

    fn to_proto(&self) -> Self::Proto {
        v1::NewIssuesDecided {
            compelling_reason: self.compelling_reason,
            reason: self.reason.to_string(),
            decided_on: date(self.decided_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            compelling_reason: p.compelling_reason,
            reason: text("reason", &p.reason)?,
            decided_on: from_date("decided_on", p.decided_on)?,
        })
    }
}

impl Wire for ev::DisclosureRecorded {
    type Proto = v1::DisclosureRecorded;

    fn to_proto(&self) -> Self::Proto {
        v1::DisclosureRecorded {
            recipient: self.recipient.to_string(),
            legal_basis: legal_basis(self.legal_basis),
            what: self.what.to_string(),
            disclosed_on: date(self.disclosed_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            recipient: parse("recipient", &p.recipient, Name::new)?,
            legal_basis: from_legal_basis("legal_basis", p.legal_basis)?,
            what: text("what", &p.what)?,
            disclosed_on: from_date("disclosed_on", p.disclosed_on)?,
        })
    }
}

impl Wire for ev::InformationPermissionRecorded {
    type Proto = v1::InformationPermissionRecorded;

    fn to_proto(&self) -> Self::Proto {
        v1::InformationPermissionRecorded {
            third_party: self.third_party.to_string(),
            scope: self.scope.to_string(),
            given_on: date(self.given_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            third_party: parse("third_party", &p.third_party, Name::new)?,
            scope: text("scope", &p.scope)?,
            given_on: from_date("given_on", p.given_on)?,
        })
    }
}

impl Wire for ev::ResolvedOutsideProcedure {
    type Proto = v1::ResolvedOutsideProcedure;

    fn to_proto(&self) -> Self::Proto {
        v1::ResolvedOutsideProcedure {
            how: self.how.to_string(),
            resolved_on: date(self.resolved_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            how: text("how", &p.how)?,
            resolved_on: from_date("resolved_on", p.resolved_on)?,
        })
    }
}

impl Wire for ev::NewIssuesRaised {
    type Proto = v1::NewIssuesRaised;

    fn to_proto(&self) -> Self::Proto {
        v1::NewIssuesRaised {
            new_reference: self.new_reference.to_string(),
            description: self.description.to_string(),
            raised_on: date(self.raised_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            new_reference: parse("new_reference", &p.new_reference, ComplaintRef::parse)?,
            description: text("description", &p.description)?,
            raised_on: from_date("raised_on", p.raised_on)?,
        })
    }
}

impl Wire for ev::ComplaintClosed {
    type Proto = v1::ComplaintClosed;

    fn to_proto(&self) -> Self::Proto {
        let (how, stage) = closure(self.how);
        v1::ComplaintClosed {
            how,
            stage,
            closed_on: date(self.closed_on),
        }
    }

    fn from_proto(p: Self::Proto) -> Result<Self, Invalid> {
        Ok(Self {
            how: from_closure(p.how, p.stage)?,
            closed_on: from_date("closed_on", p.closed_on)?,
        })
    }
}
