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
    #[error("binding PUBLIC_ADDR {0}: {1}")]
    PublicBind(SocketAddr, std::io::Error),
    #[error("a service URL is not usable: {0}")]
    Service(#[from] tonic::transport::Error),
}

/// A console bound to its listener, not yet serving.
#[derive(Debug)]
pub struct Application {
    listener: tokio::net::TcpListener,
    app: Arc<App>,
    /// The public forms' own listener and state, unless `PUBLIC_ADDR=off`.
    public: Option<(tokio::net::TcpListener, Arc<crate::public::PublicApp>)>,
}

impl Application {
    /// Binds the listener (port 0 picks a free one) and prepares the
    /// channels to the four services, which connect on first use.
    pub async fn build(settings: Settings) -> Result<Self, StartError> {
        let services = Services::new(&settings.services)?;
        let listener = tokio::net::TcpListener::bind(settings.addr)
            .await
            .map_err(|e| StartError::Bind(settings.addr, e))?;
        let public = match &settings.public {
            crate::public::PublicSettings::On(side) => {
                match tokio::net::TcpListener::bind(side.addr).await {
                    Ok(public_listener) => {
                        let public_app =
                            crate::public::PublicApp::new(side.clone(), services.clone());
                        Some((public_listener, Arc::new(public_app)))
                    }
                    Err(e) if side.addr_given => return Err(StartError::PublicBind(side.addr, e)),
                    Err(error) => {
                        tracing::warn!(addr = %side.addr, %error, "the default public address is taken: the public forms are off (set PUBLIC_ADDR)");
                        None
                    }
                }
            }
            crate::public::PublicSettings::Off => None,
        };
        Ok(Self {
            listener,
            app: Arc::new(App::new(settings, services)),
            public,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or_else(|_| self.app.settings.addr)
    }

    /// Where the public forms listen, unless they are off.
    pub fn public_addr(&self) -> Option<SocketAddr> {
        self.public
            .as_ref()
            .and_then(|(listener, _)| listener.local_addr().ok())
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
        if let Some((listener, public)) = self.public {
            let stop = stopping.clone();
            let router =
                crate::public::router(public).into_make_service_with_connect_info::<SocketAddr>();
            tokio::spawn(async move {
                let served = axum::serve(listener, router)
                    .with_graceful_shutdown(async move { stop.cancelled().await })
                    .await;
                if let Err(error) = served {
                    tracing::error!(%error, "the public listener stopped");
                }
            });
        }
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
