//! The intake service through its gRPC API, against a real PostgreSQL and
//! NATS, each test in its own schema and bus namespace.

mod access;
mod adjustments;
mod compliments;
mod helpers;
mod history;
mod hostile_edges;
mod idempotency;
mod monitoring;
mod retention;
mod submissions;
mod submitter;
mod triage;
mod validation;
