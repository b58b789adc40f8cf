//! The templates shipped in `services/notifications/templates/`, compiled
//! in: the fallback when an operator's folder lacks a file, and what the
//! tests render, so a template that no longer fits its letter fails a test.

use super::render::TemplateSource;

macro_rules! shipped {
    ($($name:literal),* $(,)?) => {
        /// Every shipped template, by file name.
        pub const SHIPPED: &[(&str, &str)] = &[$(
            ($name, include_str!(concat!("../../templates/", $name))),
        )*];
    };
}

shipped!(
    "automatic_reply.txt.j2",
    "complaint_reference.txt.j2",
    "new_issues_notice.txt.j2",
    "stage2_acknowledgement.txt.j2",
    "redirect_notice.txt.j2",
    "out_of_time_declined.txt.j2",
    "consent_request.txt.j2",
    "third_party_notice.txt.j2",
    "now_dealt_with_by.txt.j2",
    "timescale_agreed.txt.j2",
    "delay_update.txt.j2",
    "stage3_acknowledgement.txt.j2",
    "stage_outcome.txt.j2",
    "final_outcome.txt.j2",
    "compliment_for_manager.txt.j2",
    "staff_alert.txt.j2",
    "follow_link.txt.j2",
);

/// R-ADJ-1: the paragraphs a letter to a complainant who asked for
/// reasonable adjustments carries before its sign-off. Not a letter of its
/// own, so not in [`SHIPPED`]; operators may edit it like any template.
pub const ADJUSTMENTS_NOTE: &str = "adjustments_note.txt.j2";

const ADJUSTMENTS_NOTE_TEXT: &str = include_str!("../../templates/adjustments_note.txt.j2");

/// The shipped templates as a [`TemplateSource`].
#[derive(Debug, Clone, Copy, Default)]
pub struct BuiltInTemplates;

impl TemplateSource for BuiltInTemplates {
    fn get(&self, name: &str) -> Option<String> {
        SHIPPED
            .iter()
            .find(|(file, _)| *file == name)
            .map(|(_, text)| (*text).to_owned())
            .or_else(|| (name == ADJUSTMENTS_NOTE).then(|| ADJUSTMENTS_NOTE_TEXT.to_owned()))
    }
}
