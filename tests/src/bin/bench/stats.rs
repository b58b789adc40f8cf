//! Percentiles of latencies, by nearest rank, so a reported p99 is a
//! latency some submission actually had.

use std::time::Duration;

/// p50, p99 and the maximum of a set of latencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Latencies {
    pub count: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

impl Latencies {
    /// `None` for no samples: a percentile of nothing is not zero.
    pub fn of(samples: &[Duration]) -> Option<Self> {
        let mut sorted = samples.to_vec();
        sorted.sort_unstable();
        Some(Self {
            count: sorted.len(),
            p50: percentile(&sorted, 50.0)?,
            p99: percentile(&sorted, 99.0)?,
            max: *sorted.last()?,
        })
    }
}

/// The nearest-rank `p`th percentile of `sorted` (ascending).
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Milliseconds with one decimal, for the report.
pub fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn millis(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|v| Duration::from_millis(*v)).collect()
    }

    #[test]
    fn nearest_rank_picks_a_sample_that_exists() {
        let sorted = millis(&(1..=100).collect::<Vec<_>>());
        assert_eq!(percentile(&sorted, 50.0), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&sorted, 99.0), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&sorted, 100.0), Some(Duration::from_millis(100)));
    }

    #[test]
    fn one_sample_is_every_percentile_and_none_is_no_percentile() {
        assert_eq!(
            percentile(&millis(&[7]), 1.0),
            Some(Duration::from_millis(7))
        );
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(Latencies::of(&[]), None);
    }

    #[test]
    fn latencies_sort_their_samples_first() {
        let l = Latencies::of(&millis(&[30, 10, 20])).unwrap();
        assert_eq!(l.p50, Duration::from_millis(20));
        assert_eq!(l.max, Duration::from_millis(30));
        assert_eq!(l.count, 3);
    }
}
