//! Values that are valid by construction: a request becomes these at the
//! edge (see `crate::validate`), and inside nothing has to check again.

use chrono::{DateTime, NaiveDate, Utc};
use complaints_proto::v1 as pb;
use std::fmt;

/// The email address type is shared: subject access (in every service)
/// finds a person by it.
pub use platform::subject::EmailAddress;

/// Text cleaned by its field's [`fieldtext::Rule`]: trimmed, not empty,
/// within its length and free of the characters no field may hold, so
/// every service that reads it from intake's events accepts it too.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text(String);

impl Text {
    /// `Ok(None)` when only whitespace was given.
    pub fn clean(raw: &str, rule: fieldtext::Rule) -> Result<Option<Self>, fieldtext::Refused> {
        Ok(rule.clean(raw)?.map(Self))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A submission's human reference, `SUB-YYYY-NNNNNN`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionRef(String);

impl SubmissionRef {
    pub fn new(year: i32, number: i64) -> Self {
        Self(format!("SUB-{year}-{number:06}"))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A complaint submission that passed validation at the edge. The
/// personal data stays in the protobuf types it travels in.
#[derive(Debug, Clone)]
pub struct ValidSubmission {
    pub channel: pb::Channel,
    pub customer_status: Text,
    pub customer_type: Text,
    pub query_category: Text,
    pub query_detail: Text,
    /// Named and contactable (R-INT-3).
    pub complainant: pb::Person,
    pub matter_date: NaiveDate,
    /// Email unless post was asked for, with an address (R-CORR-1).
    pub correspondence: pb::CorrespondencePreference,
    pub third_party: Option<pb::ThirdParty>,
    /// R-ADJ-1: the reasonable adjustments asked for, each text cleaned.
    pub adjustments: Option<pb::ReasonableAdjustments>,
    pub qualification_code: Option<Text>,
    pub referring_regulator: Option<Text>,
    /// Checked for size and type from the bytes.
    pub attachments: Vec<ValidAttachment>,
    pub equality_monitoring: Option<pb::EqualityMonitoring>,
    /// How staff resolved it at once, outside the procedure, and who
    /// decided (R-INT-7).
    pub resolved_outside_procedure: Option<OutsideProcedure>,
    pub received_at: DateTime<Utc>,
}

impl ValidSubmission {
    /// Written submissions get the automatic reply (R-INT-8); a telephone
    /// call does not.
    pub fn written(&self) -> bool {
        self.channel != pb::Channel::Telephone
    }
}

/// R-INT-7: a matter dealt with at once, outside the procedure. Only
/// staff take that route, so it always names the member of staff who
/// decided; the member portal and the email gateway cannot make one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutsideProcedure {
    /// How it was resolved.
    pub how: Text,
    /// The staff id of who decided: the authenticated caller.
    pub decided_by: Text,
}

/// An attachment whose type was found in its bytes.
#[derive(Clone)]
pub struct ValidAttachment {
    pub file_name: Text,
    pub content_type: &'static str,
    pub content: Vec<u8>,
}

impl fmt::Debug for ValidAttachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ValidAttachment")
            .field("content_type", &self.content_type)
            .field("size", &self.content.len())
            .finish_non_exhaustive()
    }
}
