//! The committee report: the summary, then one section per question the
//! committee asks (R-MON-3: volumes, circumstances, categories, stages,
//! outcomes and timeliness, with trends and patterns; R-MON-2: actions;
//! R-MON-4: equality). Each part is a section under an `<h2>`; the parts
//! answering one question are kept together in a sheet that starts a new
//! page when printed on A4.
//!
//! The report is one `<article class="committee-report">` ([`Rendered::fragment`]),
//! styled only by [`STYLESHEET`], whose every rule is scoped under that
//! class. Served on its own it is wrapped in a document with the stylesheet
//! inline ([`Rendered::document`]); a page that shows it among its own
//! content serves [`STYLESHEET`] as a stylesheet of its own and inserts the
//! fragment as it is. Neither holds a script or an external resource.

use super::html::{Table, part, pounds, share, sheet};
use super::{deadlines, equality, outcomes, remedies, volumes};
use crate::core::{AnonymisedRecord, EqualityTable, Figures, Grouping};
use calendar::Calendar;
use chrono::NaiveDate;
use std::fmt::Write;

/// What the report is drawn from.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    pub figures: &'a Figures,
    /// The figures of the last four quarters to the end of the period
    /// ([`volumes::quarters_checked`]), for the trend.
    pub quarters: &'a volumes::Quarters,
    /// The records received in the period.
    pub records: &'a [AnonymisedRecord],
    /// One table per monitored characteristic.
    pub equality: &'a [EqualityTable],
    /// For working days to outcome.
    pub calendar: &'a Calendar,
    /// The day the report was produced.
    pub produced_on: NaiveDate,
}

/// The report, as its own document and as a fragment for another page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// `<!DOCTYPE html>` ... with [`STYLESHEET`] inline in its head.
    pub document: String,
    /// The `<article class="committee-report">` alone.
    pub fragment: String,
}

/// The report's CSS for screen and for print on A4, every rule scoped
/// under `.committee-report` so it styles nothing else of a page that
/// embeds the report. A chart is drawn at most 40rem (640 px, its natural
/// width) and at least 35rem wide, scrolling sideways in a narrower
/// container, so its 14-unit text never reads under 12 px.
pub const STYLESHEET: &str = "\
.committee-report{font-family:Georgia,'Times New Roman',serif;color:#1a1a1a;max-width:60rem;margin:0 auto;padding:1rem;line-height:1.45;font-size:1rem}\n\
.committee-report h1{font-size:1.7rem;margin:0 0 .2rem}\n\
.committee-report h2{font-size:1.35rem;border-bottom:2px solid #1d5f8a;padding-bottom:.2rem;margin-top:2.5rem}\n\
.committee-report h3{font-size:1.1rem;margin-top:1.6rem}\n\
.committee-report table{border-collapse:collapse;margin:.6rem 0 1rem;width:100%}\n\
.committee-report caption{text-align:left;font-style:italic;color:#444;padding-bottom:.3rem}\n\
.committee-report th,.committee-report td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}\n\
.committee-report td{font-variant-numeric:tabular-nums}\n\
.committee-report thead th{background:#eef3f7}\n\
.committee-report .suppressed{font-style:italic;color:#555}\n\
.committee-report .meta,.committee-report .note{color:#555}\n\
.committee-report .empty{padding:.6rem .8rem;background:#f5f5f5;border-left:4px solid #999}\n\
.committee-report figure{margin:.6rem 0;overflow-x:auto}\n\
.committee-report figcaption{font-size:.9rem;color:#444}\n\
.committee-report svg.chart{display:block;width:100%;max-width:40rem;min-width:35rem;height:auto}\n\
.committee-report nav ol{columns:2;padding-left:1.4rem}\n\
@page{size:A4 portrait;margin:16mm 14mm}\n\
@media print{\
.committee-report{max-width:none;margin:0;padding:0;font-size:10.5pt}\
.committee-report nav{display:none}\
.committee-report div.sheet{break-before:page}\
.committee-report div.sheet:first-of-type{break-before:auto}\
.committee-report h2,.committee-report h3,.committee-report caption{break-after:avoid}\
.committee-report figure,.committee-report svg.chart,.committee-report tr,.committee-report .empty{break-inside:avoid}\
.committee-report svg.chart{max-width:100%;max-height:120mm}\
.committee-report thead{display:table-header-group}\
.committee-report thead th,.committee-report .empty{background:none}\
.committee-report a{color:inherit;text-decoration:none}}\n";

/// The groups of parts, each starting a printed page, by id and the name
/// the contents give them, in the order the report shows them.
pub const SECTIONS: [(&str, &str); 7] = [
    ("cr-summary", "Summary"),
    ("cr-volumes-and-trends", "Volumes and trends"),
    (
        "cr-circumstances-and-categories",
        "Circumstances, categories and channels",
    ),
    ("cr-outcomes", "Outcomes"),
    ("cr-timeliness", "Timeliness"),
    (
        "cr-remedies-and-actions",
        "Remedies, compensation and actions",
    ),
    ("cr-equality", equality::TITLE),
];

/// The whole report as one HTML document.
pub fn committee_report(input: &ReportInput<'_>) -> String {
    render(input).document
}

/// The report as a document and as a fragment.
pub fn render(input: &ReportInput<'_>) -> Rendered {
    let f = input.figures;
    let grouping = match f.grouping {
        Grouping::Month => "month",
        Grouping::Quarter => "quarter",
    };
    let mut article = String::new();
    let _ = write!(
        article,
        "<article class=\"committee-report\" lang=\"en-GB\">\
         <header><h1>Complaints report to the Audit and Risk Committee</h1>\
         <p class=\"meta\">Complaints received from {from} to {to}, by {grouping}. \
         Produced on {produced}. Anonymised figures only: no names, contact details, \
         free text or references (R-MON-3).</p><nav aria-label=\"Contents\"><ol>",
        from = f.period.from(),
        to = f.period.to(),
        produced = input.produced_on,
    );
    for (id, title) in SECTIONS {
        let _ = write!(
            article,
            "<li><a href=\"#{id}\">{}</a></li>",
            super::svg::escape(title)
        );
    }
    article.push_str("</ol></nav></header>");
    let bodies: [String; 7] = [
        headline(f),
        volumes::over_time(f) + &volumes::four_quarters(input.quarters),
        volumes::circumstances(f) + &volumes::by_category(f) + &volumes::by_channel(f),
        outcomes::by_stage(input.records) + &outcomes::by_category(input.records),
        deadlines::by_stage(input.records, input.calendar)
            + &deadlines::by_kind(f)
            + &deadlines::by_category(input.records, input.calendar),
        remedies::by_kind(input.records)
            + &remedies::compensation(input.records)
            + &remedies::actions(&f.backlog),
        part(
            "cr-equality-differences",
            equality::TITLE,
            &equality::section(input.equality),
        ),
    ];
    for ((id, _), body) in SECTIONS.iter().zip(bodies) {
        article.push_str(&sheet(id, &body));
    }
    article.push_str("</article>");
    let document = format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Complaints report {from} to {to}</title><style>\n{STYLESHEET}</style></head>\
         <body>{article}</body></html>\n",
        from = f.period.from(),
        to = f.period.to(),
    );
    Rendered {
        document,
        fragment: article,
    }
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
    let entered: u64 = f
        .groups
        .iter()
        .map(|g| g.circumstances.entered_procedure)
        .sum();
    let rows: [(&str, String); 11] = [
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
        (
            "Entered the procedure",
            format!("{entered} ({})", share(entered, t.volume)),
        ),
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
            "Actions done",
            format!(
                "{} ({} late)",
                f.backlog.actions_completed, f.backlog.actions_completed_late
            ),
        ),
        ("Financial compensation awarded", pounds(compensation)),
        ("Deadlines met on time", {
            let all = deadlines::compliance(f);
            let met: u64 = all.values().map(|c| c.met).sum();
            let ended: u64 = all.values().map(|c| c.met + c.missed).sum();
            format!("{met} of {ended} ({})", share(met, ended))
        }),
    ];
    let mut table = Table::new(
        "The period at a glance; open complaints and actions as of the report date",
        &["Figure", "Value"],
    );
    for (name, value) in rows {
        table.row(name, vec![value]);
    }
    part("cr-headline", "Headline figures", &table.render())
}
