//! The print queue's letters, ready to print (R-CORR-1, R-ADJ-1): each
//! queued post letter as an A4 PDF ([`crate::core::print`]), dated the day
//! it was queued, addressed for a window envelope, and in large print when
//! the complainant asked for it.

use crate::core::print::{self, LetterToPrint};
use crate::core::{Adjustments, Party};
use crate::store::Row;
use crate::store::print_queue::Waiting;
use complaints_proto::v1 as pb;

/// `LETTER_ADDRESS` unset: the name and address printed at the top right
/// of every posted letter.
pub const DEFAULT_LETTER_ADDRESS: &str =
    "CILEX Customer Service|Kempston Manor|Kempston|Bedford|MK42 7AB";

/// `LETTER_ADDRESS` as lines: separated by `|`, blank lines dropped.
pub fn letter_address(setting: &str) -> Vec<String> {
    setting
        .split('|')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The print queue's item for `row`, a post letter, printed with our
/// address `from`. `party` is the complaint's, for the complainant's
/// reasonable adjustments; they apply to the complainant's own letters.
pub fn print_item(row: Row, party: Option<&Party>, from: &[String]) -> pb::PrintItem {
    let adjustments = adjustments(row.recipient_kind, party);
    let large_print = adjustments.is_some_and(|a| a.large_print);
    let letter = LetterToPrint {
        from: from.to_vec(),
        date: calendar::uk_date(row.queued_at),
        to_name: row.recipient_name.clone(),
        to_lines: row.postal_lines.clone(),
        postcode: row.postcode.clone(),
        reference: row.reference.clone(),
        subject: row.subject.clone(),
        body: row.body.clone(),
        large_print,
    };
    let printed = print::print(&letter);
    if printed.substituted > 0 {
        // The count only: the characters are the complainant's words.
        tracing::warn!(
            notification.id = %row.notification_id,
            substituted = printed.substituted,
            "the printed letter has characters the print fonts lack, printed as near equivalents or \"?\""
        );
    }
    pb::PrintItem {
        notification_id: row.notification_id.to_string(),
        pdf_filename: print::file_name(&row.reference, &row.template),
        pdf_content_type: print::CONTENT_TYPE.to_owned(),
        pdf: printed.pdf,
        large_print,
        other_format: adjustments
            .and_then(|a| a.other_format.clone())
            .unwrap_or_default(),
        reference: row.reference,
        template: row.template,
        recipient_name: row.recipient_name,
        address: Some(pb::PostalAddress {
            lines: row.postal_lines,
            postcode: row.postcode,
        }),
        subject: row.subject,
        body: row.body,
        queued_at: Some(timestamp(row.queued_at)),
    }
}

/// The complainant's reasonable adjustments (R-ADJ-1), which apply to
/// their own letters only.
fn adjustments(recipient_kind: i32, party: Option<&Party>) -> Option<&Adjustments> {
    party
        .filter(|_| recipient_kind == pb::RecipientKind::Complainant as i32)
        .and_then(|p| p.adjustments.as_ref())
}

fn timestamp(t: chrono::DateTime<chrono::Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: t.timestamp_subsec_nanos() as i32,
    }
}

/// The print queue's listing of `waiting`: what the list shows, with the
/// large print and other format asked for (R-ADJ-1) and the PDF's file
/// name, but no address, text or PDF, which one letter's
/// `GetPrintLetter` answers ([`print_item`]).
pub fn listed_item(waiting: Waiting, party: Option<&Party>) -> pb::PrintItem {
    let adjustments = adjustments(waiting.recipient_kind, party);
    pb::PrintItem {
        notification_id: waiting.notification_id.to_string(),
        pdf_filename: print::file_name(&waiting.reference, &waiting.template),
        pdf_content_type: print::CONTENT_TYPE.to_owned(),
        large_print: adjustments.is_some_and(|a| a.large_print),
        other_format: adjustments
            .and_then(|a| a.other_format.clone())
            .unwrap_or_default(),
        queued_at: Some(timestamp(waiting.queued_at)),
        reference: waiting.reference,
        template: waiting.template,
        recipient_name: waiting.recipient_name,
        ..Default::default()
    }
}
