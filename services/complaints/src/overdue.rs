//! R-MON-2: the monitors' list of actions past their due date across every
//! complaint (`ListOverdueActions`), read from the `open_actions` read
//! model: one statement for a page, whatever the number of complaints,
//! where reading each complaint's log would cost one load per complaint.
//! The log is read only for actions projected before the model held what
//! an action is (migration 1004), until RebuildReadModel fills them in.

use crate::domain::types::{ActionId, ComplaintRef};
use crate::error::{ComplaintsError, Context};
use chrono::NaiveDate;
use sqlx::PgPool;

/// A place in the list's order (due date, reference, action number): a
/// page starts after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub due_on: NaiveDate,
    pub reference: ComplaintRef,
    pub action_id: ActionId,
}

impl Position {
    /// The page token naming this place: dates, a reference and a number,
    /// no personal data, so a page can put it in a link.
    pub fn token(&self) -> String {
        format!(
            "{}_{}_{}",
            self.due_on.format("%Y-%m-%d"),
            self.reference,
            self.action_id.get()
        )
    }

    /// The place a token names; `None` for text no page gave out.
    pub fn from_token(token: &str) -> Option<Self> {
        let (due, rest) = token.split_once('_')?;
        let (reference, id) = rest.rsplit_once('_')?;
        Some(Self {
            due_on: NaiveDate::parse_from_str(due, "%Y-%m-%d").ok()?,
            reference: ComplaintRef::parse(reference).ok()?,
            action_id: ActionId::new(id.parse().ok()?).ok()?,
        })
    }
}

/// One page asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The day overdue is judged on; the service's today when `None`.
    pub as_of: Option<NaiveDate>,
    pub page_size: u32,
    pub after: Option<Position>,
}

/// An action of `open_actions` due before the day asked about. What it is
/// is `None` for rows written before migration 1004.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub reference: String,
    pub action_id: i32,
    pub due_on: NaiveDate,
    pub kind: Option<i32>,
    pub description: Option<String>,
    pub owner: Option<String>,
}

impl Row {
    /// Where the list goes on after this row; `None` for a row the model
    /// could not have written (never in practice).
    pub fn position(&self) -> Option<Position> {
        Some(Position {
            due_on: self.due_on,
            reference: ComplaintRef::parse(&self.reference).ok()?,
            action_id: ActionId::new(u32::try_from(self.action_id).ok()?).ok()?,
        })
    }
}

/// Up to `page_size + 1` actions not completed and due before `as_of`,
/// after `after`, in the list's order; the extra row only says that a
/// next page exists. The index `open_actions_due_order` serves both the
/// range and the order, so a page reads only its own rows.
pub async fn page(
    pool: &PgPool,
    as_of: NaiveDate,
    page_size: u32,
    after: Option<&Position>,
) -> Result<Vec<Row>, ComplaintsError> {
    let limit = i64::from(page_size) + 1;
    let rows = match after {
        None => sqlx::query_as(
            "SELECT reference, action_id, due_on, kind, description, owner
             FROM open_actions
             WHERE due_on < $1
             ORDER BY due_on, reference, action_id
             LIMIT $2",
        )
        .bind(as_of)
        .bind(limit)
        .fetch_all(pool),
        Some(p) => sqlx::query_as(
            "SELECT reference, action_id, due_on, kind, description, owner
             FROM open_actions
             WHERE due_on < $1 AND (due_on, reference, action_id) > ($3, $4, $5)
             ORDER BY due_on, reference, action_id
             LIMIT $2",
        )
        .bind(as_of)
        .bind(limit)
        .bind(p.due_on)
        .bind(p.reference.to_string())
        .bind(i32::try_from(p.action_id.get()).unwrap_or(i32::MAX))
        .fetch_all(pool),
    };
    rows.await.context("listing overdue actions")
}

/// How many actions not completed are due before `as_of`: a range of the
/// same index, read without the table.
pub async fn count(pool: &PgPool, as_of: NaiveDate) -> Result<u64, ComplaintsError> {
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM open_actions WHERE due_on < $1")
        .bind(as_of)
        .fetch_one(pool)
        .await
        .context("counting overdue actions")?;
    Ok(u64::try_from(total).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_token_names_its_place_and_nothing_else_is_taken_for_one() {
        let place = Position {
            due_on: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
            reference: ComplaintRef::parse("CMP-2026-000123").unwrap(),
            action_id: ActionId::new(12).unwrap(),
        };
        assert_eq!(place.token(), "2026-03-09_CMP-2026-000123_12");
        assert_eq!(Position::from_token(&place.token()), Some(place));
        for wrong in [
            "",
            "2026-03-09",
            "2026-03-09_CMP-2026-000123",
            "2026-02-30_CMP-2026-000123_1",
            "2026-03-09_not-a-reference_1",
            "2026-03-09_CMP-2026-000123_0",
            "2026-03-09_CMP-2026-000123_-1",
            "2026-03-09_CMP-2026-000123_x",
        ] {
            assert_eq!(Position::from_token(wrong), None, "{wrong}");
        }
    }
}
