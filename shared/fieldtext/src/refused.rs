//! Why a text was refused, in words a person filling in a form can act on.

use crate::Shape;
use std::fmt;

/// The kinds of character a field may refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CharacterClass {
    /// `\n`, `\r`, U+2028 LINE SEPARATOR, U+2029 PARAGRAPH SEPARATOR: kept
    /// (as `\n`) in a paragraph, refused in a line.
    LineBreak,
    /// `\t`: kept in a paragraph, refused in a line.
    Tab,
    /// The other C0 controls (NUL among them), DEL and the C1 controls
    /// (U+0080 to U+009F, NEL among them). PostgreSQL text cannot hold NUL,
    /// mail headers and terminals misread the others; nobody types them.
    Control,
    /// Bidirectional embeddings, overrides and isolates (U+202A to U+202E,
    /// U+2066 to U+2069): they make text display in an order other than
    /// the one it is stored in, which hides what staff are reading. The
    /// marks (U+200E, U+200F, U+061C) that right-to-left names need are
    /// allowed.
    BidiOverride,
    /// Unicode noncharacters (U+FDD0 to U+FDEF and the last two code
    /// points of every plane), reserved for a program's internal use.
    Noncharacter,
}

impl CharacterClass {
    /// The class of a character that needs one, `None` for ordinary text.
    pub fn of(c: char) -> Option<Self> {
        match c {
            '\n' | '\r' | '\u{2028}' | '\u{2029}' => Some(Self::LineBreak),
            '\t' => Some(Self::Tab),
            c if c.is_control() => Some(Self::Control),
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => Some(Self::BidiOverride),
            '\u{FDD0}'..='\u{FDEF}' => Some(Self::Noncharacter),
            c if (u32::from(c) & 0xFFFE) == 0xFFFE => Some(Self::Noncharacter),
            _ => None,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Self::LineBreak => "a line break",
            Self::Tab => "a tab",
            Self::Control => "a control character",
            Self::BidiOverride => "a bidirectional override",
            Self::Noncharacter => "a Unicode noncharacter",
        }
    }
}

/// Why a field's text was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Nothing but whitespace where text is required.
    Blank,
    /// Longer than the field allows, counted in characters after cleaning.
    TooLong { chars: usize, max: usize },
    /// A character the field cannot hold.
    Character {
        found: char,
        class: CharacterClass,
        shape: Shape,
    },
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Blank => f.write_str("is required"),
            Self::TooLong { chars, max } => {
                write!(f, "must be at most {max} characters (this is {chars})")
            }
            Self::Character {
                found,
                class,
                shape,
            } => {
                let fits = match (class, shape) {
                    (CharacterClass::LineBreak | CharacterClass::Tab, Shape::Line) => {
                        "this field is a single line"
                    }
                    _ => "remove it and try again",
                };
                write!(
                    f,
                    "contains {} (U+{:04X}), which it cannot hold: {fits}",
                    class.words(),
                    u32::from(*found)
                )
            }
        }
    }
}

impl std::error::Error for Refused {}
