//! One trace as a tree, and the list of traces: what an operator reads
//! to follow a complaint across the services.

use crate::CollectedSpan;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One line per trace, newest first: when it started, its services, its
/// span count, its length and its root span's name.
pub fn list(spans: &[CollectedSpan], limit: usize) -> String {
    let mut traces: BTreeMap<&str, Vec<&CollectedSpan>> = BTreeMap::new();
    for span in spans {
        traces.entry(&span.trace_id).or_default().push(span);
    }
    let mut rows: Vec<(u64, String)> = traces
        .into_iter()
        .map(|(id, spans)| {
            let start = spans.iter().map(|s| s.start_unix_nanos).min().unwrap_or(0);
            let end = spans.iter().map(|s| s.end_unix_nanos).max().unwrap_or(0);
            let services: BTreeSet<&str> = spans.iter().map(|s| s.service.as_str()).collect();
            let root = spans
                .iter()
                .filter(|s| {
                    s.parent_span_id.is_empty()
                        || !spans.iter().any(|p| p.span_id == s.parent_span_id)
                })
                .min_by_key(|s| s.start_unix_nanos)
                .map_or("", |s| s.name.as_str());
            let row = format!(
                "{}  {id}  {:>4} spans  {:>8}  {:<40}  {}",
                time(start),
                spans.len(),
                millis(end.saturating_sub(start)),
                services.into_iter().collect::<Vec<_>>().join(","),
                root
            );
            (start, row)
        })
        .collect();
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    let mut out = String::from(
        "STARTED (UTC)             TRACE ID                          SPANS  LENGTH    SERVICES                                  ROOT SPAN\n",
    );
    for (_, row) in rows.into_iter().take(limit) {
        out.push_str(&row);
        out.push('\n');
    }
    out
}

/// The spans of `trace_id` as a tree: each span under its parent, in start
/// order, with its service, offset from the trace's start, length and
/// attributes; a span whose parent was not received (another trace, or
/// not exported yet) starts a branch of its own. Links to other traces
/// are listed after the span that holds them.
pub fn show(spans: &[CollectedSpan], trace_id: &str) -> Option<String> {
    let mut trace: Vec<&CollectedSpan> = spans.iter().filter(|s| s.trace_id == trace_id).collect();
    if trace.is_empty() {
        return None;
    }
    trace.sort_by_key(|s| s.start_unix_nanos);
    let start = trace[0].start_unix_nanos;
    let ids: BTreeSet<&str> = trace.iter().map(|s| s.span_id.as_str()).collect();
    let mut children: BTreeMap<&str, Vec<&CollectedSpan>> = BTreeMap::new();
    let mut roots = Vec::new();
    for span in &trace {
        if ids.contains(span.parent_span_id.as_str()) {
            children.entry(&span.parent_span_id).or_default().push(span);
        } else {
            roots.push(*span);
        }
    }
    let mut out = format!("trace {trace_id}, started {}\n", time(start));
    for root in roots {
        branch(&mut out, root, &children, start, 0);
    }
    Some(out)
}

fn branch(
    out: &mut String,
    span: &CollectedSpan,
    children: &BTreeMap<&str, Vec<&CollectedSpan>>,
    start: u64,
    depth: usize,
) {
    let attributes = span
        .attributes
        .iter()
        .filter(|(k, _)| !is_noise(k))
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" ");
    let _ = writeln!(
        out,
        "{:>9} {:>9}  {:<14} {}{}  {}",
        format!("+{}", millis(span.start_unix_nanos.saturating_sub(start))),
        millis(span.end_unix_nanos.saturating_sub(span.start_unix_nanos)),
        span.service,
        "  ".repeat(depth),
        span.name,
        attributes
    );
    for (linked, _) in &span.links {
        let _ = writeln!(
            out,
            "{:>36}{}  linked to trace {linked}",
            "",
            "  ".repeat(depth + 1)
        );
    }
    for child in children.get(span.span_id.as_str()).into_iter().flatten() {
        branch(out, child, children, start, depth + 1);
    }
}

/// Attributes every span carries that say nothing about the work: where
/// in the code and on which thread it ran, and tracing's own timings.
fn is_noise(key: &str) -> bool {
    key.starts_with("code.")
        || key.starts_with("thread.")
        || matches!(key, "busy_ns" | "idle_ns" | "target")
}

fn millis(nanos: u64) -> String {
    format!("{:.1} ms", nanos as f64 / 1_000_000.0)
}

fn time(unix_nanos: u64) -> String {
    let at = chrono::DateTime::from_timestamp_nanos(i64::try_from(unix_nanos).unwrap_or(i64::MAX));
    at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(
        service: &str,
        id: &str,
        parent: &str,
        name: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> CollectedSpan {
        CollectedSpan {
            service: service.into(),
            resource: vec![],
            trace_id: "t1".into(),
            span_id: id.into(),
            parent_span_id: parent.into(),
            name: name.into(),
            attributes: vec![
                ("complaint.reference".into(), "CMP-2026-000001".into()),
                ("code.file.path".into(), "src/lib.rs".into()),
                ("busy_ns".into(), "12".into()),
            ],
            events: vec![],
            links: vec![],
            start_unix_nanos: 1_800_000_000_000_000_000 + start_ms * 1_000_000,
            end_unix_nanos: 1_800_000_000_000_000_000 + end_ms * 1_000_000,
        }
    }

    #[test]
    fn a_trace_shows_each_span_under_its_parent_across_services_in_start_order() {
        let spans = vec![
            span("notifications", "c", "b", "notification.send", 30, 35),
            span("intake", "a", "", "SubmitComplaint", 0, 10),
            span("complaints", "b", "a", "bus.apply", 12, 20),
            span("reporting", "d", "a", "bus.apply", 15, 16),
        ];
        let shown = show(&spans, "t1").unwrap();
        let lines: Vec<&str> = shown.lines().collect();
        assert!(
            lines[0].starts_with("trace t1, started 2027-01-15T08:00:00.000Z"),
            "{shown}"
        );
        assert!(
            lines[1].contains("intake") && lines[1].contains(" SubmitComplaint"),
            "{shown}"
        );
        assert!(
            lines[2].contains("complaints") && lines[2].contains("   bus.apply"),
            "{shown}"
        );
        assert!(
            lines[3].contains("notifications") && lines[3].contains("     notification.send"),
            "{shown}"
        );
        assert!(
            lines[4].contains("reporting") && lines[4].contains("+15.0 ms"),
            "{shown}"
        );
        assert!(show(&spans, "t2").is_none());
    }

    #[test]
    fn the_list_puts_the_newest_trace_first_with_its_services_and_root() {
        let mut older = span("intake", "a", "", "SubmitComplaint", 0, 10);
        older.trace_id = "t0".into();
        let newer = span("complaints", "x", "", "AssignHandler", 100, 130);
        let listed = list(&[older, newer], 10);
        let lines: Vec<&str> = listed.lines().collect();
        assert!(
            lines[1].contains("t1") && lines[1].contains("AssignHandler"),
            "{listed}"
        );
        assert!(
            lines[2].contains("t0") && lines[2].contains("intake"),
            "{listed}"
        );
        assert_eq!(list(&[], 10).lines().count(), 1, "the header alone");
    }
}
