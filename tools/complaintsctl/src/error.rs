//! Why a command failed; printed on stderr as one line.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The service answered with an error status: its message says which
    /// rule or what is missing, so it is printed as it came.
    #[error("{service} answered {code:?}: {message}", code = .status.code(), message = .status.message())]
    Grpc {
        service: &'static str,
        status: tonic::Status,
    },
    #[error("{flag} {url:?} is not a valid endpoint: {source}")]
    Endpoint {
        flag: &'static str,
        url: String,
        source: tonic::transport::Error,
    },
    #[error("the token cannot be sent as an authorization header (it must be printable ASCII)")]
    Token,
    #[error("reading {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("writing {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", .path.display())]
    SubmissionFile {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// Refused before anything changed, saying which rule and why.
    #[error("{0}")]
    Refused(String),
    /// A value the command cannot use, caught before any call.
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// A closure mapping a status from `service` into an error.
    pub fn from(service: &'static str) -> impl Fn(tonic::Status) -> Self {
        move |status| Self::Grpc { service, status }
    }
}
