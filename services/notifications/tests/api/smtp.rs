//! A real SMTP server for the tests (`mailin-embedded`, plain SMTP without
//! TLS), started in-process on port 0 with a handler that records every
//! message it accepts; or, refusing, answers every MAIL FROM with a
//! transient `451` so the sender retries.

use mailin_embedded::{Handler, Response, Server, SslConfig, response};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

/// The server: its address and what it accepted or refused.
#[derive(Debug, Clone)]
pub struct SmtpSink {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    refusals: Arc<Mutex<u32>>,
}

/// One session's handler; clones share what was received.
#[derive(Clone)]
struct Recorder {
    refuse: bool,
    received: Arc<Mutex<Vec<Received>>>,
    refusals: Arc<Mutex<u32>>,
    current: Option<(String, Vec<String>, Vec<u8>)>,
}

impl Handler for Recorder {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        if self.refuse {
            *self.refusals.lock().unwrap() += 1;
            return response::INTERNAL_ERROR;
        }
        response::OK
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some((from.to_owned(), to.to_vec(), Vec::new()));
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some((_, _, data)) = self.current.as_mut() {
            data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some((from, to, data)) = self.current.take() {
            self.received.lock().unwrap().push(Received {
                from,
                to,
                data: String::from_utf8_lossy(&data).into_owned(),
            });
        }
        response::OK
    }
}

impl SmtpSink {
    /// A server that accepts everything.
    pub async fn accepting() -> Self {
        Self::start(false)
    }

    /// A server that answers every MAIL FROM with `451`.
    pub async fn refusing() -> Self {
        Self::start(true)
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn refusals(&self) -> u32 {
        *self.refusals.lock().unwrap()
    }

    fn start(refuse: bool) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let sink = Self {
            addr: listener.local_addr().unwrap(),
            received: Arc::default(),
            refusals: Arc::default(),
        };
        let recorder = Recorder {
            refuse,
            received: sink.received.clone(),
            refusals: sink.refusals.clone(),
            current: None,
        };
        let mut server = Server::new(recorder);
        server
            .with_name("sink.test")
            .with_ssl(SslConfig::None)
            .unwrap()
            .with_tcp_listener(listener);
        // The server runs until the test process ends.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        sink
    }
}
