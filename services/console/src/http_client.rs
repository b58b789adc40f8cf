//! A small HTTP/1.1 client for the identity provider (discovery, token
//! endpoint, JWKS), on hyper and rustls with ring, already in the tree,
//! in the manner of the platform's JWKS fetcher. `http://` is accepted
//! only for a loopback host, so tokens never cross a network in clear.

use crate::settings::is_loopback;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;

/// The largest answer read; discovery documents, JWKS and token answers
/// are a few KB.
const MAX_BODY: usize = 1024 * 1024;
/// How long one exchange may take, connection and TLS included.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Why a request to the identity provider failed; names the URL, never a
/// token or a code.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    #[error("{0}: {1}")]
    Url(String, String),
    #[error("connecting to {0}: {1}")]
    Connect(String, std::io::Error),
    #[error("TLS with {0}: {1}")]
    Tls(String, std::io::Error),
    #[error("HTTP with {0}: {1}")]
    Http(String, String),
    #[error("{0} took longer than {TIMEOUT:?}")]
    Timeout(String),
}

/// One answer: its status and body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Bytes,
}

/// A request: GET without a body, POST with a form body.
#[derive(Debug)]
pub struct Request<'a> {
    pub url: &'a str,
    pub form: Option<String>,
    pub basic_auth: Option<String>,
}

/// Sends `request`, within [`TIMEOUT`].
pub async fn send(request: Request<'_>) -> Result<Answer, HttpError> {
    let url = request.url.to_owned();
    tokio::time::timeout(TIMEOUT, exchange(request))
        .await
        .map_err(|_| HttpError::Timeout(url))?
}

async fn exchange(request: Request<'_>) -> Result<Answer, HttpError> {
    let name = request.url.to_owned();
    let uri: http::Uri = request
        .url
        .parse()
        .map_err(|e: http::uri::InvalidUri| HttpError::Url(name.clone(), e.to_string()))?;
    let host = uri
        .host()
        .ok_or_else(|| HttpError::Url(name.clone(), "no host".into()))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let tls = match uri.scheme_str() {
        Some("https") => true,
        Some("http") if is_loopback(&host) => false,
        _ => {
            return Err(HttpError::Url(
                name,
                "must be https:// (http:// only on a loopback address)".into(),
            ));
        }
    };
    let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
    let tcp = TcpStream::connect((host.as_str(), port))
        .await
        .map_err(|e| HttpError::Connect(name.clone(), e))?;
    let _ = tcp.set_nodelay(true);
    if tls {
        let connector = tls_connector().map_err(|e| HttpError::Tls(name.clone(), e))?;
        let server = tokio_rustls::rustls::pki_types::ServerName::try_from(host.clone())
            .map_err(|e| HttpError::Tls(name.clone(), std::io::Error::other(e)))?;
        let stream = connector
            .connect(server, tcp)
            .await
            .map_err(|e| HttpError::Tls(name.clone(), e))?;
        over(&uri, &request, TokioIo::new(stream)).await
    } else {
        over(&uri, &request, TokioIo::new(tcp)).await
    }
}

fn tls_connector() -> Result<tokio_rustls::TlsConnector, std::io::Error> {
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    for cert in found.certs {
        // A certificate the store cannot use is skipped, as browsers do.
        let _ = roots.add(cert);
    }
    if roots.is_empty() {
        return Err(std::io::Error::other("no trusted root certificates"));
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(std::io::Error::other)?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

async fn over<IO>(
    uri: &http::Uri,
    request: &Request<'_>,
    io: TokioIo<IO>,
) -> Result<Answer, HttpError>
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let name = request.url.to_owned();
    let http_error = |e: &dyn std::fmt::Display| HttpError::Http(name.clone(), e.to_string());
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| http_error(&e))?;
    let driver = tokio::spawn(connection);
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let authority = uri.authority().map_or("", |a| a.as_str()).to_owned();
    let mut builder = http::Request::builder()
        .uri(path)
        .header(http::header::HOST, authority)
        .header(http::header::ACCEPT, "application/json");
    if let Some(credentials) = &request.basic_auth {
        builder = builder.header(http::header::AUTHORIZATION, format!("Basic {credentials}"));
    }
    let body = match &request.form {
        Some(form) => {
            builder = builder.method(http::Method::POST).header(
                http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            );
            Full::new(Bytes::from(form.clone()))
        }
        None => {
            builder = builder.method(http::Method::GET);
            Full::new(Bytes::new())
        }
    };
    let built = builder.body(body).map_err(|e| http_error(&e))?;
    let response = sender
        .send_request(built)
        .await
        .map_err(|e| http_error(&e))?;
    let status = response.status().as_u16();
    let body = Limited::new(response.into_body(), MAX_BODY)
        .collect()
        .await
        .map_err(|e| http_error(&e))?
        .to_bytes();
    driver.abort();
    Ok(Answer { status, body })
}
