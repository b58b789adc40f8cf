//! Regulator notices of failures at other awarding organisations (R-REG-4).

use super::FieldViolation;
use super::fields::Fields;
use crate::domain::types::StaffId;
use crate::regulator_notice::listing::Filter;
use crate::regulator_notice::{CompleteReview, RecordNotice};
use complaints_proto::v1 as pb;
use uuid::Uuid;

const RULE: &str = "R-REG-4";

/// A notice to record, and who records it.
pub fn record_notice(
    r: pb::RecordRegulatorNoticeRequest,
) -> Result<(StaffId, RecordNotice), Vec<FieldViolation>> {
    let mut f = Fields::default();
    let by = f.staff("acting_user", super::fields::IDENTIFIERS, &r.acting_user);
    let regulator = f.name("regulator", RULE, &r.regulator);
    let organisation = f.name("awarding_organisation", RULE, &r.awarding_organisation);
    let failure = f.text("failure", RULE, &r.failure);
    let received_on = f.date("received_on", RULE, r.received_on);
    let owner = f.staff("review_owner", RULE, &r.review_owner);
    let due_on = f.date("review_due_on", RULE, r.review_due_on);
    f.finish(|| {
        Some((
            by?,
            RecordNotice {
                regulator: regulator?,
                awarding_organisation: organisation?,
                failure: failure?,
                received_on: received_on?,
                review_owner: owner?,
                review_due_on: due_on?,
            },
        ))
    })
}

/// Which notices to list.
pub fn notice_filter(r: &pb::ListRegulatorNoticesRequest) -> Result<Filter, Vec<FieldViolation>> {
    let mut f = Fields::default();
    let filter = f.value("filter", RULE, Filter::from_wire(r.filter));
    f.finish(|| filter)
}

/// The notice asked for.
pub fn notice_id(r: &pb::GetRegulatorNoticeRequest) -> Result<Uuid, Vec<FieldViolation>> {
    let mut f = Fields::default();
    let id = Uuid::parse_str(r.notice_id.trim())
        .map_err(|_| f.violation("notice_id", RULE, "is not a notice id"))
        .ok();
    f.finish(|| id)
}

/// A review to complete, and who completes it.
pub fn complete_review(
    r: pb::CompleteRegulatorReviewRequest,
) -> Result<(StaffId, Uuid, CompleteReview), Vec<FieldViolation>> {
    let mut f = Fields::default();
    let by = f.staff("acting_user", super::fields::IDENTIFIERS, &r.acting_user);
    let id = Uuid::parse_str(r.notice_id.trim())
        .map_err(|_| f.violation("notice_id", RULE, "is not a notice id"))
        .ok();
    let findings = f.text("findings", RULE, &r.findings);
    f.finish(|| {
        Some((
            by?,
            id?,
            CompleteReview {
                findings: findings?,
            },
        ))
    })
}
