//! Who may call which RPC of this service (R-CONF-1). The auth layer
//! enforces the table before any handler runs; the README's roles table
//! follows it.

use platform::auth::{Policy, Role, SUBJECT_ACCESS_EXPORT};

const REPORT_READERS: &[Role] = &[
    Role::Committee,
    Role::HeadOfCustomerExperience,
    Role::ComplianceManager,
];

/// Who may call what (R-CONF-1; README "Roles"): the log is anonymised, so
/// the committee reads it; operators rebuild it.
pub const POLICY: Policy = Policy {
    rules: &[
        ("/complaints.v1.Reporting/GetFigures", REPORT_READERS),
        ("/complaints.v1.Reporting/ExportLog", REPORT_READERS),
        (
            "/complaints.v1.Reporting/GetEqualityAnalysis",
            REPORT_READERS,
        ),
        ("/complaints.v1.Reporting/CommitteeReport", REPORT_READERS),
        // Anonymised facts with trace ids, for following one complaint.
        (
            "/complaints.v1.Reporting/GetLogTimeline",
            &[
                Role::Operator,
                Role::ComplianceManager,
                Role::HeadOfCustomerExperience,
            ],
        ),
        (
            "/complaints.v1.Reporting/RebuildLog",
            &[Role::Operator, Role::ComplianceManager],
        ),
        SUBJECT_ACCESS_EXPORT,
    ],
};
