//! Appendix D as data: which qualifications are regulated, and by whom
//! (R-REG-1). Operators update the file without a code change.

use crate::domain::types::{Name, Qualification};
use std::collections::BTreeMap;

/// The embedded copy of Appendix D.
pub const APPENDIX_D: &str = include_str!("../data/regulated-qualifications.txt");

/// One qualification's entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub regulators: Vec<String>,
}

/// The qualifications known to the service, by code.
#[derive(Debug, Clone, Default)]
pub struct Qualifications(BTreeMap<String, Entry>);

impl Qualifications {
    /// Reads `CODE | Name | Regulator, Regulator` lines; `#` starts a comment.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut entries = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split('|').map(str::trim).collect();
            let [code, name, regulators] = fields.as_slice() else {
                return Err(format!("line {}: expected CODE | Name | Regulators", n + 1));
            };
            if code.is_empty() || name.is_empty() {
                return Err(format!("line {}: a code and a name are required", n + 1));
            }
            let regulators = regulators
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect();
            let entry = Entry {
                name: (*name).to_owned(),
                regulators,
            };
            if entries.insert(code.to_ascii_uppercase(), entry).is_some() {
                return Err(format!("line {}: {code} is listed twice", n + 1));
            }
        }
        Ok(Self(entries))
    }

    pub fn get(&self, code: &str) -> Option<&Entry> {
        self.0.get(&code.trim().to_ascii_uppercase())
    }

    /// The domain's view of `code`: regulated with its regulators when it is
    /// listed with any; a code not listed is taken as unregulated.
    pub fn qualification(&self, code: &str) -> Option<Qualification> {
        let code_name = Name::new(code.trim()).ok()?;
        let regulators: Vec<Name> = self
            .get(code)
            .map(|e| {
                e.regulators
                    .iter()
                    .filter_map(|r| Name::new(r).ok())
                    .collect()
            })
            .unwrap_or_default();
        Qualification::new(Some(code_name), !regulators.is_empty(), regulators).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// R-REG-1: Appendix D's qualifications and regulators are data; the
    /// apprenticeship end-point assessment is regulated by Ofqual only.
    #[test]
    fn r_reg_1_appendix_d_is_reference_data_with_its_regulators() {
        let q = Qualifications::parse(APPENDIX_D).unwrap();
        assert_eq!(q.0.len(), 14);
        assert_eq!(
            q.get("l3-dip-lp").unwrap().regulators,
            ["Ofqual", "Qualifications Wales", "CCEA"]
        );
        assert_eq!(q.get("L3-PARALEGAL-EPA").unwrap().regulators, ["Ofqual"]);
        assert!(q.qualification("L6-CERT-LAW").unwrap().is_regulated());
        assert!(!q.qualification("CPQ").unwrap().is_regulated());
    }

    #[test]
    fn r_reg_1_an_updated_file_changes_the_data_without_a_code_change() {
        let q = Qualifications::parse("NEW-1 | A new award | Ofqual\n").unwrap();
        assert!(q.qualification("NEW-1").unwrap().is_regulated());
        assert!(Qualifications::parse("X | only two fields").is_err());
        assert!(Qualifications::parse("X | A | Ofqual\nX | B | CCEA").is_err());
    }
}
