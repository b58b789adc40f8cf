//! The triage queue (R-INT-2, R-INT-4, R-INT-6).

use super::Shared;
use axum::Router;

pub fn routes() -> Router<Shared> {
    Router::new()
}
