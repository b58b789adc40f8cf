//! Tests of the reporting core, named after what they show; rule ids
//! (R-MON-1..4, R-POS-1...) are in the names or doc comments.

mod compliments;
mod decode;
mod equality;
mod figures;
mod period;
mod projection;
mod properties;
mod statistics;
mod support;
