//! Working days in England and Wales.
#![forbid(unsafe_code)]
