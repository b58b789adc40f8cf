//! Regulator notices (R-REG-4): the notices a regulator sent about a
//! failure found at another awarding organisation, each calling for a
//! review of our own assessment procedures with one owner and a due date.
//! The list is filtered as the complaints service filters it (all, open,
//! overdue, completed; earliest review due first); each notice's page
//! shows the failure, the review's findings once completed, and links the
//! step that completes the review. Recording and completing are steps
//! ([`super::steps`]); this module only reads.

use super::{Fields, Shared, Staff, value};
use crate::present;
use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use complaints_proto::v1 as pb;
use minijinja::context;
use platform::auth::Role;
use serde::Serialize;

/// Who the navigation offers the notices to: the complaints service lets
/// the Corporate Compliance Manager alone list and read them.
pub const MAY_USE: &[Role] = &[Role::ComplianceManager];

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/regulator-notices", get(list))
        .route("/regulator-notices/{id}", get(notice))
}

/// The list's filter, parsed from the query; anything unknown is "all".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filter {
    All,
    Open,
    Overdue,
    Completed,
}

impl Filter {
    const CHOICES: [(Self, &'static str, &'static str); 4] = [
        (Self::All, "all", "All notices"),
        (Self::Open, "open", "Open reviews"),
        (Self::Overdue, "overdue", "Overdue reviews"),
        (Self::Completed, "completed", "Completed reviews"),
    ];

    fn parse(text: &str) -> Self {
        Self::CHOICES
            .iter()
            .find(|(_, v, _)| *v == text)
            .map_or(Self::All, |(f, _, _)| *f)
    }

    fn value(self) -> &'static str {
        Self::CHOICES
            .iter()
            .find(|(f, _, _)| *f == self)
            .map_or("all", |(_, v, _)| v)
    }

    fn request(self) -> pb::RegulatorNoticeFilter {
        use pb::RegulatorNoticeFilter as F;
        match self {
            Self::All => F::Unspecified,
            Self::Open => F::Open,
            Self::Overdue => F::Overdue,
            Self::Completed => F::Completed,
        }
    }
}

/// A notice id as the service writes them; anything else is not looked up.
fn plain(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 100
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[derive(Debug, Serialize)]
struct NoticeRow {
    id: String,
    regulator: String,
    awarding_organisation: String,
    received_on: String,
    review_owner: String,
    review_due_on: String,
    completed_on: String,
    /// "completed", "overdue" or "open".
    state: &'static str,
    state_words: &'static str,
    failure: String,
    findings: String,
}

fn row(directory: &platform::staff::Directory, n: pb::RegulatorNoticeView) -> NoticeRow {
    let words = |d: Option<&pb::Date>| {
        present::date(d)
            .map(present::date_words)
            .unwrap_or_default()
    };
    let completed_on = words(n.review_completed_on.as_ref());
    let (state, state_words) = if !completed_on.is_empty() {
        ("completed", "Review completed")
    } else if n.overdue {
        ("overdue", "Review overdue")
    } else {
        ("open", "Review open")
    };
    NoticeRow {
        received_on: words(n.received_on.as_ref()),
        review_due_on: words(n.review_due_on.as_ref()),
        completed_on,
        state,
        state_words,
        id: n.notice_id,
        regulator: n.regulator,
        awarding_organisation: n.awarding_organisation,
        review_owner: present::staff(directory, &n.review_owner),
        failure: n.failure,
        findings: n.findings,
    }
}

async fn list(State(app): State<Shared>, staff: Staff, RawQuery(q): RawQuery) -> Response {
    let query = Fields::parse(q.unwrap_or_default().as_bytes());
    let filter = Filter::parse(query.get("filter"));
    let notices = match app
        .services
        .complaints(&staff.person.token)
        .list_regulator_notices(pb::ListRegulatorNoticesRequest {
            filter: filter.request() as i32,
        })
        .await
    {
        Ok(list) => list.into_inner().notices,
        Err(status) => return app.call_failed(&staff.visit, status.into(), Some("/queue")),
    };
    let rows: Vec<NoticeRow> = notices
        .into_iter()
        .map(|n| row(&app.settings.staff, n))
        .collect();
    app.render(
        StatusCode::OK,
        &staff.visit,
        "notices.html",
        context! {
            filter => filter.value(),
            filters => Filter::CHOICES.iter().map(|(_, v, w)| [*v, *w]).collect::<Vec<_>>(),
            notices => value(&rows),
        },
    )
}

async fn notice(State(app): State<Shared>, staff: Staff, Path(id): Path<String>) -> Response {
    if !plain(&id) {
        return super::not_found(State(app), staff.visit).await;
    }
    match app
        .services
        .complaints(&staff.person.token)
        .get_regulator_notice(pb::GetRegulatorNoticeRequest { notice_id: id })
        .await
    {
        Ok(n) => app.render(
            StatusCode::OK,
            &staff.visit,
            "notices_notice.html",
            context! { notice => value(&row(&app.settings.staff, n.into_inner())) },
        ),
        Err(status) => app.call_failed(&staff.visit, status.into(), Some("/regulator-notices")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_reg_4_the_filter_is_one_of_four_and_anything_else_lists_all() {
        for (f, v, _) in Filter::CHOICES {
            assert_eq!(Filter::parse(v), f);
            assert_eq!(f.value(), v);
        }
        assert_eq!(Filter::parse("OPEN"), Filter::All);
        assert_eq!(Filter::parse(""), Filter::All);
        assert_eq!(
            Filter::parse("overdue").request(),
            pb::RegulatorNoticeFilter::Overdue
        );
    }

    #[test]
    fn r_reg_4_a_notice_is_completed_overdue_or_open_in_that_order() {
        let date = Some(pb::Date {
            year: 2026,
            month: 3,
            day: 27,
        });
        let open = pb::RegulatorNoticeView::default();
        assert_eq!(row(&Default::default(), open).state, "open");
        let overdue = pb::RegulatorNoticeView {
            overdue: true,
            ..Default::default()
        };
        assert_eq!(row(&Default::default(), overdue).state, "overdue");
        let done = pb::RegulatorNoticeView {
            overdue: true,
            review_completed_on: date,
            ..Default::default()
        };
        let done = row(&Default::default(), done);
        assert_eq!(done.state, "completed");
        assert!(
            done.completed_on.ends_with("27 March 2026"),
            "{}",
            done.completed_on
        );
    }
}
