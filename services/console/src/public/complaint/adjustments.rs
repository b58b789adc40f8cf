//! R-ADJ-1: the optional question "Do you need us to make any changes?",
//! in the GOV.UK checkboxes pattern with a conditional question under each
//! choice that needs one. Without JavaScript every conditional question is
//! shown under its choice, and an answer typed there counts as choosing
//! it. The answers become the complaint's reasonable adjustments, which
//! intake records, staff see and every letter honours.

use super::super::{Post, PublicApp, Visit, see_other};
use crate::error::FieldError;
use axum::http::StatusCode;
use axum::response::Response;
use complaints_proto::v1 as pb;
use minijinja::{Value, context};
use std::collections::BTreeMap;

/// The page's slug, and the page it follows.
pub const SLUG: &str = "adjustments";
pub const AFTER: &str = "correspondence";

const RULE: &str = "R-ADJ-1";
/// The longest short answer (intake's label rule), and the longest "other".
const SHORT: usize = 200;
const LONG: usize = 20_000;

/// A conditional question under a choice.
struct Input {
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    long: bool,
    /// What to say when the choice is made and this is left empty; empty
    /// when another input of the choice may answer it instead.
    missing: &'static str,
}

/// One checkbox.
struct Choice {
    value: &'static str,
    label: &'static str,
    inputs: &'static [Input],
    /// At least one input must be answered when chosen.
    one_of: &'static str,
}

const fn input(name: &'static str, label: &'static str) -> Input {
    Input {
        name,
        label,
        hint: "",
        long: false,
        missing: "",
    }
}

const CHOICES: &[Choice] = &[
    Choice {
        value: "large_print",
        label: "Letters in large print",
        inputs: &[],
        one_of: "",
    },
    Choice {
        value: "other_format",
        label: "Letters in another format",
        inputs: &[Input {
            hint: "For example, braille, audio or easy read",
            missing: "Enter the format you need",
            ..input("adj_other_format", "Which format do you need?")
        }],
        one_of: "",
    },
    Choice {
        value: "contact",
        label: "A particular way or time for us to contact you",
        inputs: &[
            Input {
                hint: "For example, by telephone, text relay or email",
                ..input(
                    "adj_contact_method",
                    "How should we contact you? (optional)",
                )
            },
            Input {
                hint: "For example, weekday mornings",
                ..input(
                    "adj_contact_time",
                    "When is best to contact you? (optional)",
                )
            },
        ],
        one_of: "Enter how or when we should contact you",
    },
    Choice {
        value: "representative",
        label: "Someone to speak to us for you",
        inputs: &[
            Input {
                missing: "Enter the name of the person who will speak for you",
                ..input("adj_representative_name", "Their full name")
            },
            Input {
                hint: "For example, daughter, friend or advocate",
                missing: "Enter their relationship to you",
                ..input(
                    "adj_representative_relationship",
                    "Their relationship to you",
                )
            },
        ],
        one_of: "",
    },
    Choice {
        value: "other",
        label: "Something else",
        inputs: &[Input {
            long: true,
            missing: "Tell us what you need",
            ..input("adj_other", "Tell us what you need")
        }],
        one_of: "",
    },
];

/// Every answer this page keeps.
fn keys() -> impl Iterator<Item = String> {
    CHOICES
        .iter()
        .map(|c| format!("adj_chose_{}", c.value))
        .chain(
            CHOICES
                .iter()
                .flat_map(|c| c.inputs.iter().map(|i| i.name.to_owned())),
        )
}

fn chosen(answers: &BTreeMap<String, String>, c: &Choice) -> bool {
    answers.contains_key(&format!("adj_chose_{}", c.value))
}

/// Reads the page: the answers kept and the errors, each naming its input.
fn read(fields: &crate::web::Fields) -> (BTreeMap<String, String>, Vec<FieldError>) {
    let ticked = fields.all("adjustments");
    let mut kept = BTreeMap::new();
    let mut errors = Vec::new();
    let mut error = |field: &str, message: &str| {
        errors.push(FieldError {
            field: field.to_owned(),
            message: format!("{RULE}: {message}"),
        });
    };
    for c in CHOICES {
        let mut any = false;
        for i in c.inputs {
            let value = fields.get(i.name);
            if value.is_empty() {
                continue;
            }
            any = true;
            let max = if i.long { LONG } else { SHORT };
            if value.chars().count() > max {
                error(
                    i.name,
                    &format!("{} must be {max} characters or fewer", i.label),
                );
            }
            kept.insert(i.name.to_owned(), value.to_owned());
        }
        if !(any || ticked.contains(&c.value)) {
            continue;
        }
        kept.insert(format!("adj_chose_{}", c.value), "yes".to_owned());
        if !c.one_of.is_empty()
            && !any
            && let Some(first) = c.inputs.first()
        {
            error(first.name, c.one_of);
        }
        for i in c.inputs {
            if !i.missing.is_empty() && fields.get(i.name).is_empty() {
                error(i.name, i.missing);
            }
        }
    }
    (kept, errors)
}

pub fn show(app: &PublicApp, visit: &Visit, errors: &[FieldError]) -> Response {
    show_with(app, visit, &visit.form.complaint, errors)
}

fn show_with(
    app: &PublicApp,
    visit: &Visit,
    values: &BTreeMap<String, String>,
    errors: &[FieldError],
) -> Response {
    let choices: Vec<Value> = CHOICES
        .iter()
        .map(|c| {
            let inputs: Vec<Value> = c
                .inputs
                .iter()
                .map(|i| {
                    context! {
                        name => i.name,
                        label => i.label,
                        hint => i.hint,
                        long => i.long,
                        value => values.get(i.name).cloned().unwrap_or_default(),
                        error => errors.iter().find(|e| e.field == i.name).map(|e| e.message.clone()),
                    }
                })
                .collect();
            context! {
                value => c.value,
                label => c.label,
                checked => chosen(values, c),
                inputs => inputs,
            }
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let for_other = super::for_other(&visit.form.complaint);
    app.render(
        status,
        Some(visit),
        "public/adjustments.html",
        context! {
            service => "Make a complaint",
            title => if for_other {
                "Do they need us to make any changes to how we contact them?"
            } else {
                "Do you need us to make any changes to how we contact you?"
            },
            back => super::previous(&visit.form.complaint, SLUG),
            choices => choices,
            errors => errors,
        },
    )
}

/// Keeps the answers, or shows the page again with what was typed.
pub fn answer(app: &PublicApp, post: Post) -> Response {
    let visit = post.visit;
    let (kept, errors) = read(&post.fields);
    if !errors.is_empty() {
        return show_with(app, &visit, &kept, &errors);
    }
    let mut answers_after = visit.form.complaint.clone();
    let _ = app.forms.update(&visit.id, |f| {
        for key in keys() {
            f.complaint.remove(&key);
        }
        f.complaint.extend(kept.clone());
        answers_after.clone_from(&f.complaint);
    });
    if visit.form.reviewing {
        return see_other("/complaint/check-answers");
    }
    see_other(&super::next_after(&answers_after, SLUG))
}

/// The answers as "check your answers" lists them.
pub fn rows(answers: &BTreeMap<String, String>) -> Vec<Value> {
    let get = |k: &str| answers.get(k).cloned().unwrap_or_default();
    let mut rows = Vec::new();
    for c in CHOICES.iter().filter(|c| chosen(answers, c)) {
        let value = match c.value {
            "large_print" => "Yes".to_owned(),
            "contact" => [get("adj_contact_method"), get("adj_contact_time")]
                .into_iter()
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join(", "),
            "representative" => format!(
                "{} ({})",
                get("adj_representative_name"),
                get("adj_representative_relationship")
            ),
            _ => c.inputs.first().map(|i| get(i.name)).unwrap_or_default(),
        };
        rows.push(context! { label => c.label, value => value });
    }
    if rows.is_empty() {
        rows.push(context! { label => "Changes asked for", value => "None" });
    }
    rows
}

/// The adjustments intake receives; `None` when none were asked for.
pub fn request(answers: &BTreeMap<String, String>) -> Option<pb::ReasonableAdjustments> {
    let get = |k: &str| answers.get(k).cloned().unwrap_or_default();
    let asked = pb::ReasonableAdjustments {
        large_print: answers.contains_key("adj_chose_large_print"),
        other_format: get("adj_other_format"),
        contact_method: get("adj_contact_method"),
        contact_time: get("adj_contact_time"),
        representative_name: get("adj_representative_name"),
        representative_relationship: get("adj_representative_relationship"),
        other: get("adj_other"),
    };
    (asked != pb::ReasonableAdjustments::default()).then_some(asked)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> crate::web::Fields {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        crate::web::Fields::parse(body.as_bytes())
    }

    #[test]
    fn r_adj_1_a_choice_needs_its_answer_and_the_error_names_the_input() {
        let (_, errors) = read(&form(&[("adjustments", "other_format")]));
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "adj_other_format");
        assert!(errors[0].message.starts_with("R-ADJ-1: "));
        let (_, errors) = read(&form(&[
            ("adjustments", "representative"),
            ("adj_representative_name", "Grace Hopper"),
        ]));
        assert_eq!(errors[0].field, "adj_representative_relationship");
        let long = "x".repeat(SHORT + 1);
        let (_, errors) = read(&form(&[("adj_contact_time", long.as_str())]));
        assert_eq!(errors[0].field, "adj_contact_time");
    }

    #[test]
    fn r_adj_1_answers_become_the_adjustments_intake_records() {
        let (kept, errors) = read(&form(&[
            ("adjustments", "large_print"),
            ("adjustments", "contact"),
            ("adj_contact_time", "weekday mornings"),
            // Typed without ticking its box (no JavaScript): still asked for.
            ("adj_other_format", "braille"),
        ]));
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(
            request(&kept),
            Some(pb::ReasonableAdjustments {
                large_print: true,
                other_format: "braille".into(),
                contact_time: "weekday mornings".into(),
                ..Default::default()
            })
        );
        let (nothing, errors) = read(&form(&[]));
        assert!(errors.is_empty());
        assert_eq!(request(&nothing), None);
        assert_eq!(rows(&nothing).len(), 1);
    }
}
