//! Every step of the procedure as a form.

use super::Shared;
use axum::Router;

pub fn routes() -> Router<Shared> {
    Router::new()
}
