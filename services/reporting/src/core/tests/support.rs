//! Builders shared by the tests.

use crate::core::{AnonymisedRecord, Channel, EqualityTable, Fact, apply};
use calendar::Calendar;
use chrono::NaiveDate;
use std::sync::OnceLock;

pub fn calendar() -> &'static Calendar {
    static CALENDAR: OnceLock<Calendar> = OnceLock::new();
    CALENDAR.get_or_init(Calendar::england_and_wales)
}

pub fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The record `facts` give, in order.
pub fn replay(pseudonym: &str, facts: &[Fact]) -> AnonymisedRecord {
    let mut record = AnonymisedRecord::new(pseudonym);
    for fact in facts {
        apply(&mut record, fact);
    }
    record
}

pub fn submitted(on: NaiveDate, channel: Channel, category: &str, customer: &str) -> Fact {
    Fact::Submitted {
        received_on: on,
        channel,
        query_category: category.into(),
        customer_type: customer.into(),
        third_party: false,
    }
}

pub fn opened(on: NaiveDate, channel: Channel, category: &str) -> Fact {
    Fact::Opened {
        received_on: on,
        channel,
        query_category: category.into(),
        regulated_qualification: false,
    }
}

/// The hidden cells a reader could work out from the published table
/// alone, as "group/column". The reader knows every shown cell and total,
/// that a listed group has at least one complaint, that other cells are at
/// least 0, and that upheld ≤ decided and escalated ≤ entered. A hidden
/// cell is recoverable when it is the only hidden one in a column whose
/// total is shown, or when the hidden cells' sum pins each to its lower
/// bound; a hidden rate is recoverable when the hidden numerators add up
/// to the hidden denominators (every hidden rate is then 100 %).
pub fn recoverable(table: &EqualityTable) -> Vec<String> {
    type Cell = fn(&crate::core::Cells) -> Option<u64>;
    let columns: [(&str, Cell, u64); 5] = [
        ("count", |c| c.count, 1),
        ("decided", |c| c.decided, 0),
        ("upheld", |c| c.upheld, 0),
        ("entered", |c| c.entered, 0),
        ("escalated", |c| c.escalated, 0),
    ];
    let hidden_sum = |cell: Cell| -> Option<u64> {
        let shown: u64 = table.rows.iter().filter_map(|r| cell(&r.cells)).sum();
        cell(&table.total).map(|t| t - shown)
    };
    let hidden: Vec<&str> = table
        .rows
        .iter()
        .filter(|r| r.suppressed)
        .map(|r| r.group.as_str())
        .collect();
    let k = hidden.len() as u64;
    let mut found = Vec::new();
    for (name, cell, lower) in columns {
        if let Some(sum) = hidden_sum(cell)
            && k > 0
            && (k == 1 || sum == k * lower)
        {
            found.extend(hidden.iter().map(|g| format!("{g}/{name}")));
        }
    }
    for (name, num, den) in [
        ("upheld rate", columns[2].1, columns[1].1),
        ("escalation rate", columns[4].1, columns[3].1),
    ] {
        if let (Some(n), Some(d)) = (hidden_sum(num), hidden_sum(den))
            && k > 0
            && d > 0
            && n == d
        {
            found.extend(hidden.iter().map(|g| format!("{g}/{name}")));
        }
    }
    found
}
