//! The three-stage complaints procedure, one event stream per complaint (sections 3, 4, 5 and 7).
//!
//! Today the service starts as a plain process: it migrates its schema,
//! serves gRPC health and reflection, relays its event log to the bus and
//! shuts down gracefully. Its domain behaviour comes in later issues.
#![forbid(unsafe_code)]

pub mod domain;
pub mod qualifications;

use platform::{Error, Runtime, Service, Settings};
use std::future::Future;
use std::net::SocketAddr;

/// The complaints service, started and ready to serve.
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
    const NAME: &'static str = "complaints";
    const DEFAULT_PORT: u16 = 50052;

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
