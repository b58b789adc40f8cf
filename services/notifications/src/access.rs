//! Who may call which RPC of this service (R-CONF-1). The auth layer
//! enforces the table before any handler runs; the README's roles table
//! follows it.

use platform::auth::{Policy, Role, SUBJECT_ACCESS_EXPORT};

const STAFF: &[Role] = &[Role::Handler, Role::Manager, Role::ComplianceManager];

/// Who may call what (R-CONF-1; README "Roles").
pub const POLICY: Policy = Policy {
    rules: &[
        (
            "/complaints.v1.Notifications/ListCorrespondence",
            &[
                Role::Handler,
                Role::Manager,
                Role::ComplianceManager,
                Role::HeadOfCustomerExperience,
                Role::CustomerServiceManager,
                Role::DataProtectionOfficer,
            ],
        ),
        ("/complaints.v1.Notifications/ResendNotification", STAFF),
        (
            // A preview is a letter with the complainant's details: not
            // for operators, who see no personal data.
            "/complaints.v1.Notifications/PreviewTemplate",
            &[
                Role::Handler,
                Role::Manager,
                Role::ComplianceManager,
                Role::HeadOfCustomerExperience,
                Role::CustomerServiceManager,
            ],
        ),
        ("/complaints.v1.Notifications/ListPrintQueue", STAFF),
        ("/complaints.v1.Notifications/GetPrintLetter", STAFF),
        ("/complaints.v1.Notifications/MarkPosted", STAFF),
        // The public pages: with a follow link checked by the handler, and
        // a fresh link that is only ever sent (crate::follow).
        (
            "/complaints.v1.Notifications/ListComplainantLetters",
            &[Role::Portal],
        ),
        (
            "/complaints.v1.Notifications/SendFollowLink",
            &[Role::Portal],
        ),
        SUBJECT_ACCESS_EXPORT,
    ],
};
