//! R-ADJ-1: reasonable adjustments on the wire, as intake's acceptance
//! and the complaint's opening carry them.

use crate::domain::types::{Adjustments, Name, NonEmptyText};
use complaints_proto::v1;

/// The adjustments `structured` holds, or, from an acceptance stored
/// before it was kept, those the free text `legacy` asks for ("large
/// print" in it still asks for large print). `None` when nothing is
/// asked for; `Err` names the field a value is refused in.
pub fn from_proto(
    structured: Option<v1::ReasonableAdjustments>,
    legacy: &str,
) -> Result<Option<Adjustments>, (&'static str, String)> {
    let name = |field: &'static str, text: &str| -> Result<Option<Name>, (&'static str, String)> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        Name::new(text)
            .map(Some)
            .map_err(|e| (field, e.to_string()))
    };
    let free = |field: &'static str, text: &str| {
        if text.trim().is_empty() {
            return Ok(None);
        }
        NonEmptyText::new(text)
            .map(Some)
            .map_err(|e| (field, e.to_string()))
    };
    let adjustments = match structured {
        Some(a) => Adjustments {
            large_print: a.large_print,
            other_format: name("adjustments.other_format", &a.other_format)?,
            contact_method: name("adjustments.contact_method", &a.contact_method)?,
            contact_time: name("adjustments.contact_time", &a.contact_time)?,
            representative: match name("adjustments.representative_name", &a.representative_name)? {
                Some(who) => Some((
                    who,
                    name(
                        "adjustments.representative_relationship",
                        &a.representative_relationship,
                    )?,
                )),
                None => None,
            },
            other: free("adjustments.other", &a.other)?,
        },
        None => {
            let other = free("reasonable_adjustments", legacy)?;
            Adjustments {
                large_print: other
                    .as_ref()
                    .is_some_and(|t| t.as_str().to_lowercase().contains("large print")),
                other_format: None,
                contact_method: None,
                contact_time: None,
                representative: None,
                other,
            }
        }
    };
    Ok(adjustments.asks_for_something().then_some(adjustments))
}

/// The message for `adjustments`.
pub fn to_proto(a: &Adjustments) -> v1::ReasonableAdjustments {
    let text = |n: &Option<Name>| n.as_ref().map(Name::to_string).unwrap_or_default();
    v1::ReasonableAdjustments {
        large_print: a.large_print,
        other_format: text(&a.other_format),
        contact_method: text(&a.contact_method),
        contact_time: text(&a.contact_time),
        representative_name: a
            .representative
            .as_ref()
            .map(|(n, _)| n.to_string())
            .unwrap_or_default(),
        representative_relationship: a
            .representative
            .as_ref()
            .and_then(|(_, r)| r.as_ref())
            .map(Name::to_string)
            .unwrap_or_default(),
        other: a
            .other
            .as_ref()
            .map(|t| t.as_str().to_owned())
            .unwrap_or_default(),
    }
}
