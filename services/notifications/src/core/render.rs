//! Letters into text, through templates operators can edit.
//!
//! Each letter has one template, `<letter>.txt.j2`, fetched from a
//! [`TemplateSource`] at every render, so the shell can serve the files in
//! `services/notifications/templates/` from disk and a change takes effect
//! without a rebuild. A template's first line is `Subject: ...`; the rest is
//! the plain-text body, the same for an email and a printed letter.
//!
//! Rendering is strict: a variable the template names but the letter does
//! not have is an error, not an empty gap in a letter to a complainant.

use super::adjustments;
use super::context::fields;
use super::format;
use super::letters::Letter;
use super::route::{Recipient, RecipientKind};
use calendar::WorkingDays;
use chrono::NaiveDate;
use minijinja::{AutoEscape, Environment, ErrorKind, UndefinedBehavior, Value};
use std::collections::HashMap;
use std::fmt;
use thiserror::Error;

/// Where templates come from, by file name (e.g. `automatic_reply.txt.j2`).
pub trait TemplateSource {
    fn get(&self, name: &str) -> Option<String>;
}

/// Templates held in memory, by file name: for tests and for a shell that
/// has read a folder.
impl TemplateSource for HashMap<String, String> {
    fn get(&self, name: &str) -> Option<String> {
        HashMap::get(self, name).cloned()
    }
}

/// A letter ready to send: the subject line and the plain-text body.
#[derive(Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Rendered { .. redacted .. }")
    }
}

/// Why a letter could not be rendered; each names the template to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RenderError {
    #[error("template {template} was not found in the template source")]
    Missing { template: String },
    #[error("template {template} is broken: {detail}")]
    Broken { template: String, detail: String },
    #[error("template {template} failed to render: {detail}")]
    Failed { template: String, detail: String },
    #[error("template {template} must start with a line \"Subject: ...\" that is not empty")]
    NoSubject { template: String },
}

/// The file name of a letter's template.
pub fn template_file(letter: &Letter) -> String {
    format!("{}.txt.j2", letter.template())
}

/// Renders `letter` for `to` with its template from `source`.
pub fn render(
    letter: &Letter,
    to: &Recipient,
    source: &dyn TemplateSource,
) -> Result<Rendered, RenderError> {
    let name = template_file(letter);
    let text = source.get(&name).ok_or_else(|| RenderError::Missing {
        template: name.clone(),
    })?;
    let env = environment();
    let template = env
        .template_from_named_str(&name, &text)
        .map_err(|e| RenderError::Broken {
            template: name.clone(),
            detail: describe(&e),
        })?;
    let output = template
        .render(context(letter, to))
        .map_err(|e| RenderError::Failed {
            template: name.clone(),
            detail: describe(&e),
        })?;
    let rendered = split_subject(&output).ok_or(RenderError::NoSubject { template: name })?;
    match &to.adjustments {
        Some(asked) => adjustments::honoured(rendered, asked, to, source),
        None => Ok(rendered),
    }
}

fn context(letter: &Letter, to: &Recipient) -> Value {
    let representative_copy =
        to.kind == RecipientKind::ThirdParty && !matches!(letter, Letter::ThirdPartyNotice(_));
    let common = [
        ("recipient_name", Value::from(to.name.as_str())),
        ("representative_copy", Value::from(representative_copy)),
        ("by_post", Value::from(to.channel.is_post())),
        ("reference", Value::from(letter.reference())),
    ];
    common.into_iter().chain(fields(letter)).collect()
}

/// The error with its line, and the cause a filter gave, if any.
pub(super) fn describe(e: &minijinja::Error) -> String {
    let mut detail = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        detail.push_str(": ");
        detail.push_str(&c.to_string());
        cause = c.source();
    }
    detail
}

fn split_subject(output: &str) -> Option<Rendered> {
    let (first, rest) = output.split_once('\n').unwrap_or((output, ""));
    let subject = first.trim().strip_prefix("Subject:")?.trim();
    if subject.is_empty() {
        return None;
    }
    let body = rest.trim_start_matches(['\n', '\r']).trim_end();
    Some(Rendered {
        subject: subject.to_owned(),
        body: format!("{body}\n"),
    })
}

pub(super) fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.set_auto_escape_callback(|_| AutoEscape::None);
    env.set_trim_blocks(true);
    env.set_lstrip_blocks(true);
    env.set_keep_trailing_newline(true);
    env.add_filter("uk_date", |d: String| Ok(format::uk_date(date(&d)?)));
    env.add_filter("money", |pence: i64| format::money(pence));
    env.add_filter("within_working_days", |days: u32, by: String| {
        Ok(format::within_working_days(
            WorkingDays::new(days),
            date(&by)?,
        ))
    });
    env.add_filter("within_days", |days: u32, by: String| {
        Ok(format::within_days(days, date(&by)?))
    });
    env
}

/// Dates reach templates as ISO text ("2027-01-06").
fn date(text: &str) -> Result<NaiveDate, minijinja::Error> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| {
        minijinja::Error::new(
            ErrorKind::InvalidOperation,
            format!("{text:?} is not a date (expected YYYY-MM-DD)"),
        )
    })
}
