use super::InvalidValue;
use std::fmt;
use std::num::NonZeroU64;

/// A positive sum of money in pence, for financial compensation (R-OUT-2).
/// Zero is not compensation, so it cannot be represented; the largest sum
/// is `i64::MAX` pence so that it fits the protobuf `Money`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Money(NonZeroU64);

impl Money {
    /// R-OUT-2: a compensation amount is more than zero.
    pub fn from_pence(pence: u64) -> Result<Self, InvalidValue> {
        if pence > i64::MAX as u64 {
            return Err(InvalidValue::new("amount", "is too large"));
        }
        NonZeroU64::new(pence)
            .map(Self)
            .ok_or_else(|| InvalidValue::new("amount", "must be more than zero"))
    }

    /// The amount in pence.
    pub fn pence(&self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "£{}.{:02}", self.pence() / 100, self.pence() % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_out_2_compensation_of_zero_pence_cannot_exist() {
        assert!(Money::from_pence(0).is_err());
        assert_eq!(Money::from_pence(12_345).unwrap().to_string(), "£123.45");
        assert!(Money::from_pence(u64::MAX).is_err());
    }
}
