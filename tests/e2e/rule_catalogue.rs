//! The rule catalogue (`docs/procedure-rules.md`) against the code: every
//! id the code, tests, contracts, deployment files and docs cite is in the
//! catalogue, each catalogue id appears once, and each has a test named
//! after it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate lives in the workspace")
        .to_path_buf()
}

/// Every `R-XXX-N` in `text`: an `R-`, a letter then letters or digits, a
/// dash and a number, not inside a longer word.
fn cited_ids(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut ids = Vec::new();
    let mut i = 0;
    while i + 1 < bytes.len() {
        let starts = bytes[i] == b'R'
            && bytes[i + 1] == b'-'
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i + 2;
        let family_start = j;
        while j < bytes.len() && (bytes[j].is_ascii_uppercase() || bytes[j].is_ascii_digit()) {
            j += 1;
        }
        let family_ok = j > family_start && bytes[family_start].is_ascii_uppercase();
        if family_ok && j < bytes.len() && bytes[j] == b'-' {
            let number_start = j + 1;
            let mut k = number_start;
            while k < bytes.len() && bytes[k].is_ascii_digit() {
                k += 1;
            }
            let ends = k == bytes.len() || !(bytes[k].is_ascii_alphanumeric() || bytes[k] == b'_');
            if k > number_start && ends {
                ids.push(text[i..k].to_owned());
                i = k;
                continue;
            }
        }
        i += 1;
    }
    ids
}

/// The ids in the catalogue's tables (`| R-XXX-N | promise |`), each with
/// how many rows name it.
fn catalogue() -> BTreeMap<String, usize> {
    let text = std::fs::read_to_string(workspace().join("docs/procedure-rules.md"))
        .expect("docs/procedure-rules.md is in the repository");
    let mut ids = BTreeMap::new();
    for line in text.lines() {
        let Some(row) = line.strip_prefix("| ") else {
            continue;
        };
        let Some((first, _)) = row.split_once(" |") else {
            continue;
        };
        if cited_ids(first).as_slice() == [first.to_owned()] {
            *ids.entry(first.to_owned()).or_insert(0) += 1;
        }
    }
    ids
}

const SCANNED: [&str; 9] = [
    "services",
    "shared",
    "tests",
    "tools",
    "proto",
    "deploy",
    "docs",
    "fuzz",
    "README.md",
];
const EXTENSIONS: [&str; 11] = [
    "rs", "proto", "md", "j2", "sql", "sh", "yml", "yaml", "html", "toml", "mjs",
];

fn files(root: &Path, out: &mut Vec<PathBuf>) {
    if root.is_file() {
        out.push(root.to_path_buf());
        return;
    }
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name == "node_modules" || name == "target" || name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            files(&path, out);
        } else if path
            .extension()
            .is_some_and(|e| EXTENSIONS.iter().any(|x| e == *x))
        {
            out.push(path);
        }
    }
}

fn every_file() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for root in SCANNED {
        files(&workspace().join(root), &mut out);
    }
    out
}

#[test]
fn every_cited_rule_id_is_in_the_catalogue_once() {
    let catalogue = catalogue();
    assert!(
        catalogue.len() >= 40,
        "the catalogue's tables were not read: {catalogue:?}"
    );
    let twice: Vec<_> = catalogue.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "ids named by more than one row: {twice:?}"
    );

    let catalogue_file = workspace().join("docs/procedure-rules.md");
    let mut unknown: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in every_file() {
        if path == catalogue_file {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        for id in cited_ids(&text) {
            if !catalogue.contains_key(&id) {
                let shown = path
                    .strip_prefix(workspace())
                    .unwrap_or(&path)
                    .display()
                    .to_string();
                unknown.entry(id).or_default().insert(shown);
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "rule ids cited but not in docs/procedure-rules.md: {unknown:#?}"
    );
}

#[test]
fn every_catalogue_rule_has_a_test_named_after_it() {
    let mut sources = String::new();
    for path in every_file() {
        if path.extension().is_some_and(|e| e == "rs") {
            sources.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
            sources.push('\n');
        }
    }
    let untested: Vec<String> = catalogue()
        .into_keys()
        .filter(|id| {
            let prefix = format!("fn {}_", id.to_lowercase().replace('-', "_"));
            !sources.contains(&prefix)
        })
        .collect();
    assert!(
        untested.is_empty(),
        "catalogue rules with no test named after them: {untested:?}"
    );
}

#[test]
fn the_scanner_finds_ids_and_ignores_lookalikes() {
    assert_eq!(
        cited_ids("see R-S1-4 and (R-CONF-2), fn r_s1_4_x"),
        vec!["R-S1-4", "R-CONF-2"]
    );
    assert!(cited_ids("XR-S1-4 R-s1-4 R-S1- R-1-2 R-S1-4a").is_empty());
}
