//! Transport security to the backing services: PostgreSQL with
//! `sslmode=verify-full` and NATS over `tls://`, each with a server
//! certificate signed by a private CA made for the test. A service given
//! that CA connects and serves; one given another CA (or, for NATS, none)
//! refuses to start, says which connection failed, and exits non-zero.

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
