//! Keys published by an identity provider at a JWKS URL
//! (`AUTH_JWKS_URL`, R-CONF-1): fetched before the service serves, then
//! kept fresh so a key rotation at the provider needs no restart. A token
//! naming a key id not yet known asks for an early refresh, at most once
//! per refresh period, so forged key ids cannot make the service hammer
//! the provider.

use http::Uri;
use http_body_util::{BodyExt, Empty, Limited};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;
use jsonwebtoken::jwk::JwkSet;
use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// The largest JWKS document accepted; real ones are a few KB.
const MAX_DOCUMENT: usize = 1024 * 1024;
/// How long one fetch may take, connection and TLS included.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// Where the keys are published: `https://`, or `http://` on the loopback
/// interface only (a sidecar or a test), since keys fetched in clear over
/// a network could be swapped in transit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JwksUrl {
    uri: Uri,
    host: String,
    port: u16,
    tls: bool,
}

impl JwksUrl {
    /// Parses and checks the URL; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let uri: Uri = text.trim().parse().map_err(|e| format!("not a URL: {e}"))?;
        let host = uri
            .host()
            .ok_or("the URL names no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_owned();
        let tls = match uri.scheme_str() {
            Some("https") => true,
            Some("http") if is_loopback(&host) => false,
            Some("http") => {
                return Err(
                    "must be https:// (http:// only for a loopback address such as 127.0.0.1)"
                        .into(),
                );
            }
            _ => return Err("must be an https:// URL".into()),
        };
        let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
        Ok(Self {
            uri,
            host,
            port,
            tls,
        })
    }
}

impl fmt::Display for JwksUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.uri.fmt(f)
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Why the keys could not be fetched; names the URL, never a token.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("connecting to {0}")]
    Connect(String, #[source] std::io::Error),
    #[error("TLS with {0}")]
    Tls(String, #[source] std::io::Error),
    #[error("HTTP exchange with {0}")]
    Http(String, #[source] hyper::Error),
    #[error("{0} answered HTTP {1}")]
    Status(String, u16),
    #[error("reading the document from {0}: {1}")]
    Body(String, String),
    #[error("{0} did not answer within {FETCH_TIMEOUT:?}")]
    Timeout(String),
    #[error("{0} does not serve a JWKS: {1}")]
    NotJwks(String, String),
    #[error("{0} serves a JWKS with no keys")]
    NoKeys(String),
    #[error("the system's trusted certificates cannot be loaded: {0}")]
    Roots(String),
}

/// The keys of a JWKS URL, shared by every request of a service.
#[derive(Clone)]
pub struct RemoteKeys {
    inner: Arc<Inner>,
}

struct Inner {
    url: JwksUrl,
    refresh: Duration,
    set: RwLock<Arc<JwkSet>>,
    nudge: Notify,
}

impl fmt::Debug for RemoteKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "RemoteKeys({}, {} keys, every {:?})",
            self.inner.url,
            self.current().keys.len(),
            self.inner.refresh
        )
    }
}

impl RemoteKeys {
    /// No keys until [`RemoteKeys::fetch`] succeeds.
    pub fn new(url: JwksUrl, refresh: Duration) -> Self {
        Self {
            inner: Arc::new(Inner {
                url,
                refresh,
                set: RwLock::new(Arc::new(JwkSet { keys: Vec::new() })),
                nudge: Notify::new(),
            }),
        }
    }

    pub fn url(&self) -> &JwksUrl {
        &self.inner.url
    }

    /// The keys as last fetched.
    pub fn current(&self) -> Arc<JwkSet> {
        self.inner
            .set
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// A token named a key id not among the keys: the provider may have
    /// rotated, so refresh before the period is up.
    pub fn nudge(&self) {
        self.inner.nudge.notify_one();
    }

    /// Fetches the keys now and, when the document holds any, replaces
    /// them; returns how many there are. A failed fetch keeps the old keys.
    pub async fn fetch(&self) -> Result<usize, FetchError> {
        let url = &self.inner.url;
        let body = tokio::time::timeout(FETCH_TIMEOUT, get(url))
            .await
            .map_err(|_| FetchError::Timeout(url.to_string()))??;
        let set: JwkSet = serde_json::from_slice(&body)
            .map_err(|e| FetchError::NotJwks(url.to_string(), e.to_string()))?;
        if set.keys.is_empty() {
            return Err(FetchError::NoKeys(url.to_string()));
        }
        let count = set.keys.len();
        *self
            .inner
            .set
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(set);
        Ok(count)
    }

    /// Refreshes every period, and early when nudged (at most once a
    /// period), until `stop`.
    pub async fn keep_fresh(self, stop: CancellationToken) {
        let period = self.inner.refresh;
        loop {
            let started = tokio::time::Instant::now();
            tokio::select! {
                () = stop.cancelled() => return,
                () = tokio::time::sleep(period) => {}
                () = self.inner.nudge.notified() => {
                    tokio::select! {
                        () = stop.cancelled() => return,
                        () = tokio::time::sleep_until(started + period.min(Duration::from_secs(30))) => {}
                    }
                }
            }
            match self.fetch().await {
                Ok(keys) => tracing::debug!(keys, url = %self.inner.url, "JWKS refreshed"),
                Err(e) => tracing::warn!(
                    error = %crate::report(&e),
                    "JWKS refresh failed; the keys fetched before stay in use"
                ),
            }
        }
    }
}

/// One GET of the document, over TLS with the system's trusted roots for
/// `https`.
async fn get(url: &JwksUrl) -> Result<Bytes, FetchError> {
    let name = url.to_string();
    let tcp = TcpStream::connect((url.host.as_str(), url.port))
        .await
        .map_err(|e| FetchError::Connect(name.clone(), e))?;
    let _ = tcp.set_nodelay(true);
    if url.tls {
        let connector = tls_connector()?;
        let server = tokio_rustls::rustls::pki_types::ServerName::try_from(url.host.clone())
            .map_err(|e| FetchError::Tls(name.clone(), std::io::Error::other(e)))?;
        let stream = connector
            .connect(server, tcp)
            .await
            .map_err(|e| FetchError::Tls(name.clone(), e))?;
        exchange(url, TokioIo::new(stream)).await
    } else {
        exchange(url, TokioIo::new(tcp)).await
    }
}

fn tls_connector() -> Result<tokio_rustls::TlsConnector, FetchError> {
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    let found = rustls_native_certs::load_native_certs();
    if found.certs.is_empty() {
        return Err(FetchError::Roots(format!("{} errors", found.errors.len())));
    }
    for cert in found.certs {
        // A certificate the store cannot use is skipped, as browsers do.
        let _ = roots.add(cert);
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| FetchError::Roots(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_rustls::TlsConnector::from(Arc::new(config)))
}

async fn exchange<IO>(url: &JwksUrl, io: TokioIo<IO>) -> Result<Bytes, FetchError>
where
    IO: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let name = url.to_string();
    let (mut sender, connection) = hyper::client::conn::http1::handshake(io)
        .await
        .map_err(|e| FetchError::Http(name.clone(), e))?;
    let driver = tokio::spawn(connection);
    let path = url
        .uri
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    let authority = url
        .uri
        .authority()
        .map_or_else(|| url.host.clone(), |a| a.to_string());
    let request = http::Request::get(path)
        .header(http::header::HOST, authority)
        .header(http::header::ACCEPT, "application/json")
        .body(Empty::<Bytes>::new())
        .map_err(|e| FetchError::Body(name.clone(), e.to_string()))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| FetchError::Http(name.clone(), e))?;
    if !response.status().is_success() {
        driver.abort();
        return Err(FetchError::Status(name, response.status().as_u16()));
    }
    let body = Limited::new(response.into_body(), MAX_DOCUMENT)
        .collect()
        .await
        .map_err(|e| FetchError::Body(name.clone(), e.to_string()))?
        .to_bytes();
    driver.abort();
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_conf_1_a_jwks_url_must_be_https_unless_it_is_on_the_loopback_interface() {
        assert!(JwksUrl::parse("https://id.example.org/.well-known/jwks.json").is_ok());
        assert!(JwksUrl::parse("http://127.0.0.1:8080/jwks.json").is_ok());
        assert!(JwksUrl::parse("http://localhost/jwks").is_ok());
        assert!(JwksUrl::parse("http://[::1]:9000/jwks").is_ok());
        let clear = JwksUrl::parse("http://id.example.org/jwks.json").unwrap_err();
        assert!(clear.contains("https"), "{clear}");
        assert!(JwksUrl::parse("ftp://id.example.org/jwks").is_err());
        assert!(JwksUrl::parse("not a url").is_err());
        assert!(JwksUrl::parse("/jwks.json").is_err());
    }

    #[test]
    fn a_jwks_url_defaults_its_port_to_the_scheme() {
        assert_eq!(
            JwksUrl::parse("https://id.example.org/k").unwrap().port,
            443
        );
        assert_eq!(JwksUrl::parse("http://127.0.0.1/k").unwrap().port, 80);
        assert_eq!(JwksUrl::parse("http://127.0.0.1:81/k").unwrap().port, 81);
    }

    mod fetched {
        use super::super::*;
        use crate::auth::verify::tests::{SigningKey, jwks, settings};
        use crate::auth::{AuthError, Keys, Verifier};
        use std::sync::Mutex;
        use tokio::io::{AsyncReadExt, AsyncWriteExt};

        /// An identity provider's JWKS endpoint on the loopback interface,
        /// answering `status` with `document`, both changeable.
        #[derive(Clone)]
        struct Provider {
            answer: Arc<Mutex<(u16, String)>>,
            url: JwksUrl,
        }

        impl Provider {
            async fn start(document: String) -> Self {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let url = JwksUrl::parse(&format!(
                    "http://{}/jwks.json",
                    listener.local_addr().unwrap()
                ))
                .unwrap();
                let answer = Arc::new(Mutex::new((200, document)));
                let serving = answer.clone();
                tokio::spawn(async move {
                    while let Ok((mut socket, _)) = listener.accept().await {
                        let (status, body) = serving.lock().unwrap().clone();
                        tokio::spawn(async move {
                            let mut request = Vec::new();
                            let mut buf = [0u8; 1024];
                            while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                                match socket.read(&mut buf).await {
                                    Ok(0) | Err(_) => return,
                                    Ok(n) => request.extend_from_slice(&buf[..n]),
                                }
                            }
                            let reply = format!(
                                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n\
                                 Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
                                body.len()
                            );
                            let _ = socket.write_all(reply.as_bytes()).await;
                        });
                    }
                });
                Self { answer, url }
            }

            fn serve(&self, status: u16, document: String) {
                *self.answer.lock().unwrap() = (status, document);
            }
        }

        #[tokio::test]
        async fn r_conf_1_keys_from_a_jwks_url_verify_tokens_and_follow_a_rotation() {
            let old = SigningKey::generate("2026-10");
            let new = SigningKey::generate("2026-11");
            let provider = Provider::start(jwks(&[&old])).await;
            let keys = RemoteKeys::new(provider.url.clone(), Duration::from_secs(1));
            assert_eq!(keys.fetch().await.unwrap(), 1);
            let verifier = Verifier::new(settings(Keys::Remote(keys.clone())));
            assert!(verifier.verify(&old.token("h", &["handler"])).is_ok());

            // The provider rotates: the new key replaces the old one.
            provider.serve(200, jwks(&[&new]));
            assert_eq!(
                verifier.verify(&new.token("h", &["handler"])).unwrap_err(),
                AuthError::UnknownKey,
                "not known until refreshed"
            );
            let stop = CancellationToken::new();
            tokio::spawn(keys.clone().keep_fresh(stop.clone()));
            let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
            while verifier.verify(&new.token("h", &["handler"])).is_err() {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the new key is fetched"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            assert_eq!(
                verifier.verify(&old.token("h", &["handler"])).unwrap_err(),
                AuthError::UnknownKey,
                "the retired key no longer verifies"
            );
            stop.cancel();
        }

        #[tokio::test]
        async fn a_failed_or_empty_refresh_keeps_the_keys_fetched_before() {
            let key = SigningKey::generate("k1");
            let provider = Provider::start(jwks(&[&key])).await;
            let keys = RemoteKeys::new(provider.url.clone(), Duration::from_secs(60));
            keys.fetch().await.unwrap();

            provider.serve(503, "unavailable".into());
            assert!(matches!(
                keys.fetch().await,
                Err(FetchError::Status(_, 503))
            ));
            provider.serve(200, r#"{"keys":[]}"#.into());
            assert!(matches!(keys.fetch().await, Err(FetchError::NoKeys(_))));
            provider.serve(200, "<html>".into());
            assert!(matches!(keys.fetch().await, Err(FetchError::NotJwks(..))));

            let verifier = Verifier::new(settings(Keys::Remote(keys)));
            assert!(verifier.verify(&key.token("h", &["handler"])).is_ok());
        }

        /// The refresher runs as the supervised loop `jwks-refresh`, as
        /// [`crate::Runtime`] starts it: killed, it is started again and
        /// still follows a rotation.
        #[tokio::test]
        async fn a_killed_jwks_refresher_comes_back_and_still_follows_a_rotation() {
            let old = SigningKey::generate("2027-01");
            let new = SigningKey::generate("2027-02");
            let provider = Provider::start(jwks(&[&old])).await;
            let keys = RemoteKeys::new(provider.url.clone(), Duration::from_secs(1));
            keys.fetch().await.unwrap();
            let verifier = Verifier::new(settings(Keys::Remote(keys.clone())));

            let stop = CancellationToken::new();
            let faults = crate::Faults::default();
            let loops = crate::supervise::Supervisor::new(stop.clone(), faults.clone());
            let refresher = keys.clone();
            let task = tokio::spawn(loops.supervise("jwks-refresh", move |stop| {
                refresher.clone().keep_fresh(stop)
            }));
            faults.fail_once("jwks-refresh");
            let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
            while faults.restarts("jwks-refresh") == 0 {
                assert!(tokio::time::Instant::now() < deadline, "restarted");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }

            provider.serve(200, jwks(&[&new]));
            while verifier.verify(&new.token("h", &["handler"])).is_err() {
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "the new key is fetched"
                );
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            stop.cancel();
            task.await.unwrap();
        }
    }
}
