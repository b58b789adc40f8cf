//! The Audit and Risk Committee's report (R-MON-3, R-MON-2, R-MON-4): one
//! self-contained HTML article with inline SVG charts, no script and no
//! external resource, every piece of text escaped, and a stylesheet for
//! screen and for print on A4 scoped to the article.
//!
//! - [`svg`]: the bar charts (viewBox, integer axes, titled axes, a text
//!   alternative), and the escaping the page shares.
//! - [`html`]: tables, sections, and the sentence that stands in for a
//!   chart with nothing to show.
//! - [`volumes`], [`outcomes`], [`deadlines`], [`remedies`], [`equality`]:
//!   the sections' parts.
//! - [`page`]: the summary and the document or fragment around them.
//! - [`build`]: the whole report from the log's records.
//!
//! Everything here is pure: it computes from the records the service read
//! and renders what the core computed.

pub mod build;
pub mod deadlines;
pub mod equality;
#[cfg(test)]
pub(crate) mod example;
pub mod html;
pub mod outcomes;
pub mod page;
pub mod remedies;
pub mod svg;
#[cfg(test)]
mod tests;
pub mod volumes;

pub use build::build;
pub use page::{Rendered, ReportInput, STYLESHEET, committee_report, render};

/// The chart titles, in the order the page shows them.
pub const CHART_TITLES: [&str; 11] = [
    volumes::TITLE,
    volumes::QUARTERS_TITLE,
    volumes::CATEGORY_TITLE,
    volumes::CHANNEL_TITLE,
    outcomes::TITLE,
    outcomes::CATEGORY_TITLE,
    deadlines::STAGE_TITLE,
    deadlines::TITLE,
    deadlines::CATEGORY_TITLE,
    remedies::TITLE,
    equality::TITLE,
];
