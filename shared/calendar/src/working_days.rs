//! The [`WorkingDays`] count type.

use std::fmt;
use std::str::FromStr;

/// A number of working days.
///
/// A newtype rather than a bare `u32` so that a deadline in working days
/// ("within 20 working days") cannot be passed where calendar days are meant
/// ("within 14 days"), or the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkingDays(u32);

impl WorkingDays {
    /// `n` working days.
    pub const fn new(n: u32) -> Self {
        Self(n)
    }

    /// The number of working days.
    pub const fn get(self) -> u32 {
        self.0
    }
}

/// Reads as the procedure writes it: "7 working days", "1 working day".
impl fmt::Display for WorkingDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            1 => f.write_str("1 working day"),
            n => write!(f, "{n} working days"),
        }
    }
}

/// Why a text is not a number of working days (for configuration values).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseWorkingDaysError {
    /// Nothing but whitespace was given.
    #[error("a number of working days is required, but the value is empty")]
    Empty,
    /// A minus sign: deadlines only run forwards.
    #[error("{0:?} is negative; a number of working days must be 0 or more")]
    Negative(String),
    /// Anything other than ASCII digits.
    #[error("{0:?} is not a whole number of working days (expected digits only, such as 7 or 20)")]
    NotAWholeNumber(String),
    /// More digits than fit.
    #[error("{0:?} is too many working days (at most {max})", max = u32::MAX)]
    TooLarge(String),
}

/// Parses a whole number such as `"7"` (surrounding whitespace allowed).
impl FromStr for WorkingDays {
    type Err = ParseWorkingDaysError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let text = s.trim();
        let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        if text.is_empty() {
            return Err(ParseWorkingDaysError::Empty);
        }
        if text.strip_prefix('-').is_some_and(all_digits) {
            return Err(ParseWorkingDaysError::Negative(text.to_owned()));
        }
        if !all_digits(text) {
            return Err(ParseWorkingDaysError::NotAWholeNumber(text.to_owned()));
        }
        text.parse()
            .map(Self)
            .map_err(|_| ParseWorkingDaysError::TooLarge(text.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_reads_like_the_procedure_singular_and_plural() {
        assert_eq!(WorkingDays::new(7).to_string(), "7 working days");
        assert_eq!(WorkingDays::new(1).to_string(), "1 working day");
        assert_eq!(WorkingDays::new(0).to_string(), "0 working days");
    }

    #[test]
    fn parsing_accepts_a_whole_number_with_surrounding_whitespace() {
        assert_eq!("20".parse(), Ok(WorkingDays::new(20)));
        assert_eq!(" 5\n".parse(), Ok(WorkingDays::new(5)));
        assert_eq!("0".parse(), Ok(WorkingDays::new(0)));
    }

    #[test]
    fn parsing_errors_say_what_is_wrong_with_the_value() {
        let err = |s: &str| s.parse::<WorkingDays>().unwrap_err().to_string();
        assert!(err("  ").contains("empty"));
        assert!(err("-3").contains("negative"));
        assert!(err("seven").contains("\"seven\" is not a whole number"));
        assert!(err("7.5").contains("not a whole number"));
        assert!(err("+7").contains("not a whole number"));
        assert!(err("99999999999").contains("too many"));
    }
}
