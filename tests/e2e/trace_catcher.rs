//! `trace-catcher`, the trace viewer `make up` runs: spans exported to it
//! over OTLP/gRPC, as the services export them, are kept in its file and
//! shown as a list and as one trace's tree.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_client::TraceServiceClient;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{ResourceSpans, ScopeSpans, Span};
use tokio::io::AsyncBufReadExt;

fn text(key: &str, value: &str) -> KeyValue {
    KeyValue {
        key: key.into(),
        value: Some(AnyValue {
            value: Some(any_value::Value::StringValue(value.into())),
        }),
        ..Default::default()
    }
}

fn spans_of(service: &str, spans: Vec<Span>) -> ResourceSpans {
    ResourceSpans {
        resource: Some(Resource {
            attributes: vec![text("service.name", service)],
            ..Default::default()
        }),
        scope_spans: vec![ScopeSpans {
            spans,
            ..Default::default()
        }],
        ..Default::default()
    }
}

fn span(id: u8, parent: Option<u8>, name: &str, start_ms: u64) -> Span {
    let base = 1_800_000_000_000_000_000u64;
    Span {
        trace_id: vec![0xab; 16],
        span_id: vec![id; 8],
        parent_span_id: parent.map(|p| vec![p; 8]).unwrap_or_default(),
        name: name.into(),
        start_time_unix_nano: base + start_ms * 1_000_000,
        end_time_unix_nano: base + (start_ms + 5) * 1_000_000,
        attributes: vec![text("complaint.reference", "CMP-2027-000001")],
        ..Default::default()
    }
}

async fn run(args: &[&str]) -> String {
    let out = tokio::process::Command::new(end_to_end::binaries_dir().join("trace-catcher"))
        .args(args)
        .output()
        .await
        .expect("trace-catcher runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test]
async fn spans_exported_to_the_trace_catcher_are_kept_and_shown_as_one_tree_across_services() {
    let dir = std::env::temp_dir().join(format!("traces-{}", uuid::Uuid::new_v4().simple()));
    let file = dir.join("spans.jsonl");
    let file_arg = file.display().to_string();
    let mut catcher =
        tokio::process::Command::new(end_to_end::binaries_dir().join("trace-catcher"))
            .args(["serve", "--addr", "127.0.0.1:0", "--file", &file_arg])
            .stdout(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("trace-catcher starts");
    let mut first = String::new();
    tokio::io::BufReader::new(catcher.stdout.take().expect("its stdout"))
        .read_line(&mut first)
        .await
        .unwrap();
    let endpoint = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("it says where it listens: {first}"))
        .to_owned();

    let mut client = TraceServiceClient::connect(endpoint).await.unwrap();
    client
        .export(ExportTraceServiceRequest {
            resource_spans: vec![
                spans_of("intake", vec![span(1, None, "SubmitComplaint", 0)]),
                spans_of("complaints", vec![span(2, Some(1), "bus.apply", 10)]),
            ],
        })
        .await
        .unwrap();
    client
        .export(ExportTraceServiceRequest {
            resource_spans: vec![spans_of(
                "notifications",
                vec![span(3, Some(2), "notification.send", 20)],
            )],
        })
        .await
        .unwrap();

    let trace_id = "ab".repeat(16);
    let listed = run(&["list", "--file", &file_arg]).await;
    assert!(listed.contains(&trace_id), "{listed}");
    assert!(
        listed.contains("complaints,intake,notifications"),
        "{listed}"
    );
    assert!(
        listed.contains("SubmitComplaint"),
        "the root span: {listed}"
    );

    let shown = run(&["show", &trace_id, "--file", &file_arg]).await;
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), 4, "{shown}");
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
    assert!(lines[3].contains("+20.0 ms"), "{shown}");
    let _ = catcher.kill().await;
    let _ = std::fs::remove_dir_all(dir);
}
