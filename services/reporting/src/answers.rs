//! The last few answers of the calls the committee's page makes
//! (`CommitteeReport`, `GetFigures`, `GetEqualityAnalysis`), so a page
//! viewed again costs a lookup instead of reading and folding every record
//! of the log (R-MON-3).
//!
//! An answer is kept under the request, the day it was computed for (the
//! report says when it was produced, and the backlog counts working days
//! to today) and the read model's generation
//! (`migrations/1005_read_model_generation.sql`), read before the records
//! are: every change to the records, the equality answers or the
//! compliments moves the generation on in its own transaction, so an
//! answer is only ever served while nothing it was computed from has
//! changed, and is byte for byte what computing it again would give. An
//! answer computed from rows newer than its generation is merely never
//! served again. Keeping an answer drops those of another generation or
//! day, which can never be served, so nothing computed before a rebuild or
//! a destruction stays in memory after the next view.

use crate::core::{Characteristic, Grouping, Period};
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use platform::metrics::{BoxFuture, Collector, Exposition};
use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

/// How many answers of one call are kept: a few periods and groupings
/// viewed in turn. Each is at most one report (a few hundred kilobytes).
pub const KEPT: usize = 4;

/// What an answer was computed from, besides its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    /// `read_model_generation.generation`, read before the records.
    pub generation: i64,
    /// The service's today.
    pub today: NaiveDate,
}

/// The last [`KEPT`] answers of one call, with how often it was asked
/// and found one.
#[derive(Debug)]
pub struct Recent<K, V> {
    /// The call's name for the metrics (a fixed word).
    pub method: &'static str,
    entries: Mutex<VecDeque<(Stamp, K, V)>>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl<K: PartialEq, V: Clone> Recent<K, V> {
    pub fn new(method: &'static str) -> Self {
        Self {
            method,
            entries: Mutex::new(VecDeque::with_capacity(KEPT)),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    fn entries(&self) -> MutexGuard<'_, VecDeque<(Stamp, K, V)>> {
        self.entries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The answer kept for `key` at `stamp`, counted as a hit or a miss.
    pub fn get(&self, stamp: Stamp, key: &K) -> Option<V> {
        let found = self
            .entries()
            .iter()
            .find(|(s, k, _)| *s == stamp && k == key)
            .map(|(_, _, v)| v.clone());
        let counter = if found.is_some() {
            &self.hits
        } else {
            &self.misses
        };
        counter.fetch_add(1, Ordering::Relaxed);
        found
    }

    /// Keeps `value` as the answer for `key` at `stamp`, dropping every
    /// answer of another stamp and, beyond [`KEPT`], the oldest.
    pub fn keep(&self, stamp: Stamp, key: K, value: V) {
        let mut entries = self.entries();
        entries.retain(|(s, k, _)| *s == stamp && *k != key);
        entries.push_back((stamp, key, value));
        while entries.len() > KEPT {
            entries.pop_front();
        }
    }

    /// How many answers are kept now.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// (hits, misses) since the process started.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }
}

/// The last answers of the calls the committee's page makes
/// (this module's [`Recent`] for each).
#[derive(Debug)]
pub struct Answers {
    pub committee_report: Recent<(Period, Grouping), pb::CommitteeReportResponse>,
    pub figures: Recent<(Period, Grouping), pb::Figures>,
    pub equality: Recent<(Characteristic, Period, u64), pb::EqualityAnalysis>,
}

impl Default for Answers {
    fn default() -> Self {
        Self {
            committee_report: Recent::new("CommitteeReport"),
            figures: Recent::new("GetFigures"),
            equality: Recent::new("GetEqualityAnalysis"),
        }
    }
}

impl Answers {
    /// (method, hits, misses) of each call, for the metrics.
    pub fn counts(&self) -> [(&'static str, u64, u64); 3] {
        let count = |method: &'static str, (hits, misses): (u64, u64)| (method, hits, misses);
        [
            count(self.committee_report.method, self.committee_report.counts()),
            count(self.figures.method, self.figures.counts()),
            count(self.equality.method, self.equality.counts()),
        ]
    }
}

/// `reporting_answers_kept_hits_total` and `reporting_answers_kept_misses_total`,
/// by method: how often a call of the committee's page found its answer
/// kept and how often it computed it. The label is the call's name.
#[derive(Debug, Clone)]
pub struct AnswerMetrics(pub Arc<Answers>);

impl Collector for AnswerMetrics {
    fn collect<'a>(&'a self, out: &'a mut Exposition) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            for (method, hits, misses) in self.0.counts() {
                out.counter(
                    "reporting_answers_kept_hits_total",
                    "calls of the committee's page answered from a kept answer (nothing it was computed from had changed)",
                    &[("method", method)],
                    hits as f64,
                );
                out.counter(
                    "reporting_answers_kept_misses_total",
                    "calls of the committee's page computed from the log (first asked, or the log or the day changed since)",
                    &[("method", method)],
                    misses as f64,
                );
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stamp(generation: i64, day: u32) -> Stamp {
        Stamp {
            generation,
            today: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
        }
    }

    #[test]
    fn an_answer_is_found_only_under_its_request_generation_and_day() {
        let recent = Recent::new("Test");
        recent.keep(stamp(7, 2), "march", 1);
        assert_eq!(recent.get(stamp(7, 2), &"march"), Some(1));
        assert_eq!(recent.get(stamp(7, 2), &"april"), None);
        assert_eq!(
            recent.get(stamp(8, 2), &"march"),
            None,
            "a newer generation"
        );
        assert_eq!(recent.get(stamp(7, 3), &"march"), None, "another day");
        assert_eq!(recent.counts(), (1, 3));
    }

    #[test]
    fn keeping_an_answer_of_a_new_generation_drops_every_older_one() {
        let recent = Recent::new("Test");
        recent.keep(stamp(1, 2), "march", 1);
        recent.keep(stamp(1, 2), "april", 2);
        assert_eq!(recent.len(), 2);
        recent.keep(stamp(2, 2), "march", 3);
        assert_eq!(recent.len(), 1);
        assert_eq!(recent.get(stamp(1, 2), &"april"), None);
        assert_eq!(recent.get(stamp(2, 2), &"march"), Some(3));
    }

    #[test]
    fn at_most_kept_answers_stay_and_the_oldest_goes_first() {
        let recent = Recent::new("Test");
        for n in 0..(KEPT as u32 + 2) {
            recent.keep(stamp(1, 2), n, n);
        }
        assert_eq!(recent.len(), KEPT);
        assert_eq!(recent.get(stamp(1, 2), &0), None);
        assert_eq!(recent.get(stamp(1, 2), &1), None);
        assert_eq!(
            recent.get(stamp(1, 2), &(KEPT as u32 + 1)),
            Some(KEPT as u32 + 1)
        );
        // The same request again replaces its answer rather than adding one.
        recent.keep(stamp(1, 2), KEPT as u32 + 1, 0);
        assert_eq!(recent.len(), KEPT);
        assert_eq!(recent.get(stamp(1, 2), &(KEPT as u32 + 1)), Some(0));
    }
}
