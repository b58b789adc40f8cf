//! Driving Debian's Chromium through chromedriver, and the OpenID provider the browser tests sign in with.
//!
//! The provider is `tests/web-tools/oidc-provider.mjs`: the certified
//! `oidc-provider` library under Node.js, so sign-in is the real protocol
//! (authorization code with PKCE, resource indicators, RS256 access tokens
//! checked by the services against its JWKS), not a stand-in. Chromium is
//! headless, one per test, reused across the pages the test visits, since
//! each start costs seconds. Accessibility is checked with axe-core, run in
//! the page itself.
//!
//! Nothing here skips quietly: when Chromium, ChromeDriver, Node.js or
//! `tests/web-tools/node_modules` are missing, the test fails saying to run
//! `make deps`.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use std::fmt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::process::{Child, Command};

/// Where Debian's packages put the browser and its driver.
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The one password every account of the provider's staff directory signs in with.
pub const STAFF_PASSWORD: &str = "correct horse battery staple";

/// The services' audience in the browser tests. A resource indicator
/// (RFC 8707) is an absolute URI, and the console asks for the audience as
/// its resource, so the audience is one.
pub const AUDIENCE: &str = "urn:complaints";

/// The window a test's browser opens with (CSS pixels).
pub const WINDOW: (u32, u32) = (1280, 900);

/// What to do when a tool is missing: the same sentence everywhere.
const RUN_MAKE_DEPS: &str = "run `make deps` (deploy/local/browser-deps.sh installs Chromium, ChromeDriver, Node.js and tests/web-tools/node_modules)";

/// `tests/web-tools`: the provider script and its node_modules.
pub fn web_tools() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("web-tools")
}

fn require_file(path: &Path, what: &str) {
    assert!(
        path.exists(),
        "{what} is missing ({}): {RUN_MAKE_DEPS}",
        path.display()
    );
}

/// A plain HTTP/1 client for the provider (loopback only).
fn http() -> HttpClient<HttpConnector, Full<Bytes>> {
    HttpClient::builder(TokioExecutor::new()).build_http()
}

/// Status and body of one request.
async fn exchange(request: http::Request<Full<Bytes>>) -> Result<(u16, Vec<u8>), String> {
    let response = http()
        .request(request)
        .await
        .map_err(|e| format!("{e:?}"))?;
    let status = response.status().as_u16();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes()
        .to_vec();
    Ok((status, body))
}

async fn get_json(url: &str) -> Result<Value, String> {
    let request = http::Request::get(url)
        .body(Full::new(Bytes::new()))
        .map_err(|e| e.to_string())?;
    let (status, body) = exchange(request).await?;
    if status != 200 {
        return Err(format!("{url} answered HTTP {status}"));
    }
    serde_json::from_slice(&body).map_err(|e| format!("{url}: not JSON: {e}"))
}

fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// A proof key for code exchange (RFC 7636, S256).
#[derive(Debug, Clone)]
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Self {
        let verifier = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
        Self {
            challenge: URL_SAFE_NO_PAD.encode(digest.as_ref()),
            verifier,
        }
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

/// The tokens of one sign-in.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// The RS256 JWT the services accept.
    pub access_token: String,
    pub id_token: String,
}

impl Tokens {
    /// The access token's claims, decoded without checking (the services check).
    pub fn access_claims(&self) -> Value {
        claims_of(&self.access_token)
    }

    pub fn id_claims(&self) -> Value {
        claims_of(&self.id_token)
    }
}

/// The payload of a compact JWT, for assertions.
pub fn claims_of(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).unwrap_or_default();
    URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null)
}

/// How to start the provider: [`ProviderOptions::new`] has the defaults.
#[derive(Debug, Clone)]
pub struct ProviderOptions {
    pub audience: String,
    pub redirect_uris: Vec<String>,
    pub post_logout_redirect_uris: Vec<String>,
    pub access_token_ttl_seconds: u64,
    pub id_token_ttl_seconds: u64,
    pub session_ttl_seconds: u64,
}

impl ProviderOptions {
    pub fn new(audience: &str, redirect_uri: &str) -> Self {
        Self {
            audience: audience.to_owned(),
            redirect_uris: vec![redirect_uri.to_owned()],
            post_logout_redirect_uris: Vec::new(),
            access_token_ttl_seconds: 600,
            id_token_ttl_seconds: 600,
            session_ttl_seconds: 3600,
        }
    }
}

/// The OpenID provider as a child process; killed when dropped.
pub struct OidcProvider {
    /// `http://127.0.0.1:<port>`: `AUTH_ISSUER` for the services.
    pub issuer: String,
    /// `AUTH_JWKS_URL` for the services.
    pub jwks_url: String,
    pub authorization_endpoint: String,
    pub token_endpoint: String,
    pub end_session_endpoint: String,
    /// The console's client: `console`, a confidential client.
    pub client_id: String,
    pub client_secret: String,
    /// The member portal's client (client credentials, role `portal`).
    pub portal_secret: String,
    /// `AUTH_AUDIENCE` for the services, and the resource the console asks for.
    pub audience: String,
    _child: Child,
}

impl fmt::Debug for OidcProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcProvider")
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish_non_exhaustive()
    }
}

impl OidcProvider {
    /// Starts the provider with the console as its client, redirecting to
    /// `redirect_uri`, issuing access tokens for `audience`.
    pub async fn start(audience: &str, redirect_uri: &str) -> Self {
        Self::start_with(ProviderOptions::new(audience, redirect_uri)).await
    }

    pub async fn start_with(options: ProviderOptions) -> Self {
        let tools = web_tools();
        require_file(
            &tools.join("node_modules/oidc-provider/package.json"),
            "tests/web-tools/node_modules (oidc-provider)",
        );
        let client_secret = format!("console-secret-{}", uuid::Uuid::new_v4().simple());
        let portal_secret = format!("portal-secret-{}", uuid::Uuid::new_v4().simple());
        let mut child = Command::new("node")
            .arg(tools.join("oidc-provider.mjs"))
            .arg("0")
            .current_dir(&tools)
            .env("OIDC_CLIENT_ID", "console")
            .env("OIDC_CLIENT_SECRET", &client_secret)
            .env("OIDC_PORTAL_SECRET", &portal_secret)
            .env("OIDC_REDIRECT_URIS", options.redirect_uris.join(" "))
            .env(
                "OIDC_POST_LOGOUT_REDIRECT_URIS",
                options.post_logout_redirect_uris.join(" "),
            )
            .env("OIDC_AUDIENCE", &options.audience)
            .env(
                "OIDC_ACCESS_TOKEN_TTL",
                options.access_token_ttl_seconds.to_string(),
            )
            .env(
                "OIDC_ID_TOKEN_TTL",
                options.id_token_ttl_seconds.to_string(),
            )
            .env("OIDC_SESSION_TTL", options.session_ttl_seconds.to_string())
            .env("OIDC_PASSWORD", STAFF_PASSWORD)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("starting `node` failed ({e}): {RUN_MAKE_DEPS}"));
        // Its complaints go to the test's output, less the two warnings it
        // always prints (a runtime older than it prefers, the in-memory store).
        if let Some(stderr) = child.stderr.take() {
            tokio::spawn(async move {
                let mut lines = BufReader::new(stderr).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if !line.starts_with("oidc-provider WARNING") {
                        eprintln!("[oidc-provider] {line}");
                    }
                }
            });
        }
        let stdout = child.stdout.take().expect("stdout is piped");
        let mut lines = BufReader::new(stdout).lines();
        let issuer = tokio::time::timeout(Duration::from_secs(120), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(issuer) = line.strip_prefix("issuer ") {
                    return issuer.trim().to_owned();
                }
            }
            panic!("the OpenID provider exited before serving (its errors are above)");
        })
        .await
        .unwrap_or_else(|_| panic!("the OpenID provider did not start within 120 s"));
        let discovery_url = format!("{issuer}/.well-known/openid-configuration");
        let mut discovery = Err(String::new());
        for _ in 0..100 {
            discovery = get_json(&discovery_url).await;
            if discovery.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let discovery = discovery
            .unwrap_or_else(|e| panic!("the OpenID provider's discovery did not answer: {e}"));
        let field = |name: &str| {
            discovery[name]
                .as_str()
                .unwrap_or_else(|| panic!("discovery names no {name}: {discovery}"))
                .to_owned()
        };
        Self {
            jwks_url: field("jwks_uri"),
            authorization_endpoint: field("authorization_endpoint"),
            token_endpoint: field("token_endpoint"),
            end_session_endpoint: field("end_session_endpoint"),
            issuer,
            client_id: "console".into(),
            client_secret,
            portal_secret,
            audience: options.audience,
            _child: child,
        }
    }

    /// The settings that make a service verify tokens against this
    /// provider, for `Stack::spawn_with` or a service's environment. The
    /// development secret is emptied: a service takes one key source only.
    pub fn service_settings(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AUTH_JWKS_URL", self.jwks_url.clone()),
            ("AUTH_ISSUER", self.issuer.clone()),
            ("AUTH_AUDIENCE", self.audience.clone()),
            ("AUTH_DEV_SECRET", String::new()),
        ]
    }

    /// The authorization request the console's client makes: code flow,
    /// PKCE, the audience as the resource. `prompt=login` asks for the
    /// login form even when the browser is signed in already, so one
    /// browser can sign in as several people in turn.
    pub fn authorization_url(&self, redirect_uri: &str, state: &str, pkce: &Pkce) -> String {
        format!(
            "{}?{}",
            self.authorization_endpoint,
            form(&[
                ("client_id", &self.client_id),
                ("response_type", "code"),
                ("scope", "openid profile"),
                ("redirect_uri", redirect_uri),
                ("state", state),
                ("nonce", state),
                ("code_challenge", &pkce.challenge),
                ("code_challenge_method", "S256"),
                ("resource", &self.audience),
                ("prompt", "login"),
            ])
        )
    }

    async fn token_request(&self, client_id: &str, secret: &str, body: String) -> Value {
        let basic = STANDARD.encode(format!("{client_id}:{secret}"));
        let request = http::Request::post(&self.token_endpoint)
            .header("authorization", format!("Basic {basic}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(body)))
            .expect("a valid request");
        let (status, body) = exchange(request)
            .await
            .unwrap_or_else(|e| panic!("the token endpoint did not answer: {e}"));
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        assert_eq!(
            status,
            200,
            "the token endpoint refused: {}",
            String::from_utf8_lossy(&body)
        );
        json
    }

    /// The console's side of the code exchange (client secret, PKCE verifier).
    pub async fn exchange_code(&self, code: &str, redirect_uri: &str, pkce: &Pkce) -> Tokens {
        let json = self
            .token_request(
                &self.client_id,
                &self.client_secret,
                form(&[
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("redirect_uri", redirect_uri),
                    ("code_verifier", &pkce.verifier),
                ]),
            )
            .await;
        Tokens {
            access_token: json["access_token"].as_str().unwrap_or_default().to_owned(),
            id_token: json["id_token"].as_str().unwrap_or_default().to_owned(),
        }
    }

    /// An access token of the member portal (role `portal`, subject
    /// `portal`), by the client credentials grant: how complaints reach
    /// intake as they do from the website's form.
    pub async fn portal_token(&self) -> String {
        let json = self
            .token_request(
                "portal",
                &self.portal_secret,
                form(&[
                    ("grant_type", "client_credentials"),
                    ("resource", &self.audience),
                ]),
            )
            .await;
        json["access_token"].as_str().unwrap_or_default().to_owned()
    }

    /// Signs `user` in through the provider's login form in `browser`, as
    /// a client redirecting to `redirect_uri` (which must answer, such as
    /// a [`RedirectTarget`]), and exchanges the code for tokens.
    pub async fn sign_in(&self, browser: &Browser, user: &str, redirect_uri: &str) -> Tokens {
        let pkce = Pkce::new();
        let state = uuid::Uuid::new_v4().simple().to_string();
        browser
            .goto(&self.authorization_url(redirect_uri, &state, &pkce))
            .await;
        browser.fill_login_form(user).await;
        let url = browser
            .wait_for_url_starting(redirect_uri, Duration::from_secs(15))
            .await;
        let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let value = |name: &str| {
            query
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("the redirect to {url} carries no {name}"))
        };
        assert_eq!(value("state"), state, "the state came back unchanged");
        assert_eq!(value("iss"), self.issuer, "RFC 9207: the issuer is named");
        self.exchange_code(&value("code"), redirect_uri, &pkce)
            .await
    }
}

/// A page that answers every request with a small signed-in page: where a
/// client's redirect lands when a test plays the client itself.
#[derive(Debug)]
pub struct RedirectTarget {
    /// `http://127.0.0.1:<port>/callback`.
    pub uri: String,
    task: tokio::task::JoinHandle<()>,
}

impl RedirectTarget {
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("binding a loopback port");
        let port = listener.local_addr().expect("a bound address").port();
        let task = tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut head = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buf[..n]),
                        }
                    }
                    let body = "<!doctype html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Signed in</title></head><body><main><h1>Signed in</h1></main></body></html>";
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Self {
            uri: format!("http://127.0.0.1:{port}/callback"),
            task,
        }
    }
}

impl Drop for RedirectTarget {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Headless Chromium under chromedriver, one WebDriver session; the
/// driver and the browser are killed when dropped.
pub struct Browser {
    pub client: Client,
    driver_url: String,
    driver: std::process::Child,
    /// The browser's profile, removed on drop.
    profile: PathBuf,
    window: (u32, u32),
}

impl fmt::Debug for Browser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Browser")
            .field("driver_url", &self.driver_url)
            .finish_non_exhaustive()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Browser {
    /// Chromium with a [`WINDOW`]-sized window.
    pub async fn start() -> Self {
        Self::start_sized(WINDOW.0, WINDOW.1).await
    }

    pub async fn start_sized(width: u32, height: u32) -> Self {
        require_file(Path::new(CHROMIUM), "Chromium");
        require_file(Path::new(CHROMEDRIVER), "ChromeDriver");
        let port = free_port();
        // Its own process group, so that dropping the browser ends
        // chromedriver and every Chromium process it started together.
        let driver = std::process::Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("starting {CHROMEDRIVER} failed ({e}): {RUN_MAKE_DEPS}"));
        let driver_url = format!("http://127.0.0.1:{port}");
        let profile = std::env::temp_dir().join(format!(
            "complaints-browser-{}",
            uuid::Uuid::new_v4().simple()
        ));
        let mut browser = Self {
            client: Self::connect(&driver_url, &profile, width, height).await,
            driver_url,
            driver,
            profile,
            window: (width, height),
        };
        browser.window = (width, height);
        browser
    }

    async fn connect(driver_url: &str, profile: &Path, width: u32, height: u32) -> Client {
        let status_url = format!("{driver_url}/status");
        let mut ready = false;
        for _ in 0..200 {
            if get_json(&status_url)
                .await
                .is_ok_and(|s| s["value"]["ready"] == json!(true))
            {
                ready = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert!(ready, "chromedriver did not get ready within 10 s");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-dev-shm-usage",
                    "--disable-gpu",
                    "--no-first-run",
                    "--no-default-browser-check",
                    "--disable-extensions",
                    "--lang=en-GB",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                ],
            }),
        );
        // What the page says on its console (CSP refusals among it), for
        // failure messages.
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        ClientBuilder::new(HttpConnector::new())
            .capabilities(capabilities)
            .connect(driver_url)
            .await
            .unwrap_or_else(|e| panic!("Chromium did not start under chromedriver: {e}"))
    }

    /// Opens `url`.
    pub async fn goto(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    pub async fn current_url(&self) -> url::Url {
        self.client
            .current_url()
            .await
            .unwrap_or_else(|e| panic!("reading the browser's URL: {e}"))
    }

    /// Waits until the browser is at a URL starting with `prefix`.
    pub async fn wait_for_url_starting(&self, prefix: &str, within: Duration) -> url::Url {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let url = self.current_url().await;
            if url.as_str().starts_with(prefix) {
                return url;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the browser did not reach {prefix} within {within:?}; it is at {url}, showing: {}\nits console said: {}",
                self.text().await,
                self.console_log().await.join("\n  ")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Waits until the browser shows a page whose path is `path` (any
    /// origin, any query).
    pub async fn wait_for_path(&self, path: &str, within: Duration) -> url::Url {
        self.wait_for_any_path(&[path], within).await
    }

    /// Waits until the browser shows a page whose path is one of `paths`.
    pub async fn wait_for_any_path(&self, paths: &[&str], within: Duration) -> url::Url {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let url = self.current_url().await;
            if paths.contains(&url.path()) {
                return url;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the browser did not reach {} within {within:?}; it is at {url}, showing: {}\nits console said: {}",
                paths.join(" or "),
                self.text().await,
                self.console_log().await.join("\n  ")
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The element `css` selects, waiting up to 10 s for it to appear.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self
            .client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
        {
            Ok(element) => element,
            Err(e) => panic!(
                "no element {css} on {} ({e}); the page shows: {}",
                self.current_url().await,
                self.text().await
            ),
        }
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Types into the field `css` selects.
    pub async fn type_into(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field
            .clear()
            .await
            .unwrap_or_else(|e| panic!("clearing {css}: {e}"));
        field
            .send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
    }

    pub async fn click(&self, css: &str) {
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("clicking {css}: {e}"));
    }

    /// Fills and sends the provider's login form (the browser must be on it).
    pub async fn fill_login_form(&self, user: &str) {
        self.type_into("#username", user).await;
        self.type_into("#password", STAFF_PASSWORD).await;
        self.click("form button[type=submit]").await;
    }

    /// Presses and releases `key` on whatever has the focus, as a person
    /// at the keyboard does.
    pub async fn press(&self, key: Key) {
        let value: char = key.into();
        let actions = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value })
            .then(KeyAction::Up { value });
        self.client
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("pressing a key: {e}"));
    }

    /// Types `text` with the keyboard into whatever has the focus.
    pub async fn type_keys(&self, text: &str) {
        let mut actions = KeyActions::new("keyboard".into());
        for value in text.chars() {
            actions = actions
                .then(KeyAction::Down { value })
                .then(KeyAction::Up { value });
        }
        self.client
            .perform_actions(actions)
            .await
            .unwrap_or_else(|e| panic!("typing: {e}"));
    }

    /// What has the focus, as `tag#id[name] "text"`, for messages.
    pub async fn focused(&self) -> String {
        let script = "const e = document.activeElement; if (!e) return '(nothing)'; \
            return e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + \
            (e.name ? '[name=' + e.name + ']' : '') + \
            ((e.innerText || e.value || '').trim() ? ' \"' + (e.innerText || e.value || '').trim().slice(0, 40) + '\"' : '');";
        self.script(script).await.as_str().unwrap_or("").to_owned()
    }

    /// Whether the focused element matches `css`.
    pub async fn focus_is(&self, css: &str) -> bool {
        self.client
            .execute(
                "return !!document.activeElement && document.activeElement.matches(arguments[0]);",
                vec![json!(css)],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false)
    }

    /// Presses Tab until the focus is on what `css` selects, at most
    /// `max` times; returns every stop on the way (the tab order), or
    /// panics naming them when it never gets there.
    pub async fn tab_to(&self, css: &str, max: usize) -> Vec<String> {
        let mut stops = Vec::new();
        for _ in 0..max {
            self.press(Key::Tab).await;
            stops.push(self.focused().await);
            if self.focus_is(css).await {
                return stops;
            }
        }
        panic!(
            "{max} presses of Tab did not reach {css} on {}; the focus went: {}",
            self.current_url().await,
            stops.join(" → ")
        );
    }

    /// Runs `script` in the page and returns what it returns.
    pub async fn script(&self, script: &str) -> Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("running a script in the page: {e}"))
    }

    /// What pages have written to the browser's console since last asked
    /// (errors such as a Content-Security-Policy refusal among them).
    pub async fn console_log(&self) -> Vec<String> {
        let Ok(Some(session)) = self.client.session_id().await else {
            return Vec::new();
        };
        let url = format!("{}/session/{session}/se/log", self.driver_url);
        let Ok(request) = http::Request::post(&url)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(r#"{"type":"browser"}"#)))
        else {
            return Vec::new();
        };
        let Ok((200, body)) = exchange(request).await else {
            return Vec::new();
        };
        let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        json["value"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|e| {
                        format!(
                            "{}: {}",
                            e["level"].as_str().unwrap_or("?"),
                            e["message"].as_str().unwrap_or("")
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Sends one Chrome DevTools Protocol command through chromedriver.
    pub async fn cdp(&self, method: &str, params: Value) -> Value {
        let session = self
            .client
            .session_id()
            .await
            .ok()
            .flatten()
            .expect("a WebDriver session");
        let url = format!("{}/session/{session}/goog/cdp/execute", self.driver_url);
        let body = json!({ "cmd": method, "params": params }).to_string();
        let request = http::Request::post(&url)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body)))
            .expect("a valid request");
        let (status, body) = exchange(request)
            .await
            .unwrap_or_else(|e| panic!("chromedriver did not answer {method}: {e}"));
        assert_eq!(status, 200, "{method}: {}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap_or(Value::Null)
    }

    /// Shows pages `width` CSS pixels wide (such as 320, WCAG 1.4.10's
    /// reflow width), at the window's height.
    pub async fn set_viewport_width(&self, width: u32) {
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": self.window.1, "deviceScaleFactor": 1, "mobile": false }),
        )
        .await;
    }

    /// Zooms to `percent` as the browser's zoom does: the window stays the
    /// same size in device pixels, and each CSS pixel takes `percent`/100
    /// of them, so the page has fewer CSS pixels to lay out in (400 % of a
    /// 1280 px window is 320 CSS pixels wide).
    pub async fn zoom(&self, percent: u32) {
        let percent = percent.max(1);
        self.cdp(
            "Emulation.setDeviceMetricsOverride",
            json!({
                "width": self.window.0 * 100 / percent,
                "height": self.window.1 * 100 / percent,
                "deviceScaleFactor": f64::from(percent) / 100.0,
                "mobile": false,
            }),
        )
        .await;
    }

    /// Back to the window's own size and scale.
    pub async fn reset_viewport(&self) {
        self.cdp("Emulation.clearDeviceMetricsOverride", json!({}))
            .await;
    }

    /// Whether the page scrolls sideways (WCAG 1.4.10 wants it not to at 320 px).
    pub async fn scrolls_sideways(&self) -> bool {
        self.script(
            "return document.documentElement.scrollWidth > document.documentElement.clientWidth + 1;",
        )
        .await
        .as_bool()
        .unwrap_or(false)
    }

    /// A PNG of what the browser shows (for looking at a failure).
    pub async fn screenshot(&self, path: &Path) {
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(path, png);
        }
    }

    /// Ends the session (Chromium quits), then the driver.
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The whole process group: chromedriver and the Chromium it started.
        let _ = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.driver.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// One axe-core rule a page breaks, with the elements that break it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Violation {
    pub id: String,
    #[serde(default)]
    pub impact: Option<String>,
    #[serde(default)]
    pub help: String,
    /// The CSS selectors of the offending elements.
    #[serde(default)]
    pub targets: Vec<String>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}): {} — at {}",
            self.id,
            self.impact.as_deref().unwrap_or("?"),
            self.help,
            self.targets.join(", ")
        )
    }
}

/// The WCAG 2.0, 2.1 and 2.2 level A and AA rules axe-core checks.
pub const WCAG_TAGS: [&str; 6] = [
    "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa",
];

/// Runs axe-core (tests/web-tools/node_modules/axe-core) in the page the
/// browser shows, with the WCAG A and AA rules, and returns what it finds.
pub async fn axe(client: &Client) -> Vec<Violation> {
    let path = web_tools().join("node_modules/axe-core/axe.min.js");
    require_file(&path, "tests/web-tools/node_modules (axe-core)");
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    // The script defines `window.axe`; a page load forgets it, so each
    // check brings it in again.
    client
        .execute(&format!("{source}\n;return true;"), Vec::new())
        .await
        .unwrap_or_else(|e| panic!("loading axe-core into the page: {e}"));
    let run = "const done = arguments[arguments.length - 1];
        axe.run(document, { runOnly: { type: 'tag', values: arguments[0] }, resultTypes: ['violations'] })
          .then(r => done(JSON.stringify(r.violations.map(v => ({
             id: v.id, impact: v.impact, help: v.help,
             targets: v.nodes.map(n => n.target.join(' ')) })))))
          .catch(e => done('error: ' + e));";
    let answer = client
        .execute_async(run, vec![json!(WCAG_TAGS)])
        .await
        .unwrap_or_else(|e| panic!("running axe-core: {e}"));
    let text = answer.as_str().unwrap_or_default();
    assert!(!text.starts_with("error:"), "axe-core failed: {text}");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("axe-core's answer {text}: {e}"))
}

/// Fails naming every violation axe-core finds on the page, with `page`
/// (what the test calls it) and its URL.
pub async fn assert_accessible(browser: &Browser, page: &str) {
    let violations = axe(&browser.client).await;
    if !violations.is_empty() {
        let list: Vec<String> = violations.iter().map(ToString::to_string).collect();
        panic!(
            "axe-core finds {} WCAG 2.2 A/AA violation(s) on {page} ({}):\n  {}",
            violations.len(),
            browser.current_url().await,
            list.join("\n  ")
        );
    }
}

/// Whether Debian's Chromium is installed (for messages, never to skip).
pub fn chromium_installed() -> bool {
    Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists()
}
