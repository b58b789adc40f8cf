//! The signals that stop a service.

/// Completes on SIGTERM (what docker, Kubernetes and `make down` send) or
/// Ctrl-C. The SIGTERM handler is installed when this is called, not when
/// the future is first polled: a service calls it before it starts, so a
/// SIGTERM arriving while it starts, or just after it logs that it serves,
/// stops it gracefully instead of killing it.
pub fn signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let terminate = async move {
            match sigterm {
                Some(mut sigterm) => {
                    sigterm.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let terminate = std::future::pending::<()>();
        tokio::select! {
            _ = ctrl_c => {}
            _ = terminate => {}
        }
        tracing::info!("shutdown requested");
    }
}
