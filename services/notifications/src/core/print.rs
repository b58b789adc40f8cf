//! Print-ready post (R-CORR-1, R-ADJ-1): a letter as an A4 PDF the print
//! room can print, fold and post without retyping anything.
//!
//! The page, in millimetres from the top left of an A4 sheet:
//! - our address and the date, top right, 15 mm down, 20 mm in from the
//!   right edge;
//! - the addressee's name and address for the standard UK left window of
//!   DL and C5 envelopes (a 90 x 45 mm window 20 mm from the envelope's
//!   left edge and 15 mm above its foot, which on a letter folded into
//!   thirds is 50 to 95 mm from the top): placed 25 mm from the left and
//!   55 mm from the top, within 80 x 35 mm, so that it shows whatever way
//!   the letter shifts in the envelope;
//! - below it the reference, the subject in bold and the text, wrapped to
//!   the page between margins of 25 mm (left) and 20 mm (right), left
//!   aligned, continuing on as many pages as it needs, each continuation
//!   page headed with the reference and "page N of M".
//!
//! Large print (R-ADJ-1) sets everything the complainant reads in 18 pt
//! Helvetica (sans serif, left aligned), and 11 pt otherwise. The address
//! in the window stays at 12 pt so that it fits the window.
//!
//! The standard Helvetica fonts need no embedding but print only the
//! WinAnsi characters: any other character is printed as a near
//! equivalent or "?", and [`Printed::substituted`] counts them so the
//! shell can say so.

mod helvetica;
mod layout;
mod pdf;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use std::fmt;

pub use helvetica::Face;
pub use layout::{Layout, Page, Placed};

/// The content type of a printed letter.
pub const CONTENT_TYPE: &str = "application/pdf";

/// A4 in points (1/72 inch): 210 x 297 mm.
pub const PAGE_WIDTH: f32 = 595.0;
pub const PAGE_HEIGHT: f32 = 842.0;

/// The body text size of a standard letter, in points.
pub const STANDARD_SIZE: f32 = 11.0;
/// R-ADJ-1: the body text size of a large-print letter (at least 16 pt).
pub const LARGE_PRINT_SIZE: f32 = 18.0;
const _: () = assert!(
    LARGE_PRINT_SIZE >= 16.0,
    "R-ADJ-1: large print is at least 16 pt"
);
/// The size of the address in the envelope's window.
pub const WINDOW_SIZE: f32 = 12.0;

/// Everything printed on a letter.
#[derive(Clone)]
pub struct LetterToPrint {
    /// Our name and address, one line each, printed top right.
    pub from: Vec<String>,
    /// The date the letter is dated.
    pub date: NaiveDate,
    /// The addressee's name, and their address lines and postcode.
    pub to_name: String,
    pub to_lines: Vec<String>,
    pub postcode: String,
    pub reference: String,
    pub subject: String,
    /// The letter's plain text, as rendered from its template.
    pub body: String,
    /// R-ADJ-1: print it in large print.
    pub large_print: bool,
}

/// A printed letter.
#[derive(Clone)]
pub struct Printed {
    pub pdf: Vec<u8>,
    pub pages: usize,
    /// Characters the fonts cannot print, printed as a near equivalent or
    /// "?" instead.
    pub substituted: usize,
}

/// Lays out and writes `letter` as a PDF.
pub fn print(letter: &LetterToPrint) -> Printed {
    let layout = layout::lay_out(letter);
    Printed {
        pdf: pdf::write(&layout),
        pages: layout.pages.len(),
        substituted: layout.substituted,
    }
}

/// A file name for the printed letter: the reference and the letter's
/// template name, nothing personal.
pub fn file_name(reference: &str, template: &str) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect()
    };
    format!("{}-{}.pdf", safe(reference), safe(template))
}

/// Debug names the reference only: the rest is personal data.
impl fmt::Debug for LetterToPrint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LetterToPrint")
            .field("reference", &self.reference)
            .field("large_print", &self.large_print)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Printed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Printed")
            .field("bytes", &self.pdf.len())
            .field("pages", &self.pages)
            .field("substituted", &self.substituted)
            .finish()
    }
}
