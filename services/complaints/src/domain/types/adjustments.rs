use super::{Name, NonEmptyText};

/// R-ADJ-1: the reasonable adjustments a complainant asked for, which
/// staff see on the complaint and honour. At least one is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adjustments {
    pub large_print: bool,
    /// Another format the letters are needed in (braille, audio...).
    pub other_format: Option<Name>,
    pub contact_method: Option<Name>,
    pub contact_time: Option<Name>,
    /// Someone who speaks for the complainant: their name and relationship.
    pub representative: Option<(Name, Option<Name>)>,
    /// Anything else, in the complainant's words.
    pub other: Option<NonEmptyText>,
}

impl Adjustments {
    /// Whether anything is asked for.
    pub fn asks_for_something(&self) -> bool {
        self.large_print
            || self.other_format.is_some()
            || self.contact_method.is_some()
            || self.contact_time.is_some()
            || self.representative.is_some()
            || self.other.is_some()
    }
}
