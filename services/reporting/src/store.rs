//! The read model in reporting's own schema (`migrations/1000_reporting.sql`).
//!
//! A record is stored as its state, not its facts: flat columns for the
//! scalars, arrays of three for the stages (remedies as a bitmask of
//! `RemedyKind` values, which is exact because a stage's remedies are
//! sorted and without repeats), and parallel arrays for deadlines and open
//! actions. [`Row`] is the one place that encoding lives; it round-trips
//! every record (see the tests below).
//!
//! Writes happen inside the consumer's transaction: the row is created
//! empty if missing and locked (`FOR UPDATE`) before the facts are applied,
//! so the intake and complaints consumers never overwrite each other.

use crate::core::{
    AnonymisedRecord, Channel, ClosureKind, ComplimentRecord, DeadlineKind, DeadlineResult,
    Decision, MonitoringAnswers, Period, RemedyKind, Stage, StageRecord,
};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{PgConnection, PgPool};
use std::collections::BTreeMap;

/// A stored value this code cannot read back, or PostgreSQL failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("stored record {pseudonym}: column {column}: {reason}")]
    Corrupt {
        pseudonym: String,
        column: &'static str,
        reason: String,
    },
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// One row of `anonymised_records`.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Row {
    pub pseudonym: String,
    pub received_on: Option<NaiveDate>,
    pub channel: i32,
    pub query_category: String,
    pub customer_type: String,
    pub third_party: bool,
    pub regulated_qualification: bool,
    pub redirected: bool,
    pub resolved_outside_procedure: bool,
    pub declined_out_of_time: bool,
    pub accepted: bool,
    pub stage_reached: Option<i16>,
    pub stage_started_on: Vec<Option<NaiveDate>>,
    pub stage_decision: Vec<Option<i32>>,
    pub stage_remedies: Vec<i32>,
    pub stage_compensation_pence: Vec<i64>,
    pub stage_outcome_on: Vec<Option<NaiveDate>>,
    pub deadline_kinds: Vec<i32>,
    pub deadline_results: Vec<i16>,
    pub closed_on: Option<NaiveDate>,
    pub closure: Option<i32>,
    pub action_ids: Vec<i64>,
    pub action_due_on: Vec<NaiveDate>,
    pub done_action_ids: Vec<i64>,
    pub done_action_late: Vec<bool>,
}

const MET: i16 = 1;
const MET_LATE: i16 = 2;
const MISSED: i16 = 3;

impl From<&AnonymisedRecord> for Row {
    fn from(r: &AnonymisedRecord) -> Self {
        let stages = &r.stages;
        Row {
            pseudonym: r.pseudonym.clone(),
            received_on: r.received_on,
            channel: r.channel as i32,
            query_category: r.query_category.clone(),
            customer_type: r.customer_type.clone(),
            third_party: r.third_party,
            regulated_qualification: r.regulated_qualification,
            redirected: r.redirected,
            resolved_outside_procedure: r.resolved_outside_procedure,
            declined_out_of_time: r.declined_out_of_time,
            accepted: r.accepted,
            stage_reached: r.stage_reached.map(|s| i16::from(s.number())),
            stage_started_on: stages.iter().map(|s| s.started_on).collect(),
            stage_decision: stages
                .iter()
                .map(|s| s.decision.map(|d| d as i32))
                .collect(),
            stage_remedies: stages
                .iter()
                .map(|s| s.remedies.iter().fold(0i32, |m, k| m | (1 << (*k as i32))))
                .collect(),
            stage_compensation_pence: stages.iter().map(|s| s.compensation_pence).collect(),
            stage_outcome_on: stages.iter().map(|s| s.outcome_on).collect(),
            deadline_kinds: r.deadlines.keys().map(|k| *k as i32).collect(),
            deadline_results: r
                .deadlines
                .values()
                .map(|v| match v {
                    DeadlineResult::Met => MET,
                    DeadlineResult::MetLate => MET_LATE,
                    DeadlineResult::Missed => MISSED,
                })
                .collect(),
            closed_on: r.closed_on,
            closure: r.closure.map(|c| c as i32),
            action_ids: r.open_actions.keys().map(|id| i64::from(*id)).collect(),
            action_due_on: r.open_actions.values().copied().collect(),
            done_action_ids: r
                .completed_actions
                .keys()
                .map(|id| i64::from(*id))
                .collect(),
            done_action_late: r.completed_actions.values().copied().collect(),
        }
    }
}

impl Row {
    /// The record this row stores; an error names a column this code
    /// cannot read (a value written by a newer version, or tampering).
    pub fn into_record(self) -> Result<AnonymisedRecord, StoreError> {
        let corrupt = |column: &'static str, reason: String| StoreError::Corrupt {
            pseudonym: self.pseudonym.clone(),
            column,
            reason,
        };
        let known = |column: &'static str, value: i32| corrupt(column, format!("unknown {value}"));
        let three = |column: &'static str, len: usize| {
            (len == 3)
                .then_some(())
                .ok_or_else(|| corrupt(column, format!("{len} values, not 3")))
        };
        three("stage_started_on", self.stage_started_on.len())?;
        three("stage_decision", self.stage_decision.len())?;
        three("stage_remedies", self.stage_remedies.len())?;
        three(
            "stage_compensation_pence",
            self.stage_compensation_pence.len(),
        )?;
        three("stage_outcome_on", self.stage_outcome_on.len())?;
        let mut stages: [StageRecord; 3] = Default::default();
        for (i, stage) in stages.iter_mut().enumerate() {
            let mask = self.stage_remedies[i];
            let mut remedies = Vec::new();
            for bit in 0..31 {
                if mask & (1 << bit) != 0 {
                    remedies
                        .push(RemedyKind::try_from(bit).map_err(|_| known("stage_remedies", bit))?);
                }
            }
            *stage = StageRecord {
                started_on: self.stage_started_on[i],
                decision: self.stage_decision[i]
                    .map(|d| Decision::try_from(d).map_err(|_| known("stage_decision", d)))
                    .transpose()?,
                remedies,
                compensation_pence: self.stage_compensation_pence[i],
                outcome_on: self.stage_outcome_on[i],
            };
        }
        if self.deadline_kinds.len() != self.deadline_results.len() {
            return Err(corrupt("deadline_results", "not one per kind".into()));
        }
        let mut deadlines = BTreeMap::new();
        for (kind, result) in self.deadline_kinds.iter().zip(&self.deadline_results) {
            let kind = DeadlineKind::try_from(*kind).map_err(|_| known("deadline_kinds", *kind))?;
            let result = match *result {
                MET => DeadlineResult::Met,
                MET_LATE => DeadlineResult::MetLate,
                MISSED => DeadlineResult::Missed,
                other => return Err(known("deadline_results", i32::from(other))),
            };
            deadlines.insert(kind, result);
        }
        if self.action_ids.len() != self.action_due_on.len() {
            return Err(corrupt("action_due_on", "not one per action".into()));
        }
        let mut open_actions = BTreeMap::new();
        for (id, due) in self.action_ids.iter().zip(&self.action_due_on) {
            let id = u32::try_from(*id).map_err(|e| corrupt("action_ids", e.to_string()))?;
            open_actions.insert(id, *due);
        }
        if self.done_action_ids.len() != self.done_action_late.len() {
            return Err(corrupt("done_action_late", "not one per action".into()));
        }
        let mut completed_actions = BTreeMap::new();
        for (id, late) in self.done_action_ids.iter().zip(&self.done_action_late) {
            let id = u32::try_from(*id).map_err(|e| corrupt("done_action_ids", e.to_string()))?;
            completed_actions.insert(id, *late);
        }
        let stage_reached = self
            .stage_reached
            .map(|s| {
                u8::try_from(s)
                    .ok()
                    .and_then(Stage::from_number)
                    .ok_or_else(|| known("stage_reached", i32::from(s)))
            })
            .transpose()?;
        let channel =
            Channel::try_from(self.channel).map_err(|_| known("channel", self.channel))?;
        let closure = self
            .closure
            .map(|c| ClosureKind::try_from(c).map_err(|_| known("closure", c)))
            .transpose()?;
        Ok(AnonymisedRecord {
            pseudonym: self.pseudonym,
            received_on: self.received_on,
            channel,
            query_category: self.query_category,
            customer_type: self.customer_type,
            third_party: self.third_party,
            regulated_qualification: self.regulated_qualification,
            redirected: self.redirected,
            resolved_outside_procedure: self.resolved_outside_procedure,
            declined_out_of_time: self.declined_out_of_time,
            accepted: self.accepted,
            stage_reached,
            stages,
            deadlines,
            closed_on: self.closed_on,
            closure,
            open_actions,
            completed_actions,
        })
    }
}

const COLUMNS: &str = "pseudonym, received_on, channel, query_category, customer_type, \
    third_party, regulated_qualification, redirected, resolved_outside_procedure, \
    declined_out_of_time, accepted, stage_reached, stage_started_on, stage_decision, \
    stage_remedies, stage_compensation_pence, stage_outcome_on, deadline_kinds, \
    deadline_results, closed_on, closure, action_ids, action_due_on, done_action_ids, \
    done_action_late";

/// Loads the record of `pseudonym` for update, creating an empty one if
/// there is none yet; the row stays locked until `tx` ends.
pub async fn lock_record(
    tx: &mut PgConnection,
    pseudonym: &str,
) -> Result<AnonymisedRecord, StoreError> {
    sqlx::query("INSERT INTO anonymised_records (pseudonym) VALUES ($1) ON CONFLICT DO NOTHING")
        .bind(pseudonym)
        .execute(&mut *tx)
        .await?;
    let row: Row = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM anonymised_records WHERE pseudonym = $1 FOR UPDATE"
    ))
    .bind(pseudonym)
    .fetch_one(&mut *tx)
    .await?;
    row.into_record()
}

/// Saves a record loaded with [`lock_record`].
pub async fn save_record(
    tx: &mut PgConnection,
    record: &AnonymisedRecord,
) -> Result<(), StoreError> {
    let r = Row::from(record);
    sqlx::query(
        "UPDATE anonymised_records SET received_on = $2, channel = $3, query_category = $4, \
         customer_type = $5, third_party = $6, regulated_qualification = $7, redirected = $8, \
         resolved_outside_procedure = $9, declined_out_of_time = $10, accepted = $11, \
         stage_reached = $12, stage_started_on = $13, stage_decision = $14, \
         stage_remedies = $15, stage_compensation_pence = $16, stage_outcome_on = $17, \
         deadline_kinds = $18, deadline_results = $19, closed_on = $20, closure = $21, \
         action_ids = $22, action_due_on = $23, done_action_ids = $24, \
         done_action_late = $25 WHERE pseudonym = $1",
    )
    .bind(&r.pseudonym)
    .bind(r.received_on)
    .bind(r.channel)
    .bind(&r.query_category)
    .bind(&r.customer_type)
    .bind(r.third_party)
    .bind(r.regulated_qualification)
    .bind(r.redirected)
    .bind(r.resolved_outside_procedure)
    .bind(r.declined_out_of_time)
    .bind(r.accepted)
    .bind(r.stage_reached)
    .bind(&r.stage_started_on)
    .bind(&r.stage_decision)
    .bind(&r.stage_remedies)
    .bind(&r.stage_compensation_pence)
    .bind(&r.stage_outcome_on)
    .bind(&r.deadline_kinds)
    .bind(&r.deadline_results)
    .bind(r.closed_on)
    .bind(r.closure)
    .bind(&r.action_ids)
    .bind(&r.action_due_on)
    .bind(&r.done_action_ids)
    .bind(&r.done_action_late)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Records which pseudonym a complaint reference belongs to (first wins).
pub async fn link_reference(
    tx: &mut PgConnection,
    reference: &str,
    pseudonym: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO complaint_pseudonyms (reference_key, pseudonym) VALUES ($1, $2) \
         ON CONFLICT DO NOTHING",
    )
    .bind(reference)
    .bind(pseudonym)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The pseudonym of a complaint reference, if it was opened.
pub async fn pseudonym_of(
    tx: &mut PgConnection,
    reference: &str,
) -> Result<Option<String>, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT pseudonym FROM complaint_pseudonyms WHERE reference_key = $1")
            .bind(reference)
            .fetch_optional(&mut *tx)
            .await?,
    )
}

/// One event applied to a record, as the operators' timeline shows it
/// (`migrations/1002_log_timeline.sql`).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct TimelineEntry {
    pub source: String,
    pub event_type: String,
    pub facts: Vec<String>,
    pub occurred_at: Option<DateTime<Utc>>,
    pub applied_at: DateTime<Utc>,
    pub trace_id: String,
}

/// Notes that an event's facts were applied to the record of `pseudonym`,
/// in the same transaction as the record.
pub async fn record_applied(
    tx: &mut PgConnection,
    pseudonym: &str,
    entry: &TimelineEntry,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO log_entries \
         (pseudonym, source, event_type, facts, occurred_at, applied_at, trace_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(pseudonym)
    .bind(&entry.source)
    .bind(&entry.event_type)
    .bind(&entry.facts)
    .bind(entry.occurred_at)
    .bind(entry.applied_at)
    .bind(&entry.trace_id)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// What was applied to the record of `pseudonym`, oldest first.
pub async fn timeline(
    conn: &mut PgConnection,
    pseudonym: &str,
) -> Result<Vec<TimelineEntry>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT source, event_type, facts, occurred_at, applied_at, trace_id \
         FROM log_entries WHERE pseudonym = $1 ORDER BY seq",
    )
    .bind(pseudonym)
    .fetch_all(&mut *conn)
    .await?)
}

/// Stores a compliment once per intake stream.
pub async fn save_compliment(
    tx: &mut PgConnection,
    stream_id: &str,
    compliment: &ComplimentRecord,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO compliments (stream_id, received_on, team) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING",
    )
    .bind(stream_id)
    .bind(compliment.received_on)
    .bind(&compliment.team)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Stores a complainant's answers; later answers replace earlier ones.
pub async fn save_answers(tx: &mut PgConnection, a: &MonitoringAnswers) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO monitoring_answers (pseudonym, ethnicity, disability, gender, age_band, \
         religion_or_belief, sexual_orientation) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (pseudonym) DO UPDATE SET ethnicity = $2, disability = $3, gender = $4, \
         age_band = $5, religion_or_belief = $6, sexual_orientation = $7",
    )
    .bind(&a.pseudonym)
    .bind(&a.ethnicity)
    .bind(&a.disability)
    .bind(&a.gender)
    .bind(&a.age_band)
    .bind(&a.religion_or_belief)
    .bind(&a.sexual_orientation)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The read model's generation (`migrations/1005_read_model_generation.sql`):
/// it moves on with every change to the records, the equality answers and
/// the compliments. Read it before them: an answer computed from what was
/// read then is at least as new as the generation.
pub async fn generation(pool: &PgPool) -> Result<i64, StoreError> {
    Ok(
        sqlx::query_scalar("SELECT generation FROM read_model_generation")
            .fetch_one(pool)
            .await?,
    )
}

/// Every record received on or before `to` (the backlog and the trend
/// need the earlier ones too), in a stable order.
pub async fn records_up_to(
    pool: &PgPool,
    to: NaiveDate,
) -> Result<Vec<AnonymisedRecord>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM anonymised_records WHERE received_on <= $1 \
         ORDER BY received_on, pseudonym"
    );
    collect_records(sqlx::query_as(&sql).bind(to).fetch(pool)).await
}

/// The records of `rows`, each converted as it arrives, letting the
/// worker's other tasks (health, other calls) run every
/// [`crate::core::CHECK_EVERY`] rows, so reading a long log does not hold
/// a worker for seconds.
async fn collect_records(
    mut rows: futures::stream::BoxStream<'_, Result<Row, sqlx::Error>>,
) -> Result<Vec<AnonymisedRecord>, StoreError> {
    use futures::TryStreamExt;
    let mut records = Vec::new();
    while let Some(row) = rows.try_next().await? {
        records.push(row.into_record()?);
        if records.len().is_multiple_of(crate::core::CHECK_EVERY) {
            tokio::task::yield_now().await;
        }
    }
    Ok(records)
}

/// The records received in `period`, in a stable order.
pub async fn records_in(
    pool: &PgPool,
    period: Period,
) -> Result<Vec<AnonymisedRecord>, StoreError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM anonymised_records WHERE received_on BETWEEN $1 AND $2 \
         ORDER BY received_on, pseudonym"
    );
    collect_records(
        sqlx::query_as(&sql)
            .bind(period.from())
            .bind(period.to())
            .fetch(pool),
    )
    .await
}

/// The compliments received in `period`.
pub async fn compliments_in(
    pool: &PgPool,
    period: Period,
) -> Result<Vec<ComplimentRecord>, StoreError> {
    let rows: Vec<(NaiveDate, String)> = sqlx::query_as(
        "SELECT received_on, team FROM compliments WHERE received_on BETWEEN $1 AND $2",
    )
    .bind(period.from())
    .bind(period.to())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(received_on, team)| ComplimentRecord { received_on, team })
        .collect())
}

/// The answers of the complainants whose complaints were received in
/// `period`. Only for the aggregate analysis (R-MON-4).
pub async fn answers_in(
    pool: &PgPool,
    period: Period,
) -> Result<Vec<MonitoringAnswers>, StoreError> {
    let rows: Vec<(String, String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT m.pseudonym, m.ethnicity, m.disability, m.gender, m.age_band, \
         m.religion_or_belief, m.sexual_orientation FROM monitoring_answers m \
         JOIN anonymised_records r ON r.pseudonym = m.pseudonym \
         WHERE r.received_on BETWEEN $1 AND $2",
    )
    .bind(period.from())
    .bind(period.to())
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(pseudonym, e, d, g, a, r, s)| MonitoringAnswers {
            pseudonym,
            ethnicity: e,
            disability: d,
            gender: g,
            age_band: a,
            religion_or_belief: r,
            sexual_orientation: s,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Fact, apply};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    #[test]
    fn an_empty_record_round_trips() {
        let record = AnonymisedRecord::new("p");
        assert_eq!(Row::from(&record).into_record().unwrap(), record);
    }

    #[test]
    fn a_record_with_every_field_set_round_trips() {
        let mut record = AnonymisedRecord::new("abc");
        for fact in [
            Fact::Submitted {
                received_on: day(2),
                channel: Channel::Email,
                query_category: "Fees".into(),
                customer_type: "Student".into(),
                third_party: true,
            },
            Fact::Opened {
                received_on: day(2),
                channel: Channel::Email,
                query_category: "Fees".into(),
                regulated_qualification: true,
            },
            Fact::OutcomeRecorded {
                stage: Stage::One,
                decision: Some(Decision::NotUpheld),
                remedies: vec![],
                compensation_pence: 0,
                on: day(5),
            },
            Fact::StageEscalated {
                to: Stage::Two,
                received_on: day(6),
            },
            Fact::OutcomeRecorded {
                stage: Stage::Two,
                decision: Some(Decision::PartlyUpheld),
                remedies: vec![RemedyKind::FinancialCompensation, RemedyKind::Apology],
                compensation_pence: 9_500,
                on: day(20),
            },
            Fact::DeadlineMissed {
                kind: DeadlineKind::FirstContact,
            },
            Fact::DeadlineMet {
                kind: DeadlineKind::FirstContact,
            },
            Fact::DeadlineMet {
                kind: DeadlineKind::Stage2Response,
            },
            Fact::ActionAdded {
                id: 7,
                due_on: day(30),
            },
            Fact::ActionAdded {
                id: 4_000_000_000,
                due_on: day(31),
            },
            Fact::ActionAdded {
                id: 8,
                due_on: day(10),
            },
            Fact::ActionCompleted {
                id: 8,
                on: Some(day(12)),
            },
            Fact::Redirected,
            Fact::DeclinedOutOfTime,
            Fact::ResolvedOutsideProcedure,
            Fact::Closed {
                on: day(21),
                how: ClosureKind::EscalationWindowLapsed,
            },
        ] {
            apply(&mut record, &fact);
        }
        assert_eq!(record.deadlines.len(), 2);
        assert_eq!(record.stage(Stage::Two).remedies.len(), 2);
        assert_eq!(record.completed_actions.get(&8), Some(&true));
        let row = Row::from(&record);
        assert_eq!(row.clone().into_record().unwrap(), record);
    }

    #[test]
    fn an_unknown_stored_value_is_an_error_naming_its_column() {
        let mut row = Row::from(&AnonymisedRecord::new("p"));
        row.channel = 99;
        let error = row.into_record().unwrap_err();
        assert!(error.to_string().contains("channel"), "{error}");
    }
}
