//! The reporting service with intake and complaints in front of it, all
//! three in-process against a real PostgreSQL and NATS; each test on its
//! own bus namespace and three fresh schemas, on a fixed clock.

mod acceptance;
mod access;
mod compliments;
mod cost;
mod equality;
mod export;
mod figures;
mod helpers;
mod limits;
mod report;
mod retention;
mod store;
mod timeline;
