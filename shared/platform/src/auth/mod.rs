//! Authentication and authorisation at the gRPC edge (R-CONF-1).
//!
//! - [`verify`]: bearer tokens checked against a JWKS (a file, or a URL
//!   kept fresh by [`RemoteKeys`]) or, for development, a shared secret;
//!   issuer, audience and expiry enforced.
//! - [`Role`] and [`Principal`]: who is calling and what they may reach.
//! - [`Policy`]: each service's table of RPCs and the roles allowed.
//! - [`layer`]: enforces both before any handler runs.
//! - [`audit`]: reads of personal data and refusals, recorded and listed.
//! - [`token`]: development tokens for `make up` and tests.

pub mod audit;
pub mod layer;
pub mod policy;
mod principal;
mod remote;
mod role;
pub mod token;
pub mod verify;

pub use audit::AccessAudit;
pub use complaints_proto::BearerToken;
pub use layer::AuthLayer;
pub use policy::{Policy, Rule, SUBJECT_ACCESS_EXPORT};
pub use principal::Principal;
pub use remote::{FetchError, JwksUrl, RemoteKeys};
pub use role::Role;
pub use token::DevToken;
pub use verify::{AuthError, AuthSettings, Keys, Verifier};
