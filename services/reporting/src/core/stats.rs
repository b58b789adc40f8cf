//! Small statistics: rates kept as counts, and percentiles.

/// A rate kept as its two counts, so the committee sees "3 of 40" and not
/// only "7.5 %", and so rates can be added up across groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rate {
    pub numerator: u64,
    pub denominator: u64,
}

impl Rate {
    /// `None` when there is nothing to divide by.
    pub fn ratio(&self) -> Option<f64> {
        (self.denominator > 0).then(|| self.numerator as f64 / self.denominator as f64)
    }

    pub(super) fn count(&mut self, base: bool, hit: bool) {
        if base {
            self.denominator += 1;
            if hit {
                self.numerator += 1;
            }
        }
    }
}

/// How often a kind of deadline was met. Met late counts as missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Compliance {
    pub met: u64,
    pub missed: u64,
}

impl Compliance {
    /// met / (met + missed); `None` when no deadline of the kind ended.
    pub fn rate(&self) -> Option<f64> {
        Rate {
            numerator: self.met,
            denominator: self.met + self.missed,
        }
        .ratio()
    }
}

/// The `percentile`th percentile of `values` by the nearest-rank method:
/// sort ascending and take the value at rank ⌈p/100 × n⌉ (1-based, at least
/// 1). The answer is always one of the values, never an interpolation, so
/// "90 % of outcomes took at most N working days" is literally true. The
/// median is the 50th percentile, which for an even count is the lower of
/// the two middle values. `None` for no values.
pub fn nearest_rank(values: &[u32], percentile: u8) -> Option<u32> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    let p = usize::from(percentile.min(100));
    let rank = (p * n).div_ceil(100).clamp(1, n);
    sorted.get(rank - 1).copied()
}
