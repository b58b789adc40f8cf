use super::InvalidValue;
use std::fmt;
use std::str::FromStr;

/// The reference a complaint is known by, `CMP-YYYY-NNNNNN` (the reference
/// number sent with the Stage 3 acknowledgement, R-S3-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ComplaintRef {
    year: u16,
    number: u32,
}

impl ComplaintRef {
    const WHAT: &'static str = "complaint reference";

    /// A reference from its year (2000 to 9999) and number (1 to 999999).
    pub fn new(year: u16, number: u32) -> Result<Self, InvalidValue> {
        if !(2000..=9999).contains(&year) {
            return Err(InvalidValue::new(
                Self::WHAT,
                format!("year {year} is not between 2000 and 9999"),
            ));
        }
        if !(1..=999_999).contains(&number) {
            return Err(InvalidValue::new(
                Self::WHAT,
                format!("number {number} is not between 1 and 999999"),
            ));
        }
        Ok(Self { year, number })
    }

    /// Parses `CMP-YYYY-NNNNNN`, surrounding whitespace ignored.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        let bad = || {
            InvalidValue::new(
                Self::WHAT,
                format!("{text:?} is not of the form CMP-YYYY-NNNNNN"),
            )
        };
        let rest = text.trim().strip_prefix("CMP-").ok_or_else(bad)?;
        let (year, number) = rest.split_once('-').ok_or_else(bad)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(number, 6) {
            return Err(bad());
        }
        let year = year.parse().map_err(|_| bad())?;
        let number = number.parse().map_err(|_| bad())?;
        Self::new(year, number)
    }

    /// The year part.
    pub fn year(&self) -> u16 {
        self.year
    }

    /// The number part.
    pub fn number(&self) -> u32 {
        self.number
    }
}

impl fmt::Display for ComplaintRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CMP-{:04}-{:06}", self.year, self.number)
    }
}

impl FromStr for ComplaintRef {
    type Err = InvalidValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_prints_as_it_parses() {
        let reference = ComplaintRef::parse("CMP-2026-000042").unwrap();
        assert_eq!(reference.year(), 2026);
        assert_eq!(reference.number(), 42);
        assert_eq!(reference.to_string(), "CMP-2026-000042");
        assert_eq!(" CMP-2026-000042 ".parse::<ComplaintRef>(), Ok(reference));
    }

    #[test]
    fn malformed_references_are_refused() {
        for text in [
            "",
            "CMP-2026-42",
            "cmp-2026-000042",
            "CMP-26-000042",
            "CMP-2026-0000042",
            "CMP-2026-000000",
            "CMP-1999-000001",
            "CMP-2026-00004a",
            "CMP-2026+000042",
            "XYZ-2026-000042",
        ] {
            assert!(ComplaintRef::parse(text).is_err(), "{text:?} was accepted");
        }
    }
}
