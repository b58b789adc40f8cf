//! The committee report document: headline figures, the trend and the four
//! charts, with inline CSS for screen and print.

use super::svg::escape;
use super::{deadlines, equality, outcomes, volumes};
use crate::core::{AnonymisedRecord, EqualityTable, Figures, Grouping};
use chrono::NaiveDate;
use std::fmt::Write;

/// What the report is drawn from.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    pub figures: &'a Figures,
    /// The records received in the period (for the outcomes chart).
    pub records: &'a [AnonymisedRecord],
    /// One table per monitored characteristic.
    pub equality: &'a [EqualityTable],
    /// The day the report was produced.
    pub produced_on: NaiveDate,
}

const STYLE: &str = "\
body{font-family:Georgia,'Times New Roman',serif;color:#1a1a1a;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}\
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.3rem;border-bottom:2px solid #1d5f8a;padding-bottom:.2rem;margin-top:2rem}\
h3{font-size:1.05rem}table{border-collapse:collapse;margin:.8rem 0;width:100%}\
th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left}td{font-variant-numeric:tabular-nums}\
thead th{background:#eef3f7}.suppressed{font-style:italic;color:#555}.meta{color:#555}\
svg.chart{width:100%;max-width:40rem;height:auto;display:block;margin:.5rem 0}\
svg text{font-family:Arial,Helvetica,sans-serif;fill:#1a1a1a}\
figure{margin:0}\
@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}\
figure,table,section.characteristic{break-inside:avoid}thead th{background:none}\
a{color:inherit;text-decoration:none}}";

/// The whole report as one HTML document.
pub fn committee_report(input: &ReportInput<'_>) -> String {
    let f = input.figures;
    let grouping = match f.grouping {
        Grouping::Month => "month",
        Grouping::Quarter => "quarter",
    };
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Complaints report {from} to {to}</title><style>{STYLE}</style></head><body>\
         <header><h1>Complaints report to the Audit and Risk Committee</h1>\
         <p class=\"meta\">Complaints received from {from} to {to}, by {grouping}. \
         Produced on {produced}. Anonymised figures only (R-MON-3).</p></header><main>",
        from = f.period.from(),
        to = f.period.to(),
        produced = input.produced_on,
    );
    out.push_str(&headline(f));
    figure(&mut out, volumes::TITLE, &volumes::chart(f));
    figure(&mut out, outcomes::TITLE, &outcomes::chart(input.records));
    figure(&mut out, deadlines::TITLE, &deadlines::chart(f));
    let _ = write!(
        out,
        "<section><h2>{}</h2>{}</section>",
        escape(equality::TITLE),
        equality::section(input.equality)
    );
    out.push_str("</main></body></html>\n");
    out
}

fn figure(out: &mut String, title: &str, svg: &str) {
    let _ = write!(
        out,
        "<section><h2>{}</h2><figure>{svg}</figure></section>",
        escape(title)
    );
}

fn pounds(pence: i64) -> String {
    format!("£{}.{:02}", pence / 100, (pence % 100).abs())
}

fn headline(f: &Figures) -> String {
    let t = &f.trend;
    let compensation = f
        .groups
        .iter()
        .fold(0i64, |sum, g| sum.saturating_add(g.compensation_pence));
    let trend = match t.percent {
        Some(p) => format!("{:+} ({p:+.0}%)", t.delta),
        None => format!("{:+} (no complaints in the previous period)", t.delta),
    };
    let b = &f.backlog.open_by_age;
    let rows: [(&str, String); 9] = [
        ("Complaints received", t.volume.to_string()),
        (
            "Previous period",
            format!(
                "{} ({} to {})",
                t.previous_volume,
                t.previous.from(),
                t.previous.to()
            ),
        ),
        ("Trend against the previous period", trend),
        ("Still open today", b.total().to_string()),
        (
            "Open by working days since receipt",
            format!(
                "0–7: {}, 8–20: {}, 21–40: {}, over 40: {}",
                b.up_to_7, b.from_8_to_20, b.from_21_to_40, b.over_40
            ),
        ),
        ("Actions open", f.backlog.actions_open.to_string()),
        ("Actions overdue", f.backlog.actions_overdue.to_string()),
        (
            "Entered the procedure",
            f.groups
                .iter()
                .map(|g| g.circumstances.entered_procedure)
                .sum::<u64>()
                .to_string(),
        ),
        ("Financial compensation awarded", pounds(compensation)),
    ];
    let mut out = String::from("<section><h2>Headline figures</h2><table><tbody>");
    for (name, value) in rows {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape(name),
            escape(&value)
        );
    }
    out.push_str(
        "</tbody></table><table><thead><tr><th scope=\"col\">Group</th>\
         <th scope=\"col\">Received</th><th scope=\"col\">Entered procedure</th>\
         <th scope=\"col\">Escalated to Stage 2</th><th scope=\"col\">Escalated to Stage 3</th>\
         </tr></thead><tbody>",
    );
    for g in &f.groups {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td>{} of {}</td><td>{} of {}</td></tr>",
            escape(&g.label),
            g.volumes.total,
            g.circumstances.entered_procedure,
            g.escalation_1_to_2.numerator,
            g.escalation_1_to_2.denominator,
            g.escalation_2_to_3.numerator,
            g.escalation_2_to_3.denominator,
        );
    }
    out.push_str("</tbody></table></section>");
    out
}
