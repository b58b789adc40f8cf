//! The complaints service through its gRPC API, with intake in front of it,
//! against a real PostgreSQL and NATS; each test in its own schemas and bus
//! namespace, on a clock the test moves.

mod access;
mod allocation;
mod concurrency;
mod deadlines;
mod helpers;
mod history;
mod monitors;
mod opening;
mod overdue_actions;
mod platform_edges;
mod promises;
mod receipts;
mod retention;
mod rules;
mod stages;
mod submitter;
