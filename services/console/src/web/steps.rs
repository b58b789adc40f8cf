//! Every step of the procedure as a form, through one path: the form is
//! read, turned into the request, the service called with the person's
//! token, and then either a redirect with a flash message or the form
//! again with what was typed and the service's errors next to the fields
//! (POST/redirect/GET). Each step is one [`Step`] declaration in [`STEPS`].
//!
//! Double submission: a step on a complaint carries the complaint's
//! version as the form was shown, and sends it as the command's
//! `expected_version`; the complaints service refuses the step, appending
//! nothing, when the complaint has changed since (a second press of the
//! button, or someone else's step in between). The form is then shown
//! again as typed, at the complaint's current version, saying so and
//! listing what changed.

use super::{App, Fields, Shared, Staff, see_other};
use crate::error::{CallError, FieldError};
use crate::present;
use crate::services::Services;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use complaints_proto::v1 as pb;
use minijinja::context;
use platform::staff::Directory;
use serde::Serialize;
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/complaints/{id}/steps/{slug}",
            get(complaint_form).post(complaint_submit),
        )
        .route(
            "/submissions/{id}/steps/{slug}",
            get(submission_form).post(submission_submit),
        )
        .route(
            "/regulator-notices/{id}/steps/{slug}",
            get(notice_form).post(notice_submit),
        )
        .route("/regulator-notices/new", get(new_notice))
}

/// What a step acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// A complaint, by its reference.
    Complaint,
    /// A submission in triage, by its id.
    Submission,
    /// A regulator notice, by its id ("new" to record one).
    Notice,
}

/// How a field is entered.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    TextArea,
    /// Day, month and year in three inputs.
    Date,
    /// Pounds and pence, e.g. 125.50.
    Money,
    /// A whole number (an action's number).
    Number,
    Select(&'static [(&'static str, &'static str)]),
    Radios(&'static [(&'static str, &'static str)]),
    Checkboxes(&'static [(&'static str, &'static str)]),
    /// One yes/no checkbox; the label is the field's.
    Checkbox,
    /// A member of staff, by staff id: chosen by name from the staff
    /// directory (a text box when the console has none).
    Staff,
}

/// One field of a step's form. `name` is the request's field name, so
/// the service's violations land next to it.
#[derive(Debug)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub kind: Kind,
}

const fn field(name: &'static str, label: &'static str, hint: &'static str, kind: Kind) -> Field {
    Field {
        name,
        label,
        hint,
        kind,
    }
}

/// What a successful step says, and where the person goes next.
#[derive(Debug)]
pub struct Done {
    pub flash: String,
    pub redirect: Option<String>,
}

type Outcome = Pin<Box<dyn Future<Output = Result<Done, CallError>> + Send>>;

/// One step of the procedure.
pub struct Step {
    pub slug: &'static str,
    pub target: Target,
    /// The page's heading, in the procedure's words.
    pub title: &'static str,
    /// Who does this step.
    pub who: &'static str,
    /// What the procedure says about it.
    pub intro: &'static str,
    pub button: &'static str,
    pub fields: &'static [Field],
    /// When the complaint's page offers it.
    pub shown: Shown,
    pub call: fn(Call) -> Outcome,
}

/// When a complaint's page lists a step: most always (the service decides
/// whether it is allowed), a few only when the complaint is in the state
/// they act on, so the page does not offer what cannot apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Always,
    /// R-UPC-1: a contact restriction is in force.
    WhenRestricted,
    /// R-UPC-2: new issues raised late wait for a staff decision.
    WhenNewIssuesWaiting,
    /// R-S2-1, R-S3-1: the open complaint's current stage (1 or 2) has its
    /// outcome, whose receipt starts the window to ask for the next stage.
    WhenOutcomeIssued,
}

impl Step {
    /// Whether the page of a complaint in `view`'s state offers this step.
    pub fn shown_for(&self, view: &pb::ComplaintView) -> bool {
        match self.shown {
            Shown::Always => true,
            Shown::WhenRestricted => view.contact_restricted,
            Shown::WhenNewIssuesWaiting => view.new_issues_awaiting_decision,
            Shown::WhenOutcomeIssued => {
                !view.closed
                    && view.stage != pb::Stage::Stage3 as i32
                    && view.outcomes.iter().any(|o| o.stage == view.stage)
            }
        }
    }
}

impl std::fmt::Debug for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.slug)
    }
}

/// The step as it is called: who, on what, with the form as typed.
/// Reading a field that cannot be parsed notes an error against it; the
/// call is made only when there is none ([`Call::check`]).
#[derive(Debug)]
pub struct Call {
    pub services: Services,
    pub token: String,
    pub acting: String,
    pub id: String,
    pub form: Fields,
    /// The complaint's version the form was shown with.
    pub expected_version: Option<u64>,
    /// Staff by name, for what a step says it did.
    pub staff: std::sync::Arc<Directory>,
    errors: Vec<FieldError>,
}

impl Call {
    fn command(&self) -> Option<pb::ComplaintCommand> {
        Some(pb::ComplaintCommand {
            reference: self.id.clone(),
            acting_user: self.acting.clone(),
            expected_version: self.expected_version,
            ..Default::default()
        })
    }

    fn text(&self, name: &str) -> String {
        self.form.get(name).to_owned()
    }

    fn error(&mut self, name: &str, message: &str) {
        self.errors.push(FieldError {
            field: name.to_owned(),
            message: message.to_owned(),
        });
    }

    /// A date from its three inputs; none when all three are empty.
    fn date(&mut self, name: &str) -> Option<pb::Date> {
        let part = |p: &str| self.form.get(&format!("{name}-{p}")).to_owned();
        let (d, m, y) = (part("day"), part("month"), part("year"));
        if d.is_empty() && m.is_empty() && y.is_empty() {
            return None;
        }
        let parsed = (d.parse::<u32>(), m.parse::<u32>(), y.parse::<i32>());
        match parsed {
            (Ok(d), Ok(m), Ok(y)) if (1900..=2200).contains(&y) => {
                match chrono::NaiveDate::from_ymd_opt(y, m, d) {
                    Some(date) => Some(present::pb_date(date)),
                    None => {
                        self.error(name, "Enter a real date");
                        None
                    }
                }
            }
            _ => {
                self.error(
                    name,
                    "Enter the date as a day, month and year, for example 27 3 2026",
                );
                None
            }
        }
    }

    /// A date whose form says "leave empty for today".
    fn date_or_today(&mut self, name: &str) -> Option<pb::Date> {
        let all_empty = ["day", "month", "year"]
            .iter()
            .all(|p| self.form.get(&format!("{name}-{p}")).is_empty());
        if all_empty {
            return Some(present::pb_date(calendar::uk_date(chrono::Utc::now())));
        }
        self.date(name)
    }

    /// An amount in pence from pounds and pence ("125.50", "£125").
    fn money(&mut self, name: &str) -> Option<pb::Money> {
        let text = self.form.get(name).trim_start_matches('£').replace(',', "");
        if text.is_empty() {
            return None;
        }
        let (pounds, pence) = text.split_once('.').unwrap_or((&text, "0"));
        let pence = if pence.len() == 1 {
            format!("{pence}0")
        } else {
            pence.to_owned()
        };
        match (pounds.parse::<i64>(), pence.parse::<i64>()) {
            (Ok(pounds), Ok(p)) if pounds >= 0 && pence.len() == 2 && (0..100).contains(&p) => {
                Some(pb::Money {
                    pence: pounds.saturating_mul(100).saturating_add(p),
                })
            }
            _ => {
                self.error(name, "Enter an amount in pounds, for example 125.50");
                None
            }
        }
    }

    fn number(&mut self, name: &str) -> u32 {
        match self.form.get(name).parse() {
            Ok(n) => n,
            Err(_) => {
                self.error(name, "Enter the action's number");
                0
            }
        }
    }

    /// The value of a select or radios, as the enum's number; 0 (none)
    /// when nothing was chosen, for the service to refuse by its rule.
    fn choice(&self, name: &str, values: &[(&str, i32)]) -> i32 {
        let chosen = self.form.get(name);
        values
            .iter()
            .find(|(k, _)| *k == chosen)
            .map_or(0, |(_, v)| *v)
    }

    fn checked(&self, name: &str) -> bool {
        !self.form.get(name).is_empty()
    }

    /// The errors noted while reading the form, if any.
    fn check(&mut self) -> Result<(), CallError> {
        if self.errors.is_empty() {
            return Ok(());
        }
        let fields = std::mem::take(&mut self.errors);
        Err(CallError::Refused {
            message: fields
                .iter()
                .map(|e| e.message.clone())
                .collect::<Vec<_>>()
                .join("; "),
            fields,
        })
    }

    fn complaints(
        &self,
    ) -> complaints_proto::v1::complaints_client::ComplaintsClient<crate::services::As> {
        self.services.complaints(&self.token)
    }

    fn intake(&self) -> complaints_proto::v1::intake_client::IntakeClient<crate::services::As> {
        self.services.intake(&self.token)
    }

    fn done(&self, flash: impl Into<String>) -> Result<Done, CallError> {
        Ok(Done {
            flash: flash.into(),
            redirect: None,
        })
    }
}

fn boxed(f: impl Future<Output = Result<Done, CallError>> + Send + 'static) -> Outcome {
    Box::pin(f)
}

const ROLES: &[(&str, &str)] = &[
    ("handler", "Handler (Stage 1)"),
    ("manager", "Relevant manager (Stage 2)"),
    (
        "compliance_manager",
        "Corporate Compliance Manager (Stage 3)",
    ),
];
const CONTACT_METHODS: &[(&str, &str)] = &[
    ("telephone", "Telephone"),
    ("email", "Email"),
    ("post", "Post"),
    ("in_person", "In person"),
    ("video_call", "Video call"),
];
const STAGES: &[(&str, &str)] = &[("1", "Stage 1"), ("2", "Stage 2"), ("3", "Stage 3")];
const DECISIONS: &[(&str, &str)] = &[
    ("upheld", "Upheld"),
    ("partly_upheld", "Partly upheld"),
    ("not_upheld", "Not upheld"),
];
const REMEDIES: &[(&str, &str)] = &[
    ("", "No remedy"),
    ("apology", "An apology"),
    ("explanation", "An explanation"),
    (
        "acknowledgement_of_responsibility",
        "An acknowledgement of responsibility",
    ),
    ("change_decision", "A change to the decision"),
    (
        "revise_published_material",
        "A revision of published material",
    ),
    ("revise_procedures", "A revision of procedures"),
    (
        "train_or_supervise_staff",
        "Training or supervision of staff",
    ),
    ("financial_compensation", "Financial compensation"),
];
const STAGE2_GROUNDS: &[(&str, &str)] = &[
    (
        "not_understood",
        "(a) The complaint was not fully understood or not investigated thoroughly",
    ),
    (
        "points_not_answered",
        "(b) Not all points of the complaint were responded to",
    ),
    (
        "no_response_in_timescale",
        "(c) No response within the agreed timescale and no indication when",
    ),
];
const DEADLINE_KINDS: &[(&str, &str)] = &[
    ("first_contact", "First contact"),
    ("agreed_timescale", "Agreed timescale"),
    ("stage2_response", "Stage 2 response"),
    ("stage3_acknowledgement", "Stage 3 acknowledgement"),
    ("stage3_response", "Stage 3 response"),
];
const ACTION_KINDS: &[(&str, &str)] = &[
    ("follow_up", "Follow-up action"),
    ("improvement", "Improvement action"),
];
const LEGAL_BASES: &[(&str, &str)] = &[
    ("regulator", "A regulator"),
    ("police", "The police"),
    ("statutory_body", "A statutory body"),
    ("legal_adviser", "Our legal adviser"),
    ("insurer", "Our insurer"),
];
const YES_NO: &[(&str, &str)] = &[("yes", "Yes"), ("no", "No")];
/// The stages whose outcome opens a window to ask for the next (R-S2-1,
/// R-S3-1).
const STAGES_WITH_WINDOW: &[(&str, &str)] = &[("1", "Stage 1"), ("2", "Stage 2")];
const NEW_ISSUES_DECISIONS: &[(&str, &str)] = &[
    (
        "compelling",
        "There is a compelling reason: open them as a new complaint",
    ),
    ("decline", "There is none: decline them"),
];

fn remedy_kind(value: &str) -> i32 {
    use pb::RemedyKind as R;
    let kind = match value {
        "apology" => R::Apology,
        "explanation" => R::Explanation,
        "acknowledgement_of_responsibility" => R::AcknowledgementOfResponsibility,
        "change_decision" => R::ChangeDecision,
        "revise_published_material" => R::RevisePublishedMaterial,
        "revise_procedures" => R::ReviseProcedures,
        "train_or_supervise_staff" => R::TrainOrSuperviseStaff,
        "financial_compensation" => R::FinancialCompensation,
        _ => R::Unspecified,
    };
    kind as i32
}

fn stage_of(c: &Call, name: &str) -> i32 {
    c.choice(
        name,
        &[
            ("1", pb::Stage::Stage1 as i32),
            ("2", pb::Stage::Stage2 as i32),
            ("3", pb::Stage::Stage3 as i32),
        ],
    )
}

fn planned(c: &mut Call, prefix: &str) -> Option<pb::PlannedActionInput> {
    let description = c.text(&format!("{prefix}_description"));
    let owner = c.text(&format!("{prefix}_owner"));
    let due_on = c.date(&format!("{prefix}_due_on"));
    if description.is_empty() && owner.is_empty() && due_on.is_none() {
        return None;
    }
    Some(pb::PlannedActionInput {
        description,
        owner,
        due_on,
        ..Default::default()
    })
}

/// Every step, in the order the complaint page lists them.
pub static STEPS: &[Step] = &[
    Step {
        slug: "assign",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Assign the complaint",
        who: "A line manager; at Stage 3 the Corporate Compliance Manager",
        intro: "Allocate the current stage: a member of staff at Stage 1, the relevant manager at Stage 2 (R-S2-3), the Corporate Compliance Manager at Stage 3 (R-S3-3).",
        button: "Assign",
        fields: &[
            field("handler", "Who deals with it", "", Kind::Staff),
            field("team", "Their team", "", Kind::Text),
            field("role", "In what capacity", "", Kind::Radios(ROLES)),
        ],
        call: |mut c| {
            boxed(async move {
                let role = c.choice(
                    "role",
                    &[
                        ("handler", pb::HandlerRole::Handler as i32),
                        ("manager", pb::HandlerRole::Manager as i32),
                        (
                            "compliance_manager",
                            pb::HandlerRole::ComplianceManager as i32,
                        ),
                    ],
                );
                c.check()?;
                let view = c
                    .complaints()
                    .assign_handler(pb::AssignHandlerRequest {
                        command: c.command(),
                        handler: c.text("handler"),
                        team: c.text("team"),
                        role,
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                c.done(format!(
                    "{} is assigned to {}.",
                    view.reference,
                    present::staff(&c.staff, &view.handler)
                ))
            })
        },
    },
    Step {
        slug: "record-contact",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Record a contact with the complainant",
        who: "The member of staff dealing with it",
        intro: "Make contact within 7 working days of receiving a written complaint to discuss it and agree how it will be dealt with (R-S1-1, R-INT-9).",
        button: "Record the contact",
        fields: &[
            field(
                "at",
                "Date of the contact",
                "For example, 27 3 2026. Leave empty for today.",
                Kind::Date,
            ),
            field("method", "How", "", Kind::Radios(CONTACT_METHODS)),
            field(
                "summary",
                "What was discussed",
                "Do not repeat personal details that are not needed.",
                Kind::TextArea,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let at = c.date("at");
                let method = c.choice(
                    "method",
                    &[
                        ("telephone", pb::ContactMethod::Telephone as i32),
                        ("email", pb::ContactMethod::Email as i32),
                        ("post", pb::ContactMethod::Post as i32),
                        ("in_person", pb::ContactMethod::InPerson as i32),
                        ("video_call", pb::ContactMethod::VideoCall as i32),
                    ],
                );
                c.check()?;
                let at = contact_time(at);
                c.complaints()
                    .record_contact(pb::RecordContactRequest {
                        command: c.command(),
                        at: Some(at),
                        method,
                        summary: c.text("summary"),
                        ..Default::default()
                    })
                    .await?;
                c.done("The contact is recorded.")
            })
        },
    },
    Step {
        slug: "agree-timescale",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Record the timescale agreed with the complainant",
        who: "The member of staff dealing with it",
        intro: "Agree with the complainant a timescale for responding (R-S1-2).",
        button: "Record the timescale",
        fields: &[field(
            "due_on",
            "Respond by",
            "For example, 27 3 2026",
            Kind::Date,
        )],
        call: |mut c| {
            boxed(async move {
                let due_on = c.date("due_on");
                c.check()?;
                c.complaints()
                    .agree_timescale(pb::AgreeTimescaleRequest {
                        command: c.command(),
                        due_on,
                        ..Default::default()
                    })
                    .await?;
                c.done("The agreed timescale is recorded.")
            })
        },
    },
    Step {
        slug: "record-update",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Record an update to the complainant",
        who: "Whoever deals with the current stage",
        intro: "If a response cannot be given in time, update the complainant with the reasons and a revised date (R-S1-2, R-S2-4, R-S3-5).",
        button: "Record the update",
        fields: &[
            field("reason", "Reason for the update", "", Kind::TextArea),
            field(
                "revised_due_on",
                "Revised date (optional)",
                "For example, 27 3 2026",
                Kind::Date,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let revised_due_on = c.date("revised_due_on");
                c.check()?;
                c.complaints()
                    .record_update(pb::RecordUpdateRequest {
                        command: c.command(),
                        reason: c.text("reason"),
                        revised_due_on,
                        ..Default::default()
                    })
                    .await?;
                c.done("The update is recorded.")
            })
        },
    },
    Step {
        slug: "refer-to-line-manager",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Refer to the line manager",
        who: "The member of staff dealing with it at Stage 1",
        intro: "If the complaint cannot be resolved at Stage 1, refer it to your line manager: this is Stage 2 (R-S1-3).",
        button: "Refer to the line manager",
        fields: &[
            field("manager", "The line manager", "", Kind::Staff),
            field("team", "Their team", "", Kind::Text),
        ],
        call: |c| {
            boxed(async move {
                c.complaints()
                    .refer_to_line_manager(pb::ReferToLineManagerRequest {
                        command: c.command(),
                        manager: c.text("manager"),
                        team: c.text("team"),
                        ..Default::default()
                    })
                    .await?;
                // The complaint may now be out of the person's reach: back to the queue.
                Ok(Done {
                    flash: format!(
                        "{}: {}",
                        c.id, "The complaint is referred to the line manager at Stage 2."
                    ),
                    redirect: Some("/queue".into()),
                })
            })
        },
    },
    Step {
        slug: "record-outcome",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Record the outcome",
        who: "Whoever deals with the current stage",
        intro: "Write to the complainant with the findings and the decision, and any remedy if the complaint is upheld or partly upheld (R-OUT-1, R-OUT-2). If a failure in the assessment process was found, plan the three actions (R-OUT-4).",
        button: "Record the outcome",
        fields: &[
            field("stage", "Stage", "", Kind::Select(STAGES)),
            field("decision", "Decision", "", Kind::Radios(DECISIONS)),
            field("findings", "Findings", "", Kind::TextArea),
            field("remedies_0_kind", "Remedy", "", Kind::Select(REMEDIES)),
            field(
                "remedies_0_description",
                "What the remedy is",
                "",
                Kind::TextArea,
            ),
            field(
                "remedies_0_compensation",
                "Compensation amount, in pounds",
                "Financial compensation only, for example 125.50",
                Kind::Money,
            ),
            field(
                "remedies_0_expected_payment_on",
                "Expected payment date",
                "Financial compensation only",
                Kind::Date,
            ),
            field(
                "remedies_1_kind",
                "A second remedy",
                "",
                Kind::Select(REMEDIES),
            ),
            field(
                "remedies_1_description",
                "What the second remedy is",
                "",
                Kind::TextArea,
            ),
            field(
                "remedies_1_compensation",
                "Compensation amount of the second remedy, in pounds",
                "",
                Kind::Money,
            ),
            field(
                "remedies_1_expected_payment_on",
                "Expected payment date of the second remedy",
                "",
                Kind::Date,
            ),
            field(
                "assessment_failure_found",
                "A failure in the assessment process was found",
                "",
                Kind::Checkbox,
            ),
            field(
                "identify_affected_learners_description",
                "Identify affected learners: what will be done",
                "",
                Kind::TextArea,
            ),
            field(
                "identify_affected_learners_owner",
                "Identify affected learners: owner",
                "",
                Kind::Staff,
            ),
            field(
                "identify_affected_learners_due_on",
                "Identify affected learners: due by",
                "",
                Kind::Date,
            ),
            field(
                "correct_or_mitigate_description",
                "Correct or mitigate: what will be done",
                "",
                Kind::TextArea,
            ),
            field(
                "correct_or_mitigate_owner",
                "Correct or mitigate: owner",
                "",
                Kind::Staff,
            ),
            field(
                "correct_or_mitigate_due_on",
                "Correct or mitigate: due by",
                "",
                Kind::Date,
            ),
            field(
                "prevent_recurrence_description",
                "Prevent recurrence: what will be done",
                "",
                Kind::TextArea,
            ),
            field(
                "prevent_recurrence_owner",
                "Prevent recurrence: owner",
                "",
                Kind::Staff,
            ),
            field(
                "prevent_recurrence_due_on",
                "Prevent recurrence: due by",
                "",
                Kind::Date,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let stage = stage_of(&c, "stage");
                let decision = c.choice(
                    "decision",
                    &[
                        ("upheld", pb::Decision::Upheld as i32),
                        ("partly_upheld", pb::Decision::PartlyUpheld as i32),
                        ("not_upheld", pb::Decision::NotUpheld as i32),
                    ],
                );
                let mut remedies = Vec::new();
                for i in 0..2 {
                    let kind = remedy_kind(c.form.get(&format!("remedies_{i}_kind")));
                    let compensation = c.money(&format!("remedies_{i}_compensation"));
                    let expected_payment_on = c.date(&format!("remedies_{i}_expected_payment_on"));
                    let description = c.text(&format!("remedies_{i}_description"));
                    if kind != 0 || !description.is_empty() {
                        remedies.push(pb::RemedyInput {
                            kind,
                            description,
                            compensation,
                            expected_payment_on,
                            ..Default::default()
                        });
                    }
                }
                let identify = planned(&mut c, "identify_affected_learners");
                let correct = planned(&mut c, "correct_or_mitigate");
                let prevent = planned(&mut c, "prevent_recurrence");
                c.check()?;
                let view = c
                    .complaints()
                    .record_outcome(pb::RecordOutcomeRequest {
                        command: c.command(),
                        stage,
                        decision,
                        findings: c.text("findings"),
                        remedies,
                        assessment_failure_found: c.checked("assessment_failure_found"),
                        identify_affected_learners: identify,
                        correct_or_mitigate: correct,
                        prevent_recurrence: prevent,
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                c.done(if view.closed {
                    "The outcome is recorded. The complaint is closed.".to_owned()
                } else {
                    "The outcome is recorded.".to_owned()
                })
            })
        },
    },
    Step {
        slug: "request-stage-2",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Record a request for Stage 2",
        who: "Whoever receives the complainant's request",
        intro: "The complainant may ask for Stage 2 within 14 days of receiving the Stage 1 outcome, on one or more of the grounds (R-S1-4, R-S2-1).",
        button: "Record the Stage 2 request",
        fields: &[
            field(
                "grounds",
                "Grounds",
                "Select all the complainant gives",
                Kind::Checkboxes(STAGE2_GROUNDS),
            ),
            field("reasons", "The complainant's reasons", "", Kind::TextArea),
            field(
                "received_on",
                "Date the request was received",
                "Leave empty for today",
                Kind::Date,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let received_on = c.date_or_today("received_on");
                c.check()?;
                let grounds = c
                    .form
                    .all("grounds")
                    .into_iter()
                    .filter_map(|g| match g {
                        "not_understood" => Some(pb::Grounds::NotUnderstood as i32),
                        "points_not_answered" => Some(pb::Grounds::PointsNotAnswered as i32),
                        "no_response_in_timescale" => {
                            Some(pb::Grounds::NoResponseInTimescale as i32)
                        }
                        _ => None,
                    })
                    .collect();
                c.complaints()
                    .request_escalation(pb::RequestEscalationRequest {
                        command: c.command(),
                        to_stage: pb::Stage::Stage2 as i32,
                        grounds,
                        reasons: c.text("reasons"),
                        outcome_sought: String::new(),
                        received_on,
                        ..Default::default()
                    })
                    .await?;
                // The complaint may now be out of the person's reach: back to the queue.
                Ok(Done {
                    flash: format!("{}: {}", c.id, "The complaint is at Stage 2."),
                    redirect: Some("/queue".into()),
                })
            })
        },
    },
    Step {
        slug: "request-stage-3",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Record a request for Stage 3",
        who: "Whoever receives the complainant's request",
        intro: "The complainant may ask for Stage 3 within 14 days of receiving the Stage 2 outcome, giving the reasons they are dissatisfied and the outcome they seek (R-S3-1, R-S3-2).",
        button: "Record the Stage 3 request",
        fields: &[
            field(
                "reasons",
                "Why the complainant is dissatisfied with the Stage 2 outcome",
                "",
                Kind::TextArea,
            ),
            field(
                "outcome_sought",
                "The outcome the complainant seeks",
                "",
                Kind::TextArea,
            ),
            field(
                "received_on",
                "Date the request was received",
                "Leave empty for today",
                Kind::Date,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let received_on = c.date_or_today("received_on");
                c.check()?;
                c.complaints()
                    .request_escalation(pb::RequestEscalationRequest {
                        command: c.command(),
                        to_stage: pb::Stage::Stage3 as i32,
                        grounds: vec![pb::Grounds::DissatisfiedWithOutcome as i32],
                        reasons: c.text("reasons"),
                        outcome_sought: c.text("outcome_sought"),
                        received_on,
                        ..Default::default()
                    })
                    .await?;
                // The complaint may now be out of the person's reach: back to the queue.
                Ok(Done {
                    flash: format!(
                        "{}: {}",
                        c.id, "The complaint is at Stage 3, with the Corporate Compliance Manager."
                    ),
                    redirect: Some("/queue".into()),
                })
            })
        },
    },
    Step {
        slug: "acknowledge-stage-3",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Record the Stage 3 acknowledgement",
        who: "The Corporate Compliance Manager",
        intro: "Acknowledge a Stage 3 request within 5 working days, giving the reference (R-S3-4).",
        button: "Record the acknowledgement",
        fields: &[],
        call: |c| {
            boxed(async move {
                c.complaints()
                    .acknowledge_stage3(c.command().unwrap_or_default())
                    .await?;
                c.done("The Stage 3 acknowledgement is recorded.")
            })
        },
    },
    Step {
        slug: "record-receipt",
        target: Target::Complaint,
        shown: Shown::WhenOutcomeIssued,
        title: "Record when the complainant received the outcome",
        who: "Whoever may record the stage's outcome",
        intro: "If the outcome did not reach the complainant as reported (the letter came back, it was sent again, or no delivery was reported), record the day they received it and why. The 14 days to ask for the next stage then run from that day, or from a later delivery reported, whichever is later (R-S2-1, R-S3-1).",
        button: "Record the day received",
        fields: &[
            field("stage", "Outcome of", "", Kind::Radios(STAGES_WITH_WINDOW)),
            field(
                "received_on",
                "Day the complainant received it",
                "Not before the outcome was issued, and not after today. For example, 27 3 2026",
                Kind::Date,
            ),
            field(
                "resent",
                "Was the outcome sent again?",
                "",
                Kind::Radios(YES_NO),
            ),
            field(
                "reason",
                "Why the reported delivery does not stand",
                "",
                Kind::TextArea,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let received_on = c.date("received_on");
                c.check()?;
                c.complaints()
                    .record_receipt_by_hand(pb::RecordReceiptByHandRequest {
                        command: c.command(),
                        stage: stage_of(&c, "stage"),
                        received_on,
                        resent: c.form.get("resent") == "yes",
                        reason: c.text("reason"),
                    })
                    .await?;
                c.done("The day the complainant received the outcome is recorded.")
            })
        },
    },
    Step {
        slug: "decide-investigation",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Decide whether further investigation is warranted",
        who: "The Corporate Compliance Manager",
        intro: "Review the complaint and decide whether further investigation is warranted, and why (R-S3-3).",
        button: "Record the decision",
        fields: &[
            field(
                "warranted",
                "Is further investigation warranted?",
                "",
                Kind::Radios(YES_NO),
            ),
            field("reason", "Why", "", Kind::TextArea),
        ],
        call: |c| {
            boxed(async move {
                c.complaints()
                    .decide_investigation(pb::DecideInvestigationRequest {
                        command: c.command(),
                        warranted: c.form.get("warranted") == "yes",
                        reason: c.text("reason"),
                        ..Default::default()
                    })
                    .await?;
                c.done("The decision on investigation is recorded.")
            })
        },
    },
    Step {
        slug: "extend-deadline",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Extend a deadline",
        who: "Whoever deals with the current stage",
        intro: "Move a live deadline later, giving the reason; the complainant is told.",
        button: "Extend the deadline",
        fields: &[
            field("kind", "Which deadline", "", Kind::Select(DEADLINE_KINDS)),
            field("stage", "Stage", "", Kind::Select(STAGES)),
            field("due_on", "New date", "For example, 27 3 2026", Kind::Date),
            field("reason", "Reason", "", Kind::TextArea),
        ],
        call: |mut c| {
            boxed(async move {
                use pb::DeadlineKind as K;
                let kind = c.choice(
                    "kind",
                    &[
                        ("first_contact", K::FirstContact as i32),
                        ("agreed_timescale", K::AgreedTimescale as i32),
                        ("stage2_response", K::Stage2Response as i32),
                        ("stage3_acknowledgement", K::Stage3Acknowledgement as i32),
                        ("stage3_response", K::Stage3Response as i32),
                    ],
                );
                let stage = stage_of(&c, "stage");
                let due_on = c.date("due_on");
                c.check()?;
                c.complaints()
                    .extend_deadline(pb::ExtendDeadlineRequest {
                        command: c.command(),
                        kind,
                        stage,
                        due_on,
                        reason: c.text("reason"),
                        ..Default::default()
                    })
                    .await?;
                c.done("The deadline is extended.")
            })
        },
    },
    Step {
        slug: "add-action",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Add a follow-up or improvement action",
        who: "Whoever deals with the current stage",
        intro: "Every action has one owner and a due date and is tracked to completion (R-OUT-3, R-MON-2).",
        button: "Add the action",
        fields: &[
            field("kind", "Kind of action", "", Kind::Radios(ACTION_KINDS)),
            field("description", "What will be done", "", Kind::TextArea),
            field("owner", "Owner", "", Kind::Staff),
            field("due_on", "Due by", "For example, 27 3 2026", Kind::Date),
        ],
        call: |mut c| {
            boxed(async move {
                let kind = c.choice(
                    "kind",
                    &[
                        ("follow_up", pb::ActionKind::FollowUp as i32),
                        ("improvement", pb::ActionKind::Improvement as i32),
                    ],
                );
                let due_on = c.date("due_on");
                c.check()?;
                c.complaints()
                    .add_action(pb::AddActionRequest {
                        command: c.command(),
                        kind,
                        description: c.text("description"),
                        owner: c.text("owner"),
                        due_on,
                        ..Default::default()
                    })
                    .await?;
                c.done("The action is added.")
            })
        },
    },
    Step {
        slug: "reassign-action",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Give an action to another owner",
        who: "Whoever deals with the current stage",
        intro: "An action always has exactly one owner (R-OUT-3).",
        button: "Reassign the action",
        fields: &[
            field(
                "action_id",
                "Action number",
                "As listed on the complaint's page",
                Kind::Number,
            ),
            field("owner", "New owner", "", Kind::Staff),
            field("reason", "Reason", "", Kind::TextArea),
        ],
        call: |mut c| {
            boxed(async move {
                let action_id = c.number("action_id");
                c.check()?;
                c.complaints()
                    .reassign_action(pb::ReassignActionRequest {
                        command: c.command(),
                        action_id,
                        owner: c.text("owner"),
                        reason: c.text("reason"),
                        ..Default::default()
                    })
                    .await?;
                c.done("The action is reassigned.")
            })
        },
    },
    Step {
        slug: "complete-action",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Complete an action",
        who: "The action's owner",
        intro: "Record that an action is done (R-MON-2).",
        button: "Complete the action",
        fields: &[
            field(
                "action_id",
                "Action number",
                "As listed on the complaint's page",
                Kind::Number,
            ),
            field("note", "What was done", "", Kind::TextArea),
        ],
        call: |mut c| {
            boxed(async move {
                let action_id = c.number("action_id");
                c.check()?;
                c.complaints()
                    .complete_action(pb::CompleteActionRequest {
                        command: c.command(),
                        action_id,
                        note: c.text("note"),
                        ..Default::default()
                    })
                    .await?;
                c.done("The action is complete.")
            })
        },
    },
    Step {
        slug: "regulator-referral",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Record a referral to a regulator",
        who: "The Corporate Compliance Manager",
        intro: "Once the procedure is exhausted the complainant may refer the complaint to the regulator; the history is the evidence (R-REG-2).",
        button: "Record the referral",
        fields: &[
            field("regulator", "Regulator", "For example, Ofqual", Kind::Text),
            field(
                "referred_on",
                "Date referred",
                "For example, 27 3 2026",
                Kind::Date,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let referred_on = c.date("referred_on");
                c.check()?;
                c.complaints()
                    .record_regulator_referral(pb::RecordRegulatorReferralRequest {
                        command: c.command(),
                        regulator: c.text("regulator"),
                        referred_on,
                        ..Default::default()
                    })
                    .await?;
                c.done("The referral to the regulator is recorded.")
            })
        },
    },
    Step {
        slug: "restrict-contact",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Restrict contact",
        who: "A line manager or the Corporate Compliance Manager",
        intro: "Under the Unreasonably Persistent Contact policy, contact may be restricted, with the reason and a date to review it (R-UPC-1).",
        button: "Restrict contact",
        fields: &[
            field("reason", "Reason", "", Kind::TextArea),
            field(
                "review_on",
                "Review the restriction on",
                "For example, 27 3 2026",
                Kind::Date,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let review_on = c.date("review_on");
                c.check()?;
                c.complaints()
                    .restrict_contact(pb::RestrictContactRequest {
                        command: c.command(),
                        reason: c.text("reason"),
                        review_on,
                        ..Default::default()
                    })
                    .await?;
                c.done("Contact is restricted.")
            })
        },
    },
    Step {
        slug: "lift-restriction",
        target: Target::Complaint,
        shown: Shown::WhenRestricted,
        title: "Lift the contact restriction",
        who: "A line manager or the Corporate Compliance Manager",
        intro: "A contact restriction is reviewed by its review date and lifted when it is no longer needed, with the reason (R-UPC-1).",
        button: "Lift the restriction",
        fields: &[field("reason", "Why it is lifted", "", Kind::TextArea)],
        call: |c| {
            boxed(async move {
                c.complaints()
                    .lift_restriction(pb::LiftRestrictionRequest {
                        command: c.command(),
                        reason: c.text("reason"),
                        ..Default::default()
                    })
                    .await?;
                c.done("The contact restriction is lifted.")
            })
        },
    },
    Step {
        slug: "record-disclosure",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Record a disclosure to a third party",
        who: "Whoever deals with the current stage",
        intro: "Information is disclosed to a third party only where the law requires it; record to whom, what and under which requirement (R-CONF-3).",
        button: "Record the disclosure",
        fields: &[
            field("recipient", "Disclosed to", "", Kind::Text),
            field(
                "legal_basis",
                "Legal requirement",
                "",
                Kind::Select(LEGAL_BASES),
            ),
            field("what", "What was disclosed", "", Kind::TextArea),
            field(
                "disclosed_on",
                "Date disclosed",
                "Leave empty for today",
                Kind::Date,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                use pb::LegalBasis as L;
                let legal_basis = c.choice(
                    "legal_basis",
                    &[
                        ("regulator", L::Regulator as i32),
                        ("police", L::Police as i32),
                        ("statutory_body", L::StatutoryBody as i32),
                        ("legal_adviser", L::LegalAdviser as i32),
                        ("insurer", L::Insurer as i32),
                    ],
                );
                let disclosed_on = c.date_or_today("disclosed_on");
                c.check()?;
                c.complaints()
                    .record_disclosure(pb::RecordDisclosureRequest {
                        command: c.command(),
                        recipient: c.text("recipient"),
                        legal_basis,
                        what: c.text("what"),
                        disclosed_on,
                        ..Default::default()
                    })
                    .await?;
                c.done("The disclosure is recorded.")
            })
        },
    },
    Step {
        slug: "information-permission",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Record permission to obtain information",
        who: "Whoever deals with the current stage",
        intro: "Information is obtained from a third party only with the individual's written permission (R-INT-5).",
        button: "Record the permission",
        fields: &[
            field("third_party", "From whom", "", Kind::Text),
            field("scope", "What information", "", Kind::TextArea),
            field(
                "given_on",
                "Date given",
                "Leave empty for today",
                Kind::Date,
            ),
            field(
                "in_writing",
                "The permission was given in writing",
                "",
                Kind::Checkbox,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let given_on = c.date_or_today("given_on");
                c.check()?;
                c.complaints()
                    .record_information_permission(pb::RecordInformationPermissionRequest {
                        command: c.command(),
                        third_party: c.text("third_party"),
                        scope: c.text("scope"),
                        given_on,
                        in_writing: c.checked("in_writing"),
                        ..Default::default()
                    })
                    .await?;
                c.done("The permission is recorded.")
            })
        },
    },
    Step {
        slug: "resolve-outside-procedure",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Resolve outside the procedure",
        who: "The member of staff dealing with it",
        intro: "A matter resolved at once need not go through the procedure, but it is recorded (R-INT-7).",
        button: "Record the resolution",
        fields: &[field("how", "How it was resolved", "", Kind::TextArea)],
        call: |c| {
            boxed(async move {
                c.complaints()
                    .resolve_outside_procedure(pb::ResolveOutsideProcedureRequest {
                        command: c.command(),
                        how: c.text("how"),
                        ..Default::default()
                    })
                    .await?;
                c.done("The resolution is recorded. The complaint is closed.")
            })
        },
    },
    Step {
        slug: "raise-new-issues",
        target: Target::Complaint,
        shown: Shown::Always,
        title: "Raise new issues",
        who: "Any member of staff dealing with the complainant",
        intro: "New issues after closure are a new complaint, linked to this one, when raised within 6 months of the complainant becoming aware of them; later ones wait for a decision on whether there is a compelling reason to consider them (R-UPC-2).",
        button: "Record the new issues",
        fields: &[
            field("description", "The new issues", "", Kind::TextArea),
            field(
                "became_aware_on",
                "Date the complainant became aware of them",
                "Leave empty for today",
                Kind::Date,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let became_aware_on = c.date_or_today("became_aware_on");
                c.check()?;
                let view = c
                    .complaints()
                    .raise_new_issues(pb::RaiseNewIssuesRequest {
                        command: c.command(),
                        description: c.text("description"),
                        became_aware_on,
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                let opened = view.new_complaints.last().cloned().unwrap_or_default();
                c.done(if view.new_issues_awaiting_decision {
                    "The new issues are recorded. They were raised more than 6 months after the complainant became aware of them, so they wait for a decision.".to_owned()
                } else if opened.is_empty() {
                    "The new issues are recorded.".to_owned()
                } else {
                    format!("The new issues are recorded as {opened}.")
                })
            })
        },
    },
    Step {
        slug: "decide-new-issues",
        target: Target::Complaint,
        shown: Shown::WhenNewIssuesWaiting,
        title: "Decide on new issues raised late",
        who: "Any member of staff dealing with the complainant",
        intro: "New issues raised more than 6 months after the complainant became aware of them are considered only if there is a compelling reason; otherwise they are declined (R-UPC-2).",
        button: "Record the decision",
        fields: &[
            field(
                "decision",
                "Decision",
                "",
                Kind::Radios(NEW_ISSUES_DECISIONS),
            ),
            field(
                "reason",
                "The compelling reason, or why they are declined",
                "",
                Kind::TextArea,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let compelling_reason = match c.form.get("decision") {
                    "compelling" => true,
                    "decline" => false,
                    _ => {
                        c.error("decision", "Choose whether there is a compelling reason");
                        false
                    }
                };
                c.check()?;
                let view = c
                    .complaints()
                    .decide_new_issues(pb::DecideNewIssuesRequest {
                        command: c.command(),
                        compelling_reason,
                        reason: c.text("reason"),
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                let opened = view.new_complaints.last().cloned().unwrap_or_default();
                c.done(if compelling_reason && !opened.is_empty() {
                    format!("The new issues are opened as {opened}.")
                } else if compelling_reason {
                    "The compelling reason is recorded: the new issues are opened as a new complaint, linked from this one.".to_owned()
                } else {
                    "The new issues are declined.".to_owned()
                })
            })
        },
    },
    Step {
        slug: "compelling-reason",
        target: Target::Submission,
        shown: Shown::Always,
        title: "Consider a matter over 6 months old",
        who: "A member of staff",
        intro: "A matter more than 6 months old is considered only if there is a compelling reason; record it and triage continues (R-INT-2).",
        button: "Record the compelling reason",
        fields: &[field("reason", "The compelling reason", "", Kind::TextArea)],
        call: |c| {
            boxed(async move {
                let summary = c
                    .intake()
                    .record_compelling_reason(pb::RecordCompellingReasonRequest {
                        submission_id: c.id.clone(),
                        reason: c.text("reason"),
                        decided_by: c.acting.clone(),
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                Ok(Done {
                    flash: format!(
                        "{}: {}.",
                        summary.reference,
                        present::triage_status(summary.status)
                    ),
                    redirect: Some("/triage".into()),
                })
            })
        },
    },
    Step {
        slug: "decline-out-of-time",
        target: Target::Submission,
        shown: Shown::Always,
        title: "Decline a matter over 6 months old",
        who: "A member of staff",
        intro: "Without a compelling reason, a matter more than 6 months old is declined (R-INT-2).",
        button: "Decline",
        fields: &[field("reason", "Why it is declined", "", Kind::TextArea)],
        call: |c| {
            boxed(async move {
                let summary = c
                    .intake()
                    .decline_out_of_time(pb::DeclineOutOfTimeRequest {
                        submission_id: c.id.clone(),
                        reason: c.text("reason"),
                        decided_by: c.acting.clone(),
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                Ok(Done {
                    flash: format!("{} is declined as out of time.", summary.reference),
                    redirect: Some("/triage".into()),
                })
            })
        },
    },
    Step {
        slug: "record-consent",
        target: Target::Submission,
        shown: Shown::Always,
        title: "Record the individual's consent",
        who: "A member of staff",
        intro: "A complaint raised by a third party goes ahead only with the individual's express consent (R-INT-4).",
        button: "Record the consent",
        fields: &[
            field(
                "evidence",
                "How the consent was given",
                "For example, signed form received by email",
                Kind::TextArea,
            ),
            field(
                "given_on",
                "Date given",
                "Leave empty for today",
                Kind::Date,
            ),
        ],
        call: |mut c| {
            boxed(async move {
                let given_on = c.date_or_today("given_on");
                c.check()?;
                let summary = c
                    .intake()
                    .record_consent(pb::RecordConsentRequest {
                        submission_id: c.id.clone(),
                        evidence: c.text("evidence"),
                        given_on,
                        recorded_by: c.acting.clone(),
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                Ok(Done {
                    flash: format!(
                        "{}: consent recorded; {}.",
                        summary.reference,
                        present::triage_status(summary.status)
                    ),
                    redirect: Some("/triage".into()),
                })
            })
        },
    },
    Step {
        slug: "withdraw-consent",
        target: Target::Submission,
        shown: Shown::Always,
        title: "Record that consent was withdrawn",
        who: "A member of staff",
        intro: "The individual may withdraw consent at any stage; from then on nothing goes to the third party (R-INT-4).",
        button: "Record the withdrawal",
        fields: &[field(
            "withdrawn_on",
            "Date withdrawn",
            "Leave empty for today",
            Kind::Date,
        )],
        call: |mut c| {
            boxed(async move {
                let withdrawn_on = c.date_or_today("withdrawn_on");
                c.check()?;
                let summary = c
                    .intake()
                    .withdraw_consent(pb::WithdrawConsentRequest {
                        submission_id: c.id.clone(),
                        withdrawn_on,
                        recorded_by: c.acting.clone(),
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                Ok(Done {
                    flash: format!("{}: consent withdrawn.", summary.reference),
                    redirect: Some("/triage".into()),
                })
            })
        },
    },
    Step {
        slug: "record-regulator-notice",
        target: Target::Notice,
        shown: Shown::Always,
        title: "Record a regulator's notice",
        who: "The Corporate Compliance Manager",
        intro: "A regulator's notice of a failure found at another awarding organisation calls for a review of our own assessment procedures, with one owner and a due date (R-REG-4).",
        button: "Record the notice",
        fields: &[
            field("regulator", "Regulator", "", Kind::Text),
            field(
                "awarding_organisation",
                "Awarding organisation",
                "",
                Kind::Text,
            ),
            field(
                "failure",
                "The failure the regulator describes",
                "",
                Kind::TextArea,
            ),
            field(
                "received_on",
                "Date received",
                "Leave empty for today",
                Kind::Date,
            ),
            field("review_owner", "Owner of the review", "", Kind::Staff),
            field("review_due_on", "Review due by", "", Kind::Date),
        ],
        call: |mut c| {
            boxed(async move {
                let received_on = c.date_or_today("received_on");
                let review_due_on = c.date("review_due_on");
                c.check()?;
                let notice = c
                    .complaints()
                    .record_regulator_notice(pb::RecordRegulatorNoticeRequest {
                        acting_user: c.acting.clone(),
                        regulator: c.text("regulator"),
                        awarding_organisation: c.text("awarding_organisation"),
                        failure: c.text("failure"),
                        received_on,
                        review_owner: c.text("review_owner"),
                        review_due_on,
                        ..Default::default()
                    })
                    .await?
                    .into_inner();
                Ok(Done {
                    flash: format!("The notice is recorded as {}.", notice.notice_id),
                    redirect: Some(format!(
                        "/regulator-notices/{}/steps/complete-regulator-review",
                        notice.notice_id
                    )),
                })
            })
        },
    },
    Step {
        slug: "complete-regulator-review",
        target: Target::Notice,
        shown: Shown::Always,
        title: "Complete the review a regulator's notice called for",
        who: "The review's owner",
        intro: "Record what the review of our assessment procedures found and any action taken (R-REG-4).",
        button: "Complete the review",
        fields: &[field(
            "findings",
            "What the review found",
            "",
            Kind::TextArea,
        )],
        call: |c| {
            boxed(async move {
                c.complaints()
                    .complete_regulator_review(pb::CompleteRegulatorReviewRequest {
                        acting_user: c.acting.clone(),
                        notice_id: c.id.clone(),
                        findings: c.text("findings"),
                        ..Default::default()
                    })
                    .await?;
                Ok(Done {
                    flash: "The review is complete.".into(),
                    redirect: None,
                })
            })
        },
    },
];

/// A contact recorded for `date` at midday UK time, or now for today.
fn contact_time(date: Option<pb::Date>) -> prost_types::Timestamp {
    let now = chrono::Utc::now();
    let at = match present::date(date.as_ref()) {
        Some(day) if day != calendar::uk_date(now) => {
            day.and_hms_opt(12, 0, 0).map_or(now, |t| t.and_utc())
        }
        _ => now,
    };
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// The steps on `target`, for the pages that list them.
pub fn steps_on(target: Target) -> impl Iterator<Item = &'static Step> {
    STEPS.iter().filter(move |s| s.target == target)
}

fn find(target: Target, slug: &str) -> Option<&'static Step> {
    STEPS.iter().find(|s| s.target == target && s.slug == slug)
}

/// An id in a path: a reference, a submission or notice id; plain
/// characters only.
fn plain_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[derive(Debug, Serialize)]
struct Choice {
    value: String,
    label: String,
    checked: bool,
}

#[derive(Debug, Serialize)]
struct FieldView {
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    kind: &'static str,
    value: String,
    day: String,
    month: String,
    year: String,
    options: Vec<Choice>,
    error: Option<String>,
}

/// The choices of a staff field: "Choose" first, then everyone in the
/// directory by name (with their job title), and an id typed or passed
/// in that the directory lacks, so it is kept and shown for what it is.
fn staff_choices(directory: &Directory, chosen: &str) -> Vec<Choice> {
    let mut choices = vec![Choice {
        value: String::new(),
        label: "Choose a member of staff".into(),
        checked: chosen.is_empty(),
    }];
    choices.extend(directory.members().into_iter().map(|m| Choice {
        label: present::staff_with_title(directory, &m.id),
        checked: m.id == chosen,
        value: m.id.clone(),
    }));
    if !chosen.is_empty() && directory.get(chosen).is_none() {
        choices.push(Choice {
            value: chosen.to_owned(),
            label: present::staff(directory, chosen),
            checked: true,
        });
    }
    choices
}

fn field_views(
    directory: &Directory,
    step: &Step,
    form: &Fields,
    errors: &[FieldError],
) -> Vec<FieldView> {
    step.fields
        .iter()
        .map(|f| {
            let value = form.get(f.name).to_owned();
            let chosen = form.all(f.name);
            let options = |list: &'static [(&'static str, &'static str)]| {
                list.iter()
                    .map(|(v, l)| Choice {
                        value: (*v).to_owned(),
                        label: (*l).to_owned(),
                        checked: chosen.contains(v),
                    })
                    .collect()
            };
            let (kind, options) = match f.kind {
                Kind::Text => ("text", vec![]),
                Kind::TextArea => ("textarea", vec![]),
                Kind::Date => ("date", vec![]),
                Kind::Money => ("money", vec![]),
                Kind::Number => ("number", vec![]),
                Kind::Select(list) => ("select", options(list)),
                Kind::Radios(list) => ("radios", options(list)),
                Kind::Checkboxes(list) => ("checkboxes", options(list)),
                Kind::Checkbox => ("checkbox", vec![]),
                Kind::Staff if directory.is_empty() => ("text", vec![]),
                Kind::Staff => ("select", staff_choices(directory, &value)),
            };
            let error = errors
                .iter()
                .filter(|e| form_field_of(step, &e.field) == Some(f.name))
                .map(|e| e.message.clone())
                .collect::<Vec<_>>();
            FieldView {
                name: f.name,
                label: f.label,
                hint: f.hint,
                kind,
                day: form.get(&format!("{}-day", f.name)).to_owned(),
                month: form.get(&format!("{}-month", f.name)).to_owned(),
                year: form.get(&format!("{}-year", f.name)).to_owned(),
                value,
                options,
                error: (!error.is_empty()).then(|| error.join(". ")),
            }
        })
        .collect()
}

/// Where the service's `field` is shown on `step`'s form: the field of
/// that name; else the field it is part of (`remedies_0_kind` for
/// `remedies_0_kind_x`); else the first field within it (`remedies_0_kind`
/// for `remedies`); a whole group of fields by its switch.
fn form_field_of(step: &Step, field: &str) -> Option<&'static str> {
    let field = match field {
        "assessment_failure_actions" => "assessment_failure_found",
        other => other,
    };
    let names = || step.fields.iter().map(|f| f.name);
    names()
        .find(|n| *n == field)
        .or_else(|| names().find(|n| field.starts_with(&format!("{n}_"))))
        .or_else(|| names().find(|n| n.starts_with(&format!("{field}_"))))
}

fn base_path(target: Target, id: &str) -> String {
    match target {
        Target::Complaint => format!("/complaints/{id}"),
        Target::Submission => format!("/submissions/{id}"),
        Target::Notice => format!("/regulator-notices/{id}"),
    }
}

fn back_to(target: Target, id: &str) -> String {
    match target {
        Target::Complaint => format!("/complaints/{id}"),
        Target::Submission => "/triage".into(),
        Target::Notice if id == "new" => "/regulator-notices".into(),
        Target::Notice => format!("/regulator-notices/{id}"),
    }
}

/// What a form shows besides what was typed.
#[derive(Debug, Default)]
struct FormState {
    errors: Vec<FieldError>,
    /// The complaint's version the form is shown with.
    version: Option<u64>,
    /// What happened to the complaint since the form was last shown.
    changes: Vec<super::complaint::Event>,
}

/// The form of `step`, with what was typed and the errors.
fn render_form(
    app: &App,
    staff: &Staff,
    step: &Step,
    id: &str,
    form: &Fields,
    state: FormState,
    status: StatusCode,
) -> Response {
    let FormState {
        errors,
        version,
        changes,
    } = state;
    let fields = field_views(&app.settings.staff, step, form, &errors);
    // Errors against no field of the form are shown in the summary only.
    let summary: Vec<FieldError> = errors
        .into_iter()
        .map(|e| FieldError {
            field: form_field_of(step, &e.field).unwrap_or("form").to_owned(),
            message: e.message,
        })
        .collect();
    let target_label = match step.target {
        Target::Complaint => format!("Complaint {id}"),
        Target::Submission => format!("Submission {id}"),
        Target::Notice if id == "new" => "Regulator notice".to_owned(),
        Target::Notice => format!("Regulator notice {id}"),
    };
    app.render(
        status,
        &staff.visit,
        "step.html",
        context! {
            step => context! {
                slug => step.slug,
                title => step.title,
                who => step.who,
                intro => step.intro,
                button => step.button,
            },
            target_label => target_label,
            action => format!("{}/steps/{}", base_path(step.target, id), step.slug),
            back => back_to(step.target, id),
            fields => super::value(&fields),
            errors => super::value(&summary),
            version => version,
            changes => super::value(&changes),
        },
    )
}

/// The complaint's version, read as the person (which also checks they
/// may reach it).
async fn complaint_version(app: &App, staff: &Staff, reference: &str) -> Result<u64, CallError> {
    Ok(app
        .services
        .complaints(&staff.person.token)
        .get_complaint(pb::GetComplaintRequest {
            reference: reference.to_owned(),
            ..Default::default()
        })
        .await?
        .into_inner()
        .version)
}

async fn show(
    app: Shared,
    staff: Staff,
    target: Target,
    id: String,
    slug: String,
    query: Option<String>,
) -> Response {
    let Some(step) = find(target, &slug).filter(|_| plain_id(&id)) else {
        return super::not_found(State(app), staff.visit).await;
    };
    let version = if target == Target::Complaint {
        match complaint_version(&app, &staff, &id).await {
            Ok(v) => Some(v),
            Err(e) => return app.call_failed(&staff.visit, e, Some(&back_to(target, &id))),
        }
    } else {
        None
    };
    let prefill = Fields::parse(query.unwrap_or_default().as_bytes());
    render_form(
        &app,
        &staff,
        step,
        &id,
        &prefill,
        FormState {
            version,
            ..FormState::default()
        },
        StatusCode::OK,
    )
}

async fn submit(
    app: Shared,
    staff: Staff,
    target: Target,
    id: String,
    slug: String,
    body: Bytes,
) -> Response {
    let Some(step) = find(target, &slug).filter(|_| plain_id(&id)) else {
        return super::not_found(State(app), staff.visit).await;
    };
    let form = match app.form(&staff.visit, &body) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let back = back_to(target, &id);
    // The version the form was shown with; a complaint's form without one
    // was not made by this console and is treated as out of date.
    let version = match target {
        Target::Complaint => match form.get("expected_version").parse::<u64>() {
            Ok(v) => Some(v),
            Err(_) => {
                return match since(&app, &staff, &id, None).await {
                    Ok(since) => changed(&app, &staff, step, &id, &form, since),
                    Err(e) => app.call_failed(&staff.visit, e, Some(&back)),
                };
            }
        },
        _ => None,
    };
    let mut expected = version;
    let mut resent = false;
    let outcome = loop {
        let call = Call {
            services: app.services.clone(),
            token: staff.person.token.clone(),
            acting: staff.person.subject.clone(),
            id: id.clone(),
            form: form.clone(),
            expected_version: expected,
            staff: app.settings.staff.clone(),
            errors: vec![],
        };
        match (step.call)(call).await {
            // Only people's steps make a form out of date: what the
            // services record by themselves meanwhile (a deadline marked
            // approaching, a letter posted) is no reason to refuse it, so
            // the step is sent once more at the version it now has, and
            // the service decides it against the complaint as it stands.
            Err(CallError::Changed(_)) if !resent => {
                let since = match since(&app, &staff, &id, expected).await {
                    Ok(since) => since,
                    Err(e) => return app.call_failed(&staff.visit, e, Some(&back)),
                };
                if since.entries.iter().any(|e| e.actor.starts_with("user:")) {
                    break Err(Changed(since));
                }
                expected = Some(since.version);
                resent = true;
            }
            Err(CallError::Changed(_)) => match since(&app, &staff, &id, version).await {
                Ok(since) => break Err(Changed(since)),
                Err(e) => return app.call_failed(&staff.visit, e, Some(&back)),
            },
            Ok(done) => break Ok(done),
            Err(other) => break Err(Other(other)),
        }
    };
    match outcome {
        Ok(done) => {
            app.flash(&staff.visit, done.flash);
            see_other(done.redirect.as_deref().unwrap_or(&back))
        }
        Err(Other(CallError::Refused { message, fields })) => {
            let errors = if fields.is_empty() {
                vec![FieldError {
                    field: "form".into(),
                    message,
                }]
            } else {
                fields
            };
            render_form(
                &app,
                &staff,
                step,
                &id,
                &form,
                FormState {
                    errors,
                    version: expected,
                    changes: vec![],
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(Changed(since)) => changed(&app, &staff, step, &id, &form, since),
        Err(Other(other)) => app.call_failed(&staff.visit, other, Some(&back)),
    }
}

/// Why a step was not done.
enum NotDone {
    /// A person acted on the complaint since the form was shown.
    Changed(Since),
    Other(CallError),
}
use NotDone::{Changed, Other};

/// The complaint's version now, and what was recorded on it after the
/// version a form was shown with.
struct Since {
    version: u64,
    entries: Vec<pb::HistoryEntry>,
}

async fn since(app: &App, staff: &Staff, id: &str, shown: Option<u64>) -> Result<Since, CallError> {
    let mut complaints = app.services.complaints(&staff.person.token);
    let history = complaints
        .get_history(pb::GetHistoryRequest {
            reference: id.to_owned(),
            ..Default::default()
        })
        .await?
        .into_inner();
    let version = history.entries.iter().map(|e| e.version).max().unwrap_or(0);
    let entries = history
        .entries
        .into_iter()
        .filter(|e| shown.is_some_and(|v| e.version > v))
        .collect();
    Ok(Since { version, entries })
}

/// A person acted on the complaint after the form was shown (nothing was
/// done): the form again as typed, at the complaint's current version,
/// saying so, with what happened since, so the person can see whether
/// their step is already there (a second press) before sending it again.
fn changed(
    app: &App,
    staff: &Staff,
    step: &'static Step,
    id: &str,
    form: &Fields,
    since: Since,
) -> Response {
    let errors = vec![FieldError {
        field: "form".into(),
        message: format!(
            "{}. Nothing was done: check what changed below (the form may have been sent twice) before sending it again.",
            super::CHANGED
        ),
    }];
    render_form(
        app,
        staff,
        step,
        id,
        form,
        FormState {
            errors,
            version: Some(since.version),
            changes: super::complaint::timeline(app, &since.entries),
        },
        StatusCode::CONFLICT,
    )
}

async fn complaint_form(
    State(app): State<Shared>,
    staff: Staff,
    Path((id, slug)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    show(app, staff, Target::Complaint, id, slug, q).await
}
async fn complaint_submit(
    State(app): State<Shared>,
    staff: Staff,
    Path((id, slug)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    submit(app, staff, Target::Complaint, id, slug, body).await
}
async fn submission_form(
    State(app): State<Shared>,
    staff: Staff,
    Path((id, slug)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    show(app, staff, Target::Submission, id, slug, q).await
}
async fn submission_submit(
    State(app): State<Shared>,
    staff: Staff,
    Path((id, slug)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    submit(app, staff, Target::Submission, id, slug, body).await
}
async fn notice_form(
    State(app): State<Shared>,
    staff: Staff,
    Path((id, slug)): Path<(String, String)>,
    RawQuery(q): RawQuery,
) -> Response {
    show(app, staff, Target::Notice, id, slug, q).await
}
async fn notice_submit(
    State(app): State<Shared>,
    staff: Staff,
    Path((id, slug)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    submit(app, staff, Target::Notice, id, slug, body).await
}
async fn new_notice(State(app): State<Shared>, staff: Staff) -> Response {
    show(
        app,
        staff,
        Target::Notice,
        "new".into(),
        "record-regulator-notice".into(),
        None,
    )
    .await
}

/// The field errors of a refusal, by field, for templates.
pub fn by_field(errors: &[FieldError]) -> BTreeMap<String, String> {
    errors
        .iter()
        .map(|e| (e.field.clone(), e.message.clone()))
        .collect()
}
