//! The pure core of notifications: which letters the procedure promises for
//! each event, who receives them and how, their text, and the life of each
//! delivery. No I/O happens here: no SMTP, no database, no files except
//! through a [`TemplateSource`] the shell passes in.
//!
//! The shell's loop, per incoming event:
//! 1. [`Party::apply`] the event to the complaint's party state;
//! 2. [`letters_for`] the event, given that state;
//! 3. [`route`] each letter (record what was [`Withheld`]);
//! 4. [`render`] it for each [`Recipient`];
//! 5. queue, send and record each notification through [`delivery::decide`].

pub mod adjustments;
pub mod delivery;
pub mod format;
pub mod letters;
pub mod party;
pub mod plan;
pub mod print;
pub mod render;
pub mod route;
pub mod templates;
pub mod vocabulary;
pub mod wire;

mod context;

#[cfg(test)]
mod tests;

pub use adjustments::Adjustments;
pub use delivery::{
    Delivery, DeliveryCommand, DeliveryEvent, NotificationId, Refusal, RetryPolicy, Status, decide,
    evolve, next_attempt_at, replay,
};
pub use letters::Letter;
pub use party::{Consent, Contact, Party};
pub use plan::{
    PlanContext, PlanError, PlanSettings, StaffDirectory, UNLISTED, given_up_alerts, letters_about,
    letters_for,
};
pub use render::{RenderError, Rendered, TemplateSource, render, template_file};
pub use route::{
    Channel, Recipient, RecipientKind, Route, Withheld, WithheldReason, recipients, route,
};
pub use templates::BuiltInTemplates;
pub use wire::WireError;
