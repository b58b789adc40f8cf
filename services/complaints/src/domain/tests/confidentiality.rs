use super::support::*;
use crate::domain::RefusalKind;
use crate::domain::command::{Command, RecordDisclosure, RecordInformationPermission};
use crate::domain::types::LegalBasis;

fn disclosure(legal_basis: Option<LegalBasis>) -> Command {
    Command::RecordDisclosure(RecordDisclosure {
        recipient: name("Acme Insurance"),
        legal_basis,
        what: text("the complaint file"),
        disclosed_on: date(2026, 3, 2),
    })
}

#[test]
fn r_conf_3_no_legal_requirement_no_disclosure() {
    let mut case = Case::opened(date(2026, 3, 2));
    let refusal = case.refused_by(disclosure(None), "R-CONF-3", RefusalKind::InvalidArgument);
    assert_eq!(refusal.field, Some("legal_basis"));
    case.ok(disclosure(Some(LegalBasis::Insurer)));
    assert_eq!(case.state.disclosures[0].legal_basis, LegalBasis::Insurer);
}

#[test]
fn r_conf_3_a_disclosure_cannot_be_dated_in_the_future() {
    let mut case = Case::opened(date(2026, 3, 2));
    let Command::RecordDisclosure(mut d) = disclosure(Some(LegalBasis::Police)) else {
        unreachable!()
    };
    d.disclosed_on = date(2026, 3, 3);
    case.refused_by(
        Command::RecordDisclosure(d),
        "R-CONF-3",
        RefusalKind::InvalidArgument,
    );
}

#[test]
fn r_int_5_information_from_a_third_party_needs_written_permission() {
    let mut case = Case::opened(date(2026, 3, 2));
    let permission = |in_writing| {
        Command::RecordInformationPermission(RecordInformationPermission {
            third_party: name("Training Provider Ltd"),
            scope: text("attendance records for 2025"),
            given_on: date(2026, 3, 2),
            in_writing,
        })
    };
    case.refused_by(permission(false), "R-INT-5", RefusalKind::InvalidArgument);
    case.ok(permission(true));
    assert_eq!(case.state.information_permissions.len(), 1);
}
