//! What text each field may hold, defined once for the whole platform.
//!
//! Intake accepts a submission and other services apply the events it
//! publishes later, out of sight of the person who sent it. If the edge
//! accepted a value a consumer cannot apply, the complainant would hold a
//! receipt for a complaint that never opens. So the edge of every service
//! and every decoder of another service's events clean text with the same
//! [`Rule`], taken from the same [`fields`] catalogue: whatever was
//! accepted once is accepted again, unchanged, everywhere.
//!
//! A rule has a shape ([`Shape::Line`] or [`Shape::Paragraph`]) and a
//! length in characters. Cleaning trims surrounding whitespace, turns
//! every line break of a paragraph into `\n`, and refuses characters that
//! no field can hold safely (see [`Refused::Character`]).
#![forbid(unsafe_code)]

pub mod fields;
mod refused;

pub use refused::{CharacterClass, Refused};

/// Single line, or several lines of free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One line: a name, a label, a code. No line breaks or tabs.
    Line,
    /// Free text: line breaks (any of `\r\n`, `\r`, `\n`, U+2028, U+2029,
    /// all kept as `\n`) and tabs are allowed.
    Paragraph,
}

/// What one field may hold: its shape and its longest length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    shape: Shape,
    max_chars: usize,
}

/// A single line of at most `max_chars` characters.
pub const fn line(max_chars: usize) -> Rule {
    Rule {
        shape: Shape::Line,
        max_chars,
    }
}

/// Free text of at most `max_chars` characters (line breaks count as one).
pub const fn paragraph(max_chars: usize) -> Rule {
    Rule {
        shape: Shape::Paragraph,
        max_chars,
    }
}

impl Rule {
    /// The longest text accepted, in characters, after cleaning.
    pub const fn max_chars(&self) -> usize {
        self.max_chars
    }

    /// The field's shape.
    pub const fn shape(&self) -> Shape {
        self.shape
    }

    /// The cleaned text, `None` when nothing but whitespace was given.
    ///
    /// Cleaning a cleaned text gives it back unchanged, which is what lets
    /// a decoder apply the rule again to what an edge accepted.
    pub fn clean(&self, raw: &str) -> Result<Option<String>, Refused> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        let mut text = String::with_capacity(trimmed.len());
        let mut chars = trimmed.chars().peekable();
        let mut count = 0usize;
        while let Some(c) = chars.next() {
            let kept = match CharacterClass::of(c) {
                None => c,
                Some(CharacterClass::LineBreak) if self.shape == Shape::Paragraph => {
                    if c == '\r' && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    '\n'
                }
                Some(CharacterClass::Tab) if self.shape == Shape::Paragraph => c,
                Some(class) => {
                    return Err(Refused::Character {
                        found: c,
                        class,
                        shape: self.shape,
                    });
                }
            };
            count += 1;
            text.push(kept);
        }
        if count > self.max_chars {
            return Err(Refused::TooLong {
                chars: count,
                max: self.max_chars,
            });
        }
        Ok(Some(text))
    }

    /// The cleaned text of a field that must be given.
    pub fn required(&self, raw: &str) -> Result<String, Refused> {
        self.clean(raw)?.ok_or(Refused::Blank)
    }

    /// What the rule accepts, in words, for documentation and error pages.
    pub fn describe(&self) -> String {
        match self.shape {
            Shape::Line => format!("one line of at most {} characters", self.max_chars),
            Shape::Paragraph => format!(
                "text of at most {} characters; line breaks and tabs allowed",
                self.max_chars
            ),
        }
    }
}

#[cfg(test)]
mod tests;
