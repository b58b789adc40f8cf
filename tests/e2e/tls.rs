//! Transport security to the backing services: PostgreSQL with
//! `sslmode=verify-full` and NATS over `tls://`, each with a server
//! certificate signed by a private CA made for the test. A service given
//! that CA connects and serves; one given another CA (or, for NATS, none)
//! refuses to start, says which connection failed, and exits non-zero.
//! And the services' own gRPC port over TLS, with a certificate made by
//! the test and a client that trusts its CA.

use end_to_end::clients;
use end_to_end::private::{PrivateNats, PrivatePostgres, TestCa};
use end_to_end::{Isolation, ServiceProcess};
use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;

const SERVICE: &str = "reporting";

/// Starts the service, checks it reports SERVING, and stops it cleanly.
async fn serves(env: &HashMap<String, String>) {
    let process = ServiceProcess::spawn(SERVICE, env).await;
    let status = clients::health(&process)
        .await
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .unwrap_or_else(|e| panic!("{SERVICE} health check: {e}"))
        .into_inner()
        .status;
    assert_eq!(
        status,
        ServingStatus::Serving as i32,
        "{SERVICE} reports SERVING"
    );
    let exit = process.terminate().await;
    assert!(exit.success(), "stops cleanly: {exit}");
}

/// Runs the service expecting it not to start: what it said on stdout and
/// stderr.
async fn refuses(env: &HashMap<String, String>) -> String {
    let run = tokio::process::Command::new(end_to_end::binaries_dir().join(SERVICE))
        .env_clear()
        .envs(env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .expect("a refused service gives up within 90 s")
        .expect("running the service");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!output.status.success(), "it does not start: {said}");
    assert!(!said.contains("serving gRPC"), "it never serves: {said}");
    said
}

#[tokio::test]
async fn a_service_reaches_postgresql_over_verified_tls_and_refuses_a_server_its_ca_did_not_sign() {
    let ca = TestCa::new("complaints-test-postgres-ca");
    let other = TestCa::new("some-other-ca");
    let pg = PrivatePostgres::start_tls(&ca.server_cert("postgres"));
    let isolation = Isolation::fresh("pgtls");
    let mut env = isolation.env(SERVICE);
    let url = |root: &TestCa| {
        format!(
            "{}?sslmode=verify-full&sslrootcert={}",
            pg.url(),
            root.cert.display()
        )
    };

    env.insert("DATABASE_URL".into(), url(&ca));
    serves(&env).await;

    env.insert("DATABASE_URL".into(), url(&other));
    let said = refuses(&env).await;
    assert!(
        said.contains("DATABASE_URL"),
        "it names DATABASE_URL: {said}"
    );
    assert!(said.contains("TLS"), "it says TLS failed: {said}");
    isolation.cleanup().await;
}

#[tokio::test]
async fn a_service_reaches_nats_over_tls_with_nats_ca_file_and_not_without_it() {
    let ca = TestCa::new("complaints-test-nats-ca");
    let other = TestCa::new("some-other-ca");
    let nats = PrivateNats::start_tls(&ca.server_cert("nats"));
    let isolation = Isolation::fresh("natstls");
    let mut env = isolation.env(SERVICE);
    env.insert("NATS_URL".into(), nats.tls_url());

    env.insert("NATS_CA_FILE".into(), ca.cert.display().to_string());
    serves(&env).await;

    env.insert("NATS_CA_FILE".into(), other.cert.display().to_string());
    let said = refuses(&env).await;
    assert!(
        said.contains("NATS_CA_FILE"),
        "it names NATS_CA_FILE: {said}"
    );

    env.remove("NATS_CA_FILE");
    let said = refuses(&env).await;
    assert!(said.contains("TLS"), "it says TLS failed: {said}");
    isolation.cleanup().await;
}

/// A channel to `process` over TLS, trusting only the CA at `ca`, with the
/// harness's token on every call.
async fn tls_channel(
    process: &ServiceProcess,
    ca: &std::path::Path,
) -> Result<
    tonic::service::interceptor::InterceptedService<
        tonic::transport::Channel,
        clients::CallMetadata,
    >,
    tonic::transport::Error,
> {
    use tonic::transport::{Certificate, ClientTlsConfig, Endpoint};
    let pem = std::fs::read(ca).expect("reading the test CA");
    let channel = Endpoint::from_shared(format!("https://localhost:{}", process.addr.port()))
        .expect("a valid endpoint")
        .tls_config(
            ClientTlsConfig::new()
                .ca_certificate(Certificate::from_pem(pem))
                .domain_name("localhost"),
        )?
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .connect()
        .await?;
    Ok(tonic::service::interceptor::InterceptedService::new(
        channel,
        clients::CallMetadata::untraced(),
    ))
}

/// gRPC over TLS on the service's own port (`GRPC_TLS_CERT_FILE` and
/// `GRPC_TLS_KEY_FILE`), for deployments without a mesh: a client that
/// trusts the certificate's CA gets health and reflection, a plaintext
/// client and one trusting another CA get nothing, and one of the two
/// settings alone stops the service at start, naming the other.
#[tokio::test]
async fn a_service_serves_grpc_health_and_reflection_over_tls_on_its_own_port_with_its_certificate()
{
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let ca = TestCa::new("complaints-test-grpc-ca");
    let other = TestCa::new("some-other-ca");
    let cert = ca.server_cert("grpc");
    let isolation = Isolation::fresh("grpctls");
    let mut env = isolation.env(SERVICE);
    env.insert("GRPC_TLS_CERT_FILE".into(), cert.cert.display().to_string());
    env.insert("GRPC_TLS_KEY_FILE".into(), cert.key.display().to_string());
    let process = ServiceProcess::spawn(SERVICE, &env).await;

    // Health over TLS, trusting the test's CA.
    let channel = tls_channel(&process, &ca.cert)
        .await
        .expect("a client trusting the CA connects over TLS");
    let status = tonic_health::pb::health_client::HealthClient::new(channel.clone())
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("health over TLS")
        .into_inner()
        .status;
    assert_eq!(status, ServingStatus::Serving as i32);

    // Reflection over TLS, with a token as on plaintext.
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let answer = ServerReflectionClient::new(channel)
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection over TLS")
        .into_inner()
        .message()
        .await
        .expect("a reflection answer")
        .expect("one answer");
    let services: Vec<String> = match answer.message_response {
        Some(MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("unexpected reflection answer {other:?}"),
    };
    assert!(
        services.iter().any(|s| s == "complaints.v1.Reporting")
            && services.iter().any(|s| s == "grpc.health.v1.Health"),
        "{services:?}"
    );

    // Plaintext on the same port gets no answer.
    let plaintext = tonic::transport::Endpoint::from_shared(process.endpoint())
        .expect("a valid endpoint")
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(5))
        .connect_lazy();
    let refused = tonic_health::pb::health_client::HealthClient::new(plaintext)
        .check(HealthCheckRequest {
            service: String::new(),
        })
        .await;
    assert!(refused.is_err(), "plaintext is not served: {refused:?}");

    // A client trusting another CA does not get through the handshake.
    let untrusted = match tls_channel(&process, &other.cert).await {
        Err(e) => Err(e.to_string()),
        Ok(channel) => tonic_health::pb::health_client::HealthClient::new(channel)
            .check(HealthCheckRequest {
                service: String::new(),
            })
            .await
            .map(|_| ())
            .map_err(|e| e.to_string()),
    };
    assert!(untrusted.is_err(), "a certificate of another CA is refused");

    let exit = process.terminate().await;
    assert!(exit.success(), "stops cleanly: {exit}");

    // One of the pair alone: the service does not start, and names the other.
    env.remove("GRPC_TLS_KEY_FILE");
    let said = refuses(&env).await;
    assert!(
        said.contains("GRPC_TLS_KEY_FILE"),
        "it names GRPC_TLS_KEY_FILE: {said}"
    );
    isolation.cleanup().await;
}
