//! The deployment files (deploy/Dockerfile, deploy/docker-compose.yml,
//! deploy/k8s) checked as data. No Docker engine or cluster runs here, so
//! what can go wrong in them without one (a misspelt or missing setting, a
//! missing probe, an unpinned image, a root user, a file the image lacks)
//! is caught by reading them against the code.

mod console;
pub mod files;

use complaints_proto::v1::ListTriageQueueRequest;
use end_to_end::clients::{self, CallMetadata};
use end_to_end::{Isolation, SERVICES, ServiceProcess, binaries_dir};
use files::*;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The staff console's name in compose and Kubernetes; it is checked in
/// [`console`], the four services here.
const CONSOLE: &str = "console";

/// Setting keys whose value is a path inside the image.
const PATH_SETTINGS: [&str; 4] = [
    "BANK_HOLIDAYS_FILE",
    "OFFICE_CLOSURES_FILE",
    "QUALIFICATIONS_FILE",
    "TEMPLATES_DIR",
];

/// The environment a compose service is given, in either compose form.
fn compose_environment(service: &Value) -> BTreeMap<String, String> {
    match at(service, &["environment"]) {
        None => BTreeMap::new(),
        Some(Value::Mapping(map)) => map
            .iter()
            .map(|(k, v)| {
                let key = k.as_str().expect("environment keys are strings").to_owned();
                let value = match v {
                    Value::String(s) => s.clone(),
                    Value::Null => String::new(),
                    other => panic!("{key}: quote non-string values, got {other:?}"),
                };
                (key, value)
            })
            .collect(),
        Some(Value::Sequence(items)) => items
            .iter()
            .map(|item| {
                let entry = item.as_str().expect("KEY=VALUE entries");
                let (k, v) = entry.split_once('=').unwrap_or((entry, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect(),
        Some(other) => panic!("environment must be a mapping or a list, got {other:?}"),
    }
}

fn compose_services(compose: &Value) -> BTreeMap<String, &Value> {
    at(compose, &["services"])
        .and_then(Value::as_mapping)
        .expect("the compose file has services")
        .iter()
        .map(|(k, v)| (k.as_str().expect("service names").to_owned(), v))
        .collect()
}

/// The one service binary a command runs, if any.
fn service_run_by(command: &[Value]) -> Option<&'static str> {
    let program = command.first()?.as_str()?;
    let binary = program.rsplit('/').next()?;
    SERVICES.into_iter().find(|s| *s == binary)
}

#[test]
fn every_service_in_compose_is_built_from_the_dockerfile_runs_its_own_binary_and_has_a_health_check()
 {
    let compose = compose();
    let services = compose_services(&compose);
    for name in SERVICES {
        let service = services
            .get(name)
            .unwrap_or_else(|| panic!("compose runs {name}"));
        let context = str_at(service, &["build", "context"]).expect("built, not pulled");
        let dockerfile = str_at(service, &["build", "dockerfile"]).expect("names its Dockerfile");
        let context = repo().join("deploy").join(context);
        assert!(
            context.join(dockerfile).is_file() && context.join("Cargo.toml").is_file(),
            "{name} builds {dockerfile} in the repository root"
        );
        assert_eq!(
            service_run_by(seq_at(service, &["command"])),
            Some(name),
            "{name} runs /usr/local/bin/{name}"
        );
        let test = seq_at(service, &["healthcheck", "test"]);
        assert!(
            !test.is_empty() && test[0].as_str() != Some("NONE"),
            "{name} has a health check"
        );
        assert_ne!(
            at(service, &["healthcheck", "disable"]).and_then(Value::as_bool),
            Some(true),
            "{name}'s health check is on"
        );
    }
}

#[test]
fn every_service_in_compose_waits_for_a_healthy_postgres_and_nats() {
    let compose = compose();
    let services = compose_services(&compose);
    for name in SERVICES {
        for dependency in ["postgres", "nats"] {
            assert_eq!(
                str_at(services[name], &["depends_on", dependency, "condition"]),
                Some("service_healthy"),
                "{name} waits for {dependency} to be healthy"
            );
        }
    }
    let postgres = services["postgres"];
    assert!(
        seq_at(postgres, &["healthcheck", "test"])
            .iter()
            .any(|w| w.as_str() == Some("pg_isready")),
        "postgres is healthy when pg_isready says so"
    );
    let nats = services["nats"];
    let command: Vec<&str> = seq_at(nats, &["command"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(command.contains(&"-js"), "NATS runs with JetStream");
    assert!(
        command.windows(2).any(|w| w == ["-m", "8222"]),
        "NATS serves monitoring on 8222"
    );
    assert!(
        seq_at(nats, &["healthcheck", "test"])
            .iter()
            .filter_map(Value::as_str)
            .any(|w| w.contains(":8222/healthz")),
        "NATS is healthy when its /healthz says so"
    );
    for supporting in ["jaeger", "mailpit"] {
        assert!(
            services.contains_key(supporting),
            "compose runs {supporting}"
        );
    }
}

#[test]
fn every_image_in_compose_is_pinned_to_a_version_not_latest() {
    let compose = compose();
    for (name, service) in compose_services(&compose) {
        let image = str_at(service, &["image"])
            .unwrap_or_else(|| panic!("{name} names its image (and tag, for what it builds)"));
        assert!(is_pinned(image), "{name}: {image} is pinned to a version");
    }
}

#[test]
fn every_setting_given_to_a_service_in_compose_is_one_it_reads_and_every_required_one_is_given() {
    let compose = compose();
    let services = compose_services(&compose);
    let mut problems = Vec::new();
    for name in SERVICES {
        let environment = compose_environment(services[name]);
        problems.extend(settings_problems(
            name,
            environment.keys().map(String::as_str),
        ));
        let addr = environment
            .get("GRPC_ADDR")
            .unwrap_or_else(|| panic!("{name} is given GRPC_ADDR"));
        let port = addr.rsplit(':').next().expect("host:port");
        assert!(
            addr.starts_with("0.0.0.0:"),
            "{name} listens on every interface of its container"
        );
        assert!(
            seq_at(services[name], &["ports"])
                .iter()
                .filter_map(Value::as_str)
                .any(|p| p.ends_with(&format!(":{port}"))),
            "{name} publishes the port it listens on ({port})"
        );
    }
    assert!(problems.is_empty(), "{problems:#?}");
    let key = |name: &str| {
        compose_environment(services[name])
            .get("MONITORING_PSEUDONYM_KEY")
            .cloned()
    };
    assert_eq!(
        key("intake"),
        key("reporting"),
        "intake and reporting share one key (R-MON-4)"
    );
}

#[test]
fn the_settings_check_refuses_a_misspelt_name_and_a_missing_required_one() {
    assert!(settings_problems("notifications", ["SMTP_HOST"]).is_empty());
    assert_eq!(
        settings_problems("notifications", ["SMTP_HOTS"]),
        ["notifications reads no setting SMTP_HOTS"]
    );
    assert_eq!(
        settings_problems("complaints", ["MONITORING_PSEUDONYM_KEY"]),
        ["complaints reads no setting MONITORING_PSEUDONYM_KEY"],
        "a key is checked against the service given it, not any service"
    );
    assert_eq!(
        settings_problems("intake", ["GRPC_ADDR"]),
        ["intake needs MONITORING_PSEUDONYM_KEY, which is not given"]
    );
}

/// What is wrong with the user a compose service runs as, if anything.
/// None set runs as the image's own user (see the Dockerfile test); one
/// set is a numeric user id other than 0, with a numeric group if any.
fn compose_user_problem(name: &str, service: &Value) -> Option<String> {
    let user = match at(service, &["user"]) {
        None | Some(Value::Null) => return None,
        Some(Value::Number(id)) => id.to_string(),
        Some(Value::String(user)) => user.clone(),
        Some(other) => return Some(format!("{name}: user is not a user id: {other:?}")),
    };
    let (uid, gid) = match user.split_once(':') {
        Some((uid, gid)) => (uid, Some(gid)),
        None => (user.as_str(), None),
    };
    let numeric = |id: &str| id.trim().parse::<u32>().ok();
    if uid.trim() == "root" || numeric(uid) == Some(0) {
        return Some(format!("{name} runs as root (user: {user})"));
    }
    if numeric(uid).is_none() || gid.is_some_and(|g| numeric(g).is_none()) {
        return Some(format!(
            "{name}: user {user} is not numeric (UID or UID:GID), so not checkably non-root"
        ));
    }
    None
}

#[test]
fn no_platform_service_in_compose_runs_as_root() {
    let compose = compose();
    let services = compose_services(&compose);
    let problems: Vec<String> = SERVICES
        .iter()
        .filter_map(|name| compose_user_problem(name, services[*name]))
        .collect();
    assert!(problems.is_empty(), "{problems:#?}");
    for name in SERVICES {
        if at(services[name], &["user"]).is_none() {
            assert_ne!(
                image_user(),
                0,
                "{name} runs as the image's user, which is not root"
            );
        }
    }
}

#[test]
fn the_compose_user_check_refuses_root_and_names_and_allows_a_numeric_non_root_user() {
    let service = |yaml: &str| -> Value { serde_yaml_ng::from_str(yaml).expect("YAML") };
    for root in [
        "user: root",
        "user: \"root:root\"",
        "user: 0",
        "user: \"0\"",
        "user: \"0:0\"",
        "user: \"0:10001\"",
    ] {
        let problem = compose_user_problem("intake", &service(root));
        assert!(
            problem
                .as_deref()
                .is_some_and(|p| p.contains("runs as root")),
            "{root}: {problem:?}"
        );
    }
    for named in ["user: app", "user: \"10001:app\"", "user: [10001]"] {
        assert!(
            compose_user_problem("intake", &service(named)).is_some(),
            "{named} is refused"
        );
    }
    for allowed in [
        "image: complaints-platform:0.1.0",
        "user: 10001",
        "user: \"10001:10001\"",
    ] {
        assert_eq!(
            compose_user_problem("intake", &service(allowed)),
            None,
            "{allowed} is allowed"
        );
    }
}

#[tokio::test]
async fn a_dev_token_minted_with_the_compose_secret_as_the_readme_shows_is_accepted_by_a_service_with_the_compose_auth_settings()
 {
    let compose = compose();
    let environment = compose_environment(compose_services(&compose)["intake"]);
    let setting = |key: &str| {
        environment
            .get(key)
            .unwrap_or_else(|| panic!("compose gives intake {key}"))
            .clone()
    };
    let secret = setting("AUTH_DEV_SECRET");
    let readme = read("README.md");
    assert!(
        readme.contains(&format!("AUTH_DEV_SECRET={secret}"))
            && readme.contains("/debug/dev-token compliance_manager"),
        "the README's Operators section shows how to mint a token for compose"
    );
    let isolation = Isolation::fresh("composeauth");
    let mut env = isolation.env("intake");
    for key in ["AUTH_ISSUER", "AUTH_AUDIENCE", "AUTH_DEV_SECRET"] {
        env.insert(key.to_owned(), setting(key));
    }
    let intake = ServiceProcess::spawn("intake", &env).await;
    // As in the README: dev-token is given the secret and nothing else.
    let minted = std::process::Command::new(binaries_dir().join("dev-token"))
        .env_clear()
        .env("AUTH_DEV_SECRET", &secret)
        .args(["compliance_manager", "--subject", "ccm-1"])
        .output()
        .expect("dev-token runs");
    assert!(
        minted.status.success(),
        "{}",
        String::from_utf8_lossy(&minted.stderr)
    );
    let token = String::from_utf8(minted.stdout).expect("UTF-8");
    let call = |token: String| {
        let intake = &intake;
        async move {
            let metadata = CallMetadata::untraced().with_token(Some(token.trim()));
            clients::intake(intake, &metadata)
                .await
                .list_triage_queue(ListTriageQueueRequest::default())
                .await
        }
    };
    let accepted = call(token).await;
    assert!(accepted.is_ok(), "{accepted:?}");
    // The service does check: a token signed with another secret is refused.
    let other = platform::testing::token("ccm-1", &[platform::auth::Role::ComplianceManager], None);
    let refused = call(other).await.expect_err("another secret's token");
    assert_eq!(refused.code(), tonic::Code::Unauthenticated, "{refused:?}");
    intake.terminate().await;
    isolation.cleanup().await;
}

/// Each Deployment's container, with the service it runs.
fn deployments(documents: &[(String, Value)]) -> Vec<(&'static str, &Value, &Value)> {
    of_kind(documents, "Deployment")
        .into_iter()
        .filter(|(_, deployment)| name_of(deployment) != CONSOLE)
        .map(|(file, deployment)| {
            let containers = seq_at(deployment, &["spec", "template", "spec", "containers"]);
            assert_eq!(containers.len(), 1, "{file}: one container per pod");
            let container = &containers[0];
            let service = service_run_by(seq_at(container, &["command"]))
                .unwrap_or_else(|| panic!("{file}: the container runs one of the four services"));
            (service, deployment, container)
        })
        .collect()
}

#[test]
fn kubernetes_base_deploys_each_service_with_a_service_a_config_map_and_a_disruption_budget() {
    let documents = k8s_documents("base");
    let run: BTreeSet<&str> = deployments(&documents).iter().map(|(s, ..)| *s).collect();
    assert_eq!(run, BTreeSet::from(SERVICES), "one Deployment per service");
    for kind in ["Service", "ConfigMap", "PodDisruptionBudget"] {
        let names: BTreeSet<&str> = of_kind(&documents, kind)
            .iter()
            .map(|(_, d)| name_of(d))
            .collect();
        for service in SERVICES {
            assert!(names.contains(service), "a {kind} named {service}");
        }
    }
    for (_, service) in of_kind(&documents, "Service") {
        let name = name_of(service);
        if name == CONSOLE || name.starts_with("console-") {
            continue;
        }
        let (.., container) = deployments(&documents)
            .into_iter()
            .find(|(s, ..)| *s == name)
            .expect("a Service for each Deployment");
        let port = seq_at(service, &["spec", "ports"])[0]
            .get("port")
            .and_then(Value::as_u64);
        assert_eq!(
            port,
            container_port(container),
            "Service {name} exposes the gRPC port"
        );
    }
}

fn container_port(container: &Value) -> Option<u64> {
    seq_at(container, &["ports"])
        .first()
        .and_then(|p| p.get("containerPort"))
        .and_then(Value::as_u64)
}

#[test]
fn every_kubernetes_deployment_probes_grpc_health_on_its_container_port() {
    let documents = k8s_documents("base");
    for (service, _, container) in deployments(&documents) {
        let port = container_port(container).expect("the container declares its gRPC port");
        for probe in ["readinessProbe", "livenessProbe"] {
            assert_eq!(
                at(container, &[probe, "grpc", "port"]).and_then(Value::as_u64),
                Some(port),
                "{service}: {probe} asks grpc.health.v1 on port {port}"
            );
        }
        // Readiness follows PostgreSQL, NATS and the loops (the overall
        // status); liveness only whether the process answers, so an outage
        // of a dependency never restarts every pod at once.
        assert_eq!(
            at(container, &["readinessProbe", "grpc", "service"]).and_then(Value::as_str),
            None,
            "{service}: readiness asks the overall status"
        );
        assert_eq!(
            at(container, &["livenessProbe", "grpc", "service"]).and_then(Value::as_str),
            Some(platform::health::LIVENESS),
            "{service}: liveness asks the liveness service"
        );
    }
}

#[test]
fn every_kubernetes_deployment_has_requests_and_limits_and_runs_as_non_root_on_a_read_only_root() {
    let documents = k8s_documents("base");
    let image_user = image_user();
    for (service, deployment, container) in deployments(&documents) {
        for bound in ["requests", "limits"] {
            for resource in ["cpu", "memory"] {
                assert!(
                    at(container, &["resources", bound, resource]).is_some(),
                    "{service}: resources.{bound}.{resource}"
                );
            }
        }
        let pod = at(deployment, &["spec", "template", "spec", "securityContext"]);
        let effective = |key: &str| {
            at(container, &["securityContext", key]).or_else(|| pod.and_then(|p| p.get(key)))
        };
        assert_eq!(
            effective("runAsNonRoot").and_then(Value::as_bool),
            Some(true),
            "{service}: runAsNonRoot"
        );
        let user = effective("runAsUser").and_then(Value::as_u64);
        assert!(
            user.is_some_and(|u| u != 0),
            "{service}: a non-zero runAsUser"
        );
        assert_eq!(user, Some(image_user), "{service}: the image's own user");
        let own = |key: &str| at(container, &["securityContext", key]).and_then(Value::as_bool);
        assert_eq!(
            own("readOnlyRootFilesystem"),
            Some(true),
            "{service}: read-only root"
        );
        assert_eq!(
            own("allowPrivilegeEscalation"),
            Some(false),
            "{service}: no escalation"
        );
        assert_ne!(own("privileged"), Some(true), "{service}: not privileged");
        assert!(
            seq_at(container, &["securityContext", "capabilities", "drop"])
                .iter()
                .any(|c| c.as_str() == Some("ALL")),
            "{service}: drops every capability"
        );
        assert!(
            is_pinned(str_at(container, &["image"]).expect("an image")),
            "{service}: a pinned image"
        );
    }
}

/// Every setting name a Deployment's container is given, and the values
/// of those given by ConfigMaps (from every file under deploy/k8s, so an
/// overlay's ConfigMap patch counts too).
fn k8s_settings(
    all: &[(String, Value)],
    service: &str,
    container: &Value,
) -> (BTreeSet<String>, BTreeMap<String, String>) {
    let mut names = BTreeSet::new();
    let mut values = BTreeMap::new();
    for source in seq_at(container, &["envFrom"]) {
        assert!(
            source.get("secretRef").is_none(),
            "{service}: a whole Secret as environment cannot be checked; use env with secretKeyRef"
        );
        let config_map = str_at(source, &["configMapRef", "name"]).expect("envFrom a ConfigMap");
        let found: Vec<_> = of_kind(all, "ConfigMap")
            .into_iter()
            .filter(|(_, d)| name_of(d) == config_map)
            .collect();
        assert!(
            !found.is_empty(),
            "{service}: ConfigMap {config_map} exists"
        );
        for (_, document) in found {
            for (key, value) in at(document, &["data"])
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                let key = key.as_str().expect("string keys").to_owned();
                let value = value
                    .as_str()
                    .unwrap_or_else(|| panic!("{config_map}.{key}: quote it"));
                names.insert(key.clone());
                values.insert(key, value.to_owned());
            }
        }
    }
    for variable in seq_at(container, &["env"]) {
        let name = str_at(variable, &["name"]).expect("env entries have a name");
        if let Some(value) = str_at(variable, &["value"]) {
            values.insert(name.to_owned(), value.to_owned());
        }
        names.insert(name.to_owned());
    }
    (names, values)
}

#[test]
fn every_setting_given_to_a_service_in_kubernetes_is_one_it_reads_and_every_required_one_is_given()
{
    let all = k8s_documents("");
    let base = k8s_documents("base");
    let mut problems = Vec::new();
    for (service, _, container) in deployments(&base) {
        let (names, values) = k8s_settings(&all, service, container);
        problems.extend(settings_problems(service, names.iter().map(String::as_str)));
        let port = container_port(container).expect("a container port");
        assert_eq!(
            values.get("GRPC_ADDR").map(String::as_str),
            Some(format!("0.0.0.0:{port}").as_str()),
            "{service} listens on its container port, on every interface"
        );
        for key in ["AUTH_JWKS_FILE", "NATS_CA_FILE"] {
            if let Some(file) = values.get(key) {
                assert!(
                    seq_at(container, &["volumeMounts"])
                        .iter()
                        .filter_map(|m| str_at(m, &["mountPath"]))
                        .any(|dir| file.starts_with(&format!("{dir}/"))),
                    "{service}: {key} {file} is in a mounted volume"
                );
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn every_kubernetes_volume_mount_is_read_only_and_names_a_volume_of_its_pod_and_the_ca_is_mounted()
{
    for (service, deployment, container) in deployments(&k8s_documents("base")) {
        let volumes: Vec<&str> = seq_at(deployment, &["spec", "template", "spec", "volumes"])
            .iter()
            .filter_map(|v| str_at(v, &["name"]))
            .collect();
        let mounts = seq_at(container, &["volumeMounts"]);
        for mount in mounts {
            let name = str_at(mount, &["name"]).expect("a volume mount has a name");
            assert!(
                volumes.contains(&name),
                "{service}: volume {name} is declared"
            );
            assert_eq!(
                at(mount, &["readOnly"]).and_then(Value::as_bool),
                Some(true),
                "{service}: {name} is mounted read-only"
            );
        }
        // DATABASE_URL's sslrootcert and NATS_CA_FILE live here (README).
        assert!(
            mounts
                .iter()
                .any(|m| str_at(m, &["mountPath"]) == Some("/etc/complaints/ca")),
            "{service}: the platform's CA is mounted at /etc/complaints/ca"
        );
    }
}

#[test]
fn no_secret_is_committed_and_every_secret_reference_names_its_key() {
    let all = k8s_documents("");
    assert!(
        of_kind(&all, "Secret").is_empty(),
        "Secrets are created by the operator, never committed"
    );
    let mut referenced = BTreeSet::new();
    for (service, _, container) in deployments(&k8s_documents("base")) {
        for variable in seq_at(container, &["env"]) {
            if let Some(reference) = at(variable, &["valueFrom", "secretKeyRef"]) {
                let secret = str_at(reference, &["name"]).expect("a Secret name");
                let key = str_at(reference, &["key"]).expect("a key");
                referenced.insert(format!("{secret}/{key}"));
                assert_ne!(
                    at(reference, &["optional"]).and_then(Value::as_bool),
                    Some(true),
                    "{service}: a secret setting is never optional"
                );
            }
        }
    }
    let readme = read("deploy/k8s/README.md");
    for reference in referenced {
        let (secret, key) = reference.split_once('/').expect("secret/key");
        assert!(
            readme.contains(&format!("create secret generic {secret}"))
                && readme.contains(&format!("--from-literal={key}=")),
            "deploy/k8s/README.md shows how to create {reference}"
        );
    }
}

/// A kustomization file as a document.
fn kustomization(dir: &str) -> Value {
    let file = format!("deploy/k8s/{dir}/kustomization.yaml");
    yaml_documents(&read(&file), &file).remove(0)
}

#[test]
fn every_resource_and_patch_a_kustomization_lists_exists_and_production_builds_on_base() {
    for dir in ["base", "overlays/production"] {
        let kustomization = kustomization(dir);
        let folder = repo().join("deploy/k8s").join(dir);
        for resource in seq_at(&kustomization, &["resources"]) {
            let path = folder.join(resource.as_str().expect("resource paths"));
            assert!(
                path.is_file() || path.join("kustomization.yaml").is_file(),
                "{dir}: resource {} exists",
                path.display()
            );
        }
        for patch in seq_at(&kustomization, &["patches"]) {
            if let Some(path) = str_at(patch, &["path"]) {
                assert!(folder.join(path).is_file(), "{dir}: patch {path} exists");
            }
        }
    }
    let production = kustomization("overlays/production");
    assert!(
        seq_at(&production, &["resources"])
            .iter()
            .any(|r| r.as_str() == Some("../../base")),
        "production builds on base"
    );
}

#[test]
fn production_runs_two_replicas_of_every_service_with_a_pinned_tag_and_its_own_resources() {
    let production = kustomization("overlays/production");
    for service in SERVICES {
        let count = seq_at(&production, &["replicas"])
            .iter()
            .find(|r| str_at(r, &["name"]) == Some(service))
            .and_then(|r| at(r, &["count"]))
            .and_then(Value::as_u64);
        assert!(
            count.is_some_and(|c| c >= 2),
            "production runs {service} at least twice"
        );
    }
    let images = seq_at(&production, &["images"]);
    assert!(!images.is_empty(), "production pins the image");
    for image in images {
        let tag = str_at(image, &["newTag"]).or_else(|| str_at(image, &["digest"]));
        assert!(
            tag.is_some_and(|t| !t.is_empty() && t != "latest"),
            "production pins {image:?} to a version"
        );
    }
    let patches = serde_yaml_ng::to_string(&at(&production, &["patches"])).expect("printable");
    assert!(
        patches.contains("/resources")
            && patches.contains("requests")
            && patches.contains("limits"),
        "production sets its own requests and limits"
    );
}

#[test]
fn the_production_overlay_renders_with_kubectl_kustomize_where_kubectl_is_installed() {
    let output = match std::process::Command::new("kubectl")
        .args(["kustomize", "deploy/k8s/overlays/production"])
        .current_dir(repo())
        .output()
    {
        Ok(output) => output,
        Err(e) => {
            // The structural checks above still ran; rendering needs the tool.
            eprintln!("kubectl is not installed ({e}): rendering not checked");
            return;
        }
    };
    assert!(
        output.status.success(),
        "kubectl kustomize: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let rendered: Vec<(String, Value)> = yaml_documents(
        &String::from_utf8(output.stdout).expect("UTF-8"),
        "rendered",
    )
    .into_iter()
    .map(|d| ("rendered".to_owned(), d))
    .collect();
    let deployments = deployments(&rendered);
    assert_eq!(deployments.len(), SERVICES.len(), "four Deployments");
    for (service, deployment, container) in deployments {
        assert!(
            at(deployment, &["spec", "replicas"]).and_then(Value::as_u64) >= Some(2),
            "{service} runs at least twice"
        );
        assert!(is_pinned(str_at(container, &["image"]).expect("an image")));
        assert_eq!(
            str_at(deployment, &["metadata", "namespace"]),
            Some("complaints")
        );
    }
}

/// The numeric user the image's final stage runs as.
fn image_user() -> u64 {
    let instructions = dockerfile();
    let user = final_stage(&instructions)
        .iter()
        .rfind(|i| i.keyword == "USER")
        .expect("the final stage sets USER");
    user.args
        .split(':')
        .next()
        .and_then(|u| u.parse().ok())
        .unwrap_or_else(|| panic!("USER {} is numeric", user.args))
}

#[test]
fn the_dockerfile_pins_its_base_images_and_runs_the_final_stage_as_a_numeric_non_root_user() {
    let instructions = dockerfile();
    let mut stages = Vec::new();
    for from in instructions.iter().filter(|i| i.keyword == "FROM") {
        let words: Vec<&str> = from
            .args
            .split_whitespace()
            .filter(|w| !w.starts_with("--"))
            .collect();
        let image = words[0];
        if !stages.iter().any(|s| s == image) {
            assert!(is_pinned(image), "FROM {image} is pinned to a version");
        }
        if let [_, as_, name] = words.as_slice()
            && as_.eq_ignore_ascii_case("as")
        {
            stages.push(name.to_string());
        }
    }
    assert!(stages.len() >= 2, "a multi-stage build");
    assert_ne!(image_user(), 0, "the image does not run as root");
}

#[test]
fn the_image_holds_the_four_services_the_health_probe_and_every_file_a_setting_points_at() {
    let text = read("deploy/Dockerfile");
    for binary in SERVICES.iter().chain(&["healthcheck"]) {
        assert!(
            text.contains(&format!("target/release/{binary}")),
            "the image has /usr/local/bin/{binary}"
        );
    }
    for package in SERVICES.iter().chain(&["platform"]) {
        assert!(
            text.contains(&format!("-p {package}")),
            "the build builds {package}"
        );
    }
    let instructions = dockerfile();
    let copies = context_copies(final_stage(&instructions));
    for (sources, _) in &copies {
        for source in sources {
            assert!(repo().join(source).exists(), "COPY {source}: it exists");
        }
    }
    let mut paths: Vec<(String, String)> = Vec::new();
    let compose = compose();
    for (name, service) in compose_services(&compose) {
        for (key, value) in compose_environment(service) {
            paths.push((format!("compose {name} {key}"), value));
        }
    }
    let all = k8s_documents("");
    for (_, config_map) in of_kind(&all, "ConfigMap") {
        for (key, value) in at(config_map, &["data"])
            .and_then(Value::as_mapping)
            .into_iter()
            .flatten()
        {
            let key = key.as_str().expect("string keys");
            paths.push((
                format!("ConfigMap {} {key}", name_of(config_map)),
                value.as_str().unwrap_or("").to_owned(),
            ));
        }
    }
    let mut checked = 0;
    for (setting, value) in paths {
        if PATH_SETTINGS
            .iter()
            .any(|k| setting.ends_with(&format!(" {k}")))
        {
            assert!(
                image_has(&copies, &value),
                "{setting}={value}: the image has it"
            );
            checked += 1;
        }
    }
    assert!(checked > 0, "some setting points at the image's files");
    let compose_probe = seq_at(
        compose_services(&compose)["intake"],
        &["healthcheck", "test"],
    )
    .iter()
    .filter_map(Value::as_str)
    .find(|w| w.starts_with('/'))
    .expect("the health check runs a program")
    .to_owned();
    assert_eq!(
        compose_probe, "/usr/local/bin/healthcheck",
        "compose probes with the bundled probe"
    );
}

#[test]
fn dockerignore_keeps_build_output_git_and_local_runs_out_of_the_build_context() {
    let ignored: BTreeSet<String> = read(".dockerignore")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.trim_matches('/').to_owned())
        .collect();
    for entry in ["target", ".git", ".run"] {
        assert!(ignored.contains(entry), ".dockerignore leaves out {entry}");
    }
}

#[tokio::test]
async fn the_health_probe_in_the_image_passes_for_a_serving_service_and_fails_when_none_answers() {
    let probe = binaries_dir().join("healthcheck");
    assert!(
        probe.exists(),
        "{} is built with the workspace's binaries",
        probe.display()
    );
    let isolation = Isolation::fresh("probe");
    let intake = ServiceProcess::spawn("intake", &isolation.env("intake")).await;
    let run = |env: Vec<(&str, String)>, args: Vec<String>| {
        std::process::Command::new(&probe)
            .env_clear()
            .envs(env)
            .args(args)
            .output()
            .expect("the probe runs")
    };
    // As in a container: no argument, the service's own GRPC_ADDR, all interfaces.
    let serving = run(
        vec![("GRPC_ADDR", format!("0.0.0.0:{}", intake.addr.port()))],
        vec![],
    );
    assert_eq!(
        serving.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&serving.stderr)
    );
    let addr = intake.addr;
    let status = intake.terminate().await;
    assert!(status.success());
    let gone = run(vec![], vec![addr.to_string()]);
    assert_eq!(gone.status.code(), Some(1), "nothing answers: unhealthy");
    let unset = run(vec![], vec![]);
    assert_eq!(
        unset.status.code(),
        Some(2),
        "no address at all is a usage error"
    );
    isolation.cleanup().await;
}

/// Each service is reachable only on its gRPC port from labelled clients
/// and on its metrics port from the monitoring namespace, never from
/// anywhere (no rule without a `from`), and reaches out only on the ports
/// of its dependencies: the SMTP ports are notifications' alone.
#[test]
fn every_kubernetes_deployment_has_a_network_policy_limiting_who_reaches_it_and_what_it_reaches() {
    let documents = k8s_documents("base");
    let policies = of_kind(&documents, "NetworkPolicy");
    for (service, deployment, container) in deployments(&documents) {
        let pod_labels = at(deployment, &["spec", "template", "metadata", "labels"])
            .and_then(Value::as_mapping)
            .expect("the pod template has labels");
        let selecting: Vec<&Value> = policies
            .iter()
            .map(|(_, p)| p)
            .filter(|p| {
                at(p, &["spec", "podSelector", "matchLabels"])
                    .and_then(Value::as_mapping)
                    .is_some_and(|wanted| wanted.iter().all(|(k, v)| pod_labels.get(k) == Some(v)))
            })
            .collect();
        assert_eq!(
            selecting.len(),
            1,
            "{service}: one NetworkPolicy selects its pods"
        );
        let policy = selecting[0];
        let types: BTreeSet<&str> = seq_at(policy, &["spec", "policyTypes"])
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(types, BTreeSet::from(["Ingress", "Egress"]), "{service}");

        let port_names: BTreeSet<&str> = seq_at(container, &["ports"])
            .iter()
            .filter_map(|p| p.get("name").and_then(Value::as_str))
            .collect();
        assert!(port_names.contains("grpc"), "{service}: a port named grpc");
        for rule in seq_at(policy, &["spec", "ingress"]) {
            let from = seq_at(rule, &["from"]);
            assert!(
                !from.is_empty(),
                "{service}: no ingress rule lets everyone in"
            );
            let ports: Vec<&str> = seq_at(rule, &["ports"])
                .iter()
                .filter_map(|p| p.get("port").and_then(Value::as_str))
                .collect();
            assert!(
                ports == ["grpc"] || ports == ["metrics"],
                "{service}: ingress names the grpc or the metrics port alone: {ports:?}"
            );
            for peer in from {
                let labelled = at(
                    peer,
                    &[
                        "podSelector",
                        "matchLabels",
                        "complaints-platform/grpc-client",
                    ],
                )
                .and_then(Value::as_str)
                    == Some("true");
                let monitoring = at(
                    peer,
                    &[
                        "namespaceSelector",
                        "matchLabels",
                        "kubernetes.io/metadata.name",
                    ],
                )
                .and_then(Value::as_str)
                    == Some("monitoring");
                if ports == ["grpc"] {
                    assert!(labelled, "{service}: gRPC only from labelled clients");
                } else {
                    assert!(monitoring, "{service}: metrics only from monitoring");
                }
            }
        }
        let egress: BTreeSet<u64> = seq_at(policy, &["spec", "egress"])
            .iter()
            .flat_map(|rule| {
                assert!(
                    seq_at(rule, &["to"]).is_empty() || rule.get("ports").is_some(),
                    "{service}: every egress rule names its ports"
                );
                seq_at(rule, &["ports"])
            })
            .filter_map(|p| p.get("port").and_then(Value::as_u64))
            .collect();
        for needed in [53, 5432, 4222] {
            assert!(
                egress.contains(&needed),
                "{service}: egress to port {needed}"
            );
        }
        assert_eq!(
            egress.contains(&25) || egress.contains(&587),
            service == "notifications",
            "{service}: SMTP is for notifications alone"
        );
    }
}

/// The files behind Prometheus and Grafana in compose.
const PROMETHEUS_CONFIG: &str = "deploy/prometheus/prometheus.yml";
const ALERT_RULES: &str = "deploy/prometheus/alerts.yml";
const GRAFANA_DASHBOARDS: &str = "deploy/grafana/dashboards";

/// Every metric of ours (`complaints_...`) a PromQL text names.
pub(crate) fn metric_names_in(text: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let bytes = text.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b':';
    let mut i = 0;
    while let Some(found) = text[i..].find("complaints_") {
        let start = i + found;
        let mut end = start;
        while end < bytes.len() && word(bytes[end]) {
            end += 1;
        }
        if start == 0 || !word(bytes[start - 1]) {
            names.insert(text[start..end].to_owned());
        }
        i = end.max(start + 1);
    }
    names
}

/// The PromQL expressions of the alert rules and of every dashboard panel.
fn deploy_expressions() -> Vec<(String, String)> {
    let mut expressions = Vec::new();
    let rules = &yaml_documents(&read(ALERT_RULES), "alerts.yml")[0];
    for group in seq_at(rules, &["groups"]) {
        for rule in seq_at(group, &["rules"]) {
            let name = str_at(rule, &["alert"]).expect("every rule is an alert");
            let expr = str_at(rule, &["expr"]).expect("every alert has an expression");
            expressions.push((format!("alert {name}"), expr.to_owned()));
        }
    }
    let dir = repo().join(GRAFANA_DASHBOARDS);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("the dashboards folder")
        .map(|e| e.expect("a dashboard file").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "there is a dashboard");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("a readable dashboard");
        let dashboard: serde_json::Value = serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
        let panels = dashboard["panels"]
            .as_array()
            .expect("a dashboard has panels");
        for panel in panels {
            for target in panel["targets"].as_array().into_iter().flatten() {
                let expr = target["expr"].as_str().expect("each target has an expr");
                let title = panel["title"].as_str().unwrap_or("untitled");
                expressions.push((format!("panel {title}"), expr.to_owned()));
            }
        }
    }
    expressions
}

/// Every metric name the alert rules and the dashboards use; the metrics
/// test (tests/e2e/metrics.rs) finds each in a live scrape.
pub(crate) fn metric_names_in_deploy_files() -> BTreeSet<String> {
    deploy_expressions()
        .iter()
        .flat_map(|(_, expr)| metric_names_in(expr))
        .collect()
}

#[test]
fn metric_names_are_read_out_of_promql() {
    assert_eq!(
        metric_names_in(
            "histogram_quantile(0.95, sum by (le) (rate(complaints_grpc_request_duration_seconds_bucket[5m]))) \
             / complaints_service_ready{service=\"intake\"} or up{job=\"complaints-platform\"} + my_complaints_x"
        ),
        BTreeSet::from([
            "complaints_grpc_request_duration_seconds_bucket".to_owned(),
            "complaints_service_ready".to_owned(),
        ])
    );
}

/// The port of a `host:port` setting.
fn port_of(addr: &str) -> u64 {
    addr.rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("{addr} ends in a port"))
}

#[test]
fn compose_scrapes_every_service_with_prometheus_and_shows_it_in_grafana_both_pinned_non_root_and_provisioned_from_deploy()
 {
    let compose = compose();
    let services = compose_services(&compose);
    let mut targets_expected = BTreeSet::new();
    for name in SERVICES {
        let environment = compose_environment(services[name]);
        let addr = environment
            .get("METRICS_ADDR")
            .unwrap_or_else(|| panic!("{name} is given METRICS_ADDR"));
        assert!(
            addr.starts_with("0.0.0.0:"),
            "{name} serves metrics on every interface"
        );
        let port = port_of(addr);
        assert!(
            seq_at(services[name], &["ports"])
                .iter()
                .filter_map(Value::as_str)
                .any(|p| p.starts_with("127.0.0.1:") && p.ends_with(&format!(":{port}"))),
            "{name} publishes its metrics port {port} on the loopback"
        );
        targets_expected.insert(format!("{name}:{port}"));
    }
    for tool in ["prometheus", "grafana"] {
        let service = services
            .get(tool)
            .unwrap_or_else(|| panic!("compose runs {tool}"));
        assert!(
            at(service, &["user"]).is_some(),
            "{tool} names its user, so it is checked"
        );
        assert_eq!(compose_user_problem(tool, service), None);
        for volume in seq_at(service, &["volumes"])
            .iter()
            .filter_map(Value::as_str)
        {
            if let Some(source) = volume.strip_prefix("./") {
                let source = source.split(':').next().expect("source:target");
                assert!(
                    repo().join("deploy").join(source).exists(),
                    "{tool} mounts deploy/{source}, which exists"
                );
                assert!(volume.ends_with(":ro"), "{tool} mounts {source} read-only");
            }
        }
    }
    let prometheus = &yaml_documents(&read(PROMETHEUS_CONFIG), "prometheus.yml")[0];
    let targets: BTreeSet<String> = seq_at(prometheus, &["scrape_configs"])
        .iter()
        .flat_map(|job| seq_at(job, &["static_configs"]))
        .flat_map(|config| seq_at(config, &["targets"]))
        .filter_map(|t| t.as_str().map(str::to_owned))
        .collect();
    assert_eq!(
        targets, targets_expected,
        "Prometheus scrapes the four services"
    );
    assert_eq!(
        seq_at(prometheus, &["rule_files"])
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>(),
        ["/etc/prometheus/alerts.yml"]
    );
    let datasources = &yaml_documents(
        &read("deploy/grafana/provisioning/datasources/prometheus.yml"),
        "datasource",
    )[0];
    assert_eq!(
        str_at(&seq_at(datasources, &["datasources"])[0], &["url"]),
        Some("http://prometheus:9090")
    );
}

#[test]
fn the_alert_rules_cover_lag_dead_letters_emails_deadlines_readiness_and_restarts() {
    let alerts: BTreeMap<String, String> = deploy_expressions()
        .into_iter()
        .filter_map(|(what, expr)| Some((what.strip_prefix("alert ")?.to_owned(), expr)))
        .collect();
    for (alert, metric) in [
        ("ServiceDown", "up{"),
        ("ServiceNotReady", "complaints_service_ready"),
        ("ConsumerLagging", "complaints_consumer_events_behind"),
        (
            "RelayLagging",
            "complaints_relay_oldest_unpublished_age_seconds",
        ),
        ("DeadLetter", "complaints_consumer_dead_letters_total"),
        (
            "EmailsFailing",
            "complaints_notifications_emails{status=\"failed\"}",
        ),
        (
            "EmailGivenUp",
            "complaints_notifications_emails{status=\"given_up\"}",
        ),
        (
            "DeadlineMissed",
            "complaints_procedure_deadlines{state=\"missed\"}",
        ),
        ("LoopRestarting", "complaints_loop_restarts_total"),
    ] {
        let expr = alerts
            .get(alert)
            .unwrap_or_else(|| panic!("an alert {alert}: {alerts:#?}"));
        assert!(expr.contains(metric), "{alert} watches {metric}: {expr}");
    }
}

#[test]
fn every_kubernetes_deployment_exposes_its_metrics_port_for_prometheus() {
    let documents = k8s_documents("base");
    for (service, deployment, container) in deployments(&documents) {
        let (_, values) = k8s_settings(&documents, service, container);
        let addr = values
            .get("METRICS_ADDR")
            .unwrap_or_else(|| panic!("{service} is given METRICS_ADDR"));
        assert!(
            addr.starts_with("0.0.0.0:"),
            "{service}: metrics on the pod's IP"
        );
        let port = port_of(addr);
        let named = seq_at(container, &["ports"])
            .iter()
            .find(|p| str_at(p, &["name"]) == Some("metrics"))
            .and_then(|p| p.get("containerPort"))
            .and_then(Value::as_u64);
        assert_eq!(named, Some(port), "{service}: container port `metrics`");
        let annotation = |key: &str| {
            str_at(
                deployment,
                &["spec", "template", "metadata", "annotations", key],
            )
        };
        assert_eq!(
            annotation("prometheus.io/scrape"),
            Some("true"),
            "{service}"
        );
        assert_eq!(
            annotation("prometheus.io/port"),
            Some(port.to_string().as_str()),
            "{service}"
        );
        assert_eq!(
            annotation("prometheus.io/path"),
            Some("/metrics"),
            "{service}"
        );
    }
}
