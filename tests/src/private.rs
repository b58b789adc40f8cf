//! A NATS server and a PostgreSQL cluster of the test's own, on free
//! ports in temporary folders, for tests that stop and restart them: the
//! shared servers other test runs use at the same time are never touched.
//!
//! Both keep their data across a restart (the same store folder, the same
//! cluster), as a real restart would, and are stopped and removed when
//! dropped.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const NATS_SERVER: &str = "/usr/sbin/nats-server";
const PG_BIN: &str = "/usr/lib/postgresql/15/bin";

/// A port nobody listens on right now.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("binding a free port")
        .port()
}

/// A fresh folder under the system's temporary folder.
fn temp_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).expect("creating a temporary folder");
    dir
}

/// Waits (blocking, bounded) until something accepts TCP connections on `port`.
fn wait_listening(what: &str, port: u16, within: Duration) {
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + within;
    while TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not listen on {port} within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A private `nats-server -js` with its store in a temporary folder.
#[derive(Debug)]
pub struct PrivateNats {
    pub port: u16,
    dir: PathBuf,
    child: Option<Child>,
    /// The user and password the server requires, if any.
    user: Option<(String, String)>,
    /// The server's certificate and key when it speaks only TLS.
    tls: Option<(PathBuf, PathBuf)>,
}

impl PrivateNats {
    /// Starts JetStream on a free port and waits until it listens.
    pub fn start() -> Self {
        let mut nats = Self {
            port: free_port(),
            dir: temp_dir("faults-nats"),
            child: None,
            user: None,
            tls: None,
        };
        nats.up();
        nats
    }

    /// Starts JetStream that speaks only TLS with `cert` (see
    /// [`TestCa::server_cert`]); reach it at [`PrivateNats::tls_url`].
    pub fn start_tls(cert: &ServerCert) -> Self {
        let mut nats = Self {
            port: free_port(),
            dir: temp_dir("tls-nats"),
            child: None,
            user: None,
            tls: Some((cert.cert.clone(), cert.key.clone())),
        };
        nats.up();
        nats
    }

    /// `tls://127.0.0.1:PORT`.
    pub fn tls_url(&self) -> String {
        format!("tls://127.0.0.1:{}", self.port)
    }

    /// Starts JetStream that admits only `user` with `password`.
    pub fn start_requiring(user: &str, password: &str) -> Self {
        let mut nats = Self {
            port: free_port(),
            dir: temp_dir("auth-nats"),
            child: None,
            user: Some((user.to_owned(), password.to_owned())),
            tls: None,
        };
        nats.up();
        nats
    }

    pub fn url(&self) -> String {
        format!("nats://127.0.0.1:{}", self.port)
    }

    fn up(&mut self) {
        let child = Command::new(NATS_SERVER)
            .args([
                "-a",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-js",
                "-sd",
            ])
            .arg(&self.dir)
            .args(
                self.user
                    .iter()
                    .flat_map(|(user, password)| ["--user", user, "--pass", password]),
            )
            .args(self.tls.iter().flat_map(|(cert, key)| {
                [
                    "--tls".as_ref(),
                    "--tlscert".as_ref(),
                    cert.as_os_str(),
                    "--tlskey".as_ref(),
                    key.as_os_str(),
                ]
            }))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {NATS_SERVER}: {e}"));
        self.child = Some(child);
        wait_listening("nats-server", self.port, Duration::from_secs(15));
    }

    /// Stops the server (SIGTERM, as an orderly shutdown) and waits, bounded,
    /// for it to exit; SIGKILL after 10 s.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            signal(child.id(), "TERM");
            wait_exit(&mut child, Duration::from_secs(10));
        }
    }

    /// Stops and starts again on the same port with the same store.
    pub fn restart(&mut self) {
        self.stop();
        self.up();
    }

    /// Starts again after [`PrivateNats::stop`], on the same port and store.
    pub fn start_again(&mut self) {
        self.up();
    }
}

impl Drop for PrivateNats {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Sends `SIGsignal` to `pid` with `kill(1)` (the crate forbids unsafe code).
fn signal(pid: u32, signal: &str) {
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status();
}

/// Waits up to `within` for `child` to exit, then kills it.
fn wait_exit(child: &mut Child, within: Duration) {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// A private PostgreSQL 15 cluster (trust authentication, user `postgres`)
/// in a temporary folder owned by the `postgres` system user: `initdb`
/// refuses to run as root, so every server command runs through `runuser`.
#[derive(Debug)]
pub struct PrivatePostgres {
    pub port: u16,
    dir: PathBuf,
    /// Extra server options, e.g. `ssl=on` with its files.
    options: String,
}

impl PrivatePostgres {
    /// Creates the cluster and starts it; waits until it accepts connections.
    pub fn start() -> Self {
        Self::start_with(|_| String::new())
    }

    /// Creates the cluster and starts it with `ssl=on`, presenting `cert`
    /// (see [`TestCa::server_cert`]); plain connections are still accepted,
    /// as by default, and a client asking `sslmode=verify-full` checks the
    /// certificate against its `sslrootcert`.
    pub fn start_tls(cert: &ServerCert) -> Self {
        Self::start_with(|dir| {
            // The server reads its key only if the postgres user owns it
            // and nobody else can read it.
            let (crt, key) = (dir.join("server.crt"), dir.join("server.key"));
            std::fs::copy(&cert.cert, &crt).expect("copying the server certificate");
            std::fs::copy(&cert.key, &key).expect("copying the server key");
            run("chown", &["postgres:postgres", path(&crt), path(&key)]);
            run("chmod", &["600", path(&key)]);
            format!(
                " -c ssl=on -c ssl_cert_file={} -c ssl_key_file={}",
                crt.display(),
                key.display()
            )
        })
    }

    fn start_with(options: impl FnOnce(&Path) -> String) -> Self {
        let dir = temp_dir("faults-pg");
        run("chown", &["postgres:postgres", path(&dir)]);
        let pg = Self {
            port: free_port(),
            options: options(&dir),
            dir,
        };
        pg.as_postgres(
            "initdb",
            &[
                "-D",
                path(&pg.data()),
                "-A",
                "trust",
                "-U",
                "postgres",
                "--no-sync",
            ],
        );
        pg.pg_ctl(&["start"]);
        pg
    }

    /// `postgres://postgres@127.0.0.1:PORT/postgres`.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// `pg_ctl restart -m mode` (`fast` ends every session and checkpoints;
    /// `immediate` aborts as a crash would and recovers from the WAL).
    pub fn restart(&self, mode: &str) {
        self.pg_ctl(&["restart", "-m", mode]);
    }

    /// Stops the server (`pg_ctl stop -m fast`, sessions ended) until
    /// [`PrivatePostgres::start_again`]: an outage.
    pub fn stop(&self) {
        let data = self.data();
        self.as_postgres(
            "pg_ctl",
            &["-D", path(&data), "-w", "-t", "30", "stop", "-m", "fast"],
        );
    }

    /// Starts again after [`PrivatePostgres::stop`].
    pub fn start_again(&self) {
        self.pg_ctl(&["start"]);
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn pg_ctl(&self, args: &[&str]) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off{}",
            self.port,
            self.dir.display(),
            self.options
        );
        let (data, log) = (self.data(), self.dir.join("server.log"));
        let mut all = vec!["-D", path(&data), "-l", path(&log), "-w", "-t", "30"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["-o", &options]);
        self.as_postgres("pg_ctl", &all);
        wait_listening("postgres", self.port, Duration::from_secs(15));
    }

    fn as_postgres(&self, program: &str, args: &[&str]) {
        let program = Path::new(PG_BIN).join(program);
        let mut all = vec!["-u", "postgres", "--", path(&program)];
        all.extend_from_slice(args);
        run("runuser", &all);
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(Path::new(PG_BIN).join("pg_ctl"))
            .args(["-D", path(&self.data()), "-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("temporary paths are UTF-8")
}

/// Runs `program` to completion; panics with its output when it fails.
fn run(program: &str, args: &[&str]) {
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// A throwaway certificate authority made with the `openssl` command in a
/// temporary folder (removed when dropped), to sign a server certificate
/// for 127.0.0.1 and `localhost`.
#[derive(Debug)]
pub struct TestCa {
    dir: PathBuf,
    /// The CA's certificate (PEM): what a client trusts.
    pub cert: PathBuf,
    key: PathBuf,
}

/// A server certificate (PEM) and its unencrypted key, signed by a [`TestCa`].
#[derive(Debug, Clone)]
pub struct ServerCert {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl TestCa {
    /// A new CA with an ECDSA P-256 key, valid for a day, named `name`.
    pub fn new(name: &str) -> Self {
        let dir = temp_dir("test-ca");
        let (cert, key) = (dir.join("ca.pem"), dir.join("ca.key"));
        run(
            "openssl",
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                path(&key),
                "-out",
                path(&cert),
                "-days",
                "1",
                "-subj",
                &format!("/CN={name}"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
        Self { dir, cert, key }
    }

    /// A certificate for a server at 127.0.0.1 or `localhost`, signed by
    /// this CA.
    pub fn server_cert(&self, name: &str) -> ServerCert {
        let (cert, key) = (
            self.dir.join(format!("{name}.pem")),
            self.dir.join(format!("{name}.key")),
        );
        let (csr, ext) = (
            self.dir.join(format!("{name}.csr")),
            self.dir.join(format!("{name}.ext")),
        );
        std::fs::write(
            &ext,
            "subjectAltName=IP:127.0.0.1,DNS:localhost\n\
             basicConstraints=critical,CA:FALSE\n\
             keyUsage=critical,digitalSignature,keyEncipherment\n\
             extendedKeyUsage=serverAuth\n",
        )
        .expect("writing the certificate's extensions");
        run(
            "openssl",
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                path(&key),
                "-out",
                path(&csr),
                "-subj",
                "/CN=localhost",
            ],
        );
        run(
            "openssl",
            &[
                "x509",
                "-req",
                "-in",
                path(&csr),
                "-CA",
                path(&self.cert),
                "-CAkey",
                path(&self.key),
                "-CAcreateserial",
                "-days",
                "1",
                "-extfile",
                path(&ext),
                "-out",
                path(&cert),
            ],
        );
        ServerCert { cert, key }
    }
}

impl Drop for TestCa {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
