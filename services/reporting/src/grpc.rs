//! `complaints.v1.Reporting`: the committee's figures, the anonymised log
//! and the equality analysis, computed by the pure core over the read
//! model and mapped into protobuf here.

use crate::core::{self, Characteristic, Grouping, Period};
use crate::pseudonym::PseudonymKey;
use crate::store::{self, StoreError};
use crate::work::{Cancelled, off_the_workers};
use crate::{consume, export};
use crate::{rebuild, report};
use calendar::Calendar;
use chrono::NaiveDate;
use complaints_proto::v1 as pb;
use platform::Clock;
use platform::grpc::{FieldViolation, invalid_argument};
use platform::limits;
use sqlx::PgPool;
use std::sync::Arc;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};
use tracing::Instrument;

/// The Reporting service's handlers.
#[derive(Debug, Clone)]
pub struct ReportingApi {
    pool: PgPool,
    calendar: Arc<Calendar>,
    clock: Arc<dyn Clock>,
    bus: bus::Bus,
    key: PseudonymKey,
}

impl ReportingApi {
    pub fn new(
        pool: PgPool,
        calendar: Arc<Calendar>,
        clock: Arc<dyn Clock>,
        bus: bus::Bus,
        key: PseudonymKey,
    ) -> Self {
        Self {
            pool,
            calendar,
            clock,
            bus,
            key,
        }
    }

    fn today(&self) -> NaiveDate {
        calendar::uk_date(self.clock.now())
    }
}

fn violation(field: &str, description: impl Into<String>) -> FieldViolation {
    FieldViolation {
        field: field.into(),
        rule: "R-MON-3",
        description: description.into(),
    }
}

fn date(field: &str, d: Option<pb::Date>) -> Result<NaiveDate, FieldViolation> {
    let d = d.ok_or_else(|| violation(field, "is required"))?;
    NaiveDate::from_ymd_opt(d.year, d.month, d.day).ok_or_else(|| {
        violation(
            field,
            format!("{}-{}-{} is not a date", d.year, d.month, d.day),
        )
    })
}

/// A date of a request, within the years [`platform::limits`] accepts.
fn bounded_date(field: &str, d: Option<pb::Date>) -> Result<NaiveDate, FieldViolation> {
    if let Some(d) = d {
        limits::year(field, d.year)?;
    }
    date(field, d)
}

/// The period of a request, or INVALID_ARGUMENT naming each bad field:
/// both ends in the years 2000 to 2100, `to` not before `from`, and at
/// most ten years long, so no request can make the figures or the report
/// cover an unbounded number of months.
fn period(from: Option<pb::Date>, to: Option<pb::Date>) -> Result<Period, Status> {
    match (bounded_date("from", from), bounded_date("to", to)) {
        (Ok(from), Ok(to)) => {
            let period = Period::new(from, to)
                .map_err(|e| invalid_argument(&[violation("to", e.to_string())]))?;
            limits::period_length("to", from, to).map_err(|v| invalid_argument(&[v]))?;
            Ok(period)
        }
        (from, to) => Err(invalid_argument(
            &[from.err(), to.err()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>(),
        )),
    }
}

fn pb_date(d: NaiveDate) -> pb::Date {
    use chrono::Datelike;
    pb::Date {
        year: d.year(),
        month: d.month(),
        day: d.day(),
    }
}

fn internal(error: StoreError) -> Status {
    tracing::error!(error = %error, "reading the anonymised log failed");
    Status::internal("the anonymised log could not be read")
}

fn timestamp(at: chrono::DateTime<chrono::Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: at.timestamp_subsec_nanos() as i32,
    }
}

fn rate(r: core::Rate) -> pb::Rate {
    pb::Rate {
        numerator: r.numerator,
        denominator: r.denominator,
    }
}

fn group(g: core::GroupFigures) -> pb::GroupFigures {
    let c = g.circumstances;
    pb::GroupFigures {
        label: g.label,
        total: g.volumes.total,
        by_category: g.volumes.by_category.into_iter().collect(),
        by_channel: g
            .volumes
            .by_channel
            .into_iter()
            .map(|(channel, count)| pb::ChannelCount {
                channel: channel as i32,
                count,
            })
            .collect(),
        by_customer_type: g.volumes.by_customer_type.into_iter().collect(),
        third_party: c.third_party,
        regulated_qualification: c.regulated_qualification,
        redirected: c.redirected,
        resolved_outside_procedure: c.resolved_outside_procedure,
        declined_out_of_time: c.declined_out_of_time,
        entered_procedure: c.entered_procedure,
        escalation_1_to_2: Some(rate(g.escalation_1_to_2)),
        escalation_2_to_3: Some(rate(g.escalation_2_to_3)),
        stages: g
            .stages
            .into_iter()
            .map(|s| pb::StageFigures {
                stage: i32::from(s.stage.number()),
                reached: s.reached,
                upheld: Some(rate(s.upheld)),
                median_working_days: s.median_working_days,
                p90_working_days: s.p90_working_days,
                compensation_pence: s.compensation_pence,
            })
            .collect(),
        deadlines: g
            .deadlines
            .into_iter()
            .map(|(kind, c)| pb::DeadlineCompliance {
                kind: kind as i32,
                met: c.met,
                missed: c.missed,
            })
            .collect(),
        compensation_pence: g.compensation_pence,
    }
}

fn cells(c: core::Cells) -> pb::EqualityCells {
    pb::EqualityCells {
        count: c.count,
        decided: c.decided,
        upheld: c.upheld,
        entered: c.entered,
        escalated: c.escalated,
    }
}

fn grouping(value: i32) -> (Grouping, pb::Grouping) {
    match pb::Grouping::try_from(value) {
        Ok(pb::Grouping::Quarter) => (Grouping::Quarter, pb::Grouping::Quarter),
        _ => (Grouping::Month, pb::Grouping::Month),
    }
}

fn characteristic(value: i32) -> Result<Characteristic, Status> {
    Ok(match pb::Characteristic::try_from(value) {
        Ok(pb::Characteristic::Ethnicity) => Characteristic::Ethnicity,
        Ok(pb::Characteristic::Disability) => Characteristic::Disability,
        Ok(pb::Characteristic::Gender) => Characteristic::Gender,
        Ok(pb::Characteristic::AgeBand) => Characteristic::AgeBand,
        Ok(pb::Characteristic::ReligionOrBelief) => Characteristic::ReligionOrBelief,
        Ok(pb::Characteristic::SexualOrientation) => Characteristic::SexualOrientation,
        _ => {
            return Err(invalid_argument(&[FieldViolation {
                field: "characteristic".into(),
                rule: "R-MON-4",
                description: "must name a monitored characteristic".into(),
            }]));
        }
    })
}

#[tonic::async_trait]
impl pb::reporting_server::Reporting for ReportingApi {
    async fn get_figures(
        &self,
        request: Request<pb::GetFiguresRequest>,
    ) -> Result<Response<pb::Figures>, Status> {
        let request = request.into_inner();
        let period = period(request.from, request.to)?;
        let (grouping, pb_grouping) = grouping(request.grouping);
        let records = store::records_up_to(&self.pool, period.to())
            .await
            .map_err(internal)?;
        let compliments = store::compliments_in(&self.pool, period)
            .await
            .map_err(internal)?;
        let (today, calendar) = (self.today(), self.calendar.clone());
        let f = off_the_workers(move |_| {
            Ok(core::figures(&records, period, grouping, today, &calendar))
        })
        .await?;
        let compensation_pence = f
            .groups
            .iter()
            .fold(0i64, |sum, g| sum.saturating_add(g.compensation_pence));
        let bands = f.backlog.open_by_age;
        Ok(Response::new(pb::Figures {
            complaints_received: f.trend.volume,
            complaints_open: bands.total(),
            grouping: pb_grouping as i32,
            groups: f.groups.into_iter().map(group).collect(),
            open_by_age: Some(pb::AgeBands {
                up_to_7: bands.up_to_7,
                from_8_to_20: bands.from_8_to_20,
                from_21_to_40: bands.from_21_to_40,
                over_40: bands.over_40,
            }),
            actions_open: f.backlog.actions_open,
            actions_overdue: f.backlog.actions_overdue,
            trend: Some(pb::Trend {
                previous_from: Some(pb_date(f.trend.previous.from())),
                previous_to: Some(pb_date(f.trend.previous.to())),
                volume: f.trend.volume,
                previous_volume: f.trend.previous_volume,
                delta: f.trend.delta,
                percent: f.trend.percent,
            }),
            compensation_pence,
            compliments_by_team: core::compliments_by_team(&compliments, period)
                .into_iter()
                .collect(),
        }))
    }

    async fn export_log(
        &self,
        request: Request<pb::ExportLogRequest>,
    ) -> Result<Response<pb::ExportLogResponse>, Status> {
        let request = request.into_inner();
        let period = period(request.from, request.to)?;
        let records = store::records_in(&self.pool, period)
            .await
            .map_err(internal)?;
        let rows = records.len() as u64;
        let csv = off_the_workers(move |_| Ok(export::csv(&records).into_bytes())).await?;
        Ok(Response::new(pb::ExportLogResponse { csv, rows }))
    }

    async fn get_equality_analysis(
        &self,
        request: Request<pb::GetEqualityAnalysisRequest>,
    ) -> Result<Response<pb::EqualityAnalysis>, Status> {
        let request = request.into_inner();
        let which = characteristic(request.characteristic)?;
        let period = period(request.from, request.to)?;
        let threshold = match request.threshold {
            0 => core::DEFAULT_THRESHOLD,
            n => n,
        };
        let records = store::records_in(&self.pool, period)
            .await
            .map_err(internal)?;
        let answers = store::answers_in(&self.pool, period)
            .await
            .map_err(internal)?;
        let table = off_the_workers(move |_| {
            Ok(core::equality_analysis(
                &records, &answers, which, threshold,
            ))
        })
        .await?;
        Ok(Response::new(pb::EqualityAnalysis {
            characteristic: request.characteristic,
            threshold: table.threshold,
            rows: table
                .rows
                .into_iter()
                .map(|r| pb::EqualityRow {
                    group: r.group,
                    suppressed: r.suppressed,
                    cells: Some(cells(r.cells)),
                })
                .collect(),
            total: Some(cells(table.total)),
        }))
    }

    async fn committee_report(
        &self,
        request: Request<pb::CommitteeReportRequest>,
    ) -> Result<Response<pb::CommitteeReportResponse>, Status> {
        let request = request.into_inner();
        let period = period(request.from, request.to)?;
        let (grouping, _) = grouping(request.grouping);
        let history = store::records_up_to(&self.pool, period.to())
            .await
            .map_err(internal)?;
        let answers = store::answers_in(&self.pool, period)
            .await
            .map_err(internal)?;
        let (today, calendar) = (self.today(), self.calendar.clone());
        let html = off_the_workers(move |check| {
            let figures = core::figures(&history, period, grouping, today, &calendar);
            check.go_on()?;
            let records: Vec<core::AnonymisedRecord> = history
                .into_iter()
                .filter(|r| r.received_on.is_some_and(|on| period.contains(on)))
                .collect();
            let mut equality: Vec<core::EqualityTable> = Vec::new();
            for c in Characteristic::ALL {
                check.go_on()?;
                equality.push(core::equality_analysis(
                    &records,
                    &answers,
                    c,
                    core::DEFAULT_THRESHOLD,
                ));
            }
            check.go_on()?;
            Ok::<_, Cancelled>(report::committee_report(&report::ReportInput {
                figures: &figures,
                records: &records,
                equality: &equality,
                produced_on: today,
            }))
        })
        .await?;
        Ok(Response::new(pb::CommitteeReportResponse { html }))
    }

    async fn get_log_timeline(
        &self,
        request: Request<pb::GetLogTimelineRequest>,
    ) -> Result<Response<pb::LogTimeline>, Status> {
        let reference = limits::required_text(
            "reference",
            fieldtext::fields::RECORD_ID,
            &request.into_inner().reference,
            "R-MON-3",
        )?;
        let not_found = || Status::not_found(format!("the log has no complaint {reference}"));
        let mut conn = self
            .pool
            .acquire()
            .await
            .map_err(|e| internal(StoreError::Database(e)))?;
        let link = consume::reference_link(&self.key, &reference);
        let pseudonym = store::pseudonym_of(&mut conn, &link)
            .await
            .map_err(internal)?
            .ok_or_else(not_found)?;
        let entries = store::timeline(&mut conn, &pseudonym)
            .await
            .map_err(internal)?
            .into_iter()
            .map(|e| pb::LogTimelineEntry {
                source: e.source,
                event_type: e.event_type,
                facts: e.facts,
                occurred_at: e.occurred_at.map(timestamp),
                applied_at: Some(timestamp(e.applied_at)),
                trace_id: e.trace_id,
            })
            .collect();
        Ok(Response::new(pb::LogTimeline { entries }))
    }

    type RebuildLogStream = ReceiverStream<Result<pb::RebuildLogResponse, Status>>;

    /// The rebuild runs as a task of its own, so it finishes (or rolls
    /// back) whatever the caller does; the caller hears its progress.
    async fn rebuild_log(
        &self,
        _request: Request<pb::RebuildLogRequest>,
    ) -> Result<Response<Self::RebuildLogStream>, Status> {
        let (updates, stream) = tokio::sync::mpsc::channel(16);
        let (pool, bus, key) = (self.pool.clone(), self.bus.clone(), self.key.clone());
        tokio::spawn(
            async move {
                let progress = |events: u64, read: u64, total: u64| {
                    // A slow listener misses updates, never the outcome.
                    let _ = updates.try_send(Ok(pb::RebuildLogResponse {
                        events,
                        messages_read: read,
                        messages_total: total,
                        done: false,
                    }));
                };
                let last = match rebuild::rebuild(&pool, &bus, &key, &progress).await {
                    Ok(rebuilt) => {
                        tracing::info!(events = rebuilt.events, "rebuilt the anonymised log");
                        Ok(pb::RebuildLogResponse {
                            events: rebuilt.events,
                            done: true,
                            ..Default::default()
                        })
                    }
                    Err(error) => {
                        tracing::error!(error = %error, "rebuilding the anonymised log failed");
                        Err(Status::internal(format!(
                            "the anonymised log was not rebuilt: {error}"
                        )))
                    }
                };
                let _ = updates.send(last).await;
            }
            .in_current_span(),
        );
        Ok(Response::new(ReceiverStream::new(stream)))
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    fn any_date() -> impl Strategy<Value = Option<pb::Date>> {
        proptest::option::of(
            (any::<i32>(), any::<u32>(), any::<u32>()).prop_map(|(year, month, day)| pb::Date {
                year,
                month,
                day,
            }),
        )
    }

    /// The regression corpus: the periods of the operators' issue.
    #[test]
    fn the_periods_that_wedged_the_service_are_refused() {
        let d = |year, month, day| Some(pb::Date { year, month, day });
        for (from, to) in [
            (d(2026, 1, 1), d(99_999, 12, 31)),
            (d(2026, 1, 1), d(9999, 12, 31)),
            (d(0, 1, 1), d(2026, 12, 31)),
            (d(i32::MIN, 1, 1), d(i32::MAX, 12, 31)),
        ] {
            let refused = period(from, to).unwrap_err();
            assert_eq!(refused.code(), tonic::Code::InvalidArgument);
        }
    }

    proptest! {
        /// Any period a well-formed request can carry is parsed without a
        /// panic, to a period within the bounds or INVALID_ARGUMENT.
        #[test]
        fn any_period_parses_within_the_bounds_or_is_refused(from in any_date(), to in any_date()) {
            match period(from, to) {
                Ok(p) => {
                    prop_assert!(p.from() <= p.to());
                    prop_assert!((limits::FIRST_YEAR..=limits::LAST_YEAR)
                        .contains(&chrono::Datelike::year(&p.from())));
                    prop_assert!((p.to() - p.from()).num_days() <= 366 * 10);
                }
                Err(status) => prop_assert_eq!(status.code(), tonic::Code::InvalidArgument),
            }
        }

        /// Any characteristic number is a characteristic or INVALID_ARGUMENT.
        #[test]
        fn any_characteristic_parses_or_is_refused(value in any::<i32>()) {
            if let Err(status) = characteristic(value) {
                prop_assert_eq!(status.code(), tonic::Code::InvalidArgument);
            }
        }

        /// Any text is a reference or INVALID_ARGUMENT naming it.
        #[test]
        fn any_reference_text_is_cleaned_or_refused(raw in any::<String>()) {
            if let Err(status) = limits::required_text("reference", fieldtext::fields::RECORD_ID, &raw, "R-MON-3") {
                prop_assert_eq!(status.code(), tonic::Code::InvalidArgument);
                prop_assert!(status.message().starts_with("reference:"));
            }
        }
    }
}
