//! The auth layer in front of every handler: no token or a bad one is
//! UNAUTHENTICATED, a role the service's [`Policy`] does not allow is
//! PERMISSION_DENIED and recorded in the access audit; either way the
//! handler never runs, so nothing changes. Health stays open.

use super::{Policy, Principal, Verifier, policy};
use eventlog::{Access, AccessOutcome, EventLog};
use futures::future::BoxFuture;
use std::sync::Arc;
use std::task::{Context, Poll};

/// Adds [`AuthService`] around the routes.
#[derive(Debug, Clone)]
pub struct AuthLayer {
    verifier: Arc<Verifier>,
    policy: Policy,
    log: EventLog,
}

impl AuthLayer {
    pub fn new(verifier: Arc<Verifier>, policy: Policy, log: EventLog) -> Self {
        Self {
            verifier,
            policy,
            log,
        }
    }
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
                return Box::pin(async move { Ok(refuse(&status)) });
            }
        };
        if !self.layer.policy.serves(&path) {
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
