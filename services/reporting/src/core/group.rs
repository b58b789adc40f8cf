//! The figures of one month or quarter (R-MON-3: volumes, circumstances,
//! categories, stages, outcomes, timeliness).
//!
//! Complaints are grouped by the date they were received (a cohort): the
//! Stage 3 outcome of a complaint received in March counts in March. So a
//! group's later-stage figures keep moving while its complaints are live,
//! and a closed group never moves again.

use super::record::{AnonymisedRecord, DeadlineResult, Stage};
use super::stats::{Compliance, Rate, nearest_rank};
use calendar::Calendar;
use complaints_proto::v1::{Channel, DeadlineKind, RemedyKind};
use std::collections::BTreeMap;

/// The key used for a category or customer type that was not recorded.
pub const NOT_RECORDED: &str = "not recorded";

/// How many complaints arrived, and by which route.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Volumes {
    pub total: u64,
    pub by_category: BTreeMap<String, u64>,
    pub by_channel: BTreeMap<Channel, u64>,
    pub by_customer_type: BTreeMap<String, u64>,
}

/// How the complaints came and where intake sent them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Circumstances {
    pub third_party: u64,
    pub regulated_qualification: u64,
    pub redirected: u64,
    pub resolved_outside_procedure: u64,
    pub declined_out_of_time: u64,
    pub entered_procedure: u64,
}

/// Outcomes and timeliness of one stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageFigures {
    pub stage: Stage,
    /// Complaints that reached the stage.
    pub reached: u64,
    /// Upheld or partly upheld, of those decided at this stage.
    pub upheld: Rate,
    /// Working days from the stage's start to its outcome, nearest rank.
    pub median_working_days: Option<u32>,
    pub p90_working_days: Option<u32>,
    /// How many outcomes at this stage included each kind of remedy.
    pub remedies: BTreeMap<RemedyKind, u64>,
    pub compensation_pence: i64,
}

/// Everything the committee sees for one month or quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupFigures {
    /// "2026-03" or "2026-Q1".
    pub label: String,
    pub volumes: Volumes,
    pub circumstances: Circumstances,
    /// Reached Stage 2, of those whose Stage 1 is over (outcome recorded or
    /// referred on): complaints still waiting for a Stage 1 outcome could
    /// not have escalated yet, so they are not in the base.
    pub escalation_1_to_2: Rate,
    /// Reached Stage 3, of those whose Stage 2 is over.
    pub escalation_2_to_3: Rate,
    pub stages: Vec<StageFigures>,
    /// Service deadlines met and missed, by kind (met late is missed).
    pub deadlines: BTreeMap<DeadlineKind, Compliance>,
    pub compensation_pence: i64,
}

pub(super) fn group_figures(
    label: String,
    records: &[&AnonymisedRecord],
    calendar: &Calendar,
) -> GroupFigures {
    let mut escalation_1_to_2 = Rate::default();
    let mut escalation_2_to_3 = Rate::default();
    let mut deadlines: BTreeMap<DeadlineKind, Compliance> = BTreeMap::new();
    for r in records {
        escalation_1_to_2.count(r.concluded(Stage::One), r.reached(Stage::Two));
        escalation_2_to_3.count(r.concluded(Stage::Two), r.reached(Stage::Three));
        for (kind, result) in &r.deadlines {
            let c = deadlines.entry(*kind).or_default();
            match result {
                DeadlineResult::Met => c.met += 1,
                DeadlineResult::MetLate | DeadlineResult::Missed => c.missed += 1,
            }
        }
    }
    let compensation_pence = records
        .iter()
        .fold(0i64, |sum, r| sum.saturating_add(r.compensation_pence()));
    GroupFigures {
        label,
        volumes: volumes(records),
        circumstances: circumstances(records),
        escalation_1_to_2,
        escalation_2_to_3,
        stages: Stage::ALL
            .iter()
            .map(|s| stage_figures(*s, records, calendar))
            .collect(),
        deadlines,
        compensation_pence,
    }
}

fn volumes(records: &[&AnonymisedRecord]) -> Volumes {
    let mut v = Volumes::default();
    for r in records {
        v.total += 1;
        *v.by_category.entry(key(&r.query_category)).or_default() += 1;
        *v.by_channel.entry(r.channel).or_default() += 1;
        *v.by_customer_type.entry(key(&r.customer_type)).or_default() += 1;
    }
    v
}

fn key(text: &str) -> String {
    if text.is_empty() { NOT_RECORDED } else { text }.to_owned()
}

fn circumstances(records: &[&AnonymisedRecord]) -> Circumstances {
    let count = |f: fn(&AnonymisedRecord) -> bool| records.iter().filter(|r| f(r)).count() as u64;
    Circumstances {
        third_party: count(|r| r.third_party),
        regulated_qualification: count(|r| r.regulated_qualification),
        redirected: count(|r| r.redirected),
        resolved_outside_procedure: count(|r| r.resolved_outside_procedure),
        declined_out_of_time: count(|r| r.declined_out_of_time),
        entered_procedure: count(|r| r.stage_reached.is_some()),
    }
}

fn stage_figures(stage: Stage, records: &[&AnonymisedRecord], calendar: &Calendar) -> StageFigures {
    let mut upheld = Rate::default();
    let mut days = Vec::new();
    let mut remedies: BTreeMap<RemedyKind, u64> = BTreeMap::new();
    let mut compensation_pence = 0i64;
    for r in records {
        let s = r.stage(stage);
        upheld.count(s.decision.is_some(), s.upheld());
        days.extend(s.working_days_to_outcome(calendar));
        for kind in &s.remedies {
            *remedies.entry(*kind).or_default() += 1;
        }
        compensation_pence = compensation_pence.saturating_add(s.compensation_pence);
    }
    StageFigures {
        stage,
        reached: records.iter().filter(|r| r.reached(stage)).count() as u64,
        upheld,
        median_working_days: nearest_rank(&days, 50),
        p90_working_days: nearest_rank(&days, 90),
        remedies,
        compensation_pence,
    }
}
