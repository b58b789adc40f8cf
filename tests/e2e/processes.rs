use end_to_end::{Isolation, SERVICES, ServiceProcess, binaries_dir};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

#[tokio::test]
async fn the_four_services_start_as_processes_and_each_reports_serving_on_grpc_health() {
    let isolation = Isolation::fresh("four");
    let mut running = Vec::new();
    for service in SERVICES {
        running.push(ServiceProcess::spawn(service, &isolation.env(service)).await);
    }
    for process in &running {
        let channel = tonic::transport::Endpoint::from_shared(process.endpoint())
            .unwrap()
            .connect()
            .await
            .unwrap();
        let mut health = HealthClient::new(channel);
        for name in ["", process.name.as_str()] {
            let status = health
                .check(HealthCheckRequest {
                    service: name.into(),
                })
                .await
                .unwrap_or_else(|e| panic!("{} health check for {name:?}: {e}", process.name))
                .into_inner()
                .status;
            assert_eq!(
                status,
                ServingStatus::Serving as i32,
                "{} reports SERVING for {name:?}",
                process.name
            );
        }
    }
    for process in running {
        let name = process.name.clone();
        let status = process.terminate().await;
        assert!(
            status.success(),
            "{name} stops cleanly on SIGTERM, got {status}"
        );
    }
    isolation.cleanup().await;
}

#[tokio::test]
async fn a_service_with_a_bad_setting_stops_at_start_with_a_message_naming_the_setting() {
    let isolation = Isolation::fresh("badsetting");
    let mut env = isolation.env("intake");
    env.insert("BUS_NAMESPACE".into(), "Not.Valid".into());
    let output = tokio::process::Command::new(binaries_dir().join("intake"))
        .env_clear()
        .envs(&env)
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("BUS_NAMESPACE"),
        "stderr names the setting: {stderr}"
    );
}
