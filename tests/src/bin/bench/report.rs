//! BENCHMARKS.md: the machine, then one section per benchmark with its
//! command, its figures beside the plain-PostgreSQL baseline, whether the
//! target was met (and by how much not), and the profile taken while it ran.

use std::fmt::Write;

/// The whole report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// A quick run on whatever machine it ran on: said at the top, loudly.
    pub quick: bool,
    /// `(what, value)` lines describing the machine and the versions.
    pub machine: Vec<(String, String)>,
    pub sections: Vec<Section>,
}

/// One benchmark's results.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    /// The command that made every figure of this section.
    pub command: String,
    /// How it was measured, in a few sentences.
    pub method: Vec<String>,
    pub table: Table,
    pub targets: Vec<Target>,
    /// Free notes: what was seen while measuring.
    pub notes: Vec<String>,
    /// `(what was profiled, summary lines)`.
    pub profiles: Vec<(String, Vec<String>)>,
}

/// A markdown table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Self {
            header: header.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
}

/// A target and how the run compares with it.
#[derive(Debug, Clone)]
pub struct Target {
    pub what: String,
    pub met: bool,
    /// The measured value against the target, e.g. "71% of plain SQL, 19 points short".
    pub detail: String,
}

impl Report {
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# Benchmarks\n\n");
        if self.quick {
            out.push_str(
                "> **Quick run** (`make bench-quick`): shorter phases and fewer events than \
                 `make bench`, on a machine possibly shared with other work, so these figures \
                 are indicative only. `make bench` on a quiet machine gives the figures to quote.\n\n",
            );
        }
        out.push_str(
            "Written by `make bench` (the bench binary, `tests/src/bin/bench`) from one run; \
             every figure below names the command that made it.\n\n## Machine and versions\n\n",
        );
        let mut machine = Table::new(&["", ""]);
        for (what, value) in &self.machine {
            machine.row(vec![what.clone(), value.clone()]);
        }
        render_table(&mut out, &machine);
        for section in &self.sections {
            render_section(&mut out, section);
        }
        out
    }
}

impl Report {
    /// `existing` (a BENCHMARKS.md) with each of this report's sections in
    /// place of its section of the same name (the title before its colon),
    /// or added at the end: a run of one benchmark (`--only ... --out`)
    /// updates its own figures and keeps the others'.
    pub fn merge_into(&self, existing: &str) -> String {
        let mut parts: Vec<String> = existing
            .split("\n## ")
            .enumerate()
            .map(|(i, p)| {
                if i == 0 {
                    p.to_owned()
                } else {
                    format!("\n## {p}")
                }
            })
            .collect();
        for section in &self.sections {
            let mut text = String::new();
            render_section(&mut text, section);
            let name = section.title.split(':').next().unwrap_or_default();
            let heading = format!("\n## {name}");
            let ours =
                |p: &String| p.starts_with(&heading) && p[heading.len()..].starts_with([':', '\n']);
            match parts.iter().position(ours) {
                Some(i) => parts[i] = text,
                None => parts.push(text),
            }
        }
        let mut out = parts.concat();
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out
    }
}

fn render_section(out: &mut String, section: &Section) {
    let _ = write!(
        out,
        "\n## {}\n\nCommand: `{}`\n\n",
        section.title, section.command
    );
    for line in &section.method {
        let _ = writeln!(out, "{line}");
    }
    if !section.method.is_empty() {
        out.push('\n');
    }
    render_table(out, &section.table);
    if !section.targets.is_empty() {
        out.push('\n');
        for target in &section.targets {
            let verdict = if target.met { "met" } else { "**not met**" };
            let _ = writeln!(
                out,
                "- Target {}: {verdict} ({}).",
                target.what, target.detail
            );
        }
    }
    if !section.notes.is_empty() {
        out.push('\n');
        for note in &section.notes {
            let _ = writeln!(out, "- {note}");
        }
    }
    for (what, lines) in &section.profiles {
        let _ = write!(out, "\n{what}:\n\n```text\n");
        for line in lines {
            let _ = writeln!(out, "{line}");
        }
        out.push_str("```\n");
    }
}

fn render_table(out: &mut String, table: &Table) {
    let cells = |row: &[String]| format!("| {} |\n", row.join(" | ").replace('\n', " "));
    out.push_str(&cells(&table.header));
    out.push_str(&cells(&vec!["---".to_owned(); table.header.len()]));
    for row in &table.rows {
        out.push_str(&cells(row));
    }
}

/// `part` as a percentage of `whole`, e.g. "87%"; "n/a" without a baseline.
pub fn ratio(part: f64, whole: f64) -> String {
    if whole > 0.0 {
        format!("{:.0}%", part * 100.0 / whole)
    } else {
        "n/a".into()
    }
}

/// A rate with thousands separated, e.g. "12,345/s".
pub fn per_second(rate: f64) -> String {
    format!("{}/s", thousands(rate.round() as u64))
}

pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_people_write_them() {
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(999), "999");
        assert_eq!(per_second(250_000.4), "250,000/s");
        assert_eq!(ratio(87.0, 100.0), "87%");
        assert_eq!(ratio(1.0, 0.0), "n/a");
    }

    #[test]
    fn a_run_of_one_benchmark_replaces_its_own_section_and_keeps_the_others() {
        let section = |title: &str| Section {
            title: title.into(),
            command: "bench --only console".into(),
            ..Section::default()
        };
        let existing = "# Benchmarks\n\n## Machine and versions\n\nx\n\n## Append: the log\n\nold append\n\n## Console: every page\n\nold figures\n";
        let report = Report {
            sections: vec![section("Console: every page with 10,000 complaints")],
            ..Report::default()
        };
        let merged = report.merge_into(existing);
        assert!(merged.contains("old append"), "{merged}");
        assert!(!merged.contains("old figures"), "{merged}");
        assert!(merged.contains("## Console: every page with 10,000 complaints"));
        let added = Report {
            sections: vec![section("Console: every page")],
            ..Report::default()
        }
        .merge_into("# Benchmarks\n\n## Append: the log\n\nold append\n");
        assert!(added.contains("old append"), "{added}");
        assert!(added.contains("\n## Console: every page\n"), "{added}");
    }

    #[test]
    fn a_section_renders_command_table_targets_and_profile() {
        let mut table = Table::new(&["writers", "events/s"]);
        table.row(vec!["1".into(), "1,000/s".into()]);
        let report = Report {
            quick: true,
            machine: vec![("CPU".into(), "2 cores".into())],
            sections: vec![Section {
                title: "Append".into(),
                command: "bench --only append".into(),
                method: vec!["One event per append.".into()],
                table,
                targets: vec![Target {
                    what: "within 10% of plain SQL".into(),
                    met: false,
                    detail: "80%, 10 points short".into(),
                }],
                notes: vec![],
                profiles: vec![("perf of the bench".into(), vec!["50.00% x".into()])],
            }],
        };
        let text = report.render();
        assert!(text.contains("**Quick run**"));
        assert!(text.contains("| CPU | 2 cores |"));
        assert!(text.contains("Command: `bench --only append`"));
        assert!(text.contains("| writers | events/s |\n| --- | --- |\n| 1 | 1,000/s |"));
        assert!(
            text.contains("- Target within 10% of plain SQL: **not met** (80%, 10 points short).")
        );
        assert!(text.contains("```text\n50.00% x\n```"));
    }
}
