//! The gRPC edge of the domain: each command request becomes who acts and a
//! domain [`Command`] ("parse, don't validate"). Every field is parsed with
//! the domain type's own constructor, so a command that reaches
//! [`decide`](crate::domain::decide) holds only valid values; what depends
//! on the complaint's state (order of stages, windows, who may be
//! allocated) is left to the domain.
//!
//! A wrong request is answered with every wrong field at once, each with
//! its path in the request and the rule of `PROCEDURE-RULES.md` it breaks.
//! Pure: no I/O, no clock.

mod fields;
mod notice;
mod outcome;
mod overdue;
mod requests;
pub mod vocabulary;

#[cfg(test)]
mod never_panics;
#[cfg(test)]
mod tests;

use crate::domain::Command;
use crate::domain::command::{DecideNewIssues, RaiseNewIssues};
use crate::domain::types::{ComplaintRef, StaffId};
use complaints_proto::v1 as pb;
use fields::Fields;
pub use notice::{complete_review, notice_filter, notice_id, record_notice};
pub use overdue::overdue_query;

/// Who acts on which complaint; from the `command` field of every request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acting {
    pub reference: ComplaintRef,
    pub user: StaffId,
    /// The version the sender decided on, if it gave one: the command is
    /// refused, with nothing appended, when the complaint is elsewhere.
    pub expected_version: Option<u64>,
}

/// One wrong field: its path, the rule it breaks and why.
pub use platform::grpc::FieldViolation;

/// A request converts into who acts and the domain command, or every field
/// violation at once.
pub trait IntoCommand {
    fn into_command(self) -> Result<(Acting, Command), Vec<FieldViolation>>;
}

/// A complaint reference given in a query, checked like a command's.
pub fn reference(raw: &str, field: &str) -> Result<ComplaintRef, Vec<FieldViolation>> {
    let mut f = Fields::default();
    let reference = f.reference(field, raw);
    f.finish(|| reference)
}

/// R-UPC-2: new issues about a closed complaint, to be dealt with as
/// `new_reference`. The shell allocates that reference (it needs the
/// store), which is why this is not an [`IntoCommand`].
pub fn raise_new_issues(
    r: pb::RaiseNewIssuesRequest,
    new_reference: ComplaintRef,
) -> Result<(Acting, Command), Vec<FieldViolation>> {
    let mut f = Fields::default();
    let acting = f.acting(r.command);
    let description = f.text("description", "R-UPC-2", &r.description);
    let became_aware_on = f.opt_date("became_aware_on", "R-UPC-2", r.became_aware_on);
    f.finish(|| {
        let command = RaiseNewIssues {
            new_reference,
            description: description?,
            became_aware_on: became_aware_on?,
        };
        Some((acting?, Command::RaiseNewIssues(command)))
    })
}

/// R-UPC-2: the staff decision on new issues waiting for one; a compelling
/// reason opens them as `new_reference`, which the shell allocates.
pub fn decide_new_issues(
    r: pb::DecideNewIssuesRequest,
    new_reference: ComplaintRef,
) -> Result<(Acting, Command), Vec<FieldViolation>> {
    let mut f = Fields::default();
    let acting = f.acting(r.command);
    let reason = f.text("reason", "R-UPC-2", &r.reason);
    f.finish(|| {
        let command = DecideNewIssues {
            new_reference,
            compelling_reason: r.compelling_reason,
            reason: reason?,
        };
        Some((acting?, Command::DecideNewIssues(command)))
    })
}

/// R-S3-4: the bare command acknowledges the Stage 3 request.
impl IntoCommand for pb::ComplaintCommand {
    fn into_command(self) -> Result<(Acting, Command), Vec<FieldViolation>> {
        let mut f = Fields::default();
        let acting = f.acting_at("", self);
        f.finish(|| Some((acting?, Command::AcknowledgeStage3)))
    }
}
