//! The auth layer in front of every handler: no token or a bad one is
//! UNAUTHENTICATED, a role the service's [`Policy`] does not allow is
//! PERMISSION_DENIED; both are recorded in the access audit (the
//! unauthenticated ones at most [`UNAUTHENTICATED_PER_MINUTE`] per peer
//! address a minute, then one summary entry, so a flood cannot fill the
//! table); either way the handler never runs, so nothing changes. Health
//! stays open.

use super::{Policy, Principal, Verifier, policy};
use eventlog::{Access, AccessOutcome, EventLog};
use futures::future::BoxFuture;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// How many unauthenticated calls from one peer address are recorded in a
/// minute; the next one records a summary, the rest of the minute nothing.
pub const UNAUTHENTICATED_PER_MINUTE: u32 = 10;
const WINDOW: Duration = Duration::from_secs(60);
/// Peers remembered at once; beyond this, windows already over are
/// forgotten first, then (under a spread flood) every window restarts.
const MAX_PEERS: usize = 10_000;

/// What to record for one unauthenticated call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    /// Record the call itself.
    Call,
    /// Record one entry saying the rest of the minute is not recorded.
    Summary,
    /// Record nothing.
    Nothing,
}

/// Unauthenticated calls recorded per peer address and minute.
#[derive(Debug, Default)]
pub struct RefusalBudget {
    windows: Mutex<HashMap<Option<IpAddr>, (Instant, u32)>>,
}

impl RefusalBudget {
    /// What to record for a call from `peer` at `now`.
    pub fn take(&self, peer: Option<IpAddr>, now: Instant) -> Recording {
        let Ok(mut windows) = self.windows.lock() else {
            return Recording::Nothing;
        };
        if windows.len() >= MAX_PEERS && !windows.contains_key(&peer) {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
            if windows.len() >= MAX_PEERS {
                windows.clear();
            }
        }
        let (start, count) = windows.entry(peer).or_insert((now, 0));
        if now.duration_since(*start) >= WINDOW {
            *start = now;
            *count = 0;
        }
        *count = count.saturating_add(1);
        match *count {
            n if n <= UNAUTHENTICATED_PER_MINUTE => Recording::Call,
            n if n == UNAUTHENTICATED_PER_MINUTE + 1 => Recording::Summary,
            _ => Recording::Nothing,
        }
    }
}

/// Adds [`AuthService`] around the routes.
#[derive(Debug, Clone)]
pub struct AuthLayer {
    verifier: Arc<Verifier>,
    policy: Policy,
    /// The gRPC services this port serves ([`Policy::services`]), computed
    /// once here: the policy's tables never change while it runs, and
    /// [`Policy::serves`] would gather and sort them again on every call.
    served: Arc<HashSet<&'static str>>,
    log: EventLog,
    budget: Arc<RefusalBudget>,
}

impl AuthLayer {
    pub fn new(verifier: Arc<Verifier>, policy: Policy, log: EventLog) -> Self {
        Self {
            verifier,
            served: Arc::new(served(&policy)),
            policy,
            log,
            budget: Arc::default(),
        }
    }

    /// Whether `path` names a service this port serves, as
    /// [`Policy::serves`] answers, from the set computed once.
    fn serves(&self, path: &str) -> bool {
        policy::service_of(path).is_some_and(|service| self.served.contains(service))
    }
}

/// The set of the services `policy` serves.
fn served(policy: &Policy) -> HashSet<&'static str> {
    policy.services().into_iter().collect()
}

impl<S> tower::Layer<S> for AuthLayer {
    type Service = AuthService<S>;
    fn layer(&self, inner: S) -> Self::Service {
        AuthService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service made by [`AuthLayer`].
#[derive(Debug, Clone)]
pub struct AuthService<S> {
    inner: S,
    layer: AuthLayer,
}

/// The caller's address, over plaintext or over TLS on the service's own
/// port (`GRPC_TLS_*`, where tonic wraps the TCP connection's info).
fn peer_ip(extensions: &http::Extensions) -> Option<IpAddr> {
    use tonic::transport::server::{TcpConnectInfo, TlsConnectInfo};
    extensions
        .get::<TcpConnectInfo>()
        .or_else(|| {
            extensions
                .get::<TlsConnectInfo<TcpConnectInfo>>()
                .map(|tls| tls.get_ref())
        })
        .and_then(|info| info.remote_addr())
        .map(|addr| addr.ip())
}

/// A gRPC error answer, with no body.
fn refuse<B: Default>(status: &tonic::Status) -> http::Response<B> {
    status.clone().into_http()
}

impl<S, B, R> tower::Service<http::Request<B>> for AuthService<S>
where
    S: tower::Service<http::Request<B>, Response = http::Response<R>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
    B: Send + 'static,
    R: Default + Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<S::Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let path = request.uri().path().to_owned();
        if policy::is_open(&path) {
            return Box::pin(self.inner.call(request));
        }
        let header = request
            .headers()
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        let principal = match self.layer.verifier.verify_header(header) {
            Ok(p) => p,
            Err(e) => {
                tracing::info!(method = %path, reason = %e, "refused: not authenticated");
                let status = tonic::Status::unauthenticated(e.to_string());
                let peer = peer_ip(request.extensions());
                let recording = self.layer.budget.take(peer, Instant::now());
                let log = self.layer.log.clone();
                return Box::pin(async move {
                    record_unauthenticated(&log, peer, &path, recording).await;
                    Ok(refuse(&status))
                });
            }
        };
        if !self.layer.serves(&path) {
            let service = policy::service_of(&path).unwrap_or_default();
            let status =
                tonic::Status::unimplemented(format!("{service} is not served on this port"));
            return Box::pin(async move { Ok(refuse(&status)) });
        }
        let allowed = self.layer.policy.allowed(&path).unwrap_or(&[]);
        if !principal.has_any(allowed) {
            let log = self.layer.log.clone();
            return Box::pin(async move {
                let status = deny(&log, &principal, &path).await;
                Ok(refuse(&status))
            });
        }
        request.extensions_mut().insert(principal);
        Box::pin(self.inner.call(request))
    }
}

/// Records an unauthenticated call as refused, under the subject
/// `unauthenticated <peer address>` (there is no token to name anyone).
async fn record_unauthenticated(
    log: &EventLog,
    peer: Option<IpAddr>,
    path: &str,
    recording: Recording,
) {
    let peer = peer.map_or_else(|| "unknown peer".to_owned(), |ip| ip.to_string());
    let method = match recording {
        Recording::Call => path.to_owned(),
        Recording::Summary => format!(
            "{path} (and every further unauthenticated call from this peer this minute, \
             not recorded: more than {UNAUTHENTICATED_PER_MINUTE} a minute)"
        ),
        Recording::Nothing => return,
    };
    let access = Access {
        subject: format!("unauthenticated {peer}"),
        roles: String::new(),
        method,
        outcome: AccessOutcome::Denied,
        record: None,
        trace_id: telemetry::propagation::trace_id(&tracing::Span::current()),
    };
    if let Err(e) = log.record_access(&access).await {
        tracing::error!(error = %e, "could not record an unauthenticated call");
    }
}

/// Records a refused call and builds its answer.
async fn deny(log: &EventLog, principal: &Principal, path: &str) -> tonic::Status {
    let access = Access {
        subject: principal.subject.clone(),
        roles: principal.roles_label(),
        method: path.to_owned(),
        outcome: AccessOutcome::Denied,
        record: None,
        trace_id: telemetry::propagation::trace_id(&tracing::Span::current()),
    };
    tracing::info!(method = %path, subject = %principal.subject, "refused: role not allowed");
    if let Err(e) = log.record_access(&access).await {
        // The call is refused either way; an audit that cannot be written
        // is an operational fault for the logs, not a reason to serve.
        tracing::error!(error = %e, "could not record a refused call");
    }
    principal.denied(&format!("call {path}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Role;

    /// The set computed once answers as the policy does, for its own
    /// services, the shared ones, another service's API and odd paths.
    #[test]
    fn the_served_set_answers_as_the_policy_does() {
        const RULES: &[policy::Rule] = &[
            ("/complaints.v1.Intake/SubmitComplaint", &[Role::Portal]),
            ("/complaints.v1.Intake/GetSubmission", &[Role::Handler]),
        ];
        let policy = Policy { rules: RULES };
        let set = served(&policy);
        for path in [
            "/complaints.v1.Intake/SubmitComplaint",
            "/complaints.v1.Intake/Anything",
            "/complaints.v1.Complaints/GetComplaint",
            "/complaints.v1.AccessAudit/ListAccess",
            "/complaints.v1.Retention/PlaceHold",
            "/grpc.health.v1.Health/Check",
            "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo",
            "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
            "/",
            "",
            "no-slash",
            "/complaints.v1.Intake",
        ] {
            let from_set = policy::service_of(path).is_some_and(|service| set.contains(service));
            assert_eq!(from_set, policy.serves(path), "{path}");
        }
        assert!(set.contains("complaints.v1.Intake"));
        assert!(!set.contains("complaints.v1.Complaints"));
    }

    #[test]
    fn r_conf_1_unauthenticated_calls_are_recorded_up_to_the_budget_per_peer_then_one_summary() {
        let budget = RefusalBudget::default();
        let start = Instant::now();
        let flood: IpAddr = [203, 0, 113, 7].into();
        let other: IpAddr = [198, 51, 100, 1].into();
        let seen: Vec<Recording> = (0..50).map(|_| budget.take(Some(flood), start)).collect();
        assert!(
            seen[..UNAUTHENTICATED_PER_MINUTE as usize]
                .iter()
                .all(|r| *r == Recording::Call)
        );
        assert_eq!(
            seen[UNAUTHENTICATED_PER_MINUTE as usize],
            Recording::Summary
        );
        assert!(
            seen[UNAUTHENTICATED_PER_MINUTE as usize + 1..]
                .iter()
                .all(|r| *r == Recording::Nothing)
        );
        // Another peer has its own budget.
        assert_eq!(budget.take(Some(other), start), Recording::Call);
        // The next minute starts again.
        assert_eq!(budget.take(Some(flood), start + WINDOW), Recording::Call);
    }
}
