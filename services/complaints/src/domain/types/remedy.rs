use super::{ActionId, InvalidValue, Money, NonEmptyText, RemedyKind};
use chrono::NaiveDate;

/// A sum offered in compensation and when payment is expected (R-OUT-2,
/// footnote 8).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compensation {
    pub amount: Money,
    pub expected_payment_on: NaiveDate,
}

/// One remedy of an outcome (R-OUT-2). Financial compensation, and only
/// financial compensation, carries an amount and an expected payment date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remedy {
    kind: RemedyKind,
    description: NonEmptyText,
    compensation: Option<Compensation>,
    /// R-OUT-1: the date by which it will be done, when given.
    done_by: Option<NaiveDate>,
    /// R-OUT-3: the follow-up action that puts it right, when named.
    action: Option<ActionId>,
}

impl Remedy {
    /// R-OUT-2: a remedy; compensation exactly when the kind is financial.
    pub fn new(
        kind: RemedyKind,
        description: NonEmptyText,
        compensation: Option<Compensation>,
    ) -> Result<Self, InvalidValue> {
        match (kind, &compensation) {
            (RemedyKind::FinancialCompensation, None) => Err(InvalidValue::new(
                "remedy",
                "financial compensation needs an amount and an expected payment date",
            )),
            (RemedyKind::FinancialCompensation, Some(_)) | (_, None) => Ok(Self {
                kind,
                description,
                compensation,
                done_by: None,
                action: None,
            }),
            (_, Some(_)) => Err(InvalidValue::new(
                "remedy",
                "only financial compensation carries an amount",
            )),
        }
    }

    /// R-OUT-1: the remedy with the date by which it will be done and the
    /// follow-up action that does it (either may be absent). Whether they
    /// agree with the complaint's actions is the domain's `decide` to say.
    pub fn with_timescale(mut self, done_by: Option<NaiveDate>, action: Option<ActionId>) -> Self {
        self.done_by = done_by;
        self.action = action;
        self
    }

    /// R-OUT-1: the date by which it will be done, when given.
    pub fn done_by(&self) -> Option<NaiveDate> {
        self.done_by
    }

    /// R-OUT-3: the follow-up action that puts it right, when named.
    pub fn action(&self) -> Option<ActionId> {
        self.action
    }

    /// What kind of remedy.
    pub fn kind(&self) -> RemedyKind {
        self.kind
    }

    /// What will be done.
    pub fn description(&self) -> &NonEmptyText {
        &self.description
    }

    /// Amount and payment date, for financial compensation.
    pub fn compensation(&self) -> Option<&Compensation> {
        self.compensation.as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> NonEmptyText {
        NonEmptyText::new("refund of the exam fee").unwrap()
    }

    #[test]
    fn r_out_2_financial_compensation_needs_an_amount_and_a_payment_date() {
        assert!(Remedy::new(RemedyKind::FinancialCompensation, text(), None).is_err());
        let compensation = Compensation {
            amount: Money::from_pence(5_000).unwrap(),
            expected_payment_on: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
        };
        let remedy = Remedy::new(
            RemedyKind::FinancialCompensation,
            text(),
            Some(compensation.clone()),
        )
        .unwrap();
        assert_eq!(remedy.compensation(), Some(&compensation));
        assert!(Remedy::new(RemedyKind::Apology, text(), Some(compensation)).is_err());
    }
}
