//! What became of each submission of a phase: when its complaint was
//! opened, when the SMTP server accepted its automatic reply and when
//! reporting counted it; which were lost or done twice; latencies; and
//! whether the backlog grew.

use crate::stats::Latencies;
use crate::submit::Phase;
use chrono::{DateTime, Utc};
use end_to_end::smtp::SmtpSink;
use sqlx::PgPool;
use std::collections::HashMap;
use std::time::Duration;

/// The automatic reply's subject starts with this.
const REPLY_SUBJECT: &str = "We have received your complaint";

/// When each step happened, by trace id (each may be seen more than once,
/// which would be a duplicate).
#[derive(Debug, Clone, Default)]
pub struct Completions {
    pub steps: [HashMap<String, Vec<DateTime<Utc>>>; 3],
}

/// Reads the steps of the submissions tagged `tag` from the complaints
/// log, the SMTP sink and the reporting timeline.
pub async fn collect(
    pool: &PgPool,
    complaints_schema: &str,
    reporting_schema: &str,
    smtp: &SmtpSink,
    phase: &Phase,
    tag: u32,
) -> Result<Completions, String> {
    let prefix = format!("{tag:08x}%");
    let opened: Vec<(String, DateTime<Utc>)> = sqlx::query_as(&format!(
        "SELECT substr(traceparent, 4, 32), recorded_at FROM \"{complaints_schema}\".events
         WHERE event_type = 'complaints.v1.ComplaintOpened' AND substr(traceparent, 4, 32) LIKE $1"
    ))
    .bind(&prefix)
    .fetch_all(pool)
    .await
    .map_err(|e| format!("reading openings: {e}"))?;
    let reported: Vec<(String, DateTime<Utc>)> = sqlx::query_as(&format!(
        "SELECT trace_id, applied_at FROM \"{reporting_schema}\".log_entries
         WHERE event_type LIKE '%ComplaintOpened' AND trace_id LIKE $1"
    ))
    .bind(&prefix)
    .fetch_all(pool)
    .await
    .map_err(|e| format!("reading the reporting timeline: {e}"))?;
    let by_email: HashMap<&str, &str> = phase
        .submitted
        .iter()
        .map(|s| (s.email.as_str(), s.trace_id.as_str()))
        .collect();
    let mut completions = Completions::default();
    for message in smtp.received() {
        if !message.subject().starts_with(REPLY_SUBJECT) {
            continue;
        }
        for to in &message.to {
            let address = to.trim_matches(['<', '>']);
            if let Some(trace) = by_email.get(address) {
                completions.steps[1]
                    .entry((*trace).to_owned())
                    .or_default()
                    .push(DateTime::<Utc>::from(message.at));
            }
        }
    }
    for (step, rows) in [(0, opened), (2, reported)] {
        for (trace, at) in rows {
            completions.steps[step].entry(trace).or_default().push(at);
        }
    }
    Ok(completions)
}

/// A phase's verdict.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub sent: usize,
    pub accepted: usize,
    /// Calls that failed, and submissions not accepted (triage).
    pub failed: usize,
    pub missing: [usize; 3],
    pub duplicated: [usize; 3],
    pub latencies: [Option<Latencies>; 3],
    /// Accepted submissions not yet through every step, half-way through
    /// the phase and at its end.
    pub backlog_mid: usize,
    pub backlog_end: usize,
    pub generator_overrun: usize,
    /// The gRPC codes of failed calls, each once.
    pub errors: std::collections::BTreeSet<String>,
}

impl Outcome {
    pub fn lost(&self) -> usize {
        self.missing.iter().sum::<usize>() + self.duplicated.iter().sum::<usize>()
    }

    /// Nothing lost, nothing failed, and the backlog at the end no more
    /// than a second's submissions above the backlog half-way through.
    pub fn sustained(&self, rate: u32) -> bool {
        self.failed == 0
            && self.generator_overrun == 0
            && self.lost() == 0
            && self.backlog_end <= self.backlog_mid + rate as usize
    }
}

pub fn evaluate(phase: &Phase, completions: &Completions) -> Outcome {
    let mut outcome = Outcome {
        sent: phase.submitted.len() + phase.generator_overrun,
        generator_overrun: phase.generator_overrun,
        ..Outcome::default()
    };
    let (Some(started), Some(ended)) = (phase.started, phase.ended) else {
        return outcome;
    };
    let middle = started + (ended - started) / 2;
    let mut samples: [Vec<Duration>; 3] = Default::default();
    for submission in &phase.submitted {
        if !submission.accepted {
            outcome.failed += 1;
            outcome.errors.extend(submission.error.clone());
            continue;
        }
        outcome.accepted += 1;
        let mut done = Some(submission.sent);
        for (step, seen) in completions.steps.iter().enumerate() {
            match seen.get(&submission.trace_id) {
                Some(times) => {
                    if times.len() > 1 {
                        outcome.duplicated[step] += 1;
                    }
                    let first = times.iter().min().copied().unwrap_or(submission.sent);
                    samples[step].push((first - submission.sent).to_std().unwrap_or_default());
                    done = done.map(|d| d.max(first));
                }
                None => {
                    outcome.missing[step] += 1;
                    done = None;
                }
            }
        }
        for (at, backlog) in [
            (middle, &mut outcome.backlog_mid),
            (ended, &mut outcome.backlog_end),
        ] {
            if submission.sent <= at && done.is_none_or(|d| d > at) {
                *backlog += 1;
            }
        }
    }
    outcome.latencies = samples.map(|s| Latencies::of(&s));
    outcome
}

/// How many of the phase's accepted submissions have been through every step.
pub fn completed(phase: &Phase, completions: &Completions) -> usize {
    phase
        .submitted
        .iter()
        .filter(|s| {
            s.accepted
                && completions
                    .steps
                    .iter()
                    .all(|c| c.contains_key(&s.trace_id))
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::submit::Submitted;

    fn submitted(trace: &str, sent: DateTime<Utc>) -> Submitted {
        Submitted {
            trace_id: trace.into(),
            email: format!("{trace}@bench.example"),
            sent,
            accepted: true,
            error: None,
        }
    }

    #[test]
    fn a_missing_step_is_lost_and_a_repeated_one_is_a_duplicate() {
        let t0 = Utc::now();
        let phase = Phase {
            submitted: vec![submitted("a", t0), submitted("b", t0)],
            started: Some(t0),
            ended: Some(t0 + chrono::Duration::seconds(10)),
            generator_overrun: 0,
        };
        let ms = |n| t0 + chrono::Duration::milliseconds(n);
        let mut completions = Completions::default();
        completions.steps[0].insert("a".into(), vec![ms(10)]);
        completions.steps[0].insert("b".into(), vec![ms(20)]);
        completions.steps[1].insert("a".into(), vec![ms(30), ms(40)]);
        completions.steps[2].insert("a".into(), vec![ms(50)]);
        let outcome = evaluate(&phase, &completions);
        assert_eq!(outcome.accepted, 2);
        assert_eq!(outcome.missing, [0, 1, 1]);
        assert_eq!(outcome.duplicated, [0, 1, 0]);
        assert!(!outcome.sustained(1));
        assert_eq!(
            outcome.latencies[1].map(|l| l.p50),
            Some(Duration::from_millis(30))
        );
        assert_eq!(completed(&phase, &completions), 1);
        // "b" never finished: it is in the backlog at the end.
        assert_eq!(outcome.backlog_end, 1);
    }

    #[test]
    fn everything_once_and_a_flat_backlog_is_sustained() {
        let t0 = Utc::now();
        let phase = Phase {
            submitted: vec![submitted("a", t0)],
            started: Some(t0),
            ended: Some(t0 + chrono::Duration::seconds(10)),
            generator_overrun: 0,
        };
        let mut completions = Completions::default();
        for step in 0..3 {
            completions.steps[step]
                .insert("a".into(), vec![t0 + chrono::Duration::milliseconds(5)]);
        }
        let outcome = evaluate(&phase, &completions);
        assert!(outcome.sustained(1));
        assert_eq!(outcome.backlog_end, 0);
    }
}
