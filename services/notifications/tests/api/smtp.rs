//! A real SMTP server for the tests (`mailin-embedded`, plain SMTP without
//! TLS), started in-process on port 0 with a handler that records every
//! message it accepts; or, refusing, answers every MAIL FROM with a
//! transient `451` so the sender retries; or refuses one recipient
//! permanently (`550` at RCPT TO) and accepts the rest.

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
    /// For a server that is down: the port, bound but not listening, so
    /// connections are refused and no other test can take the port.
    reserved: Arc<Mutex<Option<tokio::net::TcpSocket>>>,
    refused_recipient: Refused,
}

/// A recipient the server refuses at RCPT TO, and whether permanently
/// (`550`) or for now (`451`).
type Refused = Arc<Mutex<Option<(String, bool)>>>;

/// One session's handler; clones share what was received.
#[derive(Clone)]
struct Recorder {
    /// MAIL FROMs still to refuse; `u32::MAX` refuses for ever.
    refuse: Arc<Mutex<u32>>,
    received: Arc<Mutex<Vec<Received>>>,
    refusals: Arc<Mutex<u32>>,
    /// A recipient refused at RCPT TO, and whether permanently.
    refused_recipient: Refused,
    current: Option<(String, Vec<String>, Vec<u8>)>,
}

impl Handler for Recorder {
    fn mail(&mut self, _ip: IpAddr, _domain: &str, _from: &str) -> Response {
        let mut refuse = self.refuse.lock().unwrap();
        if *refuse > 0 {
            if *refuse != u32::MAX {
                *refuse -= 1;
            }
            *self.refusals.lock().unwrap() += 1;
            return response::INTERNAL_ERROR;
        }
        response::OK
    }

    fn rcpt(&mut self, to: &str) -> Response {
        let to = to.trim().trim_start_matches('<').trim_end_matches('>');
        match &*self.refused_recipient.lock().unwrap() {
            Some((r, permanent)) if r.eq_ignore_ascii_case(to) => {
                *self.refusals.lock().unwrap() += 1;
                if *permanent {
                    response::NO_MAILBOX
                } else {
                    response::INTERNAL_ERROR
                }
            }
            _ => response::OK,
        }
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
        Self::start(0)
    }

    /// A server that answers the first `n` MAIL FROMs with `451` (down
    /// for a while), then accepts everything.
    pub async fn refusing_first(n: u32) -> Self {
        Self::start(n)
    }

    /// A server that answers every MAIL FROM with `451`.
    pub async fn refusing() -> Self {
        Self::start(u32::MAX)
    }

    /// A server that refuses mail to `recipient` permanently (`550
    /// Mailbox unavailable` at RCPT TO) and accepts everything else.
    pub async fn refusing_recipient(recipient: &str) -> Self {
        let sink = Self::start(0);
        *sink.refused_recipient.lock().unwrap() = Some((recipient.to_owned(), true));
        sink
    }

    /// Refuses mail to `recipient` for now (`451` at RCPT TO, so the sender
    /// retries) until [`SmtpSink::release`].
    pub fn hold(&self, recipient: &str) {
        *self.refused_recipient.lock().unwrap() = Some((recipient.to_owned(), false));
    }

    /// Accepts mail to every recipient again.
    pub fn release(&self) {
        *self.refused_recipient.lock().unwrap() = None;
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn refusals(&self) -> u32 {
        *self.refusals.lock().unwrap()
    }

    /// An address where nothing listens yet (the mail server is down);
    /// [`SmtpSink::listen`] starts an accepting server there.
    pub fn not_listening() -> Self {
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        Self {
            addr: socket.local_addr().unwrap(),
            received: Arc::default(),
            refusals: Arc::default(),
            reserved: Arc::new(Mutex::new(Some(socket))),
            refused_recipient: Refused::default(),
        }
    }

    /// Starts an accepting server at this sink's address, on the socket
    /// that kept the port reserved while the server was down.
    pub fn listen(&self) {
        let socket = self
            .reserved
            .lock()
            .unwrap()
            .take()
            .expect("listen once, on a sink that was down");
        let listener = socket.listen(128).unwrap().into_std().unwrap();
        listener.set_nonblocking(false).unwrap();
        self.serve(listener, 0);
    }

    fn start(refuse: u32) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let sink = Self {
            addr: listener.local_addr().unwrap(),
            received: Arc::default(),
            refusals: Arc::default(),
            reserved: Arc::default(),
            refused_recipient: Refused::default(),
        };
        sink.serve(listener, refuse);
        sink
    }

    fn serve(&self, listener: std::net::TcpListener, refuse: u32) {
        let recorder = Recorder {
            refuse: Arc::new(Mutex::new(refuse)),
            received: self.received.clone(),
            refusals: self.refusals.clone(),
            refused_recipient: self.refused_recipient.clone(),
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
    }
}
