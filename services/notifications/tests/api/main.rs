//! The notifications service with intake and complaints in front of it, all
//! in-process against a real PostgreSQL and NATS and an SMTP sink; each
//! test on its own bus namespace and fresh schemas.

mod access;
mod correspondence;
mod delivery;
mod helpers;
mod hostile;
mod letters;
mod monitors;
mod print_queue;
mod printing;
mod promises;
mod receipt;
mod retention;
mod smtp;
mod staff_directory;
mod third_party;
