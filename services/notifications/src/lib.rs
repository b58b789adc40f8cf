//! The correspondence the procedure promises, delivered once and recorded.
//!
//! Today the service starts as a plain process: it migrates its schema,
//! serves gRPC health and reflection, relays its event log to the bus and
//! shuts down gracefully. Its domain behaviour comes in later issues.
#![forbid(unsafe_code)]

pub mod core;

use platform::{Error, Runtime, Service, Settings};
use std::future::Future;
use std::net::SocketAddr;

/// The notifications service, started and ready to serve.
#[derive(Debug)]
pub struct Application {
    runtime: Runtime,
}

impl Application {
    /// The address the gRPC server is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.runtime.local_addr()
    }
}

impl Service for Application {
    const NAME: &'static str = "notifications";
    const DEFAULT_PORT: u16 = 50053;

    async fn build(settings: Settings) -> Result<Self, Error> {
        let runtime = Runtime::start(settings, None, &[]).await?;
        Ok(Self { runtime })
    }

    async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        self.runtime.serve(Default::default(), shutdown).await
    }
}
