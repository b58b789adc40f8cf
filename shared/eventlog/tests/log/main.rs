//! The event log against a real PostgreSQL, one fresh schema per test.

mod access;
mod append;
mod append_only;
mod commit_order;
mod helpers;
mod retention_lists;
