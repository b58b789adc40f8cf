use super::InvalidValue;
use std::fmt;

/// Free text that says something: trimmed, not empty, at most
/// [`NonEmptyText::MAX_CHARS`] characters (findings, reasons, summaries).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NonEmptyText(String);

impl NonEmptyText {
    /// The longest text accepted, in characters.
    pub const MAX_CHARS: usize = fieldtext::fields::FREE_TEXT.max_chars();

    /// Cleans `text` by the platform's rule for free text
    /// ([`fieldtext::fields::FREE_TEXT`]) and accepts it if something is left.
    pub fn new(text: impl AsRef<str>) -> Result<Self, InvalidValue> {
        checked("text", text.as_ref(), fieldtext::fields::FREE_TEXT).map(Self)
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl NonEmptyText {
    /// R-OUT-1: whether the text says nothing a reader could act on: only
    /// punctuation and symbols ("...", "-", "?"), or a placeholder left for
    /// later ("n/a", "tbc", "TBD", "todo", "none", "xxx").
    pub fn is_placeholder(&self) -> bool {
        let words: String = self
            .0
            .chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect();
        const PLACEHOLDERS: &[&str] = &[
            "na",
            "tbc",
            "tba",
            "tbd",
            "todo",
            "none",
            "nil",
            "x",
            "xx",
            "xxx",
            "placeholder",
            "findings",
            "test",
        ];
        words.is_empty() || PLACEHOLDERS.contains(&words.as_str())
    }
}

/// A short single-line label: trimmed, not empty, at most
/// [`Name::MAX_CHARS`] characters, no line breaks or control characters
/// (a regulator, a recipient, a query category, a qualification code).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(String);

impl Name {
    /// The longest name accepted, in characters.
    pub const MAX_CHARS: usize = fieldtext::fields::LABEL.max_chars();

    /// Cleans `text` by the platform's rule for labels
    /// ([`fieldtext::fields::LABEL`]): one line of allowed length.
    pub fn new(text: impl AsRef<str>) -> Result<Self, InvalidValue> {
        checked("name", text.as_ref(), fieldtext::fields::LABEL).map(Self)
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `text` cleaned by `rule`, the one definition of allowed text that intake
/// and every consumer of the complaints service's events share, so what
/// is accepted here can be applied everywhere.
pub(super) fn checked(
    what: &'static str,
    text: &str,
    rule: fieldtext::Rule,
) -> Result<String, InvalidValue> {
    match rule.required(text) {
        Ok(cleaned) => Ok(cleaned),
        Err(fieldtext::Refused::Blank) => Err(InvalidValue::new(what, "must not be empty")),
        Err(refused) => Err(InvalidValue::new(what, refused.to_string())),
    }
}

impl fmt::Display for NonEmptyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_must_not_be_blank() {
        assert_eq!(NonEmptyText::new("  why \n").unwrap().as_str(), "why");
        assert!(NonEmptyText::new(" \n\t ").is_err());
        assert!(NonEmptyText::new("a\nb").is_ok());
    }

    #[test]
    fn text_longer_than_the_limit_is_refused() {
        let long = "x".repeat(NonEmptyText::MAX_CHARS + 1);
        assert!(NonEmptyText::new(&long).is_err());
        assert!(NonEmptyText::new(&long[1..]).is_ok());
    }

    #[test]
    fn r_out_1_punctuation_and_placeholders_say_nothing() {
        for empty in [
            "...", "-", "n/a", "N/A", "tbc", "TBC.", "- tbd -", "?!", "xxx", "None",
        ] {
            assert!(
                NonEmptyText::new(empty).unwrap().is_placeholder(),
                "{empty}"
            );
        }
        for said in ["We sent the result late.", "No", "A"] {
            assert!(!NonEmptyText::new(said).unwrap().is_placeholder(), "{said}");
        }
    }

    #[test]
    fn a_name_is_one_short_line() {
        assert_eq!(Name::new(" Ofqual ").unwrap().as_str(), "Ofqual");
        assert!(Name::new("Of\nqual").is_err());
        assert!(Name::new("x".repeat(Name::MAX_CHARS + 1)).is_err());
        assert!(Name::new("").is_err());
    }
}
