//! Domain values that cannot hold an invalid value: each is parsed once at
//! the edge and trusted everywhere after ("parse, don't validate").

mod adjustments;
mod ids;
mod invalid;
mod money;
mod qualification;
mod reference;
mod remedy;
mod text;
mod vocabulary;

pub use adjustments::Adjustments;
pub use ids::{ActionId, StaffId, SubmissionId, Team};
pub use invalid::InvalidValue;
pub use money::Money;
pub use qualification::Qualification;
pub use reference::ComplaintRef;
pub use remedy::{Compensation, Remedy};
pub use text::{Name, NonEmptyText};
pub use vocabulary::{
    ActionKind, Channel, ContactMethod, DeadlineKind, Decision, Grounds, LegalBasis, RemedyKind,
    Role, Stage,
};
