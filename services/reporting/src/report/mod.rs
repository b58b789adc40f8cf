//! The Audit and Risk Committee's report as one self-contained HTML
//! document (R-MON-3): inline CSS (with a print stylesheet) and inline SVG
//! charts, no external resources, every piece of text escaped.
//!
//! - [`svg`]: a small SVG writer (escaping, bar charts) the charts share.
//! - [`volumes`], [`outcomes`], [`deadlines`], [`equality`]: one chart each.
//! - [`page`]: the document around them, with the headline figures table
//!   and the trend.
//!
//! Everything here is pure: it renders the figures the core computed.

pub mod deadlines;
pub mod equality;
#[cfg(test)]
mod example;
pub mod outcomes;
pub mod page;
pub mod svg;
pub mod volumes;

pub use page::{ReportInput, committee_report};

/// The chart titles, in the order the page shows them.
pub const CHART_TITLES: [&str; 4] = [
    volumes::TITLE,
    outcomes::TITLE,
    deadlines::TITLE,
    equality::TITLE,
];
