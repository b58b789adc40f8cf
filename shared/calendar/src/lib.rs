//! Working days in England and Wales.
//!
//! The Complaints Procedure sets its deadlines in working days ("Monday to
//! Friday, excluding the bank holidays of England and Wales") and its
//! escalation windows in calendar days. Bank holidays are data rather than
//! code, because they change by proclamation (VE Day 2020, the Platinum
//! Jubilee, a State Funeral, a Coronation) and operators must be able to
//! update them and add office closure days without a release.
//!
//! - [`Calendar`] answers which days are working days and does the deadline
//!   arithmetic ([`Calendar::add_working_days`],
//!   [`Calendar::working_days_between`]).
//! - [`uk_date`] turns an instant into the UK civil date the procedure's
//!   dates are written in; [`add_calendar_days`] is for the windows counted in
//!   plain days.
//! - [`WorkingDays`] is the count type, so a number of working days cannot be
//!   mistaken for calendar days.
//!
//! Dates outside the years the bank-holiday data covers are still computed,
//! treating only weekends as non-working days there; callers that care can
//! check [`Calendar::covered_years`].
//!
//! ```
//! use calendar::{Calendar, WorkingDays, add_calendar_days, uk_date};
//! use chrono::{DateTime, NaiveDate, Utc};
//!
//! let calendar = Calendar::england_and_wales();
//! // Submitted at 23:30 UTC on Thursday 21 May 2026: Friday 22 May in the UK.
//! let submitted: DateTime<Utc> = "2026-05-21T23:30:00Z".parse().unwrap();
//! let received = uk_date(submitted);
//! assert_eq!(received, NaiveDate::from_ymd_opt(2026, 5, 22).unwrap());
//! // First contact within 7 working days, skipping the Spring bank holiday
//! // on Monday 25 May.
//! let first_contact = calendar.add_working_days(received, WorkingDays::new(7));
//! assert_eq!(first_contact, NaiveDate::from_ymd_opt(2026, 6, 3).unwrap());
//! // Escalation within 14 calendar days of receiving an outcome.
//! assert_eq!(
//!     add_calendar_days(received, 14),
//!     NaiveDate::from_ymd_opt(2026, 6, 5).unwrap()
//! );
//! ```
#![forbid(unsafe_code)]

mod calendar;
mod days;
mod error;
mod parse;
mod uk_time;
mod working_days;

pub use calendar::{Calendar, ENGLAND_AND_WALES_BANK_HOLIDAYS};
pub use days::add_calendar_days;
pub use error::CalendarError;
pub use uk_time::uk_date;
pub use working_days::{ParseWorkingDaysError, WorkingDays};
