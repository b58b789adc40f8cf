//! What is recorded about a complaint besides its stages: contact
//! restrictions, disclosures, permissions, regulator referrals.

use super::not_in_future;
use crate::domain::command::{
    LiftRestriction, RecordDisclosure, RecordInformationPermission, RecordRegulatorReferral,
    RestrictContact,
};
use crate::domain::context::Context;
use crate::domain::event::{
    ContactRestricted, ContactRestrictionLifted, DisclosureRecorded, Event,
    InformationPermissionRecorded, RegulatorReferralRecorded, RestrictionReviewDue,
};
use crate::domain::refusal::Refusal;
use crate::domain::state::{Complaint, Status};

/// R-UPC-1: the restriction, its reason and a review date after today.
pub(super) fn restrict_contact(c: RestrictContact, ctx: &Context) -> Result<Vec<Event>, Refusal> {
    if c.review_on <= ctx.today {
        return Err(Refusal::invalid(
            "R-UPC-1",
            "review_on",
            format!(
                "the review date {} must be after today ({})",
                c.review_on, ctx.today
            ),
        ));
    }
    Ok(vec![Event::ContactRestricted(ContactRestricted {
        reason: c.reason,
        review_on: c.review_on,
        restricted_on: ctx.today,
    })])
}

/// R-UPC-1: the restriction in force is reviewed and lifted, with the
/// reason. Only a restriction in force can be lifted. Nothing else changes:
/// a restriction never changed what the procedure owes the complainant.
pub(super) fn lift_restriction(
    state: &Complaint,
    c: LiftRestriction,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let Some(restriction) = state.contact_restriction() else {
        return Err(Refusal::precondition(
            "R-UPC-1",
            "no contact restriction is in force, so there is none to lift",
        ));
    };
    Ok(vec![Event::ContactRestrictionLifted(
        ContactRestrictionLifted {
            reason: c.reason,
            review_on: restriction.review_on,
            lifted_on: ctx.today,
        },
    )])
}

/// R-UPC-1: once the review date of the restriction in force has come, the
/// handler is told, once per restriction (a new restriction with a new
/// review date is watched afresh).
pub(super) fn mark_restriction_review_due(
    state: &Complaint,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let Some(restriction) = state.contact_restriction() else {
        return Err(Refusal::precondition(
            "R-UPC-1",
            "no contact restriction is in force",
        ));
    };
    if let Some(on) = state.restriction_review_marked_on {
        return Err(Refusal::precondition(
            "R-UPC-1",
            format!("the review of the restriction was already marked due on {on}"),
        ));
    }
    if restriction.review_on > ctx.today {
        return Err(Refusal::precondition(
            "R-UPC-1",
            format!(
                "the restriction is reviewed on {}, after today ({})",
                restriction.review_on, ctx.today
            ),
        ));
    }
    Ok(vec![Event::RestrictionReviewDue(RestrictionReviewDue {
        review_on: restriction.review_on,
        restricted_on: restriction.restricted_on,
        marked_on: ctx.today,
    })])
}

/// R-CONF-3: no legal requirement, no disclosure; each disclosure recorded.
pub(super) fn disclosure(c: RecordDisclosure, ctx: &Context) -> Result<Vec<Event>, Refusal> {
    let Some(legal_basis) = c.legal_basis else {
        return Err(Refusal::invalid(
            "R-CONF-3",
            "legal_basis",
            "information goes to a third party only on a legal requirement (regulator, police, \
             statutory body, legal adviser or insurer)",
        ));
    };
    not_in_future("R-CONF-3", "disclosed_on", c.disclosed_on, ctx)?;
    Ok(vec![Event::DisclosureRecorded(DisclosureRecorded {
        recipient: c.recipient,
        legal_basis,
        what: c.what,
        disclosed_on: c.disclosed_on,
    })])
}

/// R-INT-5: information held by a third party is obtained only with the
/// individual's written permission.
pub(super) fn information_permission(
    c: RecordInformationPermission,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    if !c.in_writing {
        return Err(Refusal::invalid(
            "R-INT-5",
            "in_writing",
            "only the individual's written permission allows obtaining information from a third party",
        ));
    }
    not_in_future("R-INT-5", "given_on", c.given_on, ctx)?;
    Ok(vec![Event::InformationPermissionRecorded(
        InformationPermissionRecorded {
            third_party: c.third_party,
            scope: c.scope,
            given_on: c.given_on,
        },
    )])
}

/// R-REG-2: once the procedure is over, the complainant may refer a
/// complaint about a regulated qualification to one of its regulators.
pub(super) fn regulator_referral(
    state: &Complaint,
    c: RecordRegulatorReferral,
    ctx: &Context,
) -> Result<Vec<Event>, Refusal> {
    let Status::Closed { on: closed_on, .. } = state.status else {
        return Err(Refusal::precondition(
            "R-REG-2",
            "a complaint goes to a regulator once the procedure is exhausted; this one is still open",
        ));
    };
    let Some(q) = state.qualification().filter(|q| q.is_regulated()) else {
        return Err(Refusal::precondition(
            "R-REG-2",
            "the complaint is not about a regulated qualification",
        ));
    };
    let wanted = c.regulator.as_str();
    let Some(regulator) = q
        .regulators()
        .iter()
        .find(|r| r.as_str().eq_ignore_ascii_case(wanted))
    else {
        let list: Vec<&str> = q.regulators().iter().map(|r| r.as_str()).collect();
        return Err(Refusal::invalid(
            "R-REG-2",
            "regulator",
            format!(
                "{wanted} does not regulate this qualification ({})",
                list.join(", ")
            ),
        ));
    };
    not_in_future("R-REG-2", "referred_on", c.referred_on, ctx)?;
    if c.referred_on < closed_on {
        return Err(Refusal::invalid(
            "R-REG-2",
            "referred_on",
            format!(
                "{} is before the complaint was closed on {closed_on}",
                c.referred_on
            ),
        ));
    }
    Ok(vec![Event::RegulatorReferralRecorded(
        RegulatorReferralRecorded {
            regulator: regulator.clone(),
            referred_on: c.referred_on,
        },
    )])
}
