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

    /// R-OUT-2: a remedy's description as letters print it after the
    /// kind's own name ("An apology: ..."): one that merely repeats the kind
    /// ("Apology", "An apology.") says nothing and is refused; one that
    /// opens with it ("An apology for the delay") loses the repetition
    /// ("For the delay").
    pub fn described(
        kind: RemedyKind,
        description: NonEmptyText,
    ) -> Result<NonEmptyText, InvalidValue> {
        let text = description.as_str();
        let separators: &[char] = &[' ', ':', '-', ',', '.', ';', '\u{2013}', '\u{2014}'];
        for name in kind_names(kind) {
            let opens = text
                .get(..name.len())
                .is_some_and(|start| start.eq_ignore_ascii_case(name));
            let Some(rest) = text.get(name.len()..).filter(|_| opens) else {
                continue;
            };
            // A whole word only: "apologyx" is not the kind's name.
            if !(rest.is_empty() || rest.starts_with(separators)) {
                continue;
            }
            let rest = rest.trim_start_matches(separators);
            if !rest.chars().any(char::is_alphanumeric) {
                return Err(InvalidValue::new(
                    "remedy",
                    format!(
                        "{text:?} only repeats the kind of remedy: say what will be done, e.g. what the apology is for"
                    ),
                ));
            }
            let mut chars = rest.chars();
            let capitalised: String = chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
            return NonEmptyText::new(capitalised);
        }
        Ok(description)
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

/// The ways a description names its kind, longest first, lower case.
fn kind_names(kind: RemedyKind) -> &'static [&'static str] {
    match kind {
        RemedyKind::Apology => &["an apology", "apology"],
        RemedyKind::Explanation => &["an explanation", "explanation"],
        RemedyKind::AcknowledgementOfResponsibility => &[
            "an acknowledgement of responsibility",
            "acknowledgement of responsibility",
        ],
        RemedyKind::ChangeDecision => &[
            "a change of decision",
            "change of decision",
            "change a decision",
            "change the decision",
        ],
        RemedyKind::RevisePublishedMaterial => {
            &["revise published material", "revised published material"]
        }
        RemedyKind::ReviseProcedures => &[
            "revise procedures, policies or guidance",
            "revise procedures",
            "revised procedures",
        ],
        RemedyKind::TrainOrSuperviseStaff => &["train or supervise staff", "staff training"],
        RemedyKind::FinancialCompensation => &["financial compensation", "compensation"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text() -> NonEmptyText {
        NonEmptyText::new("refund of the exam fee").unwrap()
    }

    #[test]
    fn r_out_2_a_description_that_only_repeats_its_kind_is_refused_and_a_repeated_opening_dropped()
    {
        let described = |kind, text: &str| {
            Remedy::described(kind, NonEmptyText::new(text).unwrap()).map(|t| t.to_string())
        };
        for bare in ["Apology", "An apology.", "AN APOLOGY", "apology -"] {
            assert!(described(RemedyKind::Apology, bare).is_err(), "{bare}");
        }
        assert!(described(RemedyKind::FinancialCompensation, "Compensation").is_err());
        assert_eq!(
            described(
                RemedyKind::Apology,
                "An apology for the delay in sending your results"
            ),
            Ok("For the delay in sending your results".to_owned())
        );
        assert_eq!(
            described(
                RemedyKind::Apology,
                "Apology: we are sorry the result was late"
            ),
            Ok("We are sorry the result was late".to_owned())
        );
        assert_eq!(
            described(RemedyKind::Apology, "We are sorry the result was late"),
            Ok("We are sorry the result was late".to_owned())
        );
        assert_eq!(
            described(RemedyKind::Explanation, "Apologyx is not a word"),
            Ok("Apologyx is not a word".to_owned())
        );
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
