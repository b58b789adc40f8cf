//! What every service shares at its edges.
//!
//! - [`Settings`]: typed configuration read once from the environment (and
//!   optionally a file), checked at start; a bad value names its variable.
//! - [`grpc::serve`]: the one way a service serves gRPC, with health,
//!   reflection, trace context extraction and request limits added once.
//! - [`Runtime`]: connects the event log and the bus, runs the relay and
//!   the service's consumers, and shuts all of it down in order.
//! - [`auth`]: bearer tokens, roles, the per-RPC policy and the access
//!   audit, enforced in front of every handler.
//! - [`retention`]: legal holds and destruction of one complaint, served
//!   by every service with its own [`retention::RecordScope`].
//! - [`subject`]: subject access, everything a service holds about one
//!   person, served by every service with its own [`subject::SubjectScope`].
//! - [`limits`]: the bounds of page sizes, list lengths and periods a
//!   request may carry.
//! - [`metrics`]: Prometheus metrics on their own port (`METRICS_ADDR`).
//! - [`run`]: the whole life of a service process, for a thin `main.rs`.
//! - [`staff`]: the staff directory (`STAFF_DIRECTORY`), staff ids to names.
//! - [`supervise`]: every background loop is started again when it fails,
//!   and health is NOT_SERVING while one is down; [`Faults`] lets tests
//!   make loops fail.
#![forbid(unsafe_code)]

pub mod auth;
mod clock;
mod error;
mod faults;
pub mod grpc;
pub mod health;
pub mod limits;
pub mod metrics;
#[cfg(test)]
mod never_panics;
pub mod retention;
mod run;
mod runtime;
mod settings;
pub mod shutdown;
pub mod staff;
pub mod status;
pub mod subject;
pub mod supervise;
#[cfg(feature = "testing")]
pub mod testing;

pub use clock::{Clock, FixedClock, SystemClock};
pub use error::Error;
pub use faults::Faults;
pub use run::{Service, report, run};
pub use runtime::Runtime;
pub use settings::{Settings, SettingsError, Source};
