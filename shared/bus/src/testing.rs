//! A fresh namespace per test, so tests sharing one NATS never see each
//! other's messages. Compiled only with the `testing` feature.

use crate::{Bus, BusSettings, Namespace};
use std::time::Duration;

/// The NATS server tests use: `TEST_NATS_URL`, or the local server.
pub fn nats_url() -> String {
    std::env::var("TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into())
}

/// Settings for a namespace no other test uses.
pub fn fresh_settings(prefix: &str) -> BusSettings {
    let name = format!("t_{prefix}_{}", uuid::Uuid::new_v4().simple());
    BusSettings {
        url: nats_url(),
        namespace: Namespace::parse(&name[..name.len().min(64)])
            .expect("generated namespaces are valid"),
        duplicate_window: Duration::from_secs(120),
        auth: crate::BusAuth::None,
        ca_file: None,
    }
}

/// Deletes a test namespace's streams.
pub async fn delete_namespace(bus: &Bus) {
    let _ = bus.jetstream.delete_stream(bus.stream_name()).await;
    let _ = bus
        .jetstream
        .delete_stream(bus.dead_letter_stream_name())
        .await;
}
