//! R-ADJ-1: the reasonable adjustments a complainant asks for, read at the
//! edge: each text cleaned by its field's rule and refused naming the
//! field, so what is recorded is what every service can honour.

use super::{Recorded, Violations};
use complaints_proto::v1 as pb;
use fieldtext::fields;

const RULE: &str = "R-ADJ-1";

/// The adjustments asked for in `structured` and in the older free-text
/// field `legacy`, which is read as `adjustments.other` (and, as before,
/// asks for large print when it says so). `Ok(None)` when nothing is
/// asked for.
pub(super) fn adjustments(
    v: &mut Violations,
    structured: Option<pb::ReasonableAdjustments>,
    legacy: &str,
) -> Result<Option<pb::ReasonableAdjustments>, Recorded> {
    let legacy = v.optional_text("reasonable_adjustments", RULE, legacy, fields::FREE_TEXT);
    let given = structured.is_some();
    let a = structured.unwrap_or_default();
    let mut text = |field: &str, raw: &str, rule| {
        v.optional_text(&format!("adjustments.{field}"), RULE, raw, rule)
            .map(|t| t.map(|t| t.into_string()).unwrap_or_default())
    };
    let other_format = text("other_format", &a.other_format, fields::LABEL);
    let contact_method = text("contact_method", &a.contact_method, fields::LABEL);
    let contact_time = text("contact_time", &a.contact_time, fields::LABEL);
    let name = text(
        "representative_name",
        &a.representative_name,
        fields::PERSON_NAME,
    );
    let relationship = text(
        "representative_relationship",
        &a.representative_relationship,
        fields::LABEL,
    );
    let other = text("other", &a.other, fields::FREE_TEXT);
    // Both or neither of the name and the relationship, whatever else is wrong.
    let paired = match (
        a.representative_name.trim().is_empty(),
        a.representative_relationship.trim().is_empty(),
    ) {
        (false, true) => {
            v.add(
                "adjustments.representative_relationship",
                RULE,
                "is required with the name of the person who speaks for the complainant",
            );
            Err(Recorded)
        }
        (true, false) => {
            v.add(
                "adjustments.representative_name",
                RULE,
                "is required with the relationship of the person who speaks for the complainant",
            );
            Err(Recorded)
        }
        _ => Ok(()),
    };
    let (legacy, other_format, contact_method, contact_time, name, relationship, other, ()) = (
        legacy?,
        other_format?,
        contact_method?,
        contact_time?,
        name?,
        relationship?,
        other?,
        paired?,
    );
    let legacy = legacy.map(|t| t.into_string());
    let other = match (legacy.as_deref(), other.is_empty()) {
        (Some(old), true) => old.to_owned(),
        (Some(old), false) if old != other => {
            let joined = format!("{other}\n\n{old}");
            text_within(v, &joined)?
        }
        _ => other,
    };
    let large_print = a.large_print
        || (!given
            && legacy
                .as_deref()
                .is_some_and(|t| t.to_lowercase().contains("large print")));
    let adjustments = pb::ReasonableAdjustments {
        large_print,
        other_format,
        contact_method,
        contact_time,
        representative_name: name,
        representative_relationship: relationship,
        other,
    };
    Ok((adjustments != pb::ReasonableAdjustments::default()).then_some(adjustments))
}

/// Both free texts together must still fit the free-text rule.
fn text_within(v: &mut Violations, joined: &str) -> Result<String, Recorded> {
    v.optional_text("adjustments.other", RULE, joined, fields::FREE_TEXT)
        .map(|t| t.map(|t| t.into_string()).unwrap_or_default())
}
