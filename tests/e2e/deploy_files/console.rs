//! The staff console in the deployment files: the same image, its own
//! health checks over HTTP, settings it reads and that start it, and a
//! network path from the ingress to it and from it to the services alone.

use super::files::*;
use super::{CONSOLE, container_port};
use end_to_end::SERVICES;
use serde_yaml_ng::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The console's settings from `given`, checked as it checks them at start.
fn console_starts_with(given: &BTreeMap<String, String>) -> Result<console::Settings, String> {
    let known: BTreeSet<&str> = console::Settings::KEYS.iter().copied().collect();
    let unknown: Vec<&String> = given
        .keys()
        .filter(|k| !known.contains(k.as_str()))
        .collect();
    if !unknown.is_empty() {
        return Err(format!("the console reads no setting {unknown:?}"));
    }
    // Files the settings name are inside the image: check the image has
    // them, then read the settings without them (this machine has no /app).
    let copies = context_copies(final_stage(&dockerfile()));
    let mut map: HashMap<String, String> = given.clone().into_iter().collect();
    for key in ["BANK_HOLIDAYS_FILE", "OFFICE_CLOSURES_FILE"] {
        if let Some(path) = map.remove(key)
            && !image_has(&copies, &path)
        {
            return Err(format!("{key}: the image has no {path}"));
        }
    }
    let source = platform::Source::from_map(map).map_err(|e| e.to_string())?;
    console::Settings::from_source(&source).map_err(|e| e.to_string())
}

fn compose_environment(service: &Value) -> BTreeMap<String, String> {
    at(service, &["environment"])
        .and_then(Value::as_mapping)
        .expect("the console's environment is a mapping")
        .iter()
        .map(|(k, v)| {
            let key = k.as_str().expect("string keys").to_owned();
            let value = v.as_str().unwrap_or_else(|| panic!("{key}: quote it"));
            (key, value.to_owned())
        })
        .collect()
}

#[test]
fn compose_runs_the_console_from_the_platform_image_with_an_http_health_check_and_settings_it_starts_with()
 {
    let compose = compose();
    let services = at(&compose, &["services"]).expect("services");
    let console = at(services, &[CONSOLE]).expect("compose runs the console");
    let intake = at(services, &["intake"]).expect("compose runs intake");
    assert_eq!(
        str_at(console, &["image"]),
        str_at(intake, &["image"]),
        "the console comes from the services' image"
    );
    assert_eq!(
        seq_at(console, &["command"])[0].as_str(),
        Some("/usr/local/bin/console")
    );
    assert!(
        at(console, &["user"]).is_none(),
        "runs as the image's non-root user"
    );
    assert_eq!(
        at(console, &["read_only"]).and_then(Value::as_bool),
        Some(true),
        "a read-only root"
    );

    let environment = compose_environment(console);
    let settings = console_starts_with(&environment).expect("the console starts with these");
    let port = settings.addr.port();
    assert!(
        settings.addr.ip().is_unspecified(),
        "listens on every interface"
    );
    let test: Vec<&str> = seq_at(console, &["healthcheck", "test"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        test,
        [
            "CMD",
            "/usr/local/bin/healthcheck",
            &format!("http://127.0.0.1:{port}/healthz")
        ],
        "the image's probe asks the console's liveness page"
    );
    assert!(
        seq_at(console, &["ports"])
            .iter()
            .filter_map(Value::as_str)
            .any(|p| p == format!("127.0.0.1:{port}:{port}")),
        "published on the host's loopback only"
    );
    let console::public::PublicSettings::On(public) = &settings.public else {
        panic!("compose serves the public forms");
    };
    let public_port = public.addr.port();
    assert_ne!(
        public_port, port,
        "the public forms have a listener of their own"
    );
    assert!(
        seq_at(console, &["ports"])
            .iter()
            .filter_map(Value::as_str)
            .any(|p| p == format!("127.0.0.1:{public_port}:{public_port}")),
        "the public forms are published on their own port"
    );
    for service in SERVICES {
        assert_eq!(
            str_at(console, &["depends_on", service, "condition"]),
            Some("service_healthy"),
            "the console waits for {service}"
        );
        let grpc = str_at(services, &[service, "environment", "GRPC_ADDR"])
            .expect("each service has GRPC_ADDR");
        let grpc_port = grpc.rsplit(':').next().expect("host:port");
        let key = format!("{}_URL", service.to_uppercase());
        assert_eq!(
            environment.get(&key).map(String::as_str),
            Some(format!("http://{service}:{grpc_port}").as_str()),
            "{key} names the {service} container and its port"
        );
    }
    // Staff by name: the directory notifications names them from in letters.
    assert_eq!(
        environment.get("STAFF_DIRECTORY"),
        at(
            services,
            &["notifications", "environment", "STAFF_DIRECTORY"]
        )
        .and_then(Value::as_str)
        .map(str::to_owned)
        .as_ref(),
        "the console's staff directory is the notifications service's"
    );
    assert!(
        !settings.staff.is_empty(),
        "the console shows staff by name"
    );
    // Tokens the console mints for the development sign-in must be the
    // ones the services accept.
    for key in ["AUTH_DEV_SECRET", "AUTH_ISSUER", "AUTH_AUDIENCE"] {
        let services_value = at(services, &["intake", "environment", key])
            .and_then(Value::as_str)
            .map(str::to_owned);
        assert_eq!(
            environment.get(key).cloned(),
            services_value,
            "{key} is the services' own"
        );
    }
}

#[test]
fn kubernetes_runs_the_console_non_root_probed_over_http_with_settings_it_starts_with_and_oidc_not_the_dev_secret()
 {
    let all = k8s_documents("");
    let base = k8s_documents("base");
    let deployment = &of_kind(&base, "Deployment")
        .into_iter()
        .find(|(_, d)| name_of(d) == CONSOLE)
        .expect("a console Deployment")
        .1;
    let pod = at(deployment, &["spec", "template"]).expect("a pod template");
    assert_eq!(
        str_at(
            pod,
            &["metadata", "labels", "complaints-platform/grpc-client"]
        ),
        Some("true"),
        "labelled as a gRPC client, so the services' policies let it in"
    );
    let containers = seq_at(pod, &["spec", "containers"]);
    assert_eq!(containers.len(), 1);
    let container = &containers[0];
    assert_eq!(
        seq_at(container, &["command"])[0].as_str(),
        Some("/usr/local/bin/console")
    );
    for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
        assert_eq!(
            str_at(container, &[probe, "httpGet", "path"]),
            Some(path),
            "{probe}"
        );
        assert_eq!(
            str_at(container, &[probe, "httpGet", "port"]),
            Some("http"),
            "{probe}"
        );
    }
    for path in [
        ["securityContext", "runAsNonRoot"],
        ["securityContext", "readOnlyRootFilesystem"],
    ] {
        assert_eq!(
            at(container, &path).and_then(Value::as_bool),
            Some(true),
            "{path:?}"
        );
    }
    assert_eq!(
        at(container, &["securityContext", "allowPrivilegeEscalation"]).and_then(Value::as_bool),
        Some(false)
    );
    assert!(at(container, &["resources", "limits", "memory"]).is_some());
    assert!(is_pinned(str_at(container, &["image"]).expect("an image")));

    // Settings: the ConfigMaps it reads plus its env, with a placeholder
    // for each secret (the operator creates the Secret).
    let mut given = BTreeMap::new();
    for source in seq_at(container, &["envFrom"]) {
        let name = str_at(source, &["configMapRef", "name"]).expect("envFrom a ConfigMap");
        for (_, map) in of_kind(&all, "ConfigMap")
            .into_iter()
            .filter(|(_, d)| name_of(d) == name)
        {
            for (k, v) in at(map, &["data"])
                .and_then(Value::as_mapping)
                .into_iter()
                .flatten()
            {
                given.insert(
                    k.as_str().expect("string keys").to_owned(),
                    v.as_str().expect("quoted values").to_owned(),
                );
            }
        }
    }
    for variable in seq_at(container, &["env"]) {
        let name = str_at(variable, &["name"]).expect("a name").to_owned();
        let value = str_at(variable, &["value"]).unwrap_or("placeholder-from-a-secret");
        given.insert(name, value.to_owned());
    }
    // The staff directory is the operator's ConfigMap (deploy/k8s/README.md):
    // here the sample of its shape.
    let directory = seq_at(container, &["env"])
        .iter()
        .find(|v| str_at(v, &["name"]) == Some("STAFF_DIRECTORY"))
        .expect("the console is given the staff directory");
    assert_eq!(
        str_at(directory, &["valueFrom", "configMapKeyRef", "name"]),
        Some("complaints-staff-directory")
    );
    assert!(
        read("deploy/k8s/README.md").contains("create configmap complaints-staff-directory"),
        "the operator is told to create it"
    );
    given.insert(
        "STAFF_DIRECTORY".into(),
        read("deploy/local/staff-directory.json"),
    );
    assert!(
        !given.contains_key("AUTH_DEV_SECRET"),
        "no development sign-in in a cluster"
    );
    let settings = console_starts_with(&given).expect("the console starts with these");
    assert!(!settings.staff.is_empty(), "staff are shown by name");
    assert!(
        matches!(settings.sign_in, console::settings::SignIn::Oidc(_)),
        "staff sign in through the identity provider"
    );
    assert!(
        settings.public_url.secure_cookies(),
        "an https public address, so the session cookie is Secure"
    );
    assert_eq!(
        Some(u64::from(settings.addr.port())),
        container_port(container),
        "listens on its container port"
    );

    let console::public::PublicSettings::On(public) = &settings.public else {
        panic!("the cluster serves the public forms");
    };
    assert!(
        public.url.secure_cookies(),
        "an https public address for the forms"
    );
    let public_port = seq_at(container, &["ports"])
        .iter()
        .find(|p| p.get("name").and_then(Value::as_str) == Some("public"))
        .and_then(|p| p.get("containerPort"))
        .and_then(Value::as_u64);
    assert_eq!(
        public_port,
        Some(u64::from(public.addr.port())),
        "a container port named public for PUBLIC_ADDR"
    );
    // The internet-facing Service carries the public port alone.
    let public_service = of_kind(&base, "Service")
        .into_iter()
        .find(|(_, d)| name_of(d) == "console-public")
        .expect("a Service for the public forms");
    let targets: Vec<&str> = seq_at(&public_service.1, &["spec", "ports"])
        .iter()
        .filter_map(|p| p.get("targetPort").and_then(Value::as_str))
        .collect();
    assert_eq!(
        targets,
        ["public"],
        "nothing of the staff console behind it"
    );

    let service = of_kind(&base, "Service")
        .into_iter()
        .find(|(_, d)| name_of(d) == CONSOLE)
        .expect("a console Service");
    assert_eq!(
        seq_at(&service.1, &["spec", "ports"])[0]
            .get("targetPort")
            .and_then(Value::as_str),
        Some("http")
    );
    assert!(
        of_kind(&base, "PodDisruptionBudget")
            .iter()
            .any(|(_, d)| name_of(d) == CONSOLE),
        "a PodDisruptionBudget"
    );
}

#[test]
fn only_the_ingress_reaches_the_console_and_the_console_reaches_only_the_services_the_identity_provider_and_dns()
 {
    let base = k8s_documents("base");
    let policy = &of_kind(&base, "NetworkPolicy")
        .into_iter()
        .find(|(_, d)| {
            str_at(
                d,
                &[
                    "spec",
                    "podSelector",
                    "matchLabels",
                    "app.kubernetes.io/name",
                ],
            ) == Some(CONSOLE)
        })
        .expect("a NetworkPolicy selects the console")
        .1;
    let types: BTreeSet<&str> = seq_at(policy, &["spec", "policyTypes"])
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(types, BTreeSet::from(["Ingress", "Egress"]));
    let ingress = seq_at(policy, &["spec", "ingress"]);
    assert!(!ingress.is_empty());
    for rule in ingress {
        let ports: Vec<&str> = seq_at(rule, &["ports"])
            .iter()
            .filter_map(|p| p.get("port").and_then(Value::as_str))
            .collect();
        assert!(
            ports == ["http"] || ports == ["public"],
            "only the staff or the public web port, one per rule: {ports:?}"
        );
        let from = seq_at(rule, &["from"]);
        assert!(!from.is_empty(), "no rule lets everyone in");
        for peer in from {
            assert!(
                at(
                    peer,
                    &[
                        "namespaceSelector",
                        "matchLabels",
                        "kubernetes.io/metadata.name"
                    ]
                )
                .is_some(),
                "only from the ingress controller's namespace: {peer:?}"
            );
        }
    }
    let egress: BTreeSet<u64> = seq_at(policy, &["spec", "egress"])
        .iter()
        .flat_map(|rule| seq_at(rule, &["ports"]))
        .filter_map(|p| p.get("port").and_then(Value::as_u64))
        .collect();
    assert_eq!(
        egress,
        BTreeSet::from([53, 443, 4317, 50051, 50052, 50053, 50054]),
        "DNS, the identity provider, traces and the four services; no database, no NATS"
    );
}

#[test]
fn make_up_gives_the_console_the_staff_directory_it_gives_notifications() {
    let up = read("deploy/local/up.sh");
    assert!(
        up.contains("export STAFF_DIRECTORY=\"$(cat deploy/local/staff-directory.json)\""),
        "the sample directory unless the environment names one"
    );
    let console_start = up
        .split("console_auth=()")
        .nth(1)
        .expect("up.sh starts the console");
    assert!(
        console_start.contains("STAFF_DIRECTORY=\"$STAFF_DIRECTORY\""),
        "the console is started with it"
    );
}

#[test]
fn the_image_holds_the_console() {
    let text = read("deploy/Dockerfile");
    assert!(text.contains("-p console"), "the build builds the console");
    assert!(
        text.contains("target/release/console"),
        "the image has /usr/local/bin/console"
    );
}

/// A one-page web server: 200 for `/healthz`, 503 for anything else.
async fn tiny_web_server() -> std::net::SocketAddr {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a free port");
    let addr = listener.local_addr().expect("bound");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = [0u8; 512];
            let n = stream.read(&mut buffer).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&buffer[..n]).into_owned();
            let answer = if request.starts_with("GET /healthz ") {
                "HTTP/1.0 200 OK\r\ncontent-length: 2\r\n\r\nok"
            } else {
                "HTTP/1.0 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n"
            };
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    addr
}

#[tokio::test]
async fn the_health_probe_in_the_image_passes_for_a_web_page_answering_200_and_fails_otherwise() {
    let probe = end_to_end::binaries_dir().join("healthcheck");
    assert!(
        probe.is_file(),
        "{} is built with the workspace's binaries",
        probe.display()
    );
    let addr = tiny_web_server().await;
    let run = |url: String| {
        let probe = probe.clone();
        async move {
            tokio::process::Command::new(probe)
                .arg(url)
                .output()
                .await
                .expect("the probe runs")
                .status
                .code()
        }
    };
    assert_eq!(run(format!("http://{addr}/healthz")).await, Some(0));
    assert_eq!(
        run(format!("http://{addr}/readyz")).await,
        Some(1),
        "a 503 fails"
    );
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        listener.local_addr().expect("bound")
    };
    assert_eq!(
        run(format!("http://{closed}/healthz")).await,
        Some(1),
        "nothing listening fails"
    );
}
