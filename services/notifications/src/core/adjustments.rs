//! R-ADJ-1: the reasonable adjustments a complainant asked for, as the
//! letters honour them. Large print changes how a post letter is printed
//! (see [`super::print`]); every letter to the complainant also says, in
//! a paragraph of its own, how the rest is being honoured.
//!
//! Read from intake's events: the structured message when it is there, and
//! otherwise the free text that events stored before it carry, in which
//! "large print" still asks for large print.

use super::render::{RenderError, Rendered, TemplateSource, describe, environment};
use super::route::Recipient;
use super::templates::ADJUSTMENTS_NOTE;
use super::wire::{Wire, WireError};
use complaints_proto::v1 as pb;
use fieldtext::fields;
use minijinja::Value;
use std::fmt;

/// R-ADJ-1: `letter` with the paragraphs saying how `asked` is honoured
/// (from [`ADJUSTMENTS_NOTE`]) placed just before its sign-off ("Yours
/// sincerely"), or at its end when it has none.
pub(crate) fn honoured(
    letter: Rendered,
    asked: &Adjustments,
    to: &Recipient,
    source: &dyn TemplateSource,
) -> Result<Rendered, RenderError> {
    let name = ADJUSTMENTS_NOTE.to_owned();
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
    let (rep_name, rep_relationship) = asked
        .representative
        .clone()
        .map_or((None, None), |(n, r)| (Some(n), Some(r)));
    let context: Value = [
        ("by_post", Value::from(to.channel.is_post())),
        ("large_print", Value::from(asked.large_print)),
        ("other_format", Value::from(asked.other_format.clone())),
        ("contact_method", Value::from(asked.contact_method.clone())),
        ("contact_time", Value::from(asked.contact_time.clone())),
        ("representative_name", Value::from(rep_name)),
        ("representative_relationship", Value::from(rep_relationship)),
        ("other", Value::from(asked.other.is_some())),
    ]
    .into_iter()
    .collect();
    let note = template.render(context).map_err(|e| RenderError::Failed {
        template: name,
        detail: describe(&e),
    })?;
    let note = note.trim();
    if note.is_empty() {
        return Ok(letter);
    }
    let body = match letter.body.rfind("\nYours sincerely") {
        Some(at) => format!("{}{note}\n{}", &letter.body[..=at], &letter.body[at..]),
        None => format!("{}\n{note}\n", letter.body),
    };
    Ok(Rendered { body, ..letter })
}

/// What a complainant asked for; each text is as intake cleaned it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Adjustments {
    pub large_print: bool,
    /// Another format the letters are needed in (braille, audio...).
    pub other_format: Option<String>,
    pub contact_method: Option<String>,
    pub contact_time: Option<String>,
    /// Someone who speaks for the complainant: name and relationship.
    pub representative: Option<(String, String)>,
    /// Anything else, in the complainant's words.
    pub other: Option<String>,
}

impl Adjustments {
    /// The adjustments an intake event carries: `structured` when present,
    /// else the free text `legacy`; `None` when nothing was asked for.
    pub(crate) fn read(
        w: Wire<'_>,
        structured: Option<&pb::ReasonableAdjustments>,
        legacy: &str,
    ) -> Result<Option<Self>, WireError> {
        let a = match structured {
            Some(a) => Self {
                large_print: a.large_print,
                other_format: w.clean(
                    "adjustments.other_format",
                    fields::LABEL,
                    &a.other_format,
                )?,
                contact_method: w.clean(
                    "adjustments.contact_method",
                    fields::LABEL,
                    &a.contact_method,
                )?,
                contact_time: w.clean(
                    "adjustments.contact_time",
                    fields::LABEL,
                    &a.contact_time,
                )?,
                representative: w
                    .clean(
                        "adjustments.representative_name",
                        fields::PERSON_NAME,
                        &a.representative_name,
                    )?
                    .map(|name| {
                        w.clean(
                            "adjustments.representative_relationship",
                            fields::LABEL,
                            &a.representative_relationship,
                        )
                        .map(|r| (name, r.unwrap_or_default()))
                    })
                    .transpose()?,
                other: w.clean("adjustments.other", fields::FREE_TEXT, &a.other)?,
            },
            None => {
                let other = w.clean("reasonable_adjustments", fields::FREE_TEXT, legacy)?;
                Self {
                    large_print: other
                        .as_deref()
                        .is_some_and(|t| t.to_lowercase().contains("large print")),
                    other,
                    ..Self::default()
                }
            }
        };
        Ok((a != Self::default()).then_some(a))
    }
}

/// Debug says what kind of adjustment was asked for, never the words
/// (a representative's name is personal data).
impl fmt::Debug for Adjustments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Adjustments")
            .field("large_print", &self.large_print)
            .field("other_format", &self.other_format.is_some())
            .field("contact_method", &self.contact_method.is_some())
            .field("contact_time", &self.contact_time.is_some())
            .field("representative", &self.representative.is_some())
            .field("other", &self.other.is_some())
            .finish()
    }
}
