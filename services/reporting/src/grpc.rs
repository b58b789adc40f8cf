//! `complaints.v1.Reporting`: the committee's figures, the anonymised log
//! and the equality analysis, computed by the pure core over the read
//! model and mapped into protobuf here.

use crate::answers::{Answers, Stamp};
use crate::core::{self, Characteristic, Grouping, Period};
use crate::pseudonym::PseudonymKey;
use crate::store::{self, StoreError};
use crate::work::off_the_workers;
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
    answers: Arc<Answers>,
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
            answers: Arc::default(),
        }
    }

    /// The answers this API keeps, for its metrics.
    pub fn answers(&self) -> Arc<Answers> {
        self.answers.clone()
    }

    fn today(&self) -> NaiveDate {
        calendar::uk_date(self.clock.now())
    }

    /// What an answer computed now is computed from: the read model's
    /// generation, read before anything else, and today.
    async fn stamp(&self) -> Result<Stamp, Status> {
        Ok(Stamp {
            generation: store::generation(&self.pool).await.map_err(internal)?,
            today: self.today(),
        })
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

/// The minimum group size of an equality analysis: 0 means the usual
/// [`core::DEFAULT_THRESHOLD`]; above [`core::MAX_THRESHOLD`] is refused
/// naming `threshold`.
fn threshold(requested: u64) -> Result<u64, Status> {
    match requested {
        0 => Ok(core::DEFAULT_THRESHOLD),
        n if n <= core::MAX_THRESHOLD => Ok(n),
        n => Err(invalid_argument(&[FieldViolation {
            field: "threshold".into(),
            rule: limits::RULE,
            description: format!(
                "is {n}; a group is suppressed below at most {} complainants",
                core::MAX_THRESHOLD
            ),
        }])),
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

/// The status of a failed read of the anonymised log: INVALID_ARGUMENT for
/// a value PostgreSQL refuses as data (SQLSTATE class 22), UNAVAILABLE for
/// an outage, INTERNAL for a stored record that does not read back or any
/// other failure (see [`platform::status::database`]).
fn internal(error: StoreError) -> Status {
    match error {
        StoreError::Database(e) => {
            platform::status::database("the anonymised log could not be read", &e)
        }
        corrupt @ StoreError::Corrupt { .. } => {
            tracing::error!(error = %corrupt, "reading the anonymised log failed");
            Status::internal("the anonymised log could not be read")
        }
    }
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
                remedies: s
                    .remedies
                    .into_iter()
                    .map(|(kind, count)| pb::RemedyCount {
                        kind: kind as i32,
                        count,
                    })
                    .collect(),
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
        let stamp = self.stamp().await?;
        let kept = &self.answers.figures;
        if let Some(figures) = kept.get(stamp, &(period, grouping)) {
            return Ok(Response::new(figures));
        }
        let records = store::records_up_to(&self.pool, period.to())
            .await
            .map_err(internal)?;
        let compliments = store::compliments_in(&self.pool, period)
            .await
            .map_err(internal)?;
        let (today, calendar) = (stamp.today, self.calendar.clone());
        let f = off_the_workers(move |check| {
            core::figures_checked(&records, period, grouping, today, &calendar, &|| {
                check.go_on()
            })
        })
        .await?;
        let compensation_pence = f
            .groups
            .iter()
            .fold(0i64, |sum, g| sum.saturating_add(g.compensation_pence));
        let bands = f.backlog.open_by_age;
        let figures = pb::Figures {
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
            actions_completed: f.backlog.actions_completed,
            actions_completed_late: f.backlog.actions_completed_late,
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
        };
        kept.keep(stamp, (period, grouping), figures.clone());
        Ok(Response::new(figures))
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
        let csv = off_the_workers(move |check| {
            export::csv_checked(&records, &|| check.go_on()).map(String::into_bytes)
        })
        .await?;
        Ok(Response::new(pb::ExportLogResponse { csv, rows }))
    }

    async fn get_equality_analysis(
        &self,
        request: Request<pb::GetEqualityAnalysisRequest>,
    ) -> Result<Response<pb::EqualityAnalysis>, Status> {
        let request = request.into_inner();
        let which = characteristic(request.characteristic)?;
        let period = period(request.from, request.to)?;
        let threshold = threshold(request.threshold)?;
        let stamp = self.stamp().await?;
        let kept = &self.answers.equality;
        let key = (which, period, threshold);
        if let Some(analysis) = kept.get(stamp, &key) {
            return Ok(Response::new(analysis));
        }
        let records = store::records_in(&self.pool, period)
            .await
            .map_err(internal)?;
        let answers = store::answers_in(&self.pool, period)
            .await
            .map_err(internal)?;
        let table = off_the_workers(move |check| {
            core::equality_analysis_checked(&records, &answers, which, threshold, &|| check.go_on())
        })
        .await?;
        let analysis = pb::EqualityAnalysis {
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
        };
        kept.keep(stamp, key, analysis.clone());
        Ok(Response::new(analysis))
    }

    async fn committee_report(
        &self,
        request: Request<pb::CommitteeReportRequest>,
    ) -> Result<Response<pb::CommitteeReportResponse>, Status> {
        let request = request.into_inner();
        let period = period(request.from, request.to)?;
        let (grouping, _) = grouping(request.grouping);
        let stamp = self.stamp().await?;
        let kept = &self.answers.committee_report;
        if let Some(report) = kept.get(stamp, &(period, grouping)) {
            return Ok(Response::new(report));
        }
        let history = store::records_up_to(&self.pool, period.to())
            .await
            .map_err(internal)?;
        let answers = store::answers_in(&self.pool, period)
            .await
            .map_err(internal)?;
        let (today, calendar) = (stamp.today, self.calendar.clone());
        let rendered = off_the_workers(move |check| {
            report::build(
                history,
                &answers,
                period,
                grouping,
                today,
                &calendar,
                &|| check.go_on(),
            )
        })
        .await?;
        let report = pb::CommitteeReportResponse {
            html: rendered.document,
            fragment: rendered.fragment,
            stylesheet: report::STYLESHEET.to_owned(),
        };
        kept.keep(stamp, (period, grouping), report.clone());
        Ok(Response::new(report))
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

    /// A value, or INVALID_ARGUMENT: nothing else may come of reading a
    /// request's fields.
    fn read_or_refused<T>(file: &str, outcome: Result<T, Status>) {
        if let Err(status) = outcome {
            assert_eq!(status.code(), tonic::Code::InvalidArgument, "{file}");
        }
    }

    /// The regression corpus in `fuzz/corpus/reporting/` (encoded
    /// requests, `<Message>.<case>.bin`), read by the same edge readers the
    /// handlers use; every file there is a request refused at the edge.
    #[test]
    fn the_regression_corpus_is_refused_at_the_edge() {
        use prost::Message;
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/reporting");
        let mut replayed = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let file = path.file_name().unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&path).unwrap();
            let outcome: Result<(), Status> = match file.split('.').next().unwrap_or_default() {
                "GetFiguresRequest" => {
                    let r = pb::GetFiguresRequest::decode(bytes.as_slice()).unwrap();
                    period(r.from, r.to).map(drop)
                }
                "ExportLogRequest" => {
                    let r = pb::ExportLogRequest::decode(bytes.as_slice()).unwrap();
                    period(r.from, r.to).map(drop)
                }
                "CommitteeReportRequest" => {
                    let r = pb::CommitteeReportRequest::decode(bytes.as_slice()).unwrap();
                    period(r.from, r.to).map(drop)
                }
                "GetEqualityAnalysisRequest" => {
                    let r = pb::GetEqualityAnalysisRequest::decode(bytes.as_slice()).unwrap();
                    characteristic(r.characteristic)
                        .and_then(|_| period(r.from, r.to))
                        .and_then(|_| threshold(r.threshold))
                        .map(drop)
                }
                "GetLogTimelineRequest" => {
                    let r = pb::GetLogTimelineRequest::decode(bytes.as_slice()).unwrap();
                    limits::required_text(
                        "reference",
                        fieldtext::fields::RECORD_ID,
                        &r.reference,
                        "R-MON-3",
                    )
                    .map(drop)
                }
                other => panic!("{file}: no reader for {other}"),
            };
            assert!(outcome.is_err(), "{file} should be refused");
            read_or_refused(&file, outcome);
            replayed += 1;
        }
        assert!(replayed >= 5, "only {replayed} corpus files in {dir:?}");
    }

    proptest! {
        /// Any threshold is the default, a bounded one, or INVALID_ARGUMENT.
        #[test]
        fn any_threshold_is_bounded_or_refused(value in any::<u64>()) {
            match threshold(value) {
                Ok(n) => prop_assert!((1..=core::MAX_THRESHOLD).contains(&n)),
                Err(status) => prop_assert_eq!(status.code(), tonic::Code::InvalidArgument),
            }
        }

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

#[cfg(test)]
mod edges {
    use super::*;

    #[test]
    fn a_threshold_beyond_the_maximum_is_refused_naming_it() {
        assert_eq!(threshold(0).unwrap(), core::DEFAULT_THRESHOLD);
        assert_eq!(threshold(1).unwrap(), 1);
        assert_eq!(threshold(core::MAX_THRESHOLD).unwrap(), core::MAX_THRESHOLD);
        for n in [core::MAX_THRESHOLD + 1, u64::MAX] {
            let refused = threshold(n).unwrap_err();
            assert_eq!(refused.code(), tonic::Code::InvalidArgument);
            assert!(refused.message().starts_with("threshold:"), "{refused:?}");
        }
    }

    /// No request reaches the anonymised log with a value PostgreSQL
    /// refuses (periods, references and thresholds are refused at the
    /// edge first), so the mapping itself is tested with a real refusal.
    #[tokio::test]
    async fn a_value_the_database_refuses_as_data_answers_invalid_argument() {
        let pool = PgPool::connect(&eventlog::testing::database_url())
            .await
            .unwrap();
        let nul = sqlx::query("SELECT $1::text")
            .bind("CMP\0")
            .execute(&pool)
            .await
            .unwrap_err();
        assert_eq!(
            internal(StoreError::Database(nul)).code(),
            tonic::Code::InvalidArgument
        );
        assert_eq!(
            internal(StoreError::Database(sqlx::Error::PoolTimedOut)).code(),
            tonic::Code::Unavailable
        );
        let corrupt = StoreError::Corrupt {
            pseudonym: "p".into(),
            column: "channel",
            reason: "not a channel".into(),
        };
        assert_eq!(internal(corrupt).code(), tonic::Code::Internal);
    }
}

#[cfg(test)]
mod long_work {
    use super::*;
    use crate::work::Cancelled;
    use std::cell::Cell;

    fn records(n: usize) -> Vec<core::AnonymisedRecord> {
        let on = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        (0..n)
            .map(|i| {
                let mut r = core::AnonymisedRecord::new(format!("p{i}"));
                r.received_on = Some(on);
                r.query_category = "Fees".into();
                r
            })
            .collect()
    }

    fn year() -> Period {
        Period::new(
            NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
        )
        .unwrap()
    }

    /// A flag already set stops each computation at its first check.
    #[test]
    fn a_cancelled_computation_stops_without_finishing() {
        let records = records(10);
        let cancelled = || Err(Cancelled);
        let calendar = Calendar::england_and_wales();
        let today = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(
            core::figures_checked(
                &records,
                year(),
                Grouping::Month,
                today,
                &calendar,
                &cancelled
            ),
            Err(Cancelled)
        );
        assert_eq!(export::csv_checked(&records, &cancelled), Err(Cancelled));
        assert_eq!(
            core::equality_analysis_checked(
                &records,
                &[],
                Characteristic::ALL[0],
                core::DEFAULT_THRESHOLD,
                &cancelled
            )
            .map(|t| t.rows.len()),
            Err(Cancelled)
        );
    }

    /// The loops ask inside, not only between steps: a caller who goes
    /// after the third check stops the CSV of many records part way.
    #[test]
    fn the_loops_check_every_so_many_records() {
        let records = records(core::CHECK_EVERY * 5);
        let asked = Cell::new(0usize);
        let go_on = || {
            asked.set(asked.get() + 1);
            if asked.get() > 3 {
                Err(Cancelled)
            } else {
                Ok(())
            }
        };
        assert_eq!(export::csv_checked(&records, &go_on), Err(Cancelled));
        assert_eq!(asked.get(), 4);
        // Unchecked, every record is written.
        let all = export::csv(&records);
        assert_eq!(all.lines().count(), records.len() + 1);
    }

    /// A call whose caller has gone answers CANCELLED, and the blocking
    /// work stops at its next check.
    #[tokio::test]
    async fn work_off_the_workers_answers_cancelled() {
        let records = records(10);
        let outcome = off_the_workers(move |_| export::csv_checked(&records, &|| Err(Cancelled)))
            .await
            .unwrap_err();
        assert_eq!(outcome.code(), tonic::Code::Cancelled);
    }
}
