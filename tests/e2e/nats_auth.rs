//! R-CONF-1: the services authenticate to NATS, so only they publish and
//! consume the platform's events. A service with the server's credentials
//! starts and serves; one with a wrong password does not start, says NATS
//! refused it, and never logs the password.

use end_to_end::private::PrivateNats;
use end_to_end::{Isolation, ServiceProcess};
use std::process::Stdio;
use std::time::Duration;

const USER: &str = "complaints-reporting";
const PASSWORD: &str = "nats-password-7f3a9c";

#[tokio::test]
async fn r_conf_1_a_service_with_the_nats_credentials_serves_and_one_without_them_does_not_start() {
    let nats = PrivateNats::start_requiring(USER, PASSWORD);
    let isolation = Isolation::fresh("natsauth");
    let mut env = isolation.env("reporting");
    env.insert("NATS_URL".into(), nats.url());
    env.insert("NATS_USER".into(), USER.into());
    env.insert("NATS_PASSWORD".into(), PASSWORD.into());

    let serving = ServiceProcess::spawn("reporting", &env).await;
    let status = serving.terminate().await;
    assert!(status.success(), "stops cleanly: {status}");

    let wrong = "not-the-password-1b2c";
    env.insert("NATS_PASSWORD".into(), wrong.into());
    let refused = tokio::process::Command::new(end_to_end::binaries_dir().join("reporting"))
        .env_clear()
        .envs(&env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(60), refused)
        .await
        .expect("a refused service gives up within 60 s")
        .expect("running the service");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!output.status.success(), "it does not start: {said}");
    assert!(
        said.contains("refused the connection"),
        "it says NATS refused it: {said}"
    );
    assert!(!said.contains(wrong), "the password is never logged");
    assert!(!said.contains("serving gRPC"), "it never serves");
    isolation.cleanup().await;
}
