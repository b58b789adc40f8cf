//! Events between services over NATS JetStream.
//!
//! - [`Relay`] publishes every event a service commits to its log, in commit
//!   order, at least once: it follows the log by position and saves its
//!   position only after JetStream acknowledged, so a process that dies
//!   between commit and publish publishes on restart.
//! - The JetStream message id is the event id, so a republished event inside
//!   the duplicate window is dropped by the server.
//! - [`Consumer`]s keep their position in the stream in the service's own
//!   schema, written in the transaction that applied the events (a batch
//!   at a time), and record each applied event in the service's inbox, so
//!   an event applied once is never applied again and order holds across
//!   replicas and restarts.
//! - Stream and consumer set-up is idempotent and happens at start-up.
#![forbid(unsafe_code)]

mod connection;
mod consumer;
mod envelope;
mod erase;
pub use erase::ORIGINAL_MESSAGE_ID;
mod error;
mod headers;
mod relay;
#[cfg(feature = "testing")]
pub mod testing;

pub use connection::{Bus, BusAuth, BusSettings, Namespace};
pub use consumer::{Consumer, ConsumerSettings, ConsumerStats, Handler, HandlerError};
pub use envelope::{decode_payload, envelope_of};
pub use error::Error;
pub use relay::{CHECKPOINT as RELAY_CHECKPOINT, Relay, RelaySettings};
