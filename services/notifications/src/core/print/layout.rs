//! Where every line of a printed letter goes: the page plan described in
//! [`super`], the text wrapped by the fonts' widths, and the page breaks.

use super::helvetica::{Face, encode, near};
use super::{LARGE_PRINT_SIZE, LetterToPrint, PAGE_HEIGHT, PAGE_WIDTH, STANDARD_SIZE, WINDOW_SIZE};
use crate::core::format::uk_date;

/// Points per millimetre.
pub const MM: f32 = 72.0 / 25.4;

const LEFT: f32 = 25.0 * MM;
const RIGHT: f32 = PAGE_WIDTH - 20.0 * MM;
const TOP: f32 = PAGE_HEIGHT - 15.0 * MM;
const BOTTOM: f32 = 20.0 * MM;
/// The window's printable area (see the module documentation of [`super`]).
pub const WINDOW_LEFT: f32 = 25.0 * MM;
pub const WINDOW_TOP: f32 = PAGE_HEIGHT - 55.0 * MM;
pub const WINDOW_WIDTH: f32 = 80.0 * MM;
pub const WINDOW_HEIGHT: f32 = 35.0 * MM;
/// The text starts below the envelope's window (95 mm down) and a gap.
const BODY_TOP: f32 = PAGE_HEIGHT - 102.0 * MM;
/// The smallest the window's address is shrunk to when it is long.
const WINDOW_MIN_SIZE: f32 = 6.0;

/// One run of text at a place: `y` is its baseline from the page's foot.
#[derive(Debug, Clone, PartialEq)]
pub struct Placed {
    pub x: f32,
    pub y: f32,
    pub size: f32,
    pub face: Face,
    /// WinAnsi bytes.
    pub text: Vec<u8>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Page {
    pub placed: Vec<Placed>,
}

/// A letter laid out on its pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub pages: Vec<Page>,
    pub substituted: usize,
    /// The size of the text the complainant reads.
    pub body_size: f32,
}

/// A line of the letter's text, before it is given a page.
enum Line {
    Blank,
    Text {
        indent: f32,
        face: Face,
        bytes: Vec<u8>,
    },
}

pub(super) fn lay_out(letter: &LetterToPrint) -> Layout {
    let size = if letter.large_print {
        LARGE_PRINT_SIZE
    } else {
        STANDARD_SIZE
    };
    let leading = size * 1.3;
    let mut substituted = 0;
    let mut encode = |s: &str| winansi(s, &mut substituted);
    let mut first = Page::default();

    // Our address and the date, top right.
    let mut y = TOP - size;
    let date = uk_date(letter.date);
    let header: Vec<Option<&str>> = letter
        .from
        .iter()
        .map(|l| Some(l.as_str()))
        .chain([None, Some(date.as_str())])
        .collect();
    for line in header {
        if let Some(line) = line {
            let bytes = encode(line);
            let width = Face::Regular.measure(&bytes, size);
            first.placed.push(Placed {
                x: (RIGHT - width).max(PAGE_WIDTH / 2.0),
                y,
                size,
                face: Face::Regular,
                text: bytes,
            });
        }
        y -= leading;
    }
    let header_bottom = y;

    // The addressee, in the envelope's window.
    let window: Vec<Vec<u8>> = std::iter::once(letter.to_name.as_str())
        .chain(letter.to_lines.iter().map(String::as_str))
        .chain(std::iter::once(letter.postcode.as_str()))
        .filter(|l| !l.trim().is_empty())
        .map(&mut encode)
        .collect();
    let widest = window
        .iter()
        .map(|l| Face::Regular.measure(l, 1.0))
        .fold(0.0_f32, f32::max);
    let window_size = WINDOW_SIZE
        .min(WINDOW_HEIGHT / (window.len().max(1) as f32 * 1.2))
        .min(if widest > 0.0 {
            WINDOW_WIDTH / widest
        } else {
            WINDOW_SIZE
        })
        .max(WINDOW_MIN_SIZE);
    let mut wy = WINDOW_TOP - window_size;
    for bytes in window {
        first.placed.push(Placed {
            x: WINDOW_LEFT,
            y: wy,
            size: window_size,
            face: Face::Regular,
            text: bytes,
        });
        wy -= window_size * 1.2;
    }

    // The reference, the subject and the text.
    let width = RIGHT - LEFT;
    let mut lines = Vec::new();
    let reference = encode(&format!("Our reference: {}", letter.reference));
    lines.extend(wrap(&reference, Face::Regular, size, width));
    lines.push(Line::Blank);
    lines.extend(wrap(&encode(&letter.subject), Face::Bold, size, width));
    lines.push(Line::Blank);
    for source in letter.body.trim_end().lines() {
        if source.trim().is_empty() {
            lines.push(Line::Blank);
        } else {
            lines.extend(wrap(&encode(source), Face::Regular, size, width));
        }
    }

    let mut pages = vec![first];
    let mut y = BODY_TOP.min(header_bottom) - size;
    let continuation_top = TOP - size - 2.0 * leading;
    for line in lines {
        if y < BOTTOM {
            pages.push(Page::default());
            y = continuation_top;
            if matches!(line, Line::Blank) {
                continue;
            }
        }
        if let Line::Text {
            indent,
            face,
            bytes,
        } = line
            && let Some(page) = pages.last_mut()
        {
            page.placed.push(Placed {
                x: LEFT + indent,
                y,
                size,
                face,
                text: bytes,
            });
        }
        y -= leading;
    }

    // Every continuation page says whose letter it is and where it is.
    let count = pages.len();
    for (n, page) in pages.iter_mut().enumerate().skip(1) {
        let heading = encode(&format!("{}, page {} of {count}", letter.reference, n + 1));
        page.placed.insert(
            0,
            Placed {
                x: LEFT,
                y: TOP - size,
                size,
                face: Face::Regular,
                text: heading,
            },
        );
    }
    Layout {
        pages,
        substituted,
        body_size: size,
    }
}

/// `text` in WinAnsi bytes; a character the fonts lack becomes its near
/// equivalent or "?", counted in `substituted`.
fn winansi(text: &str, substituted: &mut usize) -> Vec<u8> {
    text.chars()
        .filter(|c| *c != '\r')
        .map(|c| {
            encode(c).unwrap_or_else(|| {
                *substituted += 1;
                near(c).unwrap_or(b'?')
            })
        })
        .collect()
}

/// One line of text wrapped to `width` at word boundaries. Leading spaces
/// and a "- " list marker are kept on the first line and the lines that
/// follow hang under the text after them; a word wider than the page is
/// broken where it must be.
fn wrap(bytes: &[u8], face: Face, size: f32, width: f32) -> Vec<Line> {
    let lead = bytes.iter().take_while(|b| **b == b' ').count();
    let rest = &bytes[lead..];
    let marker = if rest.starts_with(b"- ") { 2 } else { 0 };
    let prefix = &bytes[..lead + marker];
    let hang = face.measure(prefix, size).min(width / 2.0);
    let space = face.measure(b" ", size);
    let room = width - hang;
    let mut pieces: Vec<&[u8]> = Vec::new();
    for word in rest[marker..]
        .split(|b| *b == b' ')
        .filter(|w| !w.is_empty())
    {
        let mut word = word;
        while face.measure(word, size) > room && word.len() > 1 {
            let mut n = 1;
            while n < word.len() && face.measure(&word[..=n], size) <= room {
                n += 1;
            }
            pieces.push(&word[..n]);
            word = &word[n..];
        }
        pieces.push(word);
    }
    let mut out = Vec::new();
    let mut line = prefix.to_vec();
    let mut indent = 0.0;
    let mut has_word = false;
    for piece in pieces {
        let used = face.measure(&line, size) + if has_word { space } else { 0.0 };
        if has_word && indent + used + face.measure(piece, size) > width {
            out.push(Line::Text {
                indent,
                face,
                bytes: std::mem::take(&mut line),
            });
            indent = hang;
            has_word = false;
        }
        if has_word {
            line.push(b' ');
        }
        line.extend_from_slice(piece);
        has_word = true;
    }
    out.push(Line::Text {
        indent,
        face,
        bytes: line,
    });
    out
}
