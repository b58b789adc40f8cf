//! The migrations are embedded by `sqlx::migrate!`, which stable Rust does
//! not re-run when only a migration file changes; this makes Cargo rebuild
//! the crate when one is added or edited, so no binary ships without it.
#![forbid(unsafe_code)]

fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
