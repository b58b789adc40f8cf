//! The bus against a real NATS JetStream and PostgreSQL, with a fresh
//! namespace and schema per test.

mod consumer;
mod helpers;
mod ordering;
mod relay;
