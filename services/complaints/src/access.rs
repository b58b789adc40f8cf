//! Who may call which RPC of this service (R-CONF-1). The auth layer
//! enforces the table before any handler runs; the README's roles table
//! follows it.

use platform::auth::{Policy, Role, SUBJECT_ACCESS_EXPORT};

const STAFF: &[Role] = &[Role::Handler, Role::Manager, Role::ComplianceManager];

/// Who reads complaints: staff (their team's), the monitors (every
/// complaint, R-MON-1) and the data protection officer.
const READERS: &[Role] = &[
    Role::Handler,
    Role::Manager,
    Role::CustomerServiceManager,
    Role::ComplianceManager,
    Role::HeadOfCustomerExperience,
    Role::DataProtectionOfficer,
];
const CCM: &[Role] = &[Role::ComplianceManager];
/// The people who monitor complaints (R-MON-1), and so track the actions
/// overdue across them (R-MON-2).
const MONITORS: &[Role] = &[
    Role::HeadOfCustomerExperience,
    Role::CustomerServiceManager,
    Role::ComplianceManager,
];

macro_rules! rpc {
    ($name:literal) => {
        concat!("/complaints.v1.Complaints/", $name)
    };
}

/// Who may call what (R-CONF-1; README "Roles"). Per record, handlers and
/// managers reach only their own or their team's complaints, the monitors
/// (R-MON-1) read every one and every team's work queue, and a stage's
/// outcome needs the stage's role (checked in `reach`). A Customer Service
/// Manager is a reader only: commands need a staff role as well.
pub const POLICY: Policy = Policy {
    rules: &[
        (rpc!("GetComplaint"), READERS),
        // With a follow link for the complaint, checked by the handler.
        (rpc!("GetComplainantView"), &[Role::Portal]),
        (
            rpc!("ListWorkQueue"),
            &[
                Role::Handler,
                Role::Manager,
                Role::CustomerServiceManager,
                Role::ComplianceManager,
                Role::HeadOfCustomerExperience,
            ],
        ),
        (rpc!("ListOverdueActions"), MONITORS),
        (rpc!("GetHistory"), READERS),
        (
            rpc!("ExportEvidence"),
            &[
                Role::ComplianceManager,
                Role::HeadOfCustomerExperience,
                Role::DataProtectionOfficer,
            ],
        ),
        (
            rpc!("RebuildReadModel"),
            &[Role::Operator, Role::ComplianceManager],
        ),
        (
            rpc!("AssignHandler"),
            &[Role::Manager, Role::ComplianceManager],
        ),
        (rpc!("RecordContact"), STAFF),
        (rpc!("AgreeTimescale"), STAFF),
        (rpc!("RecordUpdate"), STAFF),
        (rpc!("ReferToLineManager"), STAFF),
        (rpc!("RecordOutcome"), STAFF),
        (rpc!("RecordReceiptByHand"), STAFF),
        (
            rpc!("RequestEscalation"),
            &[
                Role::Portal,
                Role::Handler,
                Role::Manager,
                Role::ComplianceManager,
            ],
        ),
        (rpc!("DecideInvestigation"), CCM),
        (rpc!("AcknowledgeStage3"), CCM),
        (rpc!("ExtendDeadline"), STAFF),
        (rpc!("AddAction"), STAFF),
        (rpc!("ReassignAction"), STAFF),
        (rpc!("CompleteAction"), STAFF),
        (rpc!("RecordRegulatorReferral"), CCM),
        (rpc!("RestrictContact"), STAFF),
        (rpc!("LiftRestriction"), STAFF),
        (rpc!("RecordDisclosure"), STAFF),
        (rpc!("RecordInformationPermission"), STAFF),
        (rpc!("ResolveOutsideProcedure"), STAFF),
        (rpc!("RaiseNewIssues"), STAFF),
        (rpc!("DecideNewIssues"), STAFF),
        (rpc!("RecordRegulatorNotice"), CCM),
        (rpc!("CompleteRegulatorReview"), CCM),
        (rpc!("ListRegulatorNotices"), CCM),
        (rpc!("GetRegulatorNotice"), CCM),
        SUBJECT_ACCESS_EXPORT,
    ],
};
