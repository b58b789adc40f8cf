//! Services in-process for tests: settings on a fresh schema and a given
//! bus namespace, and a channel to a bound server. Compiled only with the
//! `testing` feature.

use crate::auth::{BearerToken, DevToken, Role};
use crate::{Settings, Source};
use std::collections::HashMap;
use std::net::SocketAddr;
use tonic::service::interceptor::InterceptedService;
use tonic::transport::Channel;

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
        ("AUTH_DEV_SECRET".into(), DEV_SECRET.into()),
        // Tests run many services side by side against one PostgreSQL.
        ("DATABASE_MAX_CONNECTIONS".into(), "6".into()),
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

/// The development secret every test service verifies tokens with.
pub const DEV_SECRET: &str = "test-secret-for-development-only-0123456789";
/// The issuer and audience test tokens name (the settings' defaults).
pub const ISSUER: &str = "complaints-dev";
pub const AUDIENCE: &str = "complaints";

/// A channel that sends a bearer token with every call.
pub type Authed = InterceptedService<Channel, BearerToken>;

/// A token for `subject` with `roles` (and `team`), valid for an hour.
pub fn token(subject: &str, roles: &[Role], team: Option<&str>) -> String {
    dev_token(subject, roles, team).sign(DEV_SECRET)
}

/// The same token, expired.
pub fn expired_token(subject: &str, roles: &[Role], team: Option<&str>) -> String {
    dev_token(subject, roles, team).expired(DEV_SECRET)
}

fn dev_token<'a>(subject: &'a str, roles: &'a [Role], team: Option<&'a str>) -> DevToken<'a> {
    DevToken {
        issuer: ISSUER,
        audience: AUDIENCE,
        subject,
        roles,
        team,
        valid_for: std::time::Duration::from_secs(3600),
    }
}

/// A connected channel to the gRPC server at `addr`, calling with a token
/// holding every role, for tests about something other than access.
pub async fn channel(addr: SocketAddr) -> Authed {
    channel_as(addr, Some(&token("test-harness", &Role::ALL, None))).await
}

/// A connected channel calling with `token` (or none).
pub async fn channel_as(addr: SocketAddr, token: Option<&str>) -> Authed {
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .expect("a socket address makes a valid endpoint")
        .connect()
        .await
        .expect("the test server accepts connections");
    InterceptedService::new(
        channel,
        BearerToken::new(token).expect("a token is valid metadata"),
    )
}

/// Calls `path` with an empty request as the holder of `token`, for
/// checking the auth layer on every RPC without building each request.
pub async fn call_empty(addr: SocketAddr, token: Option<&str>, path: &str) -> tonic::Status {
    let mut grpc = tonic::client::Grpc::new(channel_as(addr, token).await);
    if let Err(e) = grpc.ready().await {
        return tonic::Status::unavailable(e.to_string());
    }
    let path: http::uri::PathAndQuery = path.parse().expect("an RPC path");
    match grpc
        .unary(
            tonic::Request::new(()),
            path,
            tonic_prost::ProstCodec::<(), ()>::default(),
        )
        .await
    {
        Ok(_) => tonic::Status::ok(""),
        Err(status) => status,
    }
}

/// Every RPC of the gRPC service `service` (e.g. `complaints.v1.Intake`),
/// as `/service/Method` paths, from the compiled descriptors.
pub fn rpcs_of(service: &str) -> Vec<String> {
    use prost::Message;
    let set = prost_types::FileDescriptorSet::decode(complaints_proto::FILE_DESCRIPTOR_SET)
        .expect("the compiled descriptor set decodes");
    set.file
        .iter()
        .flat_map(|file| {
            file.service
                .iter()
                .filter(move |s| format!("{}.{}", file.package(), s.name()) == service)
        })
        .flat_map(|s| {
            s.method
                .iter()
                .map(move |m| format!("/{service}/{}", m.name()))
        })
        .collect()
}

/// R-CONF-1, for one service: every RPC of `service` is in `policy`, and
/// every one refuses a missing token and an expired token as
/// UNAUTHENTICATED and a role it does not allow as PERMISSION_DENIED.
/// Returns how many wrong-role calls were made (each should be recorded).
pub async fn assert_every_rpc_is_guarded(
    addr: SocketAddr,
    service: &str,
    policy: crate::auth::Policy,
) -> usize {
    use tonic::Code;
    let rpcs = rpcs_of(service);
    assert!(!rpcs.is_empty(), "{service} has RPCs");
    let mut wrong_role_calls = 0;
    for rpc in &rpcs {
        let allowed = policy
            .allowed(rpc)
            .unwrap_or_else(|| panic!("{rpc} is missing from the policy"));
        let missing = call_empty(addr, None, rpc).await;
        assert_eq!(
            missing.code(),
            Code::Unauthenticated,
            "{rpc} without a token: {missing:?}"
        );
        let expired = call_empty(addr, Some(&expired_token("someone", allowed, None)), rpc).await;
        assert_eq!(
            expired.code(),
            Code::Unauthenticated,
            "{rpc} with an expired token: {expired:?}"
        );
        let forged = format!("{}x", token("someone", allowed, None));
        let forged = call_empty(addr, Some(&forged), rpc).await;
        assert_eq!(
            forged.code(),
            Code::Unauthenticated,
            "{rpc} with a bad signature: {forged:?}"
        );
        let others: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| !allowed.contains(r))
            .collect();
        if !others.is_empty() {
            let denied =
                call_empty(addr, Some(&token("someone", &others, Some("north"))), rpc).await;
            assert_eq!(
                denied.code(),
                Code::PermissionDenied,
                "{rpc} as {others:?}: {denied:?}"
            );
            wrong_role_calls += 1;
        }
    }
    wrong_role_calls
}

/// The access audit of the service at `addr` for `record` (or every
/// refused call when `record` is `None`), read as the data protection
/// officer.
pub async fn access_audit(
    addr: SocketAddr,
    record: Option<&str>,
) -> Vec<complaints_proto::v1::AccessEntry> {
    use complaints_proto::v1::{ListAccessRequest, access_audit_client::AccessAuditClient};
    let dpo = token("dpo-1", &[Role::DataProtectionOfficer], None);
    let mut client = AccessAuditClient::new(channel_as(addr, Some(&dpo)).await);
    client
        .list_access(ListAccessRequest {
            record: record.unwrap_or_default().to_owned(),
            refused_only: record.is_none(),
        })
        .await
        .expect("the data protection officer reads the access audit")
        .into_inner()
        .entries
}

/// R-CONF-1 for the service at `addr`: [`assert_every_rpc_is_guarded`] for
/// `service` and for the access audit every service serves, then checks
/// that each wrong-role call is in the access audit as refused, and the
/// unauthenticated ones within the per-peer budget.
pub async fn assert_service_is_guarded(
    addr: SocketAddr,
    service: &str,
    policy: crate::auth::Policy,
) {
    let wrong_role_calls = assert_every_rpc_is_guarded(addr, service, policy).await
        + assert_every_rpc_is_guarded(addr, "complaints.v1.AccessAudit", policy).await
        + assert_every_rpc_is_guarded(addr, "complaints.v1.Retention", policy).await
        + assert_every_rpc_is_guarded(addr, "complaints.v1.SubjectAccess", policy).await;
    let (unauthenticated, refused): (Vec<_>, Vec<_>) = access_audit(addr, None)
        .await
        .into_iter()
        .partition(|e| e.subject.starts_with("unauthenticated "));
    // The missing and expired tokens are refusals too, recorded up to the
    // per-peer budget and then summarised once.
    assert!(
        !unauthenticated.is_empty()
            && unauthenticated.len() <= crate::auth::layer::UNAUTHENTICATED_PER_MINUTE as usize + 1,
        "unauthenticated calls are recorded, within the budget: {unauthenticated:?}"
    );
    assert_eq!(
        refused.len(),
        wrong_role_calls,
        "every wrong-role call is recorded: {refused:?}"
    );
    for entry in &refused {
        assert_eq!(
            (entry.subject.as_str(), entry.outcome.as_str()),
            ("someone", "denied")
        );
        assert!(
            entry.method.starts_with(&format!("/{service}/"))
                || entry.method.starts_with("/complaints.v1.AccessAudit/")
                || entry.method.starts_with("/complaints.v1.Retention/")
                || entry.method.starts_with("/complaints.v1.SubjectAccess/")
        );
    }
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
