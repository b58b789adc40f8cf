use super::{InvalidValue, Name};

/// The qualification a complaint is about, as given at opening, and the
/// regulators that regulate it (Appendix D, R-REG-1: reference data the
/// shell looks up). A regulated qualification always names at least one
/// regulator, an unregulated one none (R-REG-2 needs the names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Qualification {
    code: Option<Name>,
    regulators: Vec<Name>,
}

impl Qualification {
    /// A qualification from its optional code, whether it is regulated and
    /// by whom.
    pub fn new(
        code: Option<Name>,
        regulated: bool,
        regulators: Vec<Name>,
    ) -> Result<Self, InvalidValue> {
        match (regulated, regulators.is_empty()) {
            (true, true) => Err(InvalidValue::new(
                "qualification",
                "a regulated qualification must name its regulators",
            )),
            (false, false) => Err(InvalidValue::new(
                "qualification",
                "an unregulated qualification has no regulators",
            )),
            _ => Ok(Self { code, regulators }),
        }
    }

    /// The qualification's code, if given.
    pub fn code(&self) -> Option<&Name> {
        self.code.as_ref()
    }

    /// Whether section 5 of the procedure applies (Appendix D).
    pub fn is_regulated(&self) -> bool {
        !self.regulators.is_empty()
    }

    /// Who regulates it (empty when unregulated).
    pub fn regulators(&self) -> &[Name] {
        &self.regulators
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_reg_2_a_regulated_qualification_names_its_regulators() {
        let ofqual = Name::new("Ofqual").unwrap();
        assert!(Qualification::new(None, true, vec![]).is_err());
        assert!(Qualification::new(None, false, vec![ofqual.clone()]).is_err());
        let q = Qualification::new(None, true, vec![ofqual]).unwrap();
        assert!(q.is_regulated());
        assert!(
            !Qualification::new(None, false, vec![])
                .unwrap()
                .is_regulated()
        );
    }
}
