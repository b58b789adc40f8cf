use super::InvalidValue;
use super::text::checked;
use std::fmt;
use uuid::Uuid;

/// Opaque id of a member of staff: 1 to 64 characters of letters, digits
/// and `. _ @ -`. Never a name or an email address in logs; just an id.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StaffId(String);

impl StaffId {
    /// The longest id accepted.
    pub const MAX_CHARS: usize = 64;

    /// Accepts a trimmed id made of the allowed characters.
    pub fn new(text: impl AsRef<str>) -> Result<Self, InvalidValue> {
        let text = text.as_ref().trim();
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '@' | '-');
        if text.is_empty() || text.len() > Self::MAX_CHARS || !text.chars().all(allowed) {
            return Err(InvalidValue::new(
                "staff id",
                format!(
                    "{text:?} is not 1 to {} letters, digits or . _ @ -",
                    Self::MAX_CHARS
                ),
            ));
        }
        Ok(Self(text.to_owned()))
    }

    /// The id.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The team (department) a member of staff works in: one short line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Team(String);

impl Team {
    /// Accepts a trimmed, non-empty single line of at most 100 characters.
    pub fn new(text: impl AsRef<str>) -> Result<Self, InvalidValue> {
        checked("team", text.as_ref(), fieldtext::fields::TEAM).map(Self)
    }

    /// The team's name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The intake submission a complaint was opened from (a UUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubmissionId(Uuid);

impl SubmissionId {
    /// Wraps a UUID.
    pub fn new(id: Uuid) -> Self {
        Self(id)
    }

    /// Parses the textual form of a UUID.
    pub fn parse(text: &str) -> Result<Self, InvalidValue> {
        Uuid::parse_str(text.trim())
            .map(Self)
            .map_err(|_| InvalidValue::new("submission id", format!("{text:?} is not a UUID")))
    }

    /// The UUID.
    pub fn uuid(&self) -> Uuid {
        self.0
    }
}

/// Number of a follow-up action within its complaint, from 1, in the order
/// the actions were added (R-OUT-3). Printed as `ACT-<n>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActionId(u32);

impl ActionId {
    /// The first action of a complaint.
    pub const FIRST: ActionId = ActionId(1);

    /// An action id from its number (1 or more).
    pub fn new(number: u32) -> Result<Self, InvalidValue> {
        if number == 0 {
            return Err(InvalidValue::new("action id", "must be 1 or more"));
        }
        Ok(Self(number))
    }

    /// The number.
    pub fn get(&self) -> u32 {
        self.0
    }

    /// The id after this one.
    pub(crate) fn next(self) -> Self {
        Self(self.0.saturating_add(1))
    }
}

macro_rules! display_as_str {
    ($($ty:ty),*) => {$(
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
display_as_str!(StaffId, Team);

impl fmt::Display for SubmissionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for ActionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ACT-{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_ids_are_opaque_tokens() {
        assert_eq!(StaffId::new(" s.jones-2 ").unwrap().as_str(), "s.jones-2");
        assert!(StaffId::new("").is_err());
        assert!(StaffId::new("two words").is_err());
        assert!(StaffId::new("x".repeat(65)).is_err());
    }

    #[test]
    fn action_ids_start_at_one() {
        assert!(ActionId::new(0).is_err());
        assert_eq!(ActionId::FIRST.next().to_string(), "ACT-2");
    }

    #[test]
    fn submission_ids_are_uuids() {
        let id = Uuid::from_u128(7);
        assert_eq!(
            SubmissionId::parse(&id.to_string()),
            Ok(SubmissionId::new(id))
        );
        assert!(SubmissionId::parse("not-a-uuid").is_err());
    }
}
