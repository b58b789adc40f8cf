//! The catalogue: each kind of field the platform accepts, and its rule.
//!
//! Intake's edge, the complaints service's domain types and the decoders
//! in complaints, notifications and reporting all name their rule from
//! here, so a limit changed here changes for all of them at once.

use crate::{Rule, line, paragraph};

/// A short label chosen or typed on a form: customer status and type,
/// query category, a regulator, a team, a relationship, an organisation.
pub const LABEL: Rule = line(200);

/// A team that handles complaints or receives compliments.
pub const TEAM: Rule = line(100);

/// A person's first or last name, or a third party's name.
pub const PERSON_NAME: Rule = line(200);

/// A telephone number as the person gave it.
pub const TELEPHONE: Rule = line(40);

/// One line of a postal address.
pub const ADDRESS_LINE: Rule = line(200);

/// How many lines a postal address may have.
pub const ADDRESS_LINES_MAX: usize = 8;

/// A postcode (UK or another country's).
pub const POSTCODE: Rule = line(20);

/// A qualification code (R-REG-1).
pub const QUALIFICATION_CODE: Rule = line(50);

/// An answer to one equality monitoring question (R-MON-4).
pub const MONITORING_ANSWER: Rule = line(100);

/// An attachment's file name.
pub const FILE_NAME: Rule = line(255);

/// A client's idempotency key.
pub const IDEMPOTENCY_KEY: Rule = line(200);

/// A staff member's or a portal's id as written by hand in a request.
pub const ACTOR_ID: Rule = line(200);

/// A record a request names: a complaint reference, a submission or
/// compliment id (each service parses it further where it can).
pub const RECORD_ID: Rule = line(100);

/// Free text: the query's detail, findings, a compliment's message,
/// reasonable adjustments, a summary of contact.
pub const FREE_TEXT: Rule = paragraph(20_000);

/// The reason for a staff decision or the evidence behind it.
pub const REASON: Rule = paragraph(5_000);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_allows_at_least_a_useful_length() {
        for rule in [
            LABEL,
            TEAM,
            PERSON_NAME,
            TELEPHONE,
            ADDRESS_LINE,
            POSTCODE,
            QUALIFICATION_CODE,
            MONITORING_ANSWER,
            FILE_NAME,
            IDEMPOTENCY_KEY,
            ACTOR_ID,
            FREE_TEXT,
            REASON,
        ] {
            assert!(rule.max_chars() >= 20, "{rule:?}");
        }
    }
}
