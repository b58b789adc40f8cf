//! Equality monitoring (R-MON-4): do outcomes differ between groups? This
//! is also the customer diversity monitoring of the equality and diversity
//! action plan (3.5.2, 3.5.3), used to find where service should improve.
//!
//! Answers are voluntary and kept apart from the case: they arrive in their
//! own stream under the same keyed pseudonym as the record, and are joined
//! here only to be counted. "Prefer not to say" is a group like any other;
//! an empty answer means the question was not answered, and that
//! complainant is left out of the table for that characteristic. Small
//! groups are suppressed as described in [`super::suppression`].

use super::record::{AnonymisedRecord, Stage};
use super::stats::Rate;
use super::suppression::{Counts, plan};
use complaints_proto::v1::Decision;
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// The usual minimum group size for publication.
pub const DEFAULT_THRESHOLD: u64 = 5;
/// The largest minimum group size a request may ask for: a larger one would
/// hide every group of any real period, and is refused rather than
/// answered with a table of suppressed rows.
pub const MAX_THRESHOLD: u64 = 1000;

/// One complainant's monitoring answers. Special category data: its Debug
/// output says nothing but which pseudonym it belongs to.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct MonitoringAnswers {
    pub pseudonym: String,
    pub ethnicity: String,
    pub disability: String,
    pub gender: String,
    pub age_band: String,
    pub religion_or_belief: String,
    pub sexual_orientation: String,
}

impl fmt::Debug for MonitoringAnswers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MonitoringAnswers")
            .field("pseudonym", &self.pseudonym)
            .finish_non_exhaustive()
    }
}

/// The monitored characteristics (race, disability and gender; with regard
/// to age, religion or belief and sexual orientation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Characteristic {
    Ethnicity,
    Disability,
    Gender,
    AgeBand,
    ReligionOrBelief,
    SexualOrientation,
}

impl Characteristic {
    pub const ALL: [Characteristic; 6] = [
        Characteristic::Ethnicity,
        Characteristic::Disability,
        Characteristic::Gender,
        Characteristic::AgeBand,
        Characteristic::ReligionOrBelief,
        Characteristic::SexualOrientation,
    ];

    fn answer(self, a: &MonitoringAnswers) -> &str {
        match self {
            Characteristic::Ethnicity => &a.ethnicity,
            Characteristic::Disability => &a.disability,
            Characteristic::Gender => &a.gender,
            Characteristic::AgeBand => &a.age_band,
            Characteristic::ReligionOrBelief => &a.religion_or_belief,
            Characteristic::SexualOrientation => &a.sexual_orientation,
        }
    }
}

/// Published cells; `None` is a suppressed (or withheld) value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Cells {
    /// Complaints from the group.
    pub count: Option<u64>,
    /// Of those, with a decision at some stage.
    pub decided: Option<u64>,
    /// Of the decided, whose last decision was upheld or partly upheld.
    pub upheld: Option<u64>,
    /// Of the complaints, those that entered the procedure.
    pub entered: Option<u64>,
    /// Of the entered, those that went on to Stage 2 or 3.
    pub escalated: Option<u64>,
}

impl Cells {
    pub fn upheld_rate(&self) -> Option<f64> {
        rate(self.upheld, self.decided)
    }

    pub fn escalation_rate(&self) -> Option<f64> {
        rate(self.escalated, self.entered)
    }
}

fn rate(numerator: Option<u64>, denominator: Option<u64>) -> Option<f64> {
    Rate {
        numerator: numerator?,
        denominator: denominator?,
    }
    .ratio()
}

/// One group of a characteristic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRow {
    /// The answer, e.g. "Prefer not to say".
    pub group: String,
    /// Every cell is hidden (primary or secondary suppression).
    pub suppressed: bool,
    pub cells: Cells,
}

/// The table for one characteristic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EqualityTable {
    pub characteristic: Characteristic,
    pub threshold: u64,
    /// By group name.
    pub rows: Vec<GroupRow>,
    /// Over every answered group; a `None` total is withheld because it
    /// would give a hidden cell away.
    pub total: Cells,
}

/// Compares outcomes between the groups of `characteristic` among
/// `records` (pass the period's records). A pseudonym answered twice counts
/// with its last answers; answers without a record are ignored.
pub fn equality_analysis(
    records: &[AnonymisedRecord],
    answers: &[MonitoringAnswers],
    characteristic: Characteristic,
    threshold: u64,
) -> EqualityTable {
    let Ok(table) = equality_analysis_checked::<std::convert::Infallible>(
        records,
        answers,
        characteristic,
        threshold,
        &|| Ok(()),
    );
    table
}

/// [`equality_analysis`], asking `go_on` every [`super::CHECK_EVERY`]
/// records and stopping with its error.
pub fn equality_analysis_checked<E>(
    records: &[AnonymisedRecord],
    answers: &[MonitoringAnswers],
    characteristic: Characteristic,
    threshold: u64,
    go_on: super::GoOn<'_, E>,
) -> Result<EqualityTable, E> {
    let mut by_pseudonym: HashMap<&str, &MonitoringAnswers> = HashMap::new();
    for (n, a) in answers.iter().enumerate() {
        super::every(n, go_on)?;
        by_pseudonym.insert(a.pseudonym.as_str(), a);
    }
    let mut groups: BTreeMap<&str, Counts> = BTreeMap::new();
    for (n, r) in records.iter().enumerate() {
        super::every(n, go_on)?;
        let Some(a) = by_pseudonym.get(r.pseudonym.as_str()) else {
            continue;
        };
        let group = characteristic.answer(a).trim();
        if !group.is_empty() {
            add(groups.entry(group).or_default(), r);
        }
    }
    let counts: Vec<Counts> = groups.values().copied().collect();
    let plan = plan(&counts, threshold);
    let rows = groups
        .iter()
        .zip(&plan.hidden)
        .map(|((group, c), hidden)| GroupRow {
            group: (*group).to_owned(),
            suppressed: *hidden,
            cells: if *hidden { Cells::default() } else { shown(c) },
        })
        .collect();
    let sum = |cell: fn(&Counts) -> u64, withheld: bool| {
        (!withheld).then(|| counts.iter().map(cell).sum())
    };
    let w = plan.withheld;
    Ok(EqualityTable {
        characteristic,
        threshold,
        rows,
        total: Cells {
            count: sum(|c| c.count, w.count),
            decided: sum(|c| c.decided, w.decided),
            upheld: sum(|c| c.upheld, w.upheld),
            entered: sum(|c| c.entered, w.entered),
            escalated: sum(|c| c.escalated, w.escalated),
        },
    })
}

fn add(c: &mut Counts, r: &AnonymisedRecord) {
    let decision = r.final_decision();
    let count = |yes: bool| u64::from(yes);
    c.count += 1;
    c.decided += count(decision.is_some());
    c.upheld += count(matches!(
        decision,
        Some(Decision::Upheld | Decision::PartlyUpheld)
    ));
    c.entered += count(r.stage_reached.is_some());
    c.escalated += count(r.reached(Stage::Two));
}

fn shown(c: &Counts) -> Cells {
    Cells {
        count: Some(c.count),
        decided: Some(c.decided),
        upheld: Some(c.upheld),
        entered: Some(c.entered),
        escalated: Some(c.escalated),
    }
}
