//! Small-group suppression for the equality tables (R-MON-4: "reported
//! only in aggregate ... with small groups suppressed so no one can be
//! identified").
//!
//! The method, applied to a table of groups with a total row:
//!
//! 1. **Primary.** A group with fewer than `threshold` complaints (5 by
//!    default) is hidden: every cell of its row (count, decided, upheld,
//!    entered, escalated), not just the count, so no rate leaks either.
//! 2. **Secondary.** If exactly one group is hidden, its cells would be the
//!    total minus the shown groups. So the smallest other group (by count,
//!    then by name) is hidden too. Because whole rows are hidden, this
//!    protects the numerators (upheld, escalated) the same way as the
//!    counts: every column then has none or at least two hidden cells.
//!    When there is no other group to hide, the totals are withheld.
//! 3. **Pinned sums.** Two hidden cells can still be pinned by their known
//!    sum (total minus shown): if it is 0, each hidden cell is 0; if the
//!    hidden counts sum to the number of hidden groups, each is 1 (a listed
//!    group has at least one complaint); if the hidden upheld cells add up
//!    to the hidden decided cells, every hidden upheld rate is 100 % (the
//!    same for escalated against entered). In those cases that column's
//!    total is withheld instead, so the sum is unknown.
//!
//! The reader is assumed to know every shown cell, every shown total and
//! the bounds above. Knowing the threshold narrows a hidden primary group
//! to 1..threshold-1, which the threshold allows anyway.

/// The true values of one group, before suppression.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Counts {
    pub count: u64,
    pub decided: u64,
    pub upheld: u64,
    pub entered: u64,
    pub escalated: u64,
}

/// Which totals must not be shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct Withheld {
    pub count: bool,
    pub decided: bool,
    pub upheld: bool,
    pub entered: bool,
    pub escalated: bool,
}

/// What to hide: rows (by position) and totals.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Plan {
    pub hidden: Vec<bool>,
    pub withheld: Withheld,
}

/// Decides what to hide in `rows`, whose order breaks ties.
pub(super) fn plan(rows: &[Counts], threshold: u64) -> Plan {
    let mut hidden: Vec<bool> = rows.iter().map(|r| r.count < threshold).collect();
    if hidden.iter().filter(|h| **h).count() == 1 {
        let smallest_shown = rows
            .iter()
            .enumerate()
            .filter(|(i, _)| !hidden[*i])
            .min_by_key(|(i, r)| (r.count, *i))
            .map(|(i, _)| i);
        if let Some(i) = smallest_shown {
            hidden[i] = true;
        }
    }
    let withheld = withheld(rows, &hidden);
    Plan { hidden, withheld }
}

fn withheld(rows: &[Counts], hidden: &[bool]) -> Withheld {
    let k = hidden.iter().filter(|h| **h).count() as u64;
    if k == 0 {
        return Withheld::default();
    }
    if k == 1 {
        return Withheld {
            count: true,
            decided: true,
            upheld: true,
            entered: true,
            escalated: true,
        };
    }
    let sum = |cell: fn(&Counts) -> u64| -> u64 {
        rows.iter()
            .zip(hidden)
            .filter(|(_, h)| **h)
            .map(|(r, _)| cell(r))
            .sum()
    };
    let (count, decided, upheld) = (sum(|r| r.count), sum(|r| r.decided), sum(|r| r.upheld));
    let (entered, escalated) = (sum(|r| r.entered), sum(|r| r.escalated));
    Withheld {
        count: count == k,
        decided: decided == 0,
        upheld: upheld == 0 || upheld == decided,
        entered: entered == 0,
        escalated: escalated == 0 || escalated == entered,
    }
}
