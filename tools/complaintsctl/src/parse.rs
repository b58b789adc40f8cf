//! Values typed on the command line, and their protobuf form.

use crate::cli::{
    ActionKindArg, ChannelArg, CharacteristicArg, ContactMethodArg, DeadlineKindArg, DecisionArg,
    GroundsArg, GroupingArg, LegalBasisArg, NoticeStateArg, RoleArg, StageArg, TriageStatusArg,
};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use clap::ValueEnum;
use complaints_proto::v1 as pb;

/// YYYY-MM-DD.
pub fn date(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{s:?} is not a date: use YYYY-MM-DD"))
}

/// An instant as RFC 3339, e.g. 2026-03-02T11:00:00Z.
pub fn instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| format!("{s:?} is not a time: use RFC 3339, e.g. 2026-03-02T11:00:00Z"))
}

pub fn pb_timestamp(t: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: t.timestamp(),
        nanos: i32::try_from(t.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

pub fn pb_date(d: NaiveDate) -> pb::Date {
    pb::Date {
        year: d.year(),
        month: d.month(),
        day: d.day(),
    }
}

/// A calendar quarter, e.g. 2026Q3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quarter {
    pub year: i32,
    pub number: u32,
}

impl Quarter {
    /// Its first and last day.
    pub fn days(self) -> (NaiveDate, NaiveDate) {
        let first_month = (self.number - 1) * 3 + 1;
        let first = NaiveDate::from_ymd_opt(self.year, first_month, 1).expect("a real date");
        let next = if self.number == 4 {
            NaiveDate::from_ymd_opt(self.year + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(self.year, first_month + 3, 1)
        }
        .expect("a real date");
        (first, next.pred_opt().expect("a real date"))
    }
}

/// 2026Q3, 2026-Q3 or 2026q3.
pub fn quarter(s: &str) -> Result<Quarter, String> {
    let bad = || format!("{s:?} is not a quarter: use e.g. 2026Q3");
    let upper = s.trim().to_ascii_uppercase();
    let (year, number) = upper.split_once('Q').ok_or_else(bad)?;
    let year: i32 = year.trim_end_matches('-').parse().map_err(|_| bad())?;
    let number: u32 = number.parse().map_err(|_| bad())?;
    if !(1..=4).contains(&number) || !(1900..=9999).contains(&year) {
        return Err(bad());
    }
    Ok(Quarter { year, number })
}

/// A remedy given as KIND=DESCRIPTION.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remedy {
    pub kind: pb::RemedyKind,
    pub description: String,
}

const REMEDY_KINDS: &str = "apology, explanation, acknowledgement-of-responsibility, \
    change-decision, revise-published-material, revise-procedures, train-or-supervise-staff, \
    financial-compensation";

pub fn remedy(s: &str) -> Result<Remedy, String> {
    let (kind, description) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?}: use KIND=DESCRIPTION"))?;
    let name = format!(
        "REMEDY_KIND_{}",
        kind.trim().to_ascii_uppercase().replace('-', "_")
    );
    let kind = pb::RemedyKind::from_str_name(&name)
        .filter(|k| *k != pb::RemedyKind::Unspecified)
        .ok_or_else(|| format!("{kind:?} is not a remedy: one of {REMEDY_KINDS}"))?;
    Ok(Remedy {
        kind,
        description: description.trim().to_owned(),
    })
}

/// An action planned with an outcome: OWNER:YYYY-MM-DD:DESCRIPTION.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedAction {
    pub owner: String,
    pub due_on: NaiveDate,
    pub description: String,
}

pub fn planned_action(s: &str) -> Result<PlannedAction, String> {
    let mut parts = s.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(owner), Some(due), Some(description)) => Ok(PlannedAction {
            owner: owner.trim().to_owned(),
            due_on: date(due)?,
            description: description.trim().to_owned(),
        }),
        _ => Err(format!("{s:?}: use OWNER:YYYY-MM-DD:DESCRIPTION")),
    }
}

impl PlannedAction {
    pub fn into_pb(self) -> pb::PlannedActionInput {
        pb::PlannedActionInput {
            description: self.description,
            owner: self.owner,
            due_on: Some(pb_date(self.due_on)),
        }
    }
}

/// A protobuf enum from a name as typed (`web-form`) or as in the
/// contract (`CHANNEL_WEB_FORM`), for the submission file.
pub fn channel_named(name: &str) -> Option<pb::Channel> {
    pb::Channel::from_str_name(name)
        .or_else(|| ChannelArg::from_str(name, true).ok().map(Into::into))
        .filter(|c| *c != pb::Channel::Unspecified)
}

pub fn correspondence_named(name: &str) -> Option<pb::CorrespondencePreference> {
    pb::CorrespondencePreference::from_str_name(name).or_else(|| {
        match name.to_ascii_lowercase().as_str() {
            "email" => Some(pb::CorrespondencePreference::Email),
            "post" => Some(pb::CorrespondencePreference::Post),
            _ => None,
        }
    })
}

impl From<ChannelArg> for pb::Channel {
    fn from(c: ChannelArg) -> Self {
        match c {
            ChannelArg::WebForm => Self::WebForm,
            ChannelArg::Email => Self::Email,
            ChannelArg::Telephone => Self::Telephone,
            ChannelArg::Regulator => Self::Regulator,
        }
    }
}

impl From<TriageStatusArg> for pb::TriageStatus {
    fn from(s: TriageStatusArg) -> Self {
        match s {
            TriageStatusArg::TimeDecision => Self::AwaitingTimeDecision,
            TriageStatusArg::Consent => Self::AwaitingConsent,
        }
    }
}

impl From<StageArg> for pb::Stage {
    fn from(s: StageArg) -> Self {
        match s {
            StageArg::One => Self::Stage1,
            StageArg::Two => Self::Stage2,
            StageArg::Three => Self::Stage3,
        }
    }
}

impl From<RoleArg> for pb::HandlerRole {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Handler => Self::Handler,
            RoleArg::Manager => Self::Manager,
            RoleArg::ComplianceManager => Self::ComplianceManager,
        }
    }
}

impl From<DecisionArg> for pb::Decision {
    fn from(d: DecisionArg) -> Self {
        match d {
            DecisionArg::Upheld => Self::Upheld,
            DecisionArg::PartlyUpheld => Self::PartlyUpheld,
            DecisionArg::NotUpheld => Self::NotUpheld,
        }
    }
}

impl From<GroundsArg> for pb::Grounds {
    fn from(g: GroundsArg) -> Self {
        match g {
            GroundsArg::NotUnderstood => Self::NotUnderstood,
            GroundsArg::PointsNotAnswered => Self::PointsNotAnswered,
            GroundsArg::NoResponseInTimescale => Self::NoResponseInTimescale,
            GroundsArg::DissatisfiedWithOutcome => Self::DissatisfiedWithOutcome,
        }
    }
}

impl From<ActionKindArg> for pb::ActionKind {
    fn from(k: ActionKindArg) -> Self {
        match k {
            ActionKindArg::FollowUp => Self::FollowUp,
            ActionKindArg::Improvement => Self::Improvement,
            ActionKindArg::IdentifyAffectedLearners => Self::IdentifyAffectedLearners,
            ActionKindArg::CorrectOrMitigate => Self::CorrectOrMitigate,
            ActionKindArg::PreventRecurrence => Self::PreventRecurrence,
            ActionKindArg::RegulatorReview => Self::RegulatorReview,
        }
    }
}

impl From<GroupingArg> for pb::Grouping {
    fn from(g: GroupingArg) -> Self {
        match g {
            GroupingArg::Month => Self::Month,
            GroupingArg::Quarter => Self::Quarter,
        }
    }
}

impl From<ContactMethodArg> for pb::ContactMethod {
    fn from(m: ContactMethodArg) -> Self {
        match m {
            ContactMethodArg::Telephone => Self::Telephone,
            ContactMethodArg::Email => Self::Email,
            ContactMethodArg::Post => Self::Post,
            ContactMethodArg::InPerson => Self::InPerson,
            ContactMethodArg::VideoCall => Self::VideoCall,
        }
    }
}

impl From<DeadlineKindArg> for pb::DeadlineKind {
    fn from(k: DeadlineKindArg) -> Self {
        match k {
            DeadlineKindArg::FirstContact => Self::FirstContact,
            DeadlineKindArg::AgreedTimescale => Self::AgreedTimescale,
            DeadlineKindArg::Stage2Response => Self::Stage2Response,
            DeadlineKindArg::Stage3Acknowledgement => Self::Stage3Acknowledgement,
            DeadlineKindArg::Stage3Response => Self::Stage3Response,
            DeadlineKindArg::EscalationWindow => Self::EscalationWindow,
        }
    }
}

impl From<LegalBasisArg> for pb::LegalBasis {
    fn from(b: LegalBasisArg) -> Self {
        match b {
            LegalBasisArg::Regulator => Self::Regulator,
            LegalBasisArg::Police => Self::Police,
            LegalBasisArg::StatutoryBody => Self::StatutoryBody,
            LegalBasisArg::LegalAdviser => Self::LegalAdviser,
            LegalBasisArg::Insurer => Self::Insurer,
        }
    }
}

impl From<NoticeStateArg> for pb::RegulatorNoticeFilter {
    fn from(s: NoticeStateArg) -> Self {
        match s {
            NoticeStateArg::All => Self::Unspecified,
            NoticeStateArg::Open => Self::Open,
            NoticeStateArg::Overdue => Self::Overdue,
            NoticeStateArg::Completed => Self::Completed,
        }
    }
}

impl From<CharacteristicArg> for pb::Characteristic {
    fn from(c: CharacteristicArg) -> Self {
        match c {
            CharacteristicArg::Ethnicity => Self::Ethnicity,
            CharacteristicArg::Disability => Self::Disability,
            CharacteristicArg::Gender => Self::Gender,
            CharacteristicArg::AgeBand => Self::AgeBand,
            CharacteristicArg::ReligionOrBelief => Self::ReligionOrBelief,
            CharacteristicArg::SexualOrientation => Self::SexualOrientation,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_covers_its_three_months() {
        let q3 = quarter("2026Q3").unwrap();
        assert_eq!(
            q3.days(),
            (date("2026-07-01").unwrap(), date("2026-09-30").unwrap())
        );
        let q4 = quarter("2026-q4").unwrap();
        assert_eq!(q4.days().1, date("2026-12-31").unwrap());
        for bad in ["2026Q5", "2026", "Q3", "26Q0"] {
            assert!(quarter(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_instant_is_rfc3339_in_any_offset() {
        let t = instant("2026-03-02T12:00:00+01:00").unwrap();
        assert_eq!(pb_timestamp(t).seconds, 1_772_449_200);
        assert!(instant("2026-03-02").is_err());
    }

    #[test]
    fn a_remedy_is_a_kind_and_a_description() {
        assert_eq!(
            remedy("apology=A written apology").unwrap(),
            Remedy {
                kind: pb::RemedyKind::Apology,
                description: "A written apology".into()
            }
        );
        assert_eq!(
            remedy("financial-compensation=Refund").unwrap().kind,
            pb::RemedyKind::FinancialCompensation
        );
        assert!(remedy("cake=Some cake").unwrap_err().contains("apology"));
        assert!(remedy("apology").is_err());
    }

    #[test]
    fn a_planned_action_keeps_colons_in_its_description() {
        let action = planned_action("ccm-1:2026-04-30:Check: every learner").unwrap();
        assert_eq!(action.owner, "ccm-1");
        assert_eq!(action.due_on, date("2026-04-30").unwrap());
        assert_eq!(action.description, "Check: every learner");
        assert!(planned_action("ccm-1:soon:x").is_err());
    }

    #[test]
    fn a_channel_is_named_as_typed_or_as_in_the_contract() {
        assert_eq!(
            channel_named("CHANNEL_WEB_FORM"),
            Some(pb::Channel::WebForm)
        );
        assert_eq!(channel_named("telephone"), Some(pb::Channel::Telephone));
        assert_eq!(channel_named("CHANNEL_UNSPECIFIED"), None);
        assert_eq!(channel_named("pigeon"), None);
    }
}
