//! Intake's pure core: a submission's state, the commands staff and
//! channels give, and the events they lead to. No I/O: `decide` and
//! `evolve` are plain functions, so every rule is cheap to test.

mod decide;
mod event;
mod policy;
mod state;
mod types;

pub use decide::{Command, Context, Refusal, decide};
pub use decide::{date, naive, timestamp};
pub use event::Event;
pub use event::{DecodeError, PRIVATE_EVENT_TYPES};
pub use policy::{Policy, Redirect};
pub use state::{Consent, Submission, evolve};
pub use types::{
    EmailAddress, OutsideProcedure, SubmissionRef, Text, ValidAttachment, ValidSubmission,
};
