use end_to_end::clients::{self, CallMetadata};
use end_to_end::{Isolation, SERVICES, ServiceProcess, binaries_dir};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;

#[tokio::test]
async fn the_four_services_start_as_processes_and_each_reports_serving_on_grpc_health() {
    let isolation = Isolation::fresh("four");
    let mut running = Vec::new();
    for service in SERVICES {
        running.push(ServiceProcess::spawn(service, &isolation.env(service)).await);
    }
    for process in &running {
        let mut health = clients::health(process).await;
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
    // Server reflection, in both versions clients speak, lists exactly the
    // services each port serves: its own API, the access audit, retention,
    // subject access, health and reflection; a call for another service's
    // API is UNIMPLEMENTED there, not a refusal of the caller.
    let apis = [
        ("intake", "complaints.v1.Intake"),
        ("complaints", "complaints.v1.Complaints"),
        ("notifications", "complaints.v1.Notifications"),
        ("reporting", "complaints.v1.Reporting"),
    ];
    for process in &running {
        let own = apis
            .iter()
            .find(|(name, _)| *name == process.name)
            .map(|(_, api)| *api)
            .expect("one of the four");
        let mut expected = vec![
            own,
            "complaints.v1.AccessAudit",
            "complaints.v1.Retention",
            "complaints.v1.SubjectAccess",
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
        ];
        expected.sort_unstable();
        let mut listed = reflected_services(process).await;
        listed.sort();
        assert_eq!(
            listed, expected,
            "{} reflects its own services",
            process.name
        );
        let mut listed_alpha = reflected_services_v1alpha(process).await;
        listed_alpha.sort();
        assert_eq!(listed_alpha, expected, "{} in v1alpha too", process.name);
        let channel = clients::connect(process, &CallMetadata::untraced()).await;
        let (other, status) = if own == "complaints.v1.Intake" {
            let mut client =
                complaints_proto::v1::complaints_client::ComplaintsClient::new(channel);
            let answer = client
                .get_complaint(complaints_proto::v1::GetComplaintRequest {
                    reference: "CMP-2026-000001".into(),
                })
                .await;
            ("complaints.v1.Complaints", answer.unwrap_err())
        } else {
            let mut client = complaints_proto::v1::intake_client::IntakeClient::new(channel);
            let answer = client
                .list_triage_queue(complaints_proto::v1::ListTriageQueueRequest::default())
                .await;
            ("complaints.v1.Intake", answer.unwrap_err())
        };
        assert_eq!(
            status.code(),
            tonic::Code::Unimplemented,
            "{}: {other} is another port's: {status:?}",
            process.name
        );
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

async fn reflected_services(process: &ServiceProcess) -> Vec<String> {
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;
    let channel = clients::connect(process, &CallMetadata::untraced()).await;
    let mut client = ServerReflectionClient::new(channel);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = responses.message().await.unwrap().expect("one answer");
    match response.message_response {
        Some(MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("unexpected reflection answer {other:?}"),
    }
}

async fn reflected_services_v1alpha(process: &ServiceProcess) -> Vec<String> {
    use tonic_reflection::pb::v1alpha::ServerReflectionRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;
    let channel = clients::connect(process, &CallMetadata::untraced()).await;
    let mut client = ServerReflectionClient::new(channel);
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = client
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .unwrap()
        .into_inner();
    let response = responses.message().await.unwrap().expect("one answer");
    match response.message_response {
        Some(MessageResponse::ListServicesResponse(list)) => {
            list.service.into_iter().map(|s| s.name).collect()
        }
        other => panic!("unexpected reflection answer {other:?}"),
    }
}

#[tokio::test]
async fn r_conf_2_a_service_with_a_bad_retention_policy_stops_at_start_naming_the_setting() {
    let isolation = Isolation::fresh("badretention");
    for service in SERVICES {
        let mut env = isolation.env(service);
        env.insert("RETENTION_CLOSED_COMPLAINTS".into(), "six years".into());
        let output = tokio::process::Command::new(binaries_dir().join(service))
            .env_clear()
            .envs(&env)
            .output()
            .await
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{service}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("setting RETENTION_CLOSED_COMPLAINTS"),
            "{service}'s stderr names the setting: {stderr}"
        );
    }
}
