//! Who may reach which complaint (R-CONF-1), beyond the per-RPC roles the
//! auth layer checked: the monitors read every complaint (R-MON-1), but
//! handlers and managers act only on their own or their team's
//! complaints, a stage's outcome only by that stage's role, staff acting
//! as themselves; every read of a complaint recorded, every refusal too.

use crate::domain::types::Stage;
use crate::domain::{Command, Complaint};
use crate::edge::Acting;
use crate::error::ComplaintsError;
use platform::auth::{AccessAudit, Principal, Role};

/// The full gRPC method for the access audit.
pub fn method(name: &str) -> String {
    format!("/complaints.v1.Complaints/{name}")
}

/// The handler and team holding the complaint now; empty when nobody does.
fn holder(state: &Complaint) -> (&str, &str) {
    state
        .current_record()
        .and_then(|r| r.handler.as_ref())
        .map_or(("", ""), |h| (h.staff.as_str(), h.team.as_str()))
}

/// Whether `who` is the portal that submitted the complaint: a portal
/// reaches only the complaints of its own submissions (R-CONF-1), and its
/// roles allow it no more than asking for the next stage.
fn submitted_by(who: &Principal, state: &Complaint) -> bool {
    who.has(Role::Portal)
        && state
            .opened
            .as_ref()
            .and_then(|o| o.submitted_by.as_ref())
            .is_some_and(|by| by.as_str() == who.subject)
}

/// Refuses, and records the refusal, unless `who` may read `state`: the
/// monitors (R-MON-1) and the data protection officer every complaint,
/// staff their own or their team's, a portal its own submissions'.
pub async fn check(
    audit: &AccessAudit,
    who: &Principal,
    method: &str,
    reference: &str,
    state: &Complaint,
) -> Result<(), ComplaintsError> {
    let (handler, team) = holder(state);
    if who.may_reach(handler, team) || submitted_by(who, state) {
        return Ok(());
    }
    Err(forbid(audit, who, method, reference).await)
}

/// Records a refusal and gives its error.
pub async fn forbid(
    audit: &AccessAudit,
    who: &Principal,
    method: &str,
    reference: &str,
) -> ComplaintsError {
    ComplaintsError::Forbidden(
        audit
            .refused(who, method, reference)
            .await
            .message()
            .to_owned(),
    )
}

/// Who may record a command for someone else, e.g. a decision taken in a
/// meeting: the compliance manager, the head of customer experience and
/// the data protection officer. A Customer Service Manager monitors, and
/// acts only as themselves.
const RECORD_FOR_OTHERS: &[Role] = &[
    Role::ComplianceManager,
    Role::HeadOfCustomerExperience,
    Role::DataProtectionOfficer,
];

/// Checks a command: the complaint is one `who` may handle (reading it is
/// not enough: a monitor who also handles or manages a team acts only on
/// that team's complaints, R-MON-1 with R-CONF-1), staff act as
/// themselves (unless [`RECORD_FOR_OTHERS`]), and a stage's outcome comes
/// from that stage's role (R-S2-3, R-S3-3), as does the receipt of it
/// recorded by hand (R-S2-1, R-S3-1): who may decide the outcome may say
/// when it reached the complainant.
pub async fn check_command(
    audit: &AccessAudit,
    who: &Principal,
    acting: &Acting,
    command: &Command,
    state: &Complaint,
) -> Result<(), ComplaintsError> {
    let method = method(command.name());
    let reference = acting.reference.to_string();
    let (handler, team) = holder(state);
    if !(who.may_handle(handler, team) || submitted_by(who, state)) {
        return Err(forbid(audit, who, &method, &reference).await);
    }
    let other_person = acting.user.as_str() != who.subject;
    let stage_role_missing = matches!(
        command,
        Command::RecordOutcome(_) | Command::RecordReceiptByHand(_)
    ) && match state.stage {
        Some(Stage::Two) => !who.has_any(&[Role::Manager, Role::ComplianceManager]),
        Some(Stage::Three) => !who.has(Role::ComplianceManager),
        _ => false,
    };
    if (other_person && !who.has_any(RECORD_FOR_OTHERS)) || stage_role_missing {
        return Err(forbid(audit, who, &method, &reference).await);
    }
    Ok(())
}

/// Records that `who` read `reference` through `method`.
pub async fn read(
    audit: &AccessAudit,
    who: &Principal,
    method: &str,
    reference: &str,
) -> Result<(), ComplaintsError> {
    audit
        .read(who, method, reference)
        .await
        .map_err(|_| ComplaintsError::AuditUnavailable)
}
