//! The complaint form (R-INT-1), one question per page in the GOV.UK
//! "question pages" pattern, then the optional equality questions (R-MON-4),
//! "check your answers", and the confirmation with the reference and the
//! date by which staff make contact (R-INT-8).
//!
//! Each page's answers are read into cleaned values when posted (required
//! fields present, a radio answer one of its options, a real date not in
//! the future); intake then applies every rule again on submission and its
//! refusals are shown against the answer they concern, with the rule id.

mod adjustments;

use super::multipart::Upload;
use super::state::Receipt;
use super::{Post, Shared, Visit, see_other};
use crate::error::{CallError, FieldError};
use axum::Router;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use minijinja::{Value, context};
use std::collections::BTreeMap;

/// The procedure's words on the confirmation (Appendix C).
pub const PROCEDURE_WORDS: &str = "Thank you for your enquiry. It is being passed to the relevant department who will be in contact with you within seven working days.";

/// What a field is on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Email,
    Tel,
    TextArea,
    Radios(&'static [&'static str]),
    /// Day, month and year inputs: `{name}_day`, `{name}_month`, `{name}_year`.
    Date,
}

/// One question.
#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    pub label: &'static str,
    pub hint: &'static str,
    pub kind: Kind,
    /// The rule a missing answer breaks, when required.
    pub required: Option<&'static str>,
    pub autocomplete: &'static str,
    /// What to say when a required answer is missing.
    pub missing: &'static str,
}

const fn field(name: &'static str, label: &'static str, kind: Kind) -> Field {
    Field {
        name,
        label,
        hint: "",
        kind,
        required: None,
        autocomplete: "off",
        missing: "",
    }
}

impl Field {
    const fn hint(mut self, hint: &'static str) -> Self {
        self.hint = hint;
        self
    }
    const fn required(mut self, rule: &'static str, missing: &'static str) -> Self {
        self.required = Some(rule);
        self.missing = missing;
        self
    }
    const fn autocomplete(mut self, token: &'static str) -> Self {
        self.autocomplete = token;
        self
    }
}

const WHO_FOR: &[&str] = &["Myself", "Someone else"];
const CORRESPONDENCE: &[&str] = &["Email", "Post"];
const CUSTOMER_STATUS: &[&str] = &["Member", "Student member", "Not a member"];
const CUSTOMER_TYPE: &[&str] = &[
    "Learner or student",
    "Legal professional",
    "Employer",
    "Training provider",
    "Member of the public",
    "Other",
];
const QUERY_CATEGORY: &[&str] = &[
    "Exams and assessments",
    "Results and certificates",
    "Membership",
    "Fees and payments",
    "Qualifications and courses",
    "Events",
    "Customer service",
    "Something else",
];
const ETHNICITY: &[&str] = &[
    "Asian or Asian British",
    "Black, Black British, Caribbean or African",
    "Mixed or multiple ethnic groups",
    "White",
    "Another ethnic group",
    "Prefer not to say",
];
const DISABILITY: &[&str] = &["Yes", "No", "Prefer not to say"];
const GENDER: &[&str] = &[
    "Woman",
    "Man",
    "Non-binary",
    "I use another term",
    "Prefer not to say",
];
const AGE_BAND: &[&str] = &[
    "Under 18",
    "18 to 24",
    "25 to 34",
    "35 to 44",
    "45 to 54",
    "55 to 64",
    "65 or over",
    "Prefer not to say",
];
const RELIGION: &[&str] = &[
    "No religion",
    "Buddhist",
    "Christian",
    "Hindu",
    "Jewish",
    "Muslim",
    "Sikh",
    "Another religion or belief",
    "Prefer not to say",
];
const ORIENTATION: &[&str] = &[
    "Straight or heterosexual",
    "Gay or lesbian",
    "Bisexual",
    "Another sexual orientation",
    "Prefer not to say",
];

/// One question page.
#[derive(Debug)]
pub struct Page {
    pub slug: &'static str,
    pub title: &'static str,
    /// The title when the complaint is for someone else.
    pub title_for_other: &'static str,
    pub intro: &'static str,
    pub fields: &'static [Field],
    /// Asked only when the complaint is for someone else (R-INT-4).
    pub only_for_other: bool,
    /// Optional as a whole (R-MON-4): may be skipped.
    pub optional: bool,
}

pub const PAGES: &[Page] = &[
    Page {
        slug: "who-for",
        title: "Who is the complaint for?",
        title_for_other: "",
        intro: "You can complain for yourself, or for someone else, for example a learner you employ.",
        fields: &[field("who_for", "Who is the complaint for?", Kind::Radios(WHO_FOR))
            .required("R-INT-4", "Select who the complaint is for")],
        only_for_other: false,
        optional: false,
    },
    Page {
        slug: "your-details",
        title: "Your details",
        title_for_other: "",
        intro: "You are complaining for someone else. We will ask them for their consent before we tell you what we find, and they can withdraw it at any time (R-INT-4).",
        fields: &[
            field("rep_name", "Your full name", Kind::Text)
                .required("R-INT-4", "Enter your full name")
                .autocomplete("name"),
            field("rep_relationship", "Your relationship to them", Kind::Text)
                .hint("For example, employer, parent or solicitor")
                .required("R-INT-4", "Enter your relationship to the person"),
            field("rep_organisation", "Your organisation (optional)", Kind::Text)
                .autocomplete("organization"),
            field("rep_email", "Your email address", Kind::Email)
                .hint("Give an email address or a telephone number, or both")
                .autocomplete("email"),
            field("rep_telephone", "Your telephone number", Kind::Tel).autocomplete("tel"),
        ],
        only_for_other: true,
        optional: false,
    },
    Page {
        slug: "contact",
        title: "Your name and contact details",
        title_for_other: "The name and contact details of the person the complaint is for",
        intro: "We do not accept anonymous complaints: we need to know who you are and how to reach you (R-INT-3).",
        fields: &[
            field("first_name", "First name", Kind::Text)
                .required("R-INT-3", "Enter a first name")
                .autocomplete("given-name"),
            field("last_name", "Last name", Kind::Text)
                .required("R-INT-3", "Enter a last name")
                .autocomplete("family-name"),
            field("email", "Email address", Kind::Email)
                .hint("We send the confirmation of the complaint to this address")
                .required("R-INT-1", "Enter an email address")
                .autocomplete("email"),
            field("telephone", "Telephone number (optional)", Kind::Tel).autocomplete("tel"),
            field("address_line_1", "Address line 1 (optional)", Kind::Text)
                .hint("Needed only if letters should come by post")
                .autocomplete("address-line1"),
            field("address_line_2", "Address line 2 (optional)", Kind::Text)
                .autocomplete("address-line2"),
            field("town", "Town or city (optional)", Kind::Text).autocomplete("address-level2"),
            field("postcode", "Postcode (optional)", Kind::Text).autocomplete("postal-code"),
        ],
        only_for_other: false,
        optional: false,
    },
    Page {
        slug: "correspondence",
        title: "How should we write to you?",
        title_for_other: "How should we write to them?",
        intro: "",
        fields: &[field("correspondence", "How should we write to you?", Kind::Radios(CORRESPONDENCE))
            .hint("We write by email unless you ask for post (R-CORR-1)")
            .required("R-CORR-1", "Select email or post")],
        only_for_other: false,
        optional: false,
    },
    Page {
        slug: "customer",
        title: "About you",
        title_for_other: "About the person the complaint is for",
        intro: "",
        fields: &[
            field("customer_status", "Customer status", Kind::Radios(CUSTOMER_STATUS))
                .required("R-INT-1", "Select a customer status"),
            field("customer_type", "Customer type", Kind::Radios(CUSTOMER_TYPE))
                .required("R-INT-1", "Select a customer type"),
        ],
        only_for_other: false,
        optional: false,
    },
    Page {
        slug: "category",
        title: "What is your complaint about?",
        title_for_other: "",
        intro: "",
        fields: &[field("query_category", "What is your complaint about?", Kind::Radios(QUERY_CATEGORY))
            .required("R-INT-1", "Select what the complaint is about")],
        only_for_other: false,
        optional: false,
    },
    Page {
        slug: "detail",
        title: "Tell us about your complaint",
        title_for_other: "",
        intro: "Include dates, what happened, the names of people involved, and how you think it could be put right.",
        fields: &[
            field("matter_date", "When did it happen?", Kind::Date)
                .hint("For example, 27 3 2026. We do not usually consider matters more than 6 months old unless there is a compelling reason (R-INT-2).")
                .required("R-INT-2", "Enter the date it happened"),
            field("query_detail", "Your complaint", Kind::TextArea)
                .required("R-INT-1", "Enter the details of your complaint"),
        ],
        only_for_other: false,
        optional: false,
    },
    Page {
        slug: "equality",
        title: "Equality monitoring questions (optional)",
        title_for_other: "",
        intro: "These questions are voluntary. Your answers are kept apart from your complaint, are not seen by the people dealing with it, and are only ever reported as totals so no one can be identified (R-MON-4). You can skip them.",
        fields: &[
            field("eq_ethnicity", "What is your ethnic group?", Kind::Radios(ETHNICITY)),
            field("eq_disability", "Do you consider yourself to have a disability?", Kind::Radios(DISABILITY)),
            field("eq_gender", "What is your gender?", Kind::Radios(GENDER)),
            field("eq_age_band", "What is your age?", Kind::Radios(AGE_BAND)),
            field("eq_religion_or_belief", "What is your religion or belief?", Kind::Radios(RELIGION)),
            field("eq_sexual_orientation", "What is your sexual orientation?", Kind::Radios(ORIENTATION)),
        ],
        only_for_other: false,
        optional: true,
    },
];

/// The files page sits after "detail" and before "equality".
const FILES_AFTER: &str = "detail";

fn page(slug: &str) -> Option<&'static Page> {
    PAGES.iter().find(|p| p.slug == slug)
}

fn for_other(answers: &BTreeMap<String, String>) -> bool {
    answers.get("who_for").is_some_and(|w| w == "Someone else")
}

/// The pages this complainant is asked, in order, "files" included.
fn route(answers: &BTreeMap<String, String>) -> Vec<&'static str> {
    let mut slugs = Vec::new();
    for p in PAGES {
        if p.only_for_other && !for_other(answers) {
            continue;
        }
        slugs.push(p.slug);
        if p.slug == FILES_AFTER {
            slugs.push("files");
        }
        if p.slug == adjustments::AFTER {
            slugs.push(adjustments::SLUG);
        }
    }
    slugs
}

fn next_after(answers: &BTreeMap<String, String>, slug: &str) -> String {
    let route = route(answers);
    let next = route
        .iter()
        .position(|s| *s == slug)
        .and_then(|i| route.get(i + 1));
    match next {
        Some(s) => format!("/complaint/{s}"),
        None => "/complaint/check-answers".into(),
    }
}

fn previous(answers: &BTreeMap<String, String>, slug: &str) -> String {
    let route = route(answers);
    match route.iter().position(|s| *s == slug) {
        Some(0) | None => "/complaint".into(),
        Some(i) => format!("/complaint/{}", route[i - 1]),
    }
}

/// Whether a page has been answered (its required answers present).
fn answered(answers: &BTreeMap<String, String>, p: &Page) -> bool {
    p.optional
        || p.fields
            .iter()
            .filter(|f| f.required.is_some())
            .all(|f| answers.contains_key(f.name))
}

/// The first page still to answer, if any.
fn first_unanswered(answers: &BTreeMap<String, String>) -> Option<&'static str> {
    PAGES
        .iter()
        .filter(|p| !p.only_for_other || for_other(answers))
        .find(|p| !answered(answers, p))
        .map(|p| p.slug)
}

/// A date from its three inputs; `Err` says what is wrong (R-INT-2).
pub fn parse_date(
    day: &str,
    month: &str,
    year: &str,
    today: NaiveDate,
) -> Result<NaiveDate, &'static str> {
    let number = |s: &str| s.trim().parse::<u32>().ok();
    let (Some(d), Some(m), Some(y)) = (number(day), number(month), number(year)) else {
        return Err("The date must be a real date, with a day, month and year in numbers");
    };
    if !(1000..=9999).contains(&y) {
        return Err("The year must have 4 numbers");
    }
    let y = i32::try_from(y).map_err(|_| "The year must have 4 numbers")?;
    let date = NaiveDate::from_ymd_opt(y, m, d).ok_or("The date must be a real date")?;
    if date > today {
        return Err("The date must be today or in the past");
    }
    Ok(date)
}

/// Reads the answers `p` asks from `fields`: what is kept, and the errors.
fn read_page(
    p: &Page,
    fields: &crate::web::Fields,
    today: NaiveDate,
) -> (BTreeMap<String, String>, Vec<FieldError>) {
    let mut kept = BTreeMap::new();
    let mut errors = Vec::new();
    let mut error = |field: &str, rule: &str, message: &str| {
        errors.push(FieldError {
            field: field.to_owned(),
            message: format!("{rule}: {message}"),
        });
    };
    for f in p.fields {
        match f.kind {
            Kind::Date => {
                let parts =
                    ["day", "month", "year"].map(|part| fields.get(&format!("{}_{part}", f.name)));
                for (part, value) in ["day", "month", "year"].iter().zip(parts) {
                    kept.insert(format!("{}_{part}", f.name), value.to_owned());
                }
                if parts.iter().all(|v| v.is_empty()) {
                    if let Some(rule) = f.required {
                        error(f.name, rule, f.missing);
                    }
                    continue;
                }
                match parse_date(parts[0], parts[1], parts[2], today) {
                    Ok(date) => {
                        kept.insert(f.name.to_owned(), date.to_string());
                    }
                    Err(why) => error(f.name, f.required.unwrap_or("R-INT-2"), why),
                }
            }
            Kind::Radios(options) => {
                let value = fields.get(f.name);
                if value.is_empty() {
                    if let Some(rule) = f.required {
                        error(f.name, rule, f.missing);
                    }
                } else if options.contains(&value) {
                    kept.insert(f.name.to_owned(), value.to_owned());
                } else {
                    error(
                        f.name,
                        f.required.unwrap_or("R-INT-1"),
                        "Select one of the options",
                    );
                }
            }
            Kind::Email => {
                let value = fields.get(f.name);
                if value.is_empty() {
                    if let Some(rule) = f.required {
                        error(f.name, rule, f.missing);
                    }
                    continue;
                }
                let looks_right = value
                    .split_once('@')
                    .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !value.contains(' '));
                if !looks_right {
                    error(
                        f.name,
                        f.required.unwrap_or("R-INT-3"),
                        "Enter an email address in the correct format, like name@example.com",
                    );
                }
                kept.insert(f.name.to_owned(), value.to_owned());
            }
            Kind::Text | Kind::Tel | Kind::TextArea => {
                let value = fields.get(f.name);
                if value.is_empty() {
                    if let Some(rule) = f.required {
                        error(f.name, rule, f.missing);
                    }
                    continue;
                }
                kept.insert(f.name.to_owned(), value.to_owned());
            }
        }
    }
    // Rules that span a page's answers.
    if p.slug == "your-details"
        && fields.get("rep_email").is_empty()
        && fields.get("rep_telephone").is_empty()
    {
        error(
            "rep_email",
            "R-INT-4",
            "Enter your email address or telephone number, so we can reach you",
        );
    }
    (kept, errors)
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Text => "text",
        Kind::Email => "email",
        Kind::Tel => "tel",
        Kind::TextArea => "textarea",
        Kind::Radios(_) => "radios",
        Kind::Date => "date",
    }
}

/// The fields as the template shows them, with values and errors.
pub fn fields_view(
    fields: &[Field],
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> Vec<Value> {
    fields
        .iter()
        .map(|f| {
            let value = |name: &str| values.get(name).cloned().unwrap_or_default();
            let options: Vec<&str> = match f.kind {
                Kind::Radios(options) => options.to_vec(),
                _ => Vec::new(),
            };
            context! {
                name => f.name,
                label => f.label,
                hint => f.hint,
                kind => kind_name(f.kind),
                required => f.required.is_some(),
                autocomplete => f.autocomplete,
                options => options,
                value => value(f.name),
                day => value(&format!("{}_day", f.name)),
                month => value(&format!("{}_month", f.name)),
                year => value(&format!("{}_year", f.name)),
                error => errors.iter().find(|e| e.field == f.name).map(|e| e.message.clone()),
            }
        })
        .collect()
}

fn title(p: &Page, answers: &BTreeMap<String, String>) -> &'static str {
    if for_other(answers) && !p.title_for_other.is_empty() {
        p.title_for_other
    } else {
        p.title
    }
}

fn show_page(
    app: &super::PublicApp,
    visit: &Visit,
    p: &'static Page,
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> Response {
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let answers = &visit.form.complaint;
    let single_question = p.fields.len() == 1;
    app.render(
        status,
        Some(visit),
        "public/question.html",
        context! {
            service => "Make a complaint",
            title => title(p, answers),
            intro => p.intro,
            action => format!("/complaint/{}", p.slug),
            back => previous(answers, p.slug),
            single_question => single_question,
            optional => p.optional,
            fields => fields_view(p.fields, values, errors),
            errors => errors,
        },
    )
}

async fn start(State(app): State<Shared>, headers: HeaderMap) -> Response {
    let visit = app.visit(&headers);
    app.render(
        StatusCode::OK,
        Some(&visit),
        "public/start.html",
        context! {
            service => "Make a complaint",
            title => "Make a complaint",
            action => "/complaint/start",
            max_files => 2,
            contact => app.side.contact,
        },
    )
}

/// "Start now": a fresh complaint with its own idempotency key.
async fn begin(State(app): State<Shared>, request: Request) -> Response {
    let post = match app.read_post(request).await {
        Ok(post) => post,
        Err(response) => return response,
    };
    let _ = app.forms.update(&post.visit.id, |f| f.restart_complaint());
    see_other("/complaint/who-for")
}

async fn show(State(app): State<Shared>, Path(slug): Path<String>, headers: HeaderMap) -> Response {
    let visit = app.visit(&headers);
    match slug.as_str() {
        "files" => return show_files(&app, &visit, &[]),
        adjustments::SLUG => return adjustments::show(&app, &visit, &[]),
        "check-answers" => return show_check(&app, &visit, &[]),
        "confirmation" => return confirmation(&app, &visit),
        _ => {}
    }
    let Some(p) = page(&slug) else {
        return app.message(
            StatusCode::NOT_FOUND,
            None,
            "Page not found",
            "If you typed the web address, check it is correct.",
        );
    };
    let values = visit.form.complaint.clone();
    show_page(&app, &visit, p, &values, &[])
}

async fn answer(State(app): State<Shared>, Path(slug): Path<String>, request: Request) -> Response {
    let post = match app.read_post(request).await {
        Ok(post) => post,
        Err(response) => return response,
    };
    match slug.as_str() {
        "files" => return upload(&app, post),
        adjustments::SLUG => return adjustments::answer(&app, post),
        "check-answers" => return submit(&app, post).await,
        _ => {}
    }
    let Some(p) = page(&slug) else {
        return app.message(
            StatusCode::NOT_FOUND,
            None,
            "Page not found",
            "If you typed the web address, check it is correct.",
        );
    };
    let visit = post.visit;
    let today = calendar::uk_date(chrono::Utc::now());
    let skip = p.optional && post.fields.get("skip") == "yes";
    let (kept, mut errors) = if skip {
        (BTreeMap::new(), Vec::new())
    } else {
        read_page(p, &post.fields, today)
    };
    if p.slug == "correspondence" && kept.get("correspondence").is_some_and(|c| c == "Post") {
        let answers = &visit.form.complaint;
        if !answers.contains_key("address_line_1") || !answers.contains_key("postcode") {
            errors.push(FieldError {
                field: "correspondence".into(),
                message: "R-CORR-1: To have letters by post, give a postal address with a postcode on the contact details page, or choose email".into(),
            });
        }
    }
    if !errors.is_empty() {
        let mut values = visit.form.complaint.clone();
        for f in p.fields {
            values.remove(f.name);
        }
        values.extend(kept);
        for (k, v) in post.fields.pairs() {
            if p.fields.iter().any(|f| k.starts_with(f.name)) {
                values.insert(k.clone(), v.trim().to_owned());
            }
        }
        return show_page(&app, &visit, p, &values, &errors);
    }
    let mut answers_after = visit.form.complaint.clone();
    let _ = app.forms.update(&visit.id, |f| {
        for field in p.fields {
            f.complaint.remove(field.name);
            for part in ["day", "month", "year"] {
                f.complaint.remove(&format!("{}_{part}", field.name));
            }
        }
        f.complaint.extend(kept.clone());
        answers_after.clone_from(&f.complaint);
    });
    // After "check your answers", a change returns there, unless it opened
    // a page still to answer (someone else's details, R-INT-4).
    if visit.form.reviewing {
        return match first_unanswered(&answers_after) {
            Some(slug) => see_other(&format!("/complaint/{slug}")),
            None => see_other("/complaint/check-answers"),
        };
    }
    see_other(&next_after(&answers_after, p.slug))
}

/// Extensions intake accepts by default; intake checks the bytes.
const ACCEPTED: &[&str] = &["pdf", "png", "jpg", "jpeg", "docx", "txt"];

fn show_files(app: &super::PublicApp, visit: &Visit, errors: &[FieldError]) -> Response {
    let files: Vec<Value> = visit
        .form
        .files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            context! {
                index => i,
                name => &f.file_name,
                size => size_words(f.content.len()),
            }
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    app.render(
        status,
        Some(visit),
        "public/files.html",
        context! {
            service => "Make a complaint",
            title => "Upload documents (optional)",
            back => previous(&visit.form.complaint, "files"),
            files => files,
            room => 2usize.saturating_sub(visit.form.files.len()),
            accept => ACCEPTED.iter().map(|e| format!(".{e}")).collect::<Vec<_>>().join(","),
            error => errors.first().map(|e| e.message.clone()),
            errors => errors,
        },
    )
}

fn size_words(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// R-INT-1: up to two files with the web form, each within the size
/// limit and of an accepted type (intake checks the type from the bytes).
fn check_uploads(held: &[Upload], new: &[Upload], max_bytes: usize) -> Vec<FieldError> {
    let refuse = |message: String| {
        vec![FieldError {
            field: "files".into(),
            message: format!("R-INT-1: {message}"),
        }]
    };
    if held.len() + new.len() > 2 {
        return refuse(format!(
            "You can upload at most 2 files. You chose {} and {} already attached. Nothing was added",
            new.len(),
            held.len()
        ));
    }
    for file in new {
        if file.content.len() > max_bytes {
            return refuse(format!(
                "{} is larger than {} MB. Nothing was added",
                file.file_name,
                max_bytes.div_ceil(1024 * 1024)
            ));
        }
        let extension = file
            .file_name
            .rsplit_once('.')
            .map(|(_, e)| e.to_ascii_lowercase());
        if !extension.is_some_and(|e| ACCEPTED.contains(&e.as_str())) {
            return refuse(format!(
                "{} must be a PDF, PNG, JPEG, Word (.docx) or text file. Nothing was added",
                file.file_name
            ));
        }
    }
    Vec::new()
}

fn upload(app: &super::PublicApp, post: Post) -> Response {
    let visit = post.visit;
    if let Some(index) = post
        .fields
        .get_opt("remove")
        .and_then(|i| i.parse::<usize>().ok())
    {
        let _ = app.forms.update(&visit.id, |f| {
            if index < f.files.len() {
                f.files.remove(index);
            }
        });
        return see_other("/complaint/files");
    }
    let errors = check_uploads(
        &visit.form.files,
        &post.files,
        app.side.attachment_max_bytes,
    );
    if !errors.is_empty() {
        return show_files(app, &visit, &errors);
    }
    let added = app
        .forms
        .update(&visit.id, |f| f.files.extend(post.files.iter().cloned()));
    if added.is_err() {
        return app.message(
            StatusCode::SERVICE_UNAVAILABLE,
            Some(&visit),
            "Sorry, files cannot be uploaded just now",
            "Try again in a few minutes. Your other answers are kept.",
        );
    }
    if visit.form.reviewing {
        return see_other("/complaint/check-answers");
    }
    see_other(&next_after(&visit.form.complaint, "files"))
}

/// Where an answer intake refused is changed: its page slug.
fn page_of(field: &str) -> &'static str {
    let starts = |p: &str| field.starts_with(p);
    if starts("complainant") {
        "contact"
    } else if starts("third_party") {
        "your-details"
    } else if starts("matter_date") || starts("query_detail") {
        "detail"
    } else if starts("customer_") {
        "customer"
    } else if starts("query_category") {
        "category"
    } else if starts("attachments") {
        "files"
    } else if starts("equality_monitoring") {
        "equality"
    } else if starts("correspondence") {
        "correspondence"
    } else if starts("adjustments") || starts("reasonable_adjustments") {
        adjustments::SLUG
    } else {
        ""
    }
}

fn display(f: &Field, answers: &BTreeMap<String, String>) -> String {
    match f.kind {
        Kind::Date => answers
            .get(f.name)
            .and_then(|d| d.parse::<NaiveDate>().ok())
            .map(|d| d.format("%-d %B %Y").to_string())
            .unwrap_or_default(),
        _ => answers.get(f.name).cloned().unwrap_or_default(),
    }
}

fn show_check(app: &super::PublicApp, visit: &Visit, errors: &[FieldError]) -> Response {
    let answers = &visit.form.complaint;
    if visit.form.complaint_receipt.is_some() {
        return see_other("/complaint/confirmation");
    }
    if let Some(slug) = first_unanswered(answers) {
        return see_other(&format!("/complaint/{slug}"));
    }
    let _ = app.forms.update(&visit.id, |f| f.reviewing = true);
    // Errors from intake are shown against the page they concern.
    let errors: Vec<FieldError> = errors
        .iter()
        .map(|e| FieldError {
            field: match page_of(&e.field) {
                "" => "check".into(),
                slug => format!("row-{slug}"),
            },
            message: e.message.clone(),
        })
        .collect();
    let mut sections = Vec::new();
    for p in PAGES {
        if p.only_for_other && !for_other(answers) {
            continue;
        }
        let row_error = errors
            .iter()
            .filter(|e| e.field == format!("row-{}", p.slug))
            .map(|e| e.message.clone())
            .collect::<Vec<_>>();
        let rows: Vec<Value> = if p.optional {
            let given = p
                .fields
                .iter()
                .filter(|f| answers.contains_key(f.name))
                .count();
            vec![context! {
                label => "Equality questions",
                value => if given == 0 { "Not answered".to_owned() } else { format!("{given} of {} answered", p.fields.len()) },
            }]
        } else {
            p.fields
                .iter()
                .map(|f| context! { label => f.label.trim_end_matches(" (optional)"), value => display(f, answers) })
                .collect()
        };
        sections.push(context! {
            id => format!("row-{}", p.slug),
            title => title(p, answers),
            change => format!("/complaint/{}", p.slug),
            rows => rows,
            errors => row_error,
        });
        if p.slug == adjustments::AFTER {
            let id = format!("row-{}", adjustments::SLUG);
            sections.push(context! {
                title => "Changes to how we contact you",
                change => format!("/complaint/{}", adjustments::SLUG),
                rows => adjustments::rows(answers),
                errors => errors.iter().filter(|e| e.field == id).map(|e| e.message.clone()).collect::<Vec<_>>(),
                id => id,
            });
        }
        if p.slug == FILES_AFTER {
            let names: Vec<String> = visit
                .form
                .files
                .iter()
                .map(|f| f.file_name.clone())
                .collect();
            sections.push(context! {
                id => "row-files",
                title => "Documents",
                change => "/complaint/files",
                rows => vec![context! { label => "Files", value => if names.is_empty() { "None".to_owned() } else { names.join(", ") } }],
                errors => errors.iter().filter(|e| e.field == "row-files").map(|e| e.message.clone()).collect::<Vec<_>>(),
            });
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    app.render(
        status,
        Some(visit),
        "public/check.html",
        context! {
            service => "Make a complaint",
            title => "Check your answers before sending your complaint",
            back => previous(answers, "check"),
            action => "/complaint/check-answers",
            button => "Send complaint",
            sections => sections,
            errors => errors,
        },
    )
}

/// The submission intake receives, from the answers.
fn request(form: &super::state::FormState) -> pb::SubmitComplaintRequest {
    let a = &form.complaint;
    let get = |k: &str| a.get(k).cloned().unwrap_or_default();
    let matter_date = a
        .get("matter_date")
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .map(crate::present::pb_date);
    let lines: Vec<String> = ["address_line_1", "address_line_2", "town"]
        .iter()
        .map(|k| get(k))
        .filter(|l| !l.is_empty())
        .collect();
    let postcode = get("postcode");
    let postal_address = (!lines.is_empty() || !postcode.is_empty())
        .then_some(pb::PostalAddress { lines, postcode });
    let correspondence = if get("correspondence") == "Post" {
        pb::CorrespondencePreference::Post
    } else {
        pb::CorrespondencePreference::Email
    };
    let third_party = for_other(a).then(|| pb::ThirdParty {
        name: get("rep_name"),
        relationship: get("rep_relationship"),
        email: get("rep_email"),
        telephone: get("rep_telephone"),
        organisation: get("rep_organisation"),
    });
    let monitoring = pb::EqualityMonitoring {
        ethnicity: get("eq_ethnicity"),
        disability: get("eq_disability"),
        gender: get("eq_gender"),
        age_band: get("eq_age_band"),
        religion_or_belief: get("eq_religion_or_belief"),
        sexual_orientation: get("eq_sexual_orientation"),
    };
    pb::SubmitComplaintRequest {
        idempotency_key: form.complaint_key.clone(),
        channel: pb::Channel::WebForm as i32,
        customer_status: get("customer_status"),
        customer_type: get("customer_type"),
        query_category: get("query_category"),
        query_detail: get("query_detail"),
        complainant: Some(pb::Person {
            first_name: get("first_name"),
            last_name: get("last_name"),
            email: get("email"),
            telephone: get("telephone"),
            postal_address,
        }),
        matter_date,
        correspondence: correspondence as i32,
        third_party,
        attachments: form
            .files
            .iter()
            .map(|f| pb::Attachment {
                file_name: f.file_name.clone(),
                content_type: f.content_type.clone(),
                content: f.content.clone(),
            })
            .collect(),
        equality_monitoring: (monitoring != pb::EqualityMonitoring::default())
            .then_some(monitoring),
        adjustments: adjustments::request(a),
        ..Default::default()
    }
}

pub fn receipt(r: &pb::SubmissionReceipt) -> Receipt {
    let status = pb::TriageStatus::try_from(r.status).unwrap_or(pb::TriageStatus::Unspecified);
    Receipt {
        reference: r.reference.clone(),
        contact_by: crate::present::date(r.contact_due_on.as_ref()).map(crate::present::date_words),
        redirected_to: (!r.redirected_to.is_empty()).then(|| r.redirected_to.clone()),
        dealt_with_by: (!r.dealt_with_by.is_empty()).then(|| r.dealt_with_by.clone()),
        awaiting_time_decision: status == pb::TriageStatus::AwaitingTimeDecision,
        awaiting_consent: status == pb::TriageStatus::AwaitingConsent,
    }
}

/// Sends the complaint: once per form (the idempotency key), within the
/// client's rate limit; intake's refusals shown against their answers.
async fn submit(app: &super::PublicApp, post: Post) -> Response {
    let visit = post.visit;
    if visit.form.complaint_receipt.is_some() {
        return see_other("/complaint/confirmation");
    }
    if let Some(slug) = first_unanswered(&visit.form.complaint) {
        return see_other(&format!("/complaint/{slug}"));
    }
    if let Err(response) = app.admit(post.client, &visit) {
        return response;
    }
    let token = match app.token.get().await {
        Ok(token) => token,
        Err(error) => {
            tracing::error!(%error, "no portal token for the public forms");
            return app.service_failed(&visit, &tonic::Status::unavailable("no token"));
        }
    };
    let answer = app
        .services
        .intake(&token)
        .submit_complaint(request(&visit.form))
        .await;
    match answer {
        Ok(answer) => {
            let receipt = receipt(&answer.into_inner());
            tracing::info!("a complaint was sent through the public form");
            let _ = app.forms.update(&visit.id, |f| {
                f.complaint.clear();
                f.files.clear();
                f.complaint_receipt = Some(receipt.clone());
            });
            see_other("/complaint/confirmation")
        }
        Err(status) => match CallError::from(status.clone()) {
            CallError::Refused { message, fields } => {
                let fields = if fields.is_empty() {
                    vec![FieldError {
                        field: String::new(),
                        message,
                    }]
                } else {
                    fields
                };
                show_check(app, &visit, &fields)
            }
            _ => app.service_failed(&visit, &status),
        },
    }
}

fn confirmation(app: &super::PublicApp, visit: &Visit) -> Response {
    let Some(receipt) = &visit.form.complaint_receipt else {
        return see_other("/complaint");
    };
    app.render(
        StatusCode::OK,
        Some(visit),
        "public/confirmation.html",
        context! {
            service => "Make a complaint",
            title => "Complaint sent",
            what => "complaint",
            receipt => receipt,
            procedure_words => PROCEDURE_WORDS,
            again => "/complaint",
        },
    )
}

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/complaint", get(start))
        .route("/complaint/start", post(begin))
        .route("/complaint/{page}", get(show).post(answer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_int_2_a_date_must_be_real_and_not_in_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        assert_eq!(parse_date("7", "12", "2026", today), Ok(today));
        assert!(parse_date("8", "12", "2026", today).is_err());
        assert!(parse_date("31", "2", "2026", today).is_err());
        assert!(parse_date("1", "1", "26", today).is_err());
        assert!(parse_date("x", "1", "2026", today).is_err());
    }

    #[test]
    fn r_int_4_someone_elses_complaint_asks_for_the_representatives_details() {
        let mut answers = BTreeMap::new();
        assert!(!route(&answers).contains(&"your-details"));
        answers.insert("who_for".into(), "Someone else".into());
        assert_eq!(next_after(&answers, "who-for"), "/complaint/your-details");
        assert_eq!(first_unanswered(&answers), Some("your-details"));
    }

    #[test]
    fn r_int_1_a_third_file_is_refused_naming_the_field() {
        let file = |n: &str| Upload {
            field: "files".into(),
            file_name: n.into(),
            content_type: "text/plain".into(),
            content: b"x".to_vec(),
        };
        let errors = check_uploads(&[file("a.txt"), file("b.txt")], &[file("c.txt")], 100);
        assert_eq!(errors[0].field, "files");
        assert!(errors[0].message.starts_with("R-INT-1: "));
        assert!(check_uploads(&[file("a.txt")], &[file("b.txt")], 100).is_empty());
        assert_eq!(check_uploads(&[], &[file("run.exe")], 100).len(), 1);
    }
}
