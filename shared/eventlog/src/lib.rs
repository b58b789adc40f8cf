//! The append-only event log each service keeps in its own PostgreSQL schema.
//!
//! A service's state is rebuilt from its log: every fact is an event in a
//! stream, and a stream holds exactly one aggregate (one submission, one
//! complaint...), so retention and destruction can act per stream.
//!
//! - [`EventLog::append`] writes with an expected version; a writer that loses
//!   a race gets [`Error::Conflict`], never an overwrite or a gap.
//! - [`EventLog::read_stream`] rebuilds one aggregate.
//! - [`EventLog::read_all_after`] feeds projections and the bus relay in
//!   position order, never skipping an event that commits late, and held
//!   back only by this log's own writers in flight.
//! - The database refuses UPDATE, DELETE and TRUNCATE on the events; only
//!   [`EventLog::destroy_stream`] removes them, and it leaves a record.
#![forbid(unsafe_code)]

mod access;
mod append;
mod checkpoint;
mod destroy;
mod error;
mod event;
mod inbox;
mod read;
pub mod retention;
mod schema;
#[cfg(feature = "testing")]
pub mod testing;

pub use access::{Access, AccessEntry, AccessOutcome};
pub use append::append_in;
pub use checkpoint::save_checkpoint_in;
pub use error::{Error, ResultExt};
pub use event::{Actor, ExpectedVersion, Metadata, NewEvent, Position, RecordedEvent, StreamId};
pub use inbox::{lock_position, mark_processed, position, save_position};
pub use read::GAP_WAIT;
pub use retention::{Hold, HoldAction, HoldInPlace, Tombstone};
pub use schema::{DatabaseSettings, SchemaName};

use sqlx::PgPool;

/// One service's event log: a connection pool whose connections work in the
/// service's own schema.
#[derive(Debug, Clone)]
pub struct EventLog {
    pool: PgPool,
    schema: SchemaName,
}

impl EventLog {
    /// The pool, for the service's own read models kept in the same schema.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// The schema holding this log.
    pub fn schema(&self) -> &SchemaName {
        &self.schema
    }
}
