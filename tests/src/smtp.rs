//! A real SMTP server in the test process (`mailin-embedded`, plain SMTP on
//! a free port) that accepts every message and remembers it, so a test can
//! count what the notifications service actually sent.

use mailin_embedded::{Handler, Response, Server, SslConfig, response};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// One accepted message: its recipients and its raw text.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
    /// When the server accepted the message (end of DATA), for latency
    /// measured against the wall clock the submitter used.
    pub at: std::time::SystemTime,
}

impl Received {
    /// The `Subject:` header's value, unfolded.
    pub fn subject(&self) -> String {
        let mut lines = self
            .data
            .lines()
            .skip_while(|l| !l.starts_with("Subject: "));
        let mut subject = lines
            .next()
            .and_then(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_owned();
        for folded in lines.take_while(|l| l.starts_with([' ', '\t'])) {
            subject.push_str(folded);
        }
        subject
    }
}

/// The server's address and what it accepted.
#[derive(Debug, Clone)]
pub struct SmtpSink {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
}

#[derive(Clone)]
struct Recorder {
    received: Arc<Mutex<Vec<Received>>>,
    current: Option<(Vec<String>, Vec<u8>)>,
}

impl Handler for Recorder {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some((to.to_vec(), Vec::new()));
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some((_, data)) = self.current.as_mut() {
            data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some((to, data)) = self.current.take() {
            self.received
                .lock()
                .expect("the sink's lock is never poisoned")
                .push(Received {
                    to,
                    data: String::from_utf8_lossy(&data).into_owned(),
                    at: std::time::SystemTime::now(),
                });
        }
        response::OK
    }
}

impl SmtpSink {
    /// Starts accepting on 127.0.0.1; the server runs until the test process ends.
    pub fn start() -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding the SMTP sink");
        let addr = listener.local_addr().expect("the SMTP sink's address");
        let received = Arc::new(Mutex::new(Vec::new()));
        let mut server = Server::new(Recorder {
            received: received.clone(),
            current: None,
        });
        server
            .with_name("sink.test")
            // One thread per session: the senders of several replicas each
            // keep a session open while they have a queue.
            .with_num_threads(32)
            .with_ssl(SslConfig::None)
            .expect("plain SMTP needs no certificate")
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        Self { addr, received }
    }

    /// Everything accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.received
            .lock()
            .expect("the sink's lock is never poisoned")
            .clone()
    }

    /// How many messages were accepted so far, without copying them.
    pub fn count(&self) -> usize {
        self.received
            .lock()
            .expect("the sink's lock is never poisoned")
            .len()
    }

    /// `SMTP_HOST` and `SMTP_PORT` for the notifications service.
    pub fn env(&self) -> [(String, String); 2] {
        [
            ("SMTP_HOST".into(), self.addr.ip().to_string()),
            ("SMTP_PORT".into(), self.addr.port().to_string()),
        ]
    }
}
