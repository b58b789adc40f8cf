//! The commands and their flags. Each maps onto one or a few RPCs of the
//! `complaints.v1` services; see `proto/complaints/v1/`.

use crate::parse::{self, Quarter};
use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "complaintsctl",
    version,
    about = "Staff and operators' tool for the complaints platform",
    long_about = "Staff and operators' tool for the complaints platform: submit and triage, \
                  work the queue, act on a complaint, committee reports, rebuilds, and the \
                  timeline of one complaint across the four services."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the services are, who is calling, and how to print.
#[derive(Debug, Clone, Args)]
pub struct Global {
    /// The intake service.
    #[arg(
        long,
        global = true,
        env = "COMPLAINTS_INTAKE_URL",
        default_value = "http://127.0.0.1:50051"
    )]
    pub intake: String,
    /// The complaints service.
    #[arg(
        long,
        global = true,
        env = "COMPLAINTS_COMPLAINTS_URL",
        default_value = "http://127.0.0.1:50052"
    )]
    pub complaints: String,
    /// The notifications service.
    #[arg(
        long,
        global = true,
        env = "COMPLAINTS_NOTIFICATIONS_URL",
        default_value = "http://127.0.0.1:50053"
    )]
    pub notifications: String,
    /// The reporting service.
    #[arg(
        long,
        global = true,
        env = "COMPLAINTS_REPORTING_URL",
        default_value = "http://127.0.0.1:50054"
    )]
    pub reporting: String,
    /// Bearer token (a JWT) sent as `authorization: Bearer <token>` on every call.
    #[arg(long, global = true, env = "COMPLAINTS_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Submit a complaint from flags, a JSON file, or both (flags win).
    Submit(Box<SubmitArgs>),
    /// Submissions waiting for staff, and the decisions on them.
    #[command(subcommand)]
    Triage(TriageCommand),
    /// The work queue of open complaints, all pages.
    Queue(QueueArgs),
    /// One complaint as it stands, with its deadlines, outcomes and actions.
    Show { reference: String },
    /// A complaint's audit trail.
    History {
        reference: String,
        /// Ask for the regulator's evidence export (ExportEvidence) instead.
        #[arg(long)]
        evidence: bool,
    },
    /// Allocate the current stage to a handler, manager or the Corporate Compliance Manager.
    Assign(AssignArgs),
    /// Record the written outcome of the current stage.
    Outcome(Box<OutcomeArgs>),
    /// Record the complainant's request for the next stage.
    Escalate(EscalateArgs),
    /// Record a contact with the complainant; the first meets the first-contact deadline (R-S1-1).
    Contact(ContactArgs),
    /// Record the response timescale agreed with the complainant (R-S1-2).
    Timescale {
        reference: String,
        /// The agreed date (YYYY-MM-DD).
        #[arg(long, value_parser = parse::date)]
        due: NaiveDate,
        #[command(flatten)]
        acting: Acting,
    },
    /// Record an update sent to the complainant, with a revised date if any (R-S1-2, R-S2-4, R-S3-5).
    Update {
        reference: String,
        /// Why the update (and any new date) was needed.
        #[arg(long)]
        reason: String,
        /// The revised response date (YYYY-MM-DD), if there is one.
        #[arg(long, value_parser = parse::date)]
        revised_due: Option<NaiveDate>,
        #[command(flatten)]
        acting: Acting,
    },
    /// Stage 1 staff refer to their line manager: the complaint moves to Stage 2 (R-S1-3).
    Refer {
        reference: String,
        /// Staff id of the line manager.
        #[arg(long)]
        manager: String,
        #[arg(long)]
        team: String,
        #[command(flatten)]
        acting: Acting,
    },
    /// Record that the Stage 3 acknowledgement with the reference was sent (R-S3-4).
    Acknowledge {
        reference: String,
        #[command(flatten)]
        acting: Acting,
    },
    /// Stage 3: decide whether further investigation is warranted, and why (R-S3-3).
    Investigate {
        reference: String,
        #[arg(long, value_enum)]
        decision: InvestigationArg,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        acting: Acting,
    },
    /// Move a live deadline later, with the reason.
    Extend(ExtendArgs),
    /// Restrict contact under the Unreasonably Persistent Contact policy (R-UPC-1).
    Restrict {
        reference: String,
        #[arg(long)]
        reason: String,
        /// When the restriction is reviewed (YYYY-MM-DD).
        #[arg(long, value_parser = parse::date)]
        review_on: NaiveDate,
        #[command(flatten)]
        acting: Acting,
    },
    /// Lift the contact restriction in force, with the reason (R-UPC-1).
    LiftRestriction {
        reference: String,
        /// Why it is lifted, e.g. what its review found.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        acting: Acting,
    },
    /// Record a disclosure to a third party and its legal basis (R-CONF-3).
    Disclose(DiscloseArgs),
    /// Record the individual's written permission to obtain information from a third party (R-INT-5).
    Permission(PermissionArgs),
    /// Resolve a quick issue outside the procedure; recorded, not lost (R-INT-7).
    Resolve {
        reference: String,
        /// How it was resolved.
        #[arg(long)]
        how: String,
        #[command(flatten)]
        acting: Acting,
    },
    /// New issues after closure: open a new complaint linked to this one (R-UPC-2).
    ///
    /// Raised more than 6 months after the complainant became aware of them,
    /// they wait for a decision (new-issues-decision) instead.
    NewIssues {
        reference: String,
        #[arg(long)]
        description: String,
        /// When the complainant became aware of them (YYYY-MM-DD); today when left out.
        #[arg(long, value_parser = parse::date)]
        became_aware_on: Option<NaiveDate>,
        #[command(flatten)]
        acting: Acting,
    },
    /// Decide on new issues waiting for a decision: allow (a compelling reason) opens them, or decline (R-UPC-2).
    NewIssuesDecision {
        reference: String,
        #[arg(long, value_enum)]
        decision: NewIssuesDecisionArg,
        /// The compelling reason, or why they are declined.
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        acting: Acting,
    },
    /// Regulator referrals of a complaint, and regulators' notices with their reviews (R-REG-2, R-REG-4).
    #[command(subcommand)]
    Regulator(RegulatorCommand),
    /// Follow-up and improvement actions of a complaint.
    #[command(subcommand)]
    Actions(ActionsCommand),
    /// Submit a compliment about a team or a person; it goes to the managers (R-POS-1).
    Compliment(Box<ComplimentArgs>),
    /// Letters and emails: a complaint's correspondence, the print queue, resend, preview.
    #[command(subcommand)]
    Letters(LettersCommand),
    /// Who read a record, or every refused call, in all four services (the access audit, R-CONF-1).
    Access {
        /// A complaint reference (CMP-...) or a submission id.
        #[arg(required_unless_present = "refused_only")]
        record: Option<String>,
        /// Every refused call instead (with a record: that record's refusals).
        #[arg(long)]
        refused_only: bool,
    },
    /// The committee's CSV log, HTML report and figures.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Rebuild a read model from its events (operators).
    Rebuild {
        #[arg(value_enum)]
        target: RebuildTarget,
    },
    /// One complaint through all four services in time order, with the trace id of each step.
    Timeline { reference: String },
    /// Everything the four services hold about one person, as one JSON bundle (data protection officer).
    SubjectAccess(crate::commands::subject_access::SubjectAccessArgs),
    /// Destroy one person's records in all four services, refused if any is under a legal hold.
    Erase(crate::commands::erase::EraseArgs),
    /// Retention policies in all four services: what is due, running the jobs, legal holds (R-CONF-2).
    #[command(subcommand)]
    Retention(crate::commands::retention::RetentionCommand),
}

/// The member of staff acting; the services record it with every decision.
#[derive(Debug, Clone, Args)]
pub struct Acting {
    /// Staff id of who acts.
    #[arg(long = "as", value_name = "STAFF_ID", env = "COMPLAINTS_USER")]
    pub user: String,
}

#[derive(Debug, Args)]
pub struct SubmitArgs {
    /// A JSON file shaped like SubmitComplaintRequest (as for grpcurl), without attachments.
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Identifies this submission for its channel; a retry with it returns the first receipt.
    /// A fresh one is made when neither flag nor file gives one.
    #[arg(long)]
    pub idempotency_key: Option<String>,
    #[arg(long, value_enum)]
    pub channel: Option<ChannelArg>,
    /// e.g. "Member".
    #[arg(long)]
    pub customer_status: Option<String>,
    /// e.g. "Student".
    #[arg(long)]
    pub customer_type: Option<String>,
    /// e.g. "Exams and assessments".
    #[arg(long)]
    pub category: Option<String>,
    /// What the complaint is about.
    #[arg(long)]
    pub detail: Option<String>,
    #[arg(long)]
    pub first_name: Option<String>,
    #[arg(long)]
    pub last_name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub telephone: Option<String>,
    /// One line of the postal address; repeat for each line.
    #[arg(long = "address-line")]
    pub address_lines: Vec<String>,
    #[arg(long)]
    pub postcode: Option<String>,
    /// When the matter complained about happened (YYYY-MM-DD).
    #[arg(long, value_parser = parse::date)]
    pub matter_date: Option<NaiveDate>,
    /// Letters by post instead of email (needs a postal address).
    #[arg(long)]
    pub post: bool,
    /// Code of the qualification the complaint concerns.
    #[arg(long)]
    pub qualification: Option<String>,
    /// For the regulator channel: which regulator passed it on.
    #[arg(long)]
    pub regulator: Option<String>,
    /// Reasonable adjustments the complainant asks for.
    #[arg(long)]
    pub adjustments: Option<String>,
    /// A file to attach (web form only, at most two); its type comes from its extension.
    #[arg(long = "attach", value_name = "PATH")]
    pub attachments: Vec<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum TriageCommand {
    /// Submissions waiting for a staff decision, oldest first, all pages.
    List {
        #[arg(long, value_enum)]
        status: Option<TriageStatusArg>,
    },
    /// One submission's triage state.
    Show { submission_id: String },
    /// Record the compelling reason to consider a matter over 6 months old (R-INT-2).
    Allow {
        submission_id: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        acting: Acting,
    },
    /// Decline a matter over 6 months old (R-INT-2).
    Decline {
        submission_id: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        acting: Acting,
    },
    /// Record the individual's express consent to a third party acting (R-INT-4).
    Consent {
        submission_id: String,
        /// How the consent was given, e.g. "signed form received by email".
        #[arg(long)]
        evidence: String,
        /// YYYY-MM-DD; today when left out.
        #[arg(long, value_parser = parse::date)]
        given_on: Option<NaiveDate>,
        #[command(flatten)]
        acting: Acting,
    },
    /// Record that the individual withdrew consent (R-INT-4).
    WithdrawConsent {
        submission_id: String,
        /// YYYY-MM-DD; today when left out.
        #[arg(long, value_parser = parse::date)]
        on: Option<NaiveDate>,
        #[command(flatten)]
        acting: Acting,
    },
}

#[derive(Debug, Args)]
pub struct QueueArgs {
    #[arg(long, value_enum)]
    pub stage: Option<StageArg>,
    #[arg(long)]
    pub handler: Option<String>,
    #[arg(long)]
    pub team: Option<String>,
    /// Only complaints with a missed live deadline.
    #[arg(long)]
    pub overdue: bool,
    /// Only complaints with a live deadline due within this many working days.
    #[arg(long, value_name = "DAYS")]
    pub due_within: Option<u32>,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    pub reference: String,
    /// Staff id of the new handler.
    #[arg(long)]
    pub handler: String,
    #[arg(long)]
    pub team: String,
    #[arg(long, value_enum, default_value = "handler")]
    pub role: RoleArg,
    #[command(flatten)]
    pub acting: Acting,
}

#[derive(Debug, Args)]
pub struct OutcomeArgs {
    pub reference: String,
    #[arg(long, value_enum)]
    pub stage: StageArg,
    #[arg(long, value_enum)]
    pub decision: DecisionArg,
    /// The written findings.
    #[arg(long)]
    pub findings: String,
    /// A remedy as KIND=DESCRIPTION, e.g. apology="A written apology"; repeat for more.
    #[arg(long = "remedy", value_name = "KIND=DESCRIPTION", value_parser = parse::remedy)]
    pub remedies: Vec<parse::Remedy>,
    /// Compensation in pence, for the financial-compensation remedy.
    #[arg(long, requires = "payment_due")]
    pub compensation_pence: Option<i64>,
    /// When the compensation is expected to be paid (YYYY-MM-DD).
    #[arg(long, value_parser = parse::date, requires = "compensation_pence")]
    pub payment_due: Option<NaiveDate>,
    /// A failure in the assessment process was found (R-OUT-4); the three actions are then required.
    #[arg(long, requires_all = ["identify_affected", "correct_or_mitigate", "prevent_recurrence"])]
    pub assessment_failure: bool,
    /// OWNER:YYYY-MM-DD:DESCRIPTION
    #[arg(long, value_parser = parse::planned_action)]
    pub identify_affected: Option<parse::PlannedAction>,
    /// OWNER:YYYY-MM-DD:DESCRIPTION
    #[arg(long, value_parser = parse::planned_action)]
    pub correct_or_mitigate: Option<parse::PlannedAction>,
    /// OWNER:YYYY-MM-DD:DESCRIPTION
    #[arg(long, value_parser = parse::planned_action)]
    pub prevent_recurrence: Option<parse::PlannedAction>,
    #[command(flatten)]
    pub acting: Acting,
}

#[derive(Debug, Args)]
pub struct EscalateArgs {
    pub reference: String,
    /// The stage asked for.
    #[arg(long, value_enum)]
    pub to: StageArg,
    /// Repeat for each ground.
    #[arg(long, value_enum, required = true)]
    pub grounds: Vec<GroundsArg>,
    #[arg(long)]
    pub reasons: String,
    /// Required for Stage 3 (R-S3-1).
    #[arg(long)]
    pub outcome_sought: Option<String>,
    /// When the request was received (YYYY-MM-DD); today when left out.
    #[arg(long, value_parser = parse::date)]
    pub received_on: Option<NaiveDate>,
    #[command(flatten)]
    pub acting: Acting,
}

#[derive(Debug, Subcommand)]
pub enum ActionsCommand {
    /// A complaint's actions with owner, due date and completion.
    List { reference: String },
    /// Add a follow-up or improvement action (R-OUT-3).
    Add {
        reference: String,
        #[arg(long, value_enum, default_value = "follow-up")]
        kind: ActionKindArg,
        #[arg(long)]
        description: String,
        #[arg(long)]
        owner: String,
        /// YYYY-MM-DD
        #[arg(long, value_parser = parse::date)]
        due: NaiveDate,
        #[command(flatten)]
        acting: Acting,
    },
    /// Mark an action done.
    Complete {
        reference: String,
        action_id: u32,
        #[arg(long, default_value = "")]
        note: String,
        #[command(flatten)]
        acting: Acting,
    },
    /// Give an action to someone else.
    Reassign {
        reference: String,
        action_id: u32,
        #[arg(long)]
        owner: String,
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        acting: Acting,
    },
}

#[derive(Debug, Args)]
pub struct ContactArgs {
    pub reference: String,
    #[arg(long, value_enum)]
    pub method: ContactMethodArg,
    /// What was discussed.
    #[arg(long)]
    pub summary: String,
    /// When, as RFC 3339 (e.g. 2026-03-02T11:00:00Z); now when left out.
    #[arg(long, value_parser = parse::instant)]
    pub at: Option<chrono::DateTime<chrono::Utc>>,
    #[command(flatten)]
    pub acting: Acting,
}

#[derive(Debug, Args)]
pub struct ExtendArgs {
    pub reference: String,
    /// Which live deadline.
    #[arg(long, value_enum)]
    pub deadline: DeadlineKindArg,
    /// For an escalation window: the stage whose outcome opened it.
    #[arg(long, value_enum)]
    pub stage: Option<StageArg>,
    /// The new date (YYYY-MM-DD).
    #[arg(long, value_parser = parse::date)]
    pub due: NaiveDate,
    #[arg(long)]
    pub reason: String,
    #[command(flatten)]
    pub acting: Acting,
}

#[derive(Debug, Args)]
pub struct DiscloseArgs {
    pub reference: String,
    /// To whom, e.g. "Ofqual".
    #[arg(long)]
    pub recipient: String,
    #[arg(long, value_enum)]
    pub legal_basis: LegalBasisArg,
    /// What was disclosed.
    #[arg(long)]
    pub what: String,
    /// YYYY-MM-DD; today when left out.
    #[arg(long, value_parser = parse::date)]
    pub on: Option<NaiveDate>,
    #[command(flatten)]
    pub acting: Acting,
}

#[derive(Debug, Args)]
pub struct PermissionArgs {
    pub reference: String,
    /// Who the information is obtained from.
    #[arg(long)]
    pub third_party: String,
    /// What information the permission covers.
    #[arg(long)]
    pub scope: String,
    /// YYYY-MM-DD; today when left out.
    #[arg(long, value_parser = parse::date)]
    pub given_on: Option<NaiveDate>,
    /// The permission was given in writing.
    #[arg(long)]
    pub in_writing: bool,
    #[command(flatten)]
    pub acting: Acting,
}

#[derive(Debug, Subcommand)]
pub enum RegulatorCommand {
    /// The complainant referred the exhausted complaint to a regulator (R-REG-2).
    Referral {
        reference: String,
        /// e.g. "Ofqual".
        #[arg(long)]
        regulator: String,
        /// When it was referred (YYYY-MM-DD); today when left out.
        #[arg(long, value_parser = parse::date)]
        on: Option<NaiveDate>,
        #[command(flatten)]
        acting: Acting,
    },
    /// Record a regulator's notice of a failure at another awarding organisation and the review of our procedures it calls for (R-REG-4).
    Notice {
        #[arg(long)]
        regulator: String,
        #[arg(long)]
        awarding_organisation: String,
        /// The failure the regulator describes.
        #[arg(long)]
        failure: String,
        /// YYYY-MM-DD; today when left out.
        #[arg(long, value_parser = parse::date)]
        received_on: Option<NaiveDate>,
        /// Staff id of who owns the review.
        #[arg(long)]
        review_owner: String,
        /// When the review is due (YYYY-MM-DD).
        #[arg(long, value_parser = parse::date)]
        review_due: NaiveDate,
        #[command(flatten)]
        acting: Acting,
    },
    /// Record that the review a notice called for is done, with what it found.
    ReviewDone {
        notice_id: String,
        #[arg(long)]
        findings: String,
        #[command(flatten)]
        acting: Acting,
    },
    /// Regulators' notices, earliest review due first (Corporate Compliance Manager; R-REG-4).
    Notices {
        #[arg(long, value_enum, default_value = "all")]
        state: NoticeStateArg,
    },
    /// One regulator's notice: the failure, its review and what the review found (R-REG-4).
    Show { notice_id: String },
}

#[derive(Debug, Args)]
pub struct ComplimentArgs {
    /// The team the compliment is about.
    #[arg(long)]
    pub team: String,
    /// The person it is about, if one.
    #[arg(long)]
    pub about: Option<String>,
    #[arg(long)]
    pub message: String,
    #[arg(long, value_enum, default_value = "web-form")]
    pub channel: ChannelArg,
    /// Identifies this compliment for its channel; a fresh one when left out.
    #[arg(long)]
    pub idempotency_key: Option<String>,
    /// Who sent it, for a reply (all optional).
    #[arg(long)]
    pub first_name: Option<String>,
    #[arg(long)]
    pub last_name: Option<String>,
    #[arg(long)]
    pub email: Option<String>,
    #[arg(long)]
    pub telephone: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum LettersCommand {
    /// Every letter and email of a complaint or submission, oldest first (ListCorrespondence).
    List {
        /// A complaint (CMP-...) or submission (SUB-...) reference.
        reference: String,
    },
    /// Letters waiting to be printed and posted, oldest first, one page at a time (ListPrintQueue); `letters letter` shows one with its address and text.
    PrintQueue {
        /// Letters a page holds (default 50, at most 500).
        #[arg(long, default_value_t = 0)]
        page_size: u32,
        /// The page to show: a next or previous page token from an earlier answer.
        #[arg(long, default_value = "")]
        page: String,
    },
    /// One letter waiting to be posted, with its address and text (GetPrintLetter).
    Letter {
        notification_id: String,
        /// Also write the letter ready to print (an A4 PDF) to this file.
        #[arg(long)]
        pdf: Option<std::path::PathBuf>,
    },
    /// Record that a queued post letter was printed and posted (MarkPosted).
    Posted { notification_id: String },
    /// Send a sent or given-up notification again, as a new one (ResendNotification).
    Resend { notification_id: String },
    /// Render a letter already called for on a complaint, sending nothing (PreviewTemplate).
    Preview {
        reference: String,
        /// The letter's template name, e.g. automatic_reply.
        letter: String,
    },
}

/// A reporting period: a quarter, or a first and last day.
#[derive(Debug, Clone, Args)]
pub struct PeriodArgs {
    /// e.g. 2026Q3.
    #[arg(long, value_parser = parse::quarter, conflicts_with_all = ["from", "to"], required_unless_present_all = ["from", "to"])]
    pub quarter: Option<Quarter>,
    /// First day (YYYY-MM-DD), by date of receipt.
    #[arg(long, value_parser = parse::date, requires = "to")]
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD).
    #[arg(long, value_parser = parse::date, requires = "from")]
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// The anonymised complaints log as CSV (ExportLog).
    Csv {
        #[command(flatten)]
        period: PeriodArgs,
        /// Where to write it; "-" for standard output.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// The Audit and Risk Committee's report as one HTML page (CommitteeReport).
    Html {
        #[command(flatten)]
        period: PeriodArgs,
        #[arg(long, value_enum, default_value = "month")]
        grouping: GroupingArg,
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Equality monitoring by one characteristic, small groups suppressed (GetEqualityAnalysis).
    Equality {
        #[command(flatten)]
        period: PeriodArgs,
        #[arg(long, value_enum)]
        characteristic: CharacteristicArg,
        /// Minimum group size to publish; the service's default (5) when left out.
        #[arg(long)]
        threshold: Option<u64>,
    },
    /// The committee's figures by month or quarter (GetFigures).
    Figures {
        #[command(flatten)]
        period: PeriodArgs,
        #[arg(long, value_enum, default_value = "month")]
        grouping: GroupingArg,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RebuildTarget {
    /// The complaints service's work-queue read model (RebuildReadModel).
    Complaints,
    /// The anonymised log in the reporting service (RebuildLog).
    Reporting,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ChannelArg {
    WebForm,
    Email,
    Telephone,
    Regulator,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TriageStatusArg {
    /// Over 6 months old, waiting for a decision (R-INT-2).
    TimeDecision,
    /// Raised by a third party, waiting for consent (R-INT-4).
    Consent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StageArg {
    #[value(name = "1")]
    One,
    #[value(name = "2")]
    Two,
    #[value(name = "3")]
    Three,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Handler,
    Manager,
    ComplianceManager,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DecisionArg {
    Upheld,
    PartlyUpheld,
    NotUpheld,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroundsArg {
    NotUnderstood,
    PointsNotAnswered,
    NoResponseInTimescale,
    DissatisfiedWithOutcome,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ActionKindArg {
    FollowUp,
    Improvement,
    IdentifyAffectedLearners,
    CorrectOrMitigate,
    PreventRecurrence,
    RegulatorReview,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupingArg {
    Month,
    Quarter,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ContactMethodArg {
    Telephone,
    Email,
    Post,
    InPerson,
    VideoCall,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InvestigationArg {
    Warranted,
    NotWarranted,
}

/// The staff decision on new issues raised late (R-UPC-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NewIssuesDecisionArg {
    /// There is a compelling reason: the new issues open a new complaint.
    Allow,
    /// They are not considered.
    Decline,
}

/// Which regulator notices to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum NoticeStateArg {
    All,
    /// Reviews not yet completed, overdue ones included.
    Open,
    /// Reviews not completed by their due date.
    Overdue,
    /// Completed reviews.
    Completed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DeadlineKindArg {
    FirstContact,
    AgreedTimescale,
    Stage2Response,
    Stage3Acknowledgement,
    Stage3Response,
    EscalationWindow,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LegalBasisArg {
    Regulator,
    Police,
    StatutoryBody,
    LegalAdviser,
    Insurer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CharacteristicArg {
    Ethnicity,
    Disability,
    Gender,
    AgeBand,
    ReligionOrBelief,
    SexualOrientation,
}
