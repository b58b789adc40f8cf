//! The procedure's figures for Prometheus, read from the read model at
//! scrape time (cheap grouped counts, no personal data): deadlines
//! approaching and missed by kind, open complaints by stage, open
//! complaints with a deadline passed, and actions not completed by their
//! due date (R-OUT-3, R-MON-2), counted only, never named.

use complaints_proto::v1 as pb;
use platform::metrics::{BoxFuture, Collector, Exposition, Kind};
use sqlx::PgPool;

/// Reads the procedure's figures from the complaints read model.
#[derive(Debug, Clone)]
pub struct ProcedureMetrics {
    pub pool: PgPool,
    /// The service's clock: an action is overdue after its due date, a UK
    /// date of this clock.
    pub clock: std::sync::Arc<dyn platform::Clock>,
}

const DEADLINES: &str = "complaints_procedure_deadlines";
const OPEN: &str = "complaints_procedure_open_complaints";
const OVERDUE: &str = "complaints_procedure_overdue_complaints";
const ACTIONS_OVERDUE: &str = "complaints_procedure_overdue_actions";

/// The kinds of deadline, as labels.
const KINDS: [pb::DeadlineKind; 6] = [
    pb::DeadlineKind::FirstContact,
    pb::DeadlineKind::AgreedTimescale,
    pb::DeadlineKind::Stage2Response,
    pb::DeadlineKind::Stage3Acknowledgement,
    pb::DeadlineKind::Stage3Response,
    pb::DeadlineKind::EscalationWindow,
];

/// `first_contact` for `DEADLINE_KIND_FIRST_CONTACT`.
pub fn kind_label(kind: pb::DeadlineKind) -> String {
    kind.as_str_name()
        .trim_start_matches("DEADLINE_KIND_")
        .to_ascii_lowercase()
}

impl ProcedureMetrics {
    async fn measure(&self, out: &mut Exposition) -> Result<(), sqlx::Error> {
        let deadlines: Vec<(i32, i64, i64)> = sqlx::query_as(
            "SELECT kind, count(*) FILTER (WHERE approaching AND NOT missed),
                    count(*) FILTER (WHERE missed)
             FROM live_deadlines GROUP BY kind",
        )
        .fetch_all(&self.pool)
        .await?;
        let open: Vec<(i32, i64)> = sqlx::query_as(
            "SELECT stage, count(*) FROM complaints WHERE NOT closed GROUP BY stage",
        )
        .fetch_all(&self.pool)
        .await?;
        let overdue: i64 =
            sqlx::query_scalar("SELECT count(*) FROM complaints WHERE NOT closed AND overdue")
                .fetch_one(&self.pool)
                .await?;
        let today = calendar::uk_date(self.clock.now());
        let actions_overdue: i64 =
            sqlx::query_scalar("SELECT count(*) FROM open_actions WHERE due_on < $1")
                .bind(today)
                .fetch_one(&self.pool)
                .await?;
        out.describe(
            DEADLINES,
            Kind::Gauge,
            "live deadlines approaching or missed, by kind of deadline",
        );
        for kind in KINDS {
            let (approaching, missed) = deadlines
                .iter()
                .find(|(k, _, _)| *k == kind as i32)
                .map_or((0, 0), |(_, a, m)| (*a, *m));
            let label = kind_label(kind);
            for (state, count) in [("approaching", approaching), ("missed", missed)] {
                out.gauge(
                    DEADLINES,
                    "",
                    &[("kind", &label), ("state", state)],
                    count as f64,
                );
            }
        }
        for stage in 1..=3 {
            let count = open
                .iter()
                .find(|(s, _)| *s == stage)
                .map_or(0, |(_, n)| *n);
            out.gauge(
                OPEN,
                "complaints not closed, by stage of the procedure",
                &[("stage", &stage.to_string())],
                count as f64,
            );
        }
        out.gauge(
            OVERDUE,
            "complaints not closed whose earliest live deadline has passed",
            &[],
            overdue as f64,
        );
        out.gauge(
            ACTIONS_OVERDUE,
            "follow-up and improvement actions not completed by their due date (R-OUT-3, R-MON-2)",
            &[],
            actions_overdue as f64,
        );
        Ok(())
    }
}

impl Collector for ProcedureMetrics {
    fn collect<'a>(&'a self, out: &'a mut Exposition) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Err(error) = self.measure(out).await {
                tracing::warn!(error = %error, "metrics: cannot read the procedure's figures");
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadline_kinds_are_short_lowercase_labels() {
        let labels: Vec<String> = KINDS.into_iter().map(kind_label).collect();
        assert_eq!(
            labels,
            [
                "first_contact",
                "agreed_timescale",
                "stage2_response",
                "stage3_acknowledgement",
                "stage3_response",
                "escalation_window"
            ]
        );
    }
}
