//! R-MON-2: a request for a page of the actions overdue across complaints.

use super::FieldViolation;
use super::fields::Fields;
use crate::overdue::{Position, Query};
use complaints_proto::v1 as pb;

const RULE: &str = "R-MON-2";

/// The page asked for: a page size within the platform's bounds, a token
/// this service gave out, and a day that exists within the years
/// accepted.
pub fn overdue_query(r: &pb::ListOverdueActionsRequest) -> Result<Query, Vec<FieldViolation>> {
    let mut f = Fields::default();
    let page_size = platform::limits::page_size("page_size", r.page_size)
        .map_err(|v| f.violation(&v.field, v.rule, v.description))
        .ok();
    let after = match r.page_token.as_str() {
        "" => Some(None),
        token => Position::from_token(token).map(Some).or_else(|| {
            f.violation("page_token", RULE, "is not a token this service gave out");
            None
        }),
    };
    let as_of = f.opt_date("as_of", RULE, r.as_of);
    if let Some(Some(day)) = as_of
        && let Err(v) = platform::limits::year("as_of", chrono::Datelike::year(&day))
    {
        f.violation(&v.field, v.rule, v.description);
    }
    f.finish(|| {
        Some(Query {
            as_of: as_of?,
            page_size: page_size?,
            after: after?,
        })
    })
}
