//! The staff console over HTTP against the four services.
