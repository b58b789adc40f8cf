//! The Audit and Risk Committee's pages (R-MON-3, R-MON-4): the committee
//! report for a chosen period placed in the page (its fragment, with its
//! own stylesheet served at `/reports/committee.css` so nothing is inline
//! under the console's CSP), the headline figures, the equality analysis
//! with small groups suppressed by the reporting service, and the
//! anonymised complaints log as a CSV download. Everything here comes from
//! the anonymised log: no personal data, so the period may sit in the URL.

use super::{Fields, Shared, Staff, value};
use crate::error::FieldError;
use crate::present;
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate};
use complaints_proto::v1 as pb;
use minijinja::context;
use platform::auth::Role;
use serde::Serialize;
use std::sync::RwLock;

/// Who the navigation offers these pages to: the reporting service's
/// report readers (the service decides every call).
pub const MAY_USE: &[Role] = &[
    Role::Committee,
    Role::HeadOfCustomerExperience,
    Role::ComplianceManager,
];

pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/committee", get(committee))
        .route("/committee/log.csv", get(log_csv))
        .route("/reports/committee.css", get(stylesheet))
}

/// The report's stylesheet as the reporting service last answered it. It
/// is the same for every period (it styles the report, not its figures),
/// so it is kept once and served as a stylesheet of its own.
static STYLESHEET: RwLock<String> = RwLock::new(String::new());

fn remember_stylesheet(css: &str) {
    if css.is_empty() {
        return;
    }
    if let Ok(mut kept) = STYLESHEET.write()
        && *kept != css
    {
        css.clone_into(&mut kept);
    }
}

fn kept_stylesheet() -> Option<String> {
    STYLESHEET
        .read()
        .ok()
        .map(|s| s.clone())
        .filter(|s| !s.is_empty())
}

/// A period of receipt chosen with two GOV.UK date inputs (day, month and
/// year fields each), read from the query string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// What was typed into the period's fields, shown again with the errors.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PeriodForm {
    pub from_day: String,
    pub from_month: String,
    pub from_year: String,
    pub to_day: String,
    pub to_month: String,
    pub to_year: String,
    /// "month" or "quarter".
    pub grouping: String,
}

impl PeriodForm {
    fn of(period: Period, grouping: &str) -> Self {
        Self {
            from_day: period.from.day().to_string(),
            from_month: period.from.month().to_string(),
            from_year: period.from.year().to_string(),
            to_day: period.to.day().to_string(),
            to_month: period.to.month().to_string(),
            to_year: period.to.year().to_string(),
            grouping: grouping.to_owned(),
        }
    }

    /// The query string that asks for this period again (for the CSV link).
    pub fn query(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("from-day", &self.from_day)
            .append_pair("from-month", &self.from_month)
            .append_pair("from-year", &self.from_year)
            .append_pair("to-day", &self.to_day)
            .append_pair("to-month", &self.to_month)
            .append_pair("to-year", &self.to_year)
            .append_pair("grouping", &self.grouping)
            .finish()
    }
}

impl Period {
    /// The twelve months to `today`: from the first day of the month eleven
    /// months back, so the monthly groups are whole months but the last.
    pub fn default_for(today: NaiveDate) -> Self {
        let start = today
            .with_day(1)
            .and_then(|d| d.checked_sub_months(Months::new(11)))
            .unwrap_or(today);
        Self {
            from: start,
            to: today,
        }
    }

    /// The period the query asks for; the last twelve months when it asks
    /// for none. A wrong date is an error against its day field.
    pub fn parse(query: &Fields, today: NaiveDate) -> (PeriodForm, Result<Self, Vec<FieldError>>) {
        let grouping = if query.get("grouping") == "quarter" {
            "quarter"
        } else {
            "month"
        };
        let names = [
            "from-day",
            "from-month",
            "from-year",
            "to-day",
            "to-month",
            "to-year",
        ];
        if names.iter().all(|n| query.get(n).is_empty()) {
            let period = Self::default_for(today);
            return (PeriodForm::of(period, grouping), Ok(period));
        }
        let form = PeriodForm {
            from_day: query.get("from-day").to_owned(),
            from_month: query.get("from-month").to_owned(),
            from_year: query.get("from-year").to_owned(),
            to_day: query.get("to-day").to_owned(),
            to_month: query.get("to-month").to_owned(),
            to_year: query.get("to-year").to_owned(),
            grouping: grouping.to_owned(),
        };
        let mut errors = Vec::new();
        let from = date_of(&form.from_day, &form.from_month, &form.from_year);
        let to = date_of(&form.to_day, &form.to_month, &form.to_year);
        if from.is_none() {
            errors.push(FieldError {
                field: "from-day".into(),
                message: "The start of the period must be a real date, for example 1 4 2026".into(),
            });
        }
        if to.is_none() {
            errors.push(FieldError {
                field: "to-day".into(),
                message: "The end of the period must be a real date, for example 31 3 2027".into(),
            });
        }
        let result = match (from, to) {
            (Some(from), Some(to)) if to < from => Err(vec![FieldError {
                field: "to-day".into(),
                message: "The end of the period must be the same as or after its start".into(),
            }]),
            (Some(from), Some(to)) => Ok(Self { from, to }),
            _ => Err(errors),
        };
        (form, result)
    }

    pub fn words(&self) -> String {
        format!(
            "{} to {}",
            present::date_words(self.from),
            present::date_words(self.to)
        )
    }
}

fn date_of(day: &str, month: &str, year: &str) -> Option<NaiveDate> {
    let year: i32 = year.trim().parse().ok()?;
    if !(1900..=9999).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month.trim().parse().ok()?, day.trim().parse().ok()?)
}

fn grouping(form: &PeriodForm) -> pb::Grouping {
    if form.grouping == "quarter" {
        pb::Grouping::Quarter
    } else {
        pb::Grouping::Month
    }
}

/// The characteristics the equality analysis compares, as the query
/// names them.
const CHARACTERISTICS: [(&str, &str, pb::Characteristic); 6] = [
    ("ethnicity", "Ethnicity", pb::Characteristic::Ethnicity),
    ("disability", "Disability", pb::Characteristic::Disability),
    ("gender", "Gender", pb::Characteristic::Gender),
    ("age_band", "Age band", pb::Characteristic::AgeBand),
    (
        "religion_or_belief",
        "Religion or belief",
        pb::Characteristic::ReligionOrBelief,
    ),
    (
        "sexual_orientation",
        "Sexual orientation",
        pb::Characteristic::SexualOrientation,
    ),
];

#[derive(Debug, Serialize)]
struct Choice {
    value: &'static str,
    words: &'static str,
    selected: bool,
}

#[derive(Debug, Serialize)]
struct EqualityRow {
    group: String,
    suppressed: bool,
    count: String,
    decided: String,
    upheld: String,
    entered: String,
    escalated: String,
}

fn cells(group: String, suppressed: bool, c: Option<&pb::EqualityCells>) -> EqualityRow {
    let shown = |v: Option<u64>| v.map_or_else(|| "Suppressed".to_owned(), |n| n.to_string());
    let c = c.cloned().unwrap_or_default();
    EqualityRow {
        group,
        suppressed,
        count: shown(c.count),
        decided: shown(c.decided),
        upheld: shown(c.upheld),
        entered: shown(c.entered),
        escalated: shown(c.escalated),
    }
}

#[derive(Debug, Serialize)]
struct Headline {
    label: &'static str,
    value: String,
}

#[derive(Debug, Serialize)]
struct Group {
    label: String,
    total: u64,
    entered: u64,
    redirected: u64,
    resolved_outside: u64,
    declined: u64,
    third_party: u64,
    compensation: String,
}

/// Pence as pounds: "£1,234.50".
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let pence = pence.unsigned_abs();
    let whole = (pence / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}£{grouped}.{:02}", pence % 100)
}

fn headlines(f: &pb::Figures) -> Vec<Headline> {
    let mut all = vec![
        Headline {
            label: "Complaints received",
            value: f.complaints_received.to_string(),
        },
        Headline {
            label: "Received by the end of the period and open today",
            value: f.complaints_open.to_string(),
        },
        Headline {
            label: "Actions open (R-MON-2)",
            value: f.actions_open.to_string(),
        },
        Headline {
            label: "Actions overdue",
            value: f.actions_overdue.to_string(),
        },
        Headline {
            label: "Actions completed",
            value: f.actions_completed.to_string(),
        },
        Headline {
            label: "Actions completed late",
            value: f.actions_completed_late.to_string(),
        },
        Headline {
            label: "Financial compensation awarded",
            value: pounds(f.compensation_pence),
        },
    ];
    if let Some(t) = &f.trend {
        let percent = t
            .percent
            .map(|p| format!(" ({p:+.1}%)"))
            .unwrap_or_default();
        let previous = match (
            present::date(t.previous_from.as_ref()),
            present::date(t.previous_to.as_ref()),
        ) {
            (Some(a), Some(b)) => format!(
                " against {} in {}",
                t.previous_volume,
                Period { from: a, to: b }.words()
            ),
            _ => String::new(),
        };
        all.push(Headline {
            label: "Trend in volume",
            value: format!("{:+}{percent}{previous}", t.delta),
        });
    }
    if let Some(a) = &f.open_by_age {
        all.push(Headline {
            label: "Open complaints by working days since receipt",
            value: format!(
                "0 to 7: {}; 8 to 20: {}; 21 to 40: {}; 41 or more: {}",
                a.up_to_7, a.from_8_to_20, a.from_21_to_40, a.over_40
            ),
        });
    }
    all
}

async fn committee(State(app): State<Shared>, staff: Staff, RawQuery(query): RawQuery) -> Response {
    let query = Fields::parse(query.unwrap_or_default().as_bytes());
    let today = calendar::uk_date(chrono::Utc::now());
    let (form, period) = Period::parse(&query, today);
    let wanted = query.get("characteristic");
    let characteristic = CHARACTERISTICS
        .iter()
        .find(|(v, _, _)| *v == wanted)
        .unwrap_or(&CHARACTERISTICS[0]);
    let choices: Vec<Choice> = CHARACTERISTICS
        .iter()
        .map(|(v, w, _)| Choice {
            value: v,
            words: w,
            selected: *v == characteristic.0,
        })
        .collect();
    let period = match period {
        Ok(period) => period,
        Err(errors) => {
            return app.render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &staff.visit,
                "committee.html",
                context! {
                    form => value(&form),
                    show_grouping => true,
                    errors => value(&errors),
                    characteristics => value(&choices),
                },
            );
        }
    };
    let mut reporting = app.services.reporting(&staff.person.token);
    let (from, to) = (
        Some(present::pb_date(period.from)),
        Some(present::pb_date(period.to)),
    );
    let report = match reporting
        .committee_report(pb::CommitteeReportRequest {
            from,
            to,
            grouping: grouping(&form) as i32,
        })
        .await
    {
        Ok(r) => r.into_inner(),
        Err(status) => return app.call_failed(&staff.visit, status.into(), None),
    };
    remember_stylesheet(&report.stylesheet);
    let figures = match reporting
        .get_figures(pb::GetFiguresRequest {
            from,
            to,
            grouping: grouping(&form) as i32,
        })
        .await
    {
        Ok(f) => f.into_inner(),
        Err(status) => return app.call_failed(&staff.visit, status.into(), None),
    };
    let equality = match reporting
        .get_equality_analysis(pb::GetEqualityAnalysisRequest {
            characteristic: characteristic.2 as i32,
            from,
            to,
            threshold: 0,
        })
        .await
    {
        Ok(e) => e.into_inner(),
        Err(status) => return app.call_failed(&staff.visit, status.into(), None),
    };
    let groups: Vec<Group> = figures
        .groups
        .iter()
        .map(|g| Group {
            label: g.label.clone(),
            total: g.total,
            entered: g.entered_procedure,
            redirected: g.redirected,
            resolved_outside: g.resolved_outside_procedure,
            declined: g.declined_out_of_time,
            third_party: g.third_party,
            compensation: pounds(g.compensation_pence),
        })
        .collect();
    let rows: Vec<EqualityRow> = equality
        .rows
        .iter()
        .map(|r| cells(r.group.clone(), r.suppressed, r.cells.as_ref()))
        .collect();
    let total = cells("All answered".into(), false, equality.total.as_ref());
    let mut compliments: Vec<(String, u64)> = figures
        .compliments_by_team
        .iter()
        .map(|(t, n)| (t.clone(), *n))
        .collect();
    compliments.sort();
    app.render(
        StatusCode::OK,
        &staff.visit,
        "committee.html",
        context! {
            form => value(&form),
            show_grouping => true,
            characteristics => value(&choices),
            period => period.words(),
            csv_query => form.query(),
            report => minijinja::Value::from_safe_string(one_h1(&report.fragment)),
            headlines => value(&headlines(&figures)),
            groups => value(&groups),
            compliments => value(&compliments),
            equality => value(&rows),
            equality_total => value(&total),
            characteristic => characteristic.1,
            threshold => equality.threshold,
        },
    )
}

/// The report's own title is an `<h1>`; inside this page, whose `<h1>` is
/// "Committee report", it becomes an `<h2>` so the page keeps one `<h1>`
/// and its headings stay in order.
fn one_h1(fragment: &str) -> String {
    fragment.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
}

/// R-MON-3: the anonymised log of the period as a CSV attachment.
async fn log_csv(State(app): State<Shared>, staff: Staff, RawQuery(query): RawQuery) -> Response {
    let query = Fields::parse(query.unwrap_or_default().as_bytes());
    let today = calendar::uk_date(chrono::Utc::now());
    let period = match Period::parse(&query, today).1 {
        Ok(p) => p,
        Err(errors) => {
            let message = errors
                .into_iter()
                .map(|e| e.message)
                .collect::<Vec<_>>()
                .join(". ");
            return app.message(
                StatusCode::UNPROCESSABLE_ENTITY,
                &staff.visit,
                "The period is not right",
                &message,
                Some("/committee"),
            );
        }
    };
    let answer = match app
        .services
        .reporting(&staff.person.token)
        .export_log(pb::ExportLogRequest {
            from: Some(present::pb_date(period.from)),
            to: Some(present::pb_date(period.to)),
        })
        .await
    {
        Ok(a) => a.into_inner(),
        Err(status) => return app.call_failed(&staff.visit, status.into(), Some("/committee")),
    };
    let name = format!(
        "attachment; filename=\"complaints-log-{}-to-{}.csv\"",
        period.from, period.to
    );
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
        answer.csv,
    )
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&name) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// The committee report's stylesheet: the one kept from the last report,
/// or asked of the reporting service (for a one-day period) when none is.
async fn stylesheet(State(app): State<Shared>, staff: Staff) -> Response {
    let css = match kept_stylesheet() {
        Some(css) => css,
        None => {
            let today = present::pb_date(calendar::uk_date(chrono::Utc::now()));
            match app
                .services
                .reporting(&staff.person.token)
                .committee_report(pb::CommitteeReportRequest {
                    from: Some(today),
                    to: Some(today),
                    grouping: pb::Grouping::Month as i32,
                })
                .await
            {
                Ok(r) => {
                    let css = r.into_inner().stylesheet;
                    remember_stylesheet(&css);
                    css
                }
                Err(_) => return (StatusCode::NOT_FOUND, "").into_response(),
            }
        }
    };
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], css).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn r_mon_3_the_period_defaults_to_twelve_months_and_refuses_impossible_dates() {
        let today = day(2026, 12, 7);
        let (_, p) = Period::parse(&Fields::parse(b""), today);
        assert_eq!(
            p.unwrap(),
            Period {
                from: day(2026, 1, 1),
                to: today
            }
        );
        let q = b"from-day=31&from-month=2&from-year=2026&to-day=1&to-month=3&to-year=2026";
        let (form, p) = Period::parse(&Fields::parse(q), today);
        assert_eq!(p.unwrap_err()[0].field, "from-day");
        assert_eq!(form.from_day, "31");
        let q = b"from-day=2&from-month=3&from-year=2026&to-day=1&to-month=3&to-year=2026";
        assert_eq!(
            Period::parse(&Fields::parse(q), today).1.unwrap_err()[0].field,
            "to-day"
        );
        let q = b"from-day=1&from-month=4&from-year=2026&to-day=31&to-month=3&to-year=2027&grouping=quarter";
        let (form, p) = Period::parse(&Fields::parse(q), today);
        assert_eq!(p.unwrap().to, day(2027, 3, 31));
        assert_eq!(form.grouping, "quarter");
    }

    #[test]
    fn money_reads_in_pounds() {
        assert_eq!(pounds(123_456), "£1,234.56");
        assert_eq!(pounds(5), "£0.05");
    }
}
