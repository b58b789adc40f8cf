//! Helpers for the end-to-end tests: the service binaries as child
//! processes, each in a fresh schema and a fresh bus namespace.
#![forbid(unsafe_code)]

pub mod browser;
pub mod clients;
pub mod collector;
pub mod private;
pub mod smtp;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// The four services, with the names of their binaries.
pub const SERVICES: [&str; 4] = ["intake", "complaints", "notifications", "reporting"];

/// The folder holding the workspace's binaries: the profile folder, which
/// holds a test's `deps/` and is itself where a binary (the bench) lives.
pub fn binaries_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the process knows its own path");
    let dir = exe.parent().expect("an executable lives in a folder");
    if dir.file_name().is_some_and(|name| name == "deps") {
        dir.parent()
            .expect("deps/ lives in the profile folder")
            .to_path_buf()
    } else {
        dir.to_path_buf()
    }
}

/// One deployment's isolation: a fresh bus namespace and one fresh schema
/// per service, on the test database.
#[derive(Debug, Clone)]
pub struct Isolation {
    pub namespace: String,
    pub schema_suffix: String,
}

impl Isolation {
    pub fn fresh(prefix: &str) -> Self {
        let id = uuid::Uuid::new_v4().simple().to_string();
        Self {
            namespace: format!("t_{prefix}_{}", &id[..12]),
            schema_suffix: id[..12].to_string(),
        }
    }

    pub fn schema(&self, service: &str) -> String {
        format!("t_{service}_{}", self.schema_suffix)
    }

    /// The environment a service process runs with.
    pub fn env(&self, service: &str) -> HashMap<String, String> {
        HashMap::from([
            ("DATABASE_URL".into(), eventlog::testing::database_url()),
            ("DATABASE_SCHEMA".into(), self.schema(service)),
            // Several processes of each service share one PostgreSQL.
            ("DATABASE_MAX_CONNECTIONS".into(), "6".into()),
            ("NATS_URL".into(), bus::testing::nats_url()),
            ("BUS_NAMESPACE".into(), self.namespace.clone()),
            ("GRPC_ADDR".into(), "127.0.0.1:0".into()),
            ("METRICS_ADDR".into(), "127.0.0.1:0".into()),
            ("LOG_FORMAT".into(), "json".into()),
            ("LOG_FILTER".into(), "info".into()),
            ("SHUTDOWN_GRACE_SECONDS".into(), "5".into()),
            (
                "MONITORING_PSEUDONYM_KEY".into(),
                "end-to-end-monitoring-key-32-chars-long".into(),
            ),
            (
                "AUTH_DEV_SECRET".into(),
                platform::testing::DEV_SECRET.into(),
            ),
        ])
    }
}

/// A service running as a child process; killed when dropped.
#[derive(Debug)]
pub struct ServiceProcess {
    pub name: String,
    pub addr: SocketAddr,
    pub child: Child,
    /// Every line the process has logged so far (its stdout).
    pub log: Arc<Mutex<Vec<String>>>,
}

impl ServiceProcess {
    /// Starts binary `name` with `env` and waits until it logs the address it serves on.
    pub async fn spawn(name: &str, env: &HashMap<String, String>) -> Self {
        let path = binaries_dir().join(name);
        assert!(
            path.exists(),
            "{} is missing: build the binaries first (`cargo build --workspace --bins`, which `make test` does)",
            path.display()
        );
        let mut child = Command::new(&path)
            .env_clear()
            .envs(env)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e}", path.display()));
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let addr = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await.expect("reading the service's log") {
                if line.contains("serving gRPC") {
                    return address_in(&line);
                }
            }
            panic!("{name} exited before serving");
        })
        .await
        .unwrap_or_else(|_| panic!("{name} did not start serving within 60 s"));
        // Keep draining the log so the child never blocks on a full pipe,
        // and keep it for tests that read what the service logged.
        let log = Arc::new(Mutex::new(Vec::new()));
        let kept = log.clone();
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                kept.lock().unwrap_or_else(|p| p.into_inner()).push(line);
            }
        });
        Self {
            name: name.to_owned(),
            addr,
            child,
            log,
        }
    }

    /// `http://addr`, for a gRPC channel.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sends SIGTERM and waits for the exit status.
    pub async fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().expect("the child is running");
        let sent = Command::new("kill")
            .arg("-TERM")
            .arg(pid.to_string())
            .status()
            .await;
        assert!(
            sent.is_ok_and(|s| s.success()),
            "sending SIGTERM to {}",
            self.name
        );
        tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("{} did not stop within 30 s of SIGTERM", self.name))
            .expect("waiting for the child")
    }
}

/// The `addr` field of a JSON log line.
fn address_in(line: &str) -> SocketAddr {
    let start = line
        .find("\"addr\":\"")
        .expect("the serving line names its addr")
        + 8;
    let end = start + line[start..].find('"').expect("the addr is a JSON string");
    line[start..end]
        .parse()
        .expect("the addr is a socket address")
}

impl Isolation {
    /// Drops the schemas and deletes the bus streams of this isolation.
    pub async fn cleanup(&self) {
        let settings = bus::BusSettings {
            url: bus::testing::nats_url(),
            namespace: bus::Namespace::parse(&self.namespace).expect("a valid namespace"),
            duplicate_window: Duration::from_secs(120),
            auth: bus::BusAuth::None,
            ca_file: None,
        };
        if let Ok(bus) = bus::Bus::connect(&settings).await {
            bus::testing::delete_namespace(&bus).await;
        }
        let url = eventlog::testing::database_url();
        for service in SERVICES {
            let schema = self.schema(service);
            let _ = tokio::process::Command::new("psql")
                .args([
                    url.as_str(),
                    "-q",
                    "-c",
                    &format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"),
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .await;
        }
    }
}
