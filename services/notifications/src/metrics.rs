//! Notifications' figures for Prometheus, read from the notifications
//! table at scrape time (grouped counts, no personal data): emails by
//! template and status, the attempts that failed and were retried, and
//! the letters waiting in the print queue.

use crate::core::letters;
use complaints_proto::v1 as pb;
use platform::metrics::{BoxFuture, Collector, Exposition, Kind};
use sqlx::PgPool;

/// Reads the figures from the notifications table.
#[derive(Debug, Clone)]
pub struct DeliveryMetrics {
    pub pool: PgPool,
}

const EMAILS: &str = "complaints_notifications_emails";
const RETRIES: &str = "complaints_notifications_email_retries";
const LETTERS: &str = "complaints_notifications_letters_waiting";

/// The `status` label of a stored status.
pub fn status_label(status: i32) -> &'static str {
    match pb::NotificationStatus::try_from(status) {
        Ok(pb::NotificationStatus::Queued) => "queued",
        Ok(pb::NotificationStatus::Failed) => "failed",
        Ok(pb::NotificationStatus::Sent) => "sent",
        Ok(pb::NotificationStatus::GivenUp) => "given_up",
        Ok(pb::NotificationStatus::Cancelled) => "cancelled",
        _ => "unknown",
    }
}

/// The `template` label: a built-in template's name, or `other`.
pub fn template_label(template: &str) -> &str {
    if letters::template_named(template).is_some() {
        template
    } else {
        "other"
    }
}

impl DeliveryMetrics {
    async fn measure(&self, out: &mut Exposition) -> Result<(), sqlx::Error> {
        let emails: Vec<(String, i32, i64, i64)> = sqlx::query_as(
            "SELECT template, status, count(*),
                    coalesce(sum(greatest(attempts - 1, 0)), 0)::int8
             FROM notifications WHERE channel = $1 GROUP BY template, status",
        )
        .bind(pb::DeliveryChannel::Email as i32)
        .fetch_all(&self.pool)
        .await?;
        let letters: i64 = sqlx::query_scalar(
            "SELECT count(*) FROM notifications WHERE channel = $1 AND status = $2",
        )
        .bind(pb::DeliveryChannel::Post as i32)
        .bind(pb::NotificationStatus::Queued as i32)
        .fetch_one(&self.pool)
        .await?;
        out.describe(
            EMAILS,
            Kind::Gauge,
            "emails held, by template and status (queued, failed: waiting to be retried, sent, given_up, cancelled)",
        );
        out.describe(
            RETRIES,
            Kind::Gauge,
            "attempts beyond the first of the emails held (each a failure retried), by template",
        );
        let mut by_label: std::collections::BTreeMap<(&str, &str), (i64, i64)> =
            std::collections::BTreeMap::new();
        for (template, status, count, retries) in &emails {
            let entry = by_label
                .entry((template_label(template), status_label(*status)))
                .or_default();
            entry.0 += count;
            entry.1 += retries;
        }
        let mut retries_by_template: std::collections::BTreeMap<&str, i64> =
            std::collections::BTreeMap::new();
        for ((template, status), (count, retries)) in &by_label {
            out.gauge(
                EMAILS,
                "",
                &[("template", template), ("status", status)],
                *count as f64,
            );
            *retries_by_template.entry(template).or_default() += retries;
        }
        for (template, retries) in retries_by_template {
            out.gauge(RETRIES, "", &[("template", template)], retries as f64);
        }
        out.gauge(
            LETTERS,
            "letters waiting in the print queue to be posted",
            &[],
            letters as f64,
        );
        Ok(())
    }
}

impl Collector for DeliveryMetrics {
    fn collect<'a>(&'a self, out: &'a mut Exposition) -> BoxFuture<'a, ()> {
        Box::pin(async move {
            if let Err(error) = self.measure(out).await {
                tracing::warn!(error = %error, "metrics: cannot read the notifications' figures");
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_fixed_words() {
        assert_eq!(
            status_label(pb::NotificationStatus::GivenUp as i32),
            "given_up"
        );
        assert_eq!(status_label(99), "unknown");
        assert_eq!(template_label("automatic_reply"), "automatic_reply");
        assert_eq!(template_label("Ada Lovelace <ada@example.org>"), "other");
    }
}
