//! `report`: the committee's CSV log (ExportLog), HTML report
//! (CommitteeReport) and figures (GetFigures), for a quarter or a period.

use crate::cli::{PeriodArgs, ReportCommand};
use crate::clients::Clients;
use crate::error::Error;
use crate::names;
use crate::output::{self, Output, Table, fields};
use crate::parse::pb_date;
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use serde_json::{Value, json};
use std::io::Write as _;
use std::path::Path;

impl PeriodArgs {
    /// First and last day; clap makes sure one form was given.
    fn days(&self) -> Result<(NaiveDate, NaiveDate), Error> {
        match (self.quarter, self.from, self.to) {
            (Some(q), _, _) => Ok(q.days()),
            (None, Some(from), Some(to)) => Ok((from, to)),
            _ => Err(Error::Invalid("give --quarter, or --from and --to".into())),
        }
    }
}

/// Writes `bytes` to `path`, or to standard output for "-".
fn write(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let failed = |source| Error::Write {
        path: path.to_owned(),
        source,
    };
    if path == Path::new("-") {
        std::io::stdout().write_all(bytes).map_err(failed)
    } else {
        std::fs::write(path, bytes).map_err(failed)
    }
}

/// What was written where; nothing more to print when it went to stdout.
fn written(path: &Path, what: &str, json: Value) -> Output {
    if path == Path::new("-") {
        Output::new(Value::Null, "")
    } else {
        Output::new(json, format!("wrote {what} to {}", path.display()))
    }
}

pub async fn run(clients: &Clients, command: ReportCommand, json: bool) -> Result<Output, Error> {
    let mut reporting = clients.reporting()?;
    let failed = Error::from("reporting");
    match command {
        ReportCommand::Csv { period, output } => {
            let (from, to) = period.days()?;
            // A bar on a terminal, never with --json or into standard output.
            let quiet = json || output == Path::new("-");
            let (csv, rows) = super::export::csv(&mut reporting, from, to, quiet).await?;
            write(&output, csv.as_bytes())?;
            let json = json!({"file": output.display().to_string(), "rows": rows,
                              "from": from.to_string(), "to": to.to_string()});
            Ok(written(
                &output,
                &format!("{rows} rows ({from} to {to})"),
                json,
            ))
        }
        ReportCommand::Html {
            period,
            grouping,
            output,
        } => {
            let (from, to) = period.days()?;
            let report = reporting
                .committee_report(pb::CommitteeReportRequest {
                    from: Some(pb_date(from)),
                    to: Some(pb_date(to)),
                    grouping: pb::Grouping::from(grouping) as i32,
                })
                .await
                .map_err(&failed)?
                .into_inner();
            write(&output, report.html.as_bytes())?;
            let json = json!({"file": output.display().to_string(), "bytes": report.html.len(),
                              "from": from.to_string(), "to": to.to_string()});
            Ok(written(
                &output,
                &format!("the committee report ({from} to {to})"),
                json,
            ))
        }
        ReportCommand::Figures { period, grouping } => {
            let (from, to) = period.days()?;
            let figures = reporting
                .get_figures(pb::GetFiguresRequest {
                    from: Some(pb_date(from)),
                    to: Some(pb_date(to)),
                    grouping: pb::Grouping::from(grouping) as i32,
                })
                .await
                .map_err(&failed)?
                .into_inner();
            Ok(figures_output(&figures, from, to))
        }
        ReportCommand::Equality {
            period,
            characteristic,
            threshold,
        } => {
            let (from, to) = period.days()?;
            let analysis = reporting
                .get_equality_analysis(pb::GetEqualityAnalysisRequest {
                    characteristic: pb::Characteristic::from(characteristic) as i32,
                    from: Some(pb_date(from)),
                    to: Some(pb_date(to)),
                    threshold: threshold.unwrap_or(0),
                })
                .await
                .map_err(&failed)?
                .into_inner();
            Ok(equality_output(&analysis, from, to))
        }
    }
}

/// A published cell, empty when suppressed or withheld.
fn cell(c: Option<u64>) -> String {
    c.map(|c| c.to_string()).unwrap_or_default()
}

fn cells_json(c: Option<&pb::EqualityCells>) -> Value {
    let c = c.cloned().unwrap_or_default();
    json!({
        "count": c.count, "decided": c.decided, "upheld": c.upheld,
        "entered": c.entered, "escalated": c.escalated,
    })
}

fn cells_row(label: String, suppressed: bool, c: Option<&pb::EqualityCells>) -> Vec<String> {
    let c = c.cloned().unwrap_or_default();
    vec![
        label,
        output::yes(suppressed),
        cell(c.count),
        cell(c.decided),
        cell(c.upheld),
        cell(c.entered),
        cell(c.escalated),
    ]
}

fn equality_output(a: &pb::EqualityAnalysis, from: NaiveDate, to: NaiveDate) -> Output {
    let characteristic =
        pb::Characteristic::try_from(a.characteristic).map_or("", |c| c.as_str_name());
    let rows: Vec<Value> = a
        .rows
        .iter()
        .map(|r| {
            json!({
                "group": r.group,
                "suppressed": r.suppressed,
                "cells": cells_json(r.cells.as_ref()),
            })
        })
        .collect();
    let json = json!({
        "from": from.to_string(),
        "to": to.to_string(),
        "characteristic": characteristic,
        "threshold": a.threshold,
        "rows": rows,
        "total": cells_json(a.total.as_ref()),
    });
    let mut table = Table::new(&[
        "GROUP",
        "SUPPRESSED",
        "COMPLAINTS",
        "DECIDED",
        "UPHELD",
        "ENTERED",
        "ESCALATED",
    ]);
    for r in &a.rows {
        table.row(cells_row(r.group.clone(), r.suppressed, r.cells.as_ref()));
    }
    table.row(cells_row("total".into(), false, a.total.as_ref()));
    let mut text = fields(&[
        ("period", format!("{from} to {to}")),
        ("characteristic", names::plain(characteristic)),
        ("threshold", a.threshold.to_string()),
    ]);
    text.push('\n');
    text.push_str(&table.render());
    Output::new(json, text)
}

fn rate(r: Option<&pb::Rate>) -> String {
    r.map(|r| format!("{} of {}", r.numerator, r.denominator))
        .unwrap_or_default()
}

fn rate_json(r: Option<&pb::Rate>) -> Value {
    r.map_or(
        Value::Null,
        |r| json!({"numerator": r.numerator, "denominator": r.denominator}),
    )
}

fn pounds(pence: i64) -> String {
    format!("£{}.{:02}", pence / 100, (pence % 100).abs())
}

fn group_json(g: &pb::GroupFigures) -> Value {
    let stages: Vec<Value> = g
        .stages
        .iter()
        .map(|s| {
            json!({
                "stage": names::stage(s.stage),
                "reached": s.reached,
                "upheld": rate_json(s.upheld.as_ref()),
                "median_working_days": s.median_working_days,
                "p90_working_days": s.p90_working_days,
                "compensation_pence": s.compensation_pence,
            })
        })
        .collect();
    let channels: serde_json::Map<String, Value> = g
        .by_channel
        .iter()
        .map(|c| (names::channel(c.channel).to_owned(), json!(c.count)))
        .collect();
    let deadlines: Vec<Value> = g
        .deadlines
        .iter()
        .map(|d| json!({"kind": names::deadline_kind(d.kind), "met": d.met, "missed": d.missed}))
        .collect();
    json!({
        "label": g.label,
        "total": g.total,
        "by_category": g.by_category,
        "by_channel": channels,
        "by_customer_type": g.by_customer_type,
        "third_party": g.third_party,
        "regulated_qualification": g.regulated_qualification,
        "redirected": g.redirected,
        "resolved_outside_procedure": g.resolved_outside_procedure,
        "declined_out_of_time": g.declined_out_of_time,
        "entered_procedure": g.entered_procedure,
        "escalation_1_to_2": rate_json(g.escalation_1_to_2.as_ref()),
        "escalation_2_to_3": rate_json(g.escalation_2_to_3.as_ref()),
        "stages": stages,
        "deadlines": deadlines,
        "compensation_pence": g.compensation_pence,
    })
}

fn figures_output(f: &pb::Figures, from: NaiveDate, to: NaiveDate) -> Output {
    let trend = f.trend.unwrap_or_default();
    let json = json!({
        "from": from.to_string(),
        "to": to.to_string(),
        "grouping": names::grouping(f.grouping),
        "complaints_received": f.complaints_received,
        "complaints_open": f.complaints_open,
        "actions_open": f.actions_open,
        "actions_overdue": f.actions_overdue,
        "compensation_pence": f.compensation_pence,
        "trend": {
            "previous_from": output::date_json(trend.previous_from.as_ref()),
            "previous_to": output::date_json(trend.previous_to.as_ref()),
            "volume": trend.volume,
            "previous_volume": trend.previous_volume,
            "delta": trend.delta,
            "percent": trend.percent,
        },
        "open_by_age": f.open_by_age.as_ref().map(|a| json!({
            "up_to_7": a.up_to_7, "from_8_to_20": a.from_8_to_20,
            "from_21_to_40": a.from_21_to_40, "over_40": a.over_40,
        })),
        "compliments_by_team": f.compliments_by_team,
        "groups": f.groups.iter().map(group_json).collect::<Vec<_>>(),
    });
    let percent = trend
        .percent
        .map(|p| format!(" ({p:+.1}%)"))
        .unwrap_or_default();
    let mut text = fields(&[
        ("period", format!("{from} to {to}")),
        ("received", f.complaints_received.to_string()),
        ("still open", f.complaints_open.to_string()),
        (
            "previous period",
            format!(
                "{} ({} to {}), change {:+}{percent}",
                trend.previous_volume,
                output::date(trend.previous_from.as_ref()),
                output::date(trend.previous_to.as_ref()),
                trend.delta
            ),
        ),
        (
            "actions open",
            format!("{} ({} overdue)", f.actions_open, f.actions_overdue),
        ),
        ("compensation", pounds(f.compensation_pence)),
    ]);
    let mut table = Table::new(&[
        "GROUP",
        "RECEIVED",
        "ENTERED",
        "REDIRECTED",
        "RESOLVED",
        "DECLINED",
        "TO STAGE 2",
        "TO STAGE 3",
        "UPHELD AT 1",
        "COMPENSATION",
    ]);
    for g in &f.groups {
        let upheld_1 = g
            .stages
            .iter()
            .find(|s| s.stage == pb::Stage::Stage1 as i32)
            .and_then(|s| s.upheld.as_ref());
        table.row(vec![
            g.label.clone(),
            g.total.to_string(),
            g.entered_procedure.to_string(),
            g.redirected.to_string(),
            g.resolved_outside_procedure.to_string(),
            g.declined_out_of_time.to_string(),
            rate(g.escalation_1_to_2.as_ref()),
            rate(g.escalation_2_to_3.as_ref()),
            rate(upheld_1),
            pounds(g.compensation_pence),
        ]);
    }
    text.push('\n');
    text.push_str(&table.render());
    Output::new(json, text)
}
