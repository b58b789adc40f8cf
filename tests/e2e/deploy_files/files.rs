//! Reading the deployment files, and what the code says a service reads.

use serde::Deserialize;
use serde_yaml_ng::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the tests crate sits in the repository")
        .to_path_buf()
}

/// A file of the repository, as text.
pub fn read(relative: &str) -> String {
    let path = repo().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Every document of a YAML text, with merge keys (`<<`) applied as
/// compose applies them.
pub fn yaml_documents(text: &str, name: &str) -> Vec<Value> {
    serde_yaml_ng::Deserializer::from_str(text)
        .map(|document| {
            let mut value = Value::deserialize(document)
                .unwrap_or_else(|e| panic!("{name} is not valid YAML: {e}"));
            // A merged mapping may bring its own `<<` (an anchor built on
            // another): merge again until none is left.
            while has_merge_key(&value) {
                value
                    .apply_merge()
                    .unwrap_or_else(|e| panic!("{name}: merge keys: {e}"));
            }
            value
        })
        .filter(|value| !value.is_null())
        .collect()
}

fn has_merge_key(value: &Value) -> bool {
    match value {
        Value::Mapping(map) => map.contains_key("<<") || map.values().any(has_merge_key),
        Value::Sequence(items) => items.iter().any(has_merge_key),
        Value::Tagged(tagged) => has_merge_key(&tagged.value),
        _ => false,
    }
}

/// The compose file, as one document.
pub fn compose() -> Value {
    let mut documents = yaml_documents(&read("deploy/docker-compose.yml"), "docker-compose.yml");
    assert_eq!(documents.len(), 1, "the compose file is one document");
    documents.remove(0)
}

/// Every document of every YAML file under `deploy/k8s/<under>`, with the
/// path of its file relative to the repository.
pub fn k8s_documents(under: &str) -> Vec<(String, Value)> {
    let mut files = Vec::new();
    yaml_files(&repo().join("deploy/k8s").join(under), &mut files);
    files.sort();
    files
        .into_iter()
        .flat_map(|path| {
            let name = path
                .strip_prefix(repo())
                .expect("under the repository")
                .display()
                .to_string();
            let text = std::fs::read_to_string(&path).expect("a readable file");
            yaml_documents(&text, &name)
                .into_iter()
                .map(move |document| (name.clone(), document))
        })
        .collect()
}

fn yaml_files(dir: &Path, into: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            yaml_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            into.push(path);
        }
    }
}

/// The value at `path` (mapping keys) under `value`.
pub fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |v, key| v.get(*key))
}

/// The string at `path`, if it is one.
pub fn str_at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    at(value, path).and_then(Value::as_str)
}

/// A sequence at `path`, or nothing.
pub fn seq_at<'a>(value: &'a Value, path: &[&str]) -> &'a [Value] {
    at(value, path)
        .and_then(Value::as_sequence)
        .map_or(&[], Vec::as_slice)
}

/// Documents of `kind`.
pub fn of_kind<'a>(documents: &'a [(String, Value)], kind: &str) -> Vec<&'a (String, Value)> {
    documents
        .iter()
        .filter(|(_, d)| str_at(d, &["kind"]) == Some(kind))
        .collect()
}

/// The name in a document's metadata.
pub fn name_of(document: &Value) -> &str {
    str_at(document, &["metadata", "name"]).expect("every resource has a metadata.name")
}

/// Every settings key `service` reads: the platform's and its own, from
/// the lists each service's tests hold to its loader.
pub fn keys_read_by(service: &str) -> BTreeSet<&'static str> {
    let own: &[&str] = match service {
        "intake" => intake::settings::IntakeSettings::KEYS,
        "complaints" => complaints::settings::ComplaintsSettings::KEYS,
        "notifications" => notifications::NotifySettings::KEYS,
        "reporting" => reporting::settings::ReportingSettings::KEYS,
        other => panic!("{other:?} is not one of the four services"),
    };
    platform::Settings::KEYS
        .iter()
        .chain(own)
        .copied()
        .collect()
}

/// The settings `service` cannot start without.
pub fn required_by(service: &str) -> &'static [&'static str] {
    match service {
        "intake" => intake::settings::IntakeSettings::REQUIRED,
        "complaints" => complaints::settings::ComplaintsSettings::REQUIRED,
        "notifications" => notifications::NotifySettings::REQUIRED,
        "reporting" => reporting::settings::ReportingSettings::REQUIRED,
        other => panic!("{other:?} is not one of the four services"),
    }
}

/// Problems with the setting names `given` to `service`: names it does not
/// read, and required names missing.
pub fn settings_problems<'a>(
    service: &str,
    given: impl IntoIterator<Item = &'a str>,
) -> Vec<String> {
    let known = keys_read_by(service);
    let given: BTreeSet<&str> = given.into_iter().collect();
    let mut problems: Vec<String> = given
        .iter()
        .filter(|k| !known.contains(*k))
        .map(|k| format!("{service} reads no setting {k}"))
        .collect();
    problems.extend(
        required_by(service)
            .iter()
            .filter(|k| !given.contains(*k))
            .map(|k| format!("{service} needs {k}, which is not given")),
    );
    problems
}

/// Whether an image reference names a fixed version: a digest, or a tag
/// other than `latest`.
pub fn is_pinned(image: &str) -> bool {
    if image.contains("@sha256:") {
        return true;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, tag)) => !tag.is_empty() && tag != "latest" && !tag.contains('$'),
        None => false,
    }
}

/// One Dockerfile instruction, continuation lines joined.
#[derive(Debug)]
pub struct Instruction {
    pub keyword: String,
    pub args: String,
}

/// `deploy/Dockerfile`, instruction by instruction.
pub fn dockerfile() -> Vec<Instruction> {
    let text = read("deploy/Dockerfile");
    let mut instructions = Vec::new();
    let mut pending = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && pending.is_empty()) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                pending.push_str(part);
                pending.push(' ');
            }
            None => {
                pending.push_str(trimmed);
                let (keyword, args) = pending
                    .split_once(char::is_whitespace)
                    .unwrap_or((&pending, ""));
                instructions.push(Instruction {
                    keyword: keyword.to_uppercase(),
                    args: args.split_whitespace().collect::<Vec<_>>().join(" "),
                });
                pending.clear();
            }
        }
    }
    instructions
}

/// The instructions of the last stage, the image that runs.
pub fn final_stage(instructions: &[Instruction]) -> &[Instruction] {
    let start = instructions
        .iter()
        .rposition(|i| i.keyword == "FROM")
        .expect("a Dockerfile has a FROM");
    &instructions[start..]
}

/// `(sources, destination)` of each `COPY` taken from the build context
/// (not from another stage) in `instructions`.
pub fn context_copies(instructions: &[Instruction]) -> Vec<(Vec<String>, String)> {
    instructions
        .iter()
        .filter(|i| i.keyword == "COPY" && !i.args.contains("--from="))
        .map(|i| {
            let mut words: Vec<String> = i
                .args
                .split_whitespace()
                .filter(|w| !w.starts_with("--"))
                .map(str::to_owned)
                .collect();
            let destination = words.pop().expect("COPY names a destination");
            (words, destination)
        })
        .collect()
}

/// Whether the image has `path`: copied there itself, or inside a folder
/// copied with a trailing `/`.
pub fn image_has(copies: &[(Vec<String>, String)], path: &str) -> bool {
    copies.iter().any(|(_, destination)| {
        destination == path
            || (destination.ends_with('/') && path.starts_with(destination.as_str()))
            || destination.trim_end_matches('/') == path.trim_end_matches('/')
    })
}
