//! The pure core of the complaints procedure (sections 3, 4, 5 and 7 of the
//! Complaints Procedure; rules in `shared/PROCEDURE-RULES.md`).
//!
//! No I/O: [`decide`] turns a [`Command`] on a [`Complaint`] into the
//! [`Event`]s it yields or a [`Refusal`] citing the rule, and [`evolve`]
//! applies an event. The clock, the working-day calendar and the
//! configurable figures come in a [`Context`]. [`codec`] maps events to and
//! from their protobuf messages in `complaint_events.proto`.

pub mod codec;
pub mod command;
mod context;
mod decide;
pub mod event;
mod evolve;
mod policy;
mod refusal;
pub mod state;
pub mod types;

#[cfg(test)]
mod tests;

pub use command::Command;
pub use context::Context;
pub use decide::decide;
pub use event::Event;
pub use evolve::{evolve, replay};
pub use policy::Policy;
pub use refusal::{Refusal, RefusalKind};
pub use state::{ClosedHow, Complaint, Status};
