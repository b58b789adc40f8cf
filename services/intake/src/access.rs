//! Who may call which RPC of this service (R-CONF-1). The auth layer
//! enforces the table before any handler runs; the README's roles table
//! follows it.

use platform::auth::{Policy, Role, SUBJECT_ACCESS_EXPORT};

/// Staff who take calls and decide triage: the only callers who may deal
/// with a matter outside the procedure at submission (R-INT-7).
pub const STAFF: &[Role] = &[Role::Handler, Role::Manager, Role::ComplianceManager];

const PORTAL_AND_STAFF: &[Role] = &[
    Role::Portal,
    Role::Handler,
    Role::Manager,
    Role::ComplianceManager,
];

/// Who may call what (R-CONF-1; README "Roles"). The portal submits and
/// reads back only its own submissions (checked per record). The monitors
/// (R-MON-1) read the triage queue and submissions, as they read every
/// complaint; a Customer Service Manager decides nothing here without a
/// staff role as well.
pub const POLICY: Policy = Policy {
    rules: &[
        (I_SUBMIT_COMPLAINT, PORTAL_AND_STAFF),
        ("/complaints.v1.Intake/SubmitCompliment", PORTAL_AND_STAFF),
        (
            "/complaints.v1.Intake/ListTriageQueue",
            &[
                Role::Handler,
                Role::Manager,
                Role::CustomerServiceManager,
                Role::ComplianceManager,
                Role::HeadOfCustomerExperience,
            ],
        ),
        (
            I_GET_SUBMISSION,
            &[
                Role::Portal,
                Role::Handler,
                Role::Manager,
                Role::CustomerServiceManager,
                Role::ComplianceManager,
                Role::HeadOfCustomerExperience,
                Role::DataProtectionOfficer,
            ],
        ),
        // Event types, times, staff ids and trace ids: no personal data,
        // so operators may follow a submission's trace too.
        (
            "/complaints.v1.Intake/GetSubmissionHistory",
            &[
                Role::Handler,
                Role::Manager,
                Role::CustomerServiceManager,
                Role::ComplianceManager,
                Role::HeadOfCustomerExperience,
                Role::DataProtectionOfficer,
                Role::Operator,
            ],
        ),
        ("/complaints.v1.Intake/RecordCompellingReason", STAFF),
        ("/complaints.v1.Intake/DeclineOutOfTime", STAFF),
        ("/complaints.v1.Intake/RecordConsent", PORTAL_AND_STAFF),
        ("/complaints.v1.Intake/WithdrawConsent", PORTAL_AND_STAFF),
        ("/complaints.v1.Intake/CheckConsentLink", PORTAL_AND_STAFF),
        ("/complaints.v1.Intake/GetSubmitterView", PORTAL_AND_STAFF),
        SUBJECT_ACCESS_EXPORT,
    ],
};

const I_SUBMIT_COMPLAINT: &str = "/complaints.v1.Intake/SubmitComplaint";
/// Reads a submission's personal data: recorded in the access audit.
pub const I_GET_SUBMISSION: &str = "/complaints.v1.Intake/GetSubmission";
