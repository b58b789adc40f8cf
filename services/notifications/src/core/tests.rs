//! Tests of the notifications core, one file per concept; fixtures here.

mod adjustments;
mod delivery;
mod format;
mod party;
mod plan;
mod promises;
mod readme;
mod render;
mod route;
mod scenarios;

use super::letters::StaffContact;
use super::party::{Contact, Party, PostalAddress};
use super::plan::{PlanContext, PlanSettings};
use super::route::{Channel, Recipient, RecipientKind};
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use prost::{Message, Name};
use std::collections::HashMap;

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid test date")
}

pub(crate) fn pb_date(y: i32, m: u32, d: u32) -> Option<pb::Date> {
    Some(pb::Date {
        year: y,
        month: m,
        day: d,
    })
}

/// An event as it arrives: its fully qualified type and its bytes.
pub(crate) fn event<M: Message + Name>(message: M) -> (String, Vec<u8>) {
    (M::full_name(), message.encode_to_vec())
}

pub(crate) fn person(email: &str, postal: bool) -> pb::Person {
    pb::Person {
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        email: email.into(),
        telephone: String::new(),
        postal_address: postal.then(|| pb::PostalAddress {
            lines: vec!["12 St James's Square".into(), "London".into()],
            postcode: "SW1Y 4JH".into(),
        }),
    }
}

pub(crate) fn third_party() -> pb::ThirdParty {
    pb::ThirdParty {
        name: "Grace Hopper".into(),
        relationship: "employer".into(),
        email: "grace@hopper-law.example".into(),
        telephone: String::new(),
        organisation: "Hopper Law LLP".into(),
    }
}

/// A complaint whose complainant wants email, opened as CMP-2027-000001.
pub(crate) fn email_party() -> Party {
    Party {
        reference: Some("CMP-2027-000001".into()),
        complainant: Some(Contact {
            name: "Ada Lovelace".into(),
            email: Some("ada@example.org".into()),
            postal: Some(PostalAddress {
                lines: vec!["12 St James's Square".into(), "London".into()],
                postcode: "SW1Y 4JH".into(),
            }),
        }),
        ..Party::default()
    }
}

/// The same, raised by an employer on the complainant's behalf.
pub(crate) fn represented_party(consent: super::party::Consent) -> Party {
    Party {
        third_party: Some(Contact {
            name: "Grace Hopper".into(),
            email: Some("grace@hopper-law.example".into()),
            postal: None,
        }),
        consent,
        ..email_party()
    }
}

pub(crate) fn staff(id: &str, name: &str) -> StaffContact {
    StaffContact {
        id: id.into(),
        name: name.into(),
        email: format!("{id}@cilex.example"),
    }
}

pub(crate) fn directory() -> HashMap<String, StaffContact> {
    [
        staff("s-handler", "Priya Shah"),
        staff("s-manager", "Tom Okafor"),
        staff("s-ccm", "Helen Marsh"),
        staff("s-monitor", "Customer Service Managers"),
    ]
    .into_iter()
    .map(|s| (s.id.clone(), s))
    .collect()
}

pub(crate) fn settings() -> PlanSettings {
    PlanSettings {
        monitors: vec!["s-monitor".into()],
        ..PlanSettings::default()
    }
}

pub(crate) fn ctx<'a>(
    staff: &'a HashMap<String, StaffContact>,
    settings: &'a PlanSettings,
) -> PlanContext<'a> {
    PlanContext { staff, settings }
}

pub(crate) fn complainant_by_email() -> Recipient {
    Recipient {
        kind: RecipientKind::Complainant,
        name: "Ada Lovelace".into(),
        channel: Channel::Email("ada@example.org".into()),
        adjustments: None,
    }
}
