//! The console process: built from its settings, bound to its listener,
//! run until a shutdown signal passed down explicitly.

use crate::services::Services;
use crate::settings::Settings;
use crate::web::{App, router};
use std::net::SocketAddr;
use std::sync::Arc;

/// Why the console could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("binding CONSOLE_ADDR {0}: {1}")]
    Bind(SocketAddr, std::io::Error),
    #[error("a service URL is not usable: {0}")]
    Service(#[from] tonic::transport::Error),
}

/// A console bound to its listener, not yet serving.
#[derive(Debug)]
pub struct Application {
    listener: tokio::net::TcpListener,
    app: Arc<App>,
}

impl Application {
    /// Binds the listener (port 0 picks a free one) and prepares the
    /// channels to the four services, which connect on first use.
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let services = Services::new(&settings.services)?;
        let listener = tokio::net::TcpListener::bind(settings.addr)
            .await
            .map_err(|e| StartError::Bind(settings.addr, e))?;
        Ok(Self {
            listener,
            app: Arc::new(App::new(settings, services)),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| self.app.settings.addr)
    }

    /// Serves until `shutdown` completes, then lets requests in flight
    /// finish (for at most `SHUTDOWN_GRACE_SECONDS`).
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let grace = self.app.settings.shutdown_grace;
        let stopping = tokio_util::sync::CancellationToken::new();
        let signal = stopping.clone();
        let served =
            axum::serve(self.listener, router(self.app)).with_graceful_shutdown(async move {
                shutdown.await;
                signal.cancel();
            });
        let served = tokio::spawn(async move { served.await });
        tokio::select! {
            result = served => result.map_err(std::io::Error::other)?,
            () = async {
                stopping.cancelled().await;
                tokio::time::sleep(grace).await;
            } => {
                tracing::warn!("requests still in flight after the shutdown grace; stopping");
                Ok(())
            }
        }
    }
}
