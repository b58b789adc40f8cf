//! Services in-process for tests: settings on a fresh schema and a given
//! bus namespace, and a channel to a bound server. Compiled only with the
//! `testing` feature.

use crate::{Settings, Source};
use std::collections::HashMap;
use std::net::SocketAddr;

/// Settings for `service` in a schema no other test uses, on `namespace`,
/// listening on a free port; `extra` adds or overrides variables.
pub fn settings(service: &str, namespace: &str, extra: &[(&str, String)]) -> Settings {
    let db = eventlog::testing::fresh_settings(service);
    let mut env: HashMap<String, String> = HashMap::from([
        ("DATABASE_URL".into(), db.url.clone()),
        ("DATABASE_SCHEMA".into(), db.schema.to_string()),
        ("NATS_URL".into(), bus::testing::nats_url()),
        ("BUS_NAMESPACE".into(), namespace.to_owned()),
        ("GRPC_ADDR".into(), "127.0.0.1:0".into()),
        (
            "MONITORING_PSEUDONYM_KEY".into(),
            "test-monitoring-key-of-at-least-32-chars".into(),
        ),
        ("RELAY_POLL_INTERVAL_MS".into(), "10".into()),
    ]);
    for (key, value) in extra {
        env.insert((*key).to_owned(), value.clone());
    }
    Settings::from_source(
        service,
        0,
        Source::from_map(env).expect("no CONFIG_FILE in tests"),
    )
    .expect("test settings are valid")
}

/// A connected channel to the gRPC server at `addr`.
pub async fn channel(addr: SocketAddr) -> tonic::transport::Channel {
    tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .expect("a socket address makes a valid endpoint")
        .connect()
        .await
        .expect("the test server accepts connections")
}

/// Installs the services' tracing set-up once in this test process, so
/// spans get trace ids and events store the `traceparent` of the request
/// that recorded them, as they do in a running service.
pub fn telemetry() {
    static INSTALLED: std::sync::OnceLock<Option<telemetry::Telemetry>> =
        std::sync::OnceLock::new();
    INSTALLED.get_or_init(|| {
        telemetry::init(&telemetry::TelemetrySettings {
            service_name: "test".into(),
            otlp_endpoint: None,
            log_format: telemetry::LogFormat::Pretty,
            log_filter: "warn".into(),
        })
        .ok()
    });
}
