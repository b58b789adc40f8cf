//! One sender loop's connection to the mail server.
//!
//! Each loop keeps its SMTP connection open between emails instead of
//! connecting, greeting and quitting for every one: at a steady rate the
//! greeting and the connection cost more than the email itself. The socket
//! is set to `TCP_NODELAY` because an SMTP client writes the message body
//! and the terminating `.` as two small writes; with Nagle's algorithm the
//! second waits for the server to acknowledge the first, which a server
//! delays (up to 40 ms on Linux) while it waits for the rest of the data.
//!
//! A connection that failed is dropped and the next email opens a new one;
//! the sender closes its connection whenever nothing is due, so a loop
//! holds a session only while there is a queue to work through (servers
//! limit how many they serve at once). One left idle for longer than
//! [`IDLE_CHECK`] is checked with `NOOP` before it carries an email.

use lettre::address::Envelope;
use lettre::transport::smtp::Error;
use lettre::transport::smtp::client::AsyncSmtpConnection;
use lettre::transport::smtp::extension::ClientId;
use lettre::transport::smtp::response::Response;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;

/// How long a connection may sit unused before it is checked with `NOOP`.
pub const IDLE_CHECK: Duration = Duration::from_secs(5);

/// Why an exchange did not end with the server's answer to the message.
#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// The mail server could not be reached or did not greet us.
    #[error("cannot connect to the mail server: {0}")]
    Connect(String),
    /// The server answered with an error, or the connection broke.
    #[error("{0}")]
    Smtp(#[from] Error),
    /// No answer within the SMTP timeout.
    #[error("the mail server did not answer within {0:?}")]
    Timeout(Duration),
}

impl SendError {
    /// A permanent refusal (5xx): retrying the same message will not help.
    pub fn is_permanent(&self) -> bool {
        matches!(self, SendError::Smtp(e) if e.is_permanent())
    }
}

/// A mail server address and the time allowed for one exchange.
pub struct Connection {
    host: String,
    port: u16,
    timeout: Duration,
    open: Option<(AsyncSmtpConnection, Instant)>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("open", &self.open.is_some())
            .finish()
    }
}

impl Connection {
    /// Nothing is opened until the first email.
    pub fn new(host: &str, port: u16, timeout: Duration) -> Self {
        Self {
            host: host.to_owned(),
            port,
            timeout,
            open: None,
        }
    }

    /// Sends one message (already formatted, with its envelope) and returns
    /// the server's answer to it.
    pub async fn send(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
    ) -> Result<Response, SendError> {
        let timeout = self.timeout;
        match tokio::time::timeout(timeout, self.exchange(envelope, message)).await {
            Ok(Ok(response)) => Ok(response),
            Ok(Err(error)) => {
                self.close().await;
                Err(error)
            }
            Err(_) => {
                // The connection is mid-exchange: it cannot carry another.
                self.open = None;
                Err(SendError::Timeout(timeout))
            }
        }
    }

    async fn exchange(
        &mut self,
        envelope: &Envelope,
        message: &[u8],
    ) -> Result<Response, SendError> {
        let connection = self.ready().await?;
        let response = connection.send(envelope, message).await?;
        if let Some((_, used)) = self.open.as_mut() {
            *used = Instant::now();
        }
        Ok(response)
    }

    /// The open connection, checked if it sat idle, or a new one.
    async fn ready(&mut self) -> Result<&mut AsyncSmtpConnection, SendError> {
        let usable = match self.open.as_mut() {
            Some((connection, used)) if used.elapsed() > IDLE_CHECK => {
                !connection.has_broken() && connection.test_connected().await
            }
            Some((connection, _)) => !connection.has_broken(),
            None => false,
        };
        if !usable {
            self.open = None;
            let stream = TcpStream::connect((self.host.as_str(), self.port))
                .await
                .map_err(|e| SendError::Connect(e.to_string()))?;
            stream
                .set_nodelay(true)
                .map_err(|e| SendError::Connect(e.to_string()))?;
            let connection =
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &ClientId::default())
                    .await?;
            self.open = Some((connection, Instant::now()));
        }
        Ok(&mut self.open.as_mut().expect("opened above").0)
    }

    /// Ends the session politely, if one is open.
    pub async fn close(&mut self) {
        if let Some((mut connection, _)) = self.open.take() {
            let _ = tokio::time::timeout(self.timeout, connection.quit()).await;
        }
    }
}
