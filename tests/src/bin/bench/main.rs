//! `make bench`: measures the event log, the replay of a read model and
//! the four services end to end, and writes BENCHMARKS.md with every
//! figure, the command that made it, its plain-PostgreSQL baseline, the
//! targets and a profile of whatever missed one.
//!
//! `bench [--quick] [--only append|replay|e2e|scrape|console] [--out FILE]`; the default
//! output is BENCHMARKS.md, or stdout with `--only`; `--only X --out FILE`
//! replaces X's section in an existing FILE and keeps the others. Release builds only
//! give figures worth reading (`make bench` builds them).
#![forbid(unsafe_code)]

mod append;
mod console;
mod generate;
mod load;
mod machine;
mod outcome;
mod profile;
mod replay;
mod replay_profile;
mod report;
mod scrape;
mod stats;
mod submit;

use report::{Report, Section};
use std::time::Duration;

#[derive(Debug, Clone)]
struct Options {
    quick: bool,
    only: Option<String>,
    out: Option<String>,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        quick: false,
        only: None,
        out: None,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--only" => options.only = args.next().cloned(),
            "--out" => options.out = args.next().cloned(),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    match options.only.as_deref() {
        None | Some("append" | "replay" | "e2e" | "scrape" | "console") => Ok(options),
        Some(other) => Err(format!(
            "--only takes append, replay, e2e, scrape or console, not {other:?}"
        )),
    }
}

/// The command that reproduces one section's figures.
fn command(options: &Options, only: &str) -> String {
    let quick = if options.quick { " --quick" } else { "" };
    format!("cargo run --release -p end-to-end --bin bench --{quick} --only {only}")
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("replay-worker") {
        let (Some(schema), Some(what)) = (args.get(1), args.get(2)) else {
            eprintln!("usage: bench replay-worker <schema> <rebuild|scan>");
            std::process::exit(2);
        };
        if let Err(e) = replay::worker_main(schema, what).await {
            eprintln!("{e}");
            std::process::exit(1);
        }
        return;
    }
    let options = match options(&args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!(
                "{e}\nusage: bench [--quick] [--only append|replay|e2e|scrape|console] [--out FILE]"
            );
            std::process::exit(2);
        }
    };
    let (report, failed) = run(&options).await;
    // One benchmark written to an existing report replaces its own
    // section there and keeps the others'.
    let existing = options
        .only
        .as_ref()
        .and(options.out.as_ref())
        .and_then(|path| std::fs::read_to_string(path).ok());
    let text = match existing {
        Some(existing) => report.merge_into(&existing),
        None => report.render(),
    };
    let out = options
        .out
        .clone()
        .or_else(|| options.only.is_none().then(|| "BENCHMARKS.md".to_owned()));
    match out {
        Some(path) => {
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("writing {path}: {e}");
                std::process::exit(1);
            }
            eprintln!("wrote {path}");
        }
        None => print!("{text}"),
    }
    if failed {
        std::process::exit(1);
    }
}

async fn run(options: &Options) -> (Report, bool) {
    let pool = sqlx::PgPool::connect(&eventlog::testing::database_url()).await;
    let mut machine = match &pool {
        Ok(pool) => machine::describe(pool, &bus::testing::nats_url()).await,
        Err(e) => vec![("PostgreSQL".into(), format!("unreachable: {e}"))],
    };
    let wanted = |name: &str| options.only.as_deref().is_none_or(|o| o == name);
    let quick = options.quick;
    let mut sections = Vec::new();
    let mut failed = false;
    if wanted("append") {
        eprintln!("append...");
        let config = append::AppendConfig {
            writers: vec![1, 8, 32],
            phase: Duration::from_secs(if quick { 3 } else { 10 }),
            rounds: if quick { 1 } else { 3 },
        };
        let result = append::run(&config, &command(options, "append")).await;
        sections.push(section("Append", result, &mut failed));
    }
    if wanted("replay") {
        eprintln!("replay...");
        let config = replay::ReplayConfig {
            events: if quick { 100_000 } else { 1_000_000 },
        };
        let result = replay::run(&config, &command(options, "replay")).await;
        sections.push(section("Replay", result, &mut failed));
    }
    if wanted("e2e") {
        eprintln!("end to end...");
        let config = if quick {
            load::LoadConfig {
                rates: vec![20, 100, 250, 500, 1_000],
                phase: Duration::from_secs(10),
                drain: Duration::from_secs(30),
                profile: Duration::from_secs(12),
            }
        } else {
            load::LoadConfig {
                rates: vec![10, 25, 50, 100, 250, 500, 1_000, 1_500],
                phase: Duration::from_secs(60),
                drain: Duration::from_secs(120),
                profile: Duration::from_secs(30),
            }
        };
        let result = load::run(&config, &command(options, "e2e")).await;
        sections.push(section("End to end", result, &mut failed));
    }
    if wanted("scrape") {
        eprintln!("metrics scraping...");
        let config = scrape::ScrapeConfig {
            rate: 50,
            phase: Duration::from_secs(if quick { 15 } else { 60 }),
            drain: Duration::from_secs(60),
            rounds: if quick { 1 } else { 2 },
        };
        let result = scrape::run(&config, &command(options, "scrape")).await;
        sections.push(section("Metrics scraping", result, &mut failed));
    }
    if wanted("console") {
        eprintln!("console pages...");
        let config = console::ConsoleConfig {
            complaints: if quick { 2_000 } else { 10_000 },
            concurrency: 32,
            requests: if quick { 50 } else { 200 },
        };
        let result = console::run(&config, &command(options, "console")).await;
        sections.push(section("Console", result, &mut failed));
    }
    machine.push(("Load average at end".into(), machine::load_average()));
    (
        Report {
            quick,
            machine,
            sections,
        },
        failed,
    )
}

/// A benchmark's section, or one saying why it could not be measured.
fn section(title: &str, result: Result<Section, String>, failed: &mut bool) -> Section {
    result.unwrap_or_else(|e| {
        *failed = true;
        eprintln!("{title} failed: {e}");
        Section {
            title: format!("{title}: not measured"),
            notes: vec![format!("The benchmark failed: {e}")],
            ..Section::default()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|a| (*a).to_owned()).collect()
    }

    #[test]
    fn options_parse_and_refuse_unknown_benchmarks() {
        let o = options(&args(&["--quick", "--only", "replay"])).unwrap();
        assert!(o.quick);
        assert_eq!(o.only.as_deref(), Some("replay"));
        assert_eq!(
            command(&o, "replay"),
            "cargo run --release -p end-to-end --bin bench -- --quick --only replay"
        );
        assert!(options(&args(&["--only", "everything"])).is_err());
        assert!(options(&args(&["--fast"])).is_err());
    }
}
