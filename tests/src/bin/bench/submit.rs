//! The load generator: complaints submitted to intake over gRPC at a fixed
//! rate (open loop: a slow answer does not slow the next submission), each
//! in a trace of its own and from an address of its own, so its opening,
//! its automatic reply and its reporting record can be found again.

use chrono::{DateTime, Datelike, Utc};
use complaints_proto::v1 as pb;
use complaints_proto::v1::intake_client::IntakeClient;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use tonic::transport::Channel;

/// More submissions in flight than this and the generator itself is the
/// bottleneck: the phase is marked as not sustained.
const MAX_IN_FLIGHT: usize = 4_096;

/// One submission as the generator saw it.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub trace_id: String,
    pub email: String,
    pub sent: DateTime<Utc>,
    pub accepted: bool,
    pub error: Option<String>,
}

/// What a phase submitted.
#[derive(Debug, Clone, Default)]
pub struct Phase {
    pub submitted: Vec<Submitted>,
    pub started: Option<DateTime<Utc>>,
    pub ended: Option<DateTime<Utc>>,
    /// Submissions the generator could not start on time.
    pub generator_overrun: usize,
}

pub fn channel(addr: SocketAddr) -> Result<Channel, String> {
    Ok(
        tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
            .map_err(|e| e.to_string())?
            .timeout(Duration::from_secs(30))
            .connect_lazy(),
    )
}

/// Submits `rate` complaints a second for `length`; `tag` makes this
/// phase's trace ids and addresses unique.
pub async fn phase(channel: Channel, rate: u32, length: Duration, tag: u32) -> Phase {
    let token = platform::testing::token("bench-portal", &platform::auth::Role::ALL, None);
    let authorization: Arc<str> = format!("Bearer {token}").into();
    let total = (f64::from(rate) * length.as_secs_f64()).round() as usize;
    let permits = Arc::new(Semaphore::new(MAX_IN_FLIGHT));
    let mut ticks = tokio::time::interval(Duration::from_secs_f64(1.0 / f64::from(rate)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut phase = Phase {
        started: Some(Utc::now()),
        ..Phase::default()
    };
    let mut tasks = Vec::with_capacity(total);
    for i in 0..total {
        ticks.tick().await;
        let Ok(permit) = permits.clone().try_acquire_owned() else {
            phase.generator_overrun += 1;
            continue;
        };
        let client = IntakeClient::new(channel.clone());
        let authorization = authorization.clone();
        tasks.push(tokio::spawn(async move {
            let submitted = submit(client, &authorization, tag, i).await;
            drop(permit);
            submitted
        }));
    }
    phase.ended = Some(Utc::now());
    for task in tasks {
        if let Ok(submitted) = task.await {
            phase.submitted.push(submitted);
        }
    }
    phase
}

async fn submit(
    mut client: IntakeClient<Channel>,
    authorization: &str,
    tag: u32,
    i: usize,
) -> Submitted {
    let trace_id = format!("{tag:08x}{i:024x}");
    let email = format!("bench-{tag}-{i}@bench.example");
    let today = Utc::now().date_naive();
    let mut request = tonic::Request::new(pb::SubmitComplaintRequest {
        idempotency_key: format!("bench-{tag}-{i}"),
        channel: pb::Channel::WebForm as i32,
        customer_status: "Member".into(),
        customer_type: "Student".into(),
        query_category: "Exams and assessments".into(),
        query_detail: "My certificate never arrived after the summer exam series.".into(),
        complainant: Some(pb::Person {
            first_name: "Bench".into(),
            last_name: format!("Complainant{i}"),
            email: email.clone(),
            ..Default::default()
        }),
        matter_date: Some(pb::Date {
            year: today.year(),
            month: today.month(),
            day: today.day(),
        }),
        ..Default::default()
    });
    let parent_span = format!("{:016x}", i + 1);
    let metadata = request.metadata_mut();
    if let Ok(value) = authorization.parse() {
        metadata.insert("authorization", value);
    }
    if let Ok(value) = format!("00-{trace_id}-{parent_span}-01").parse() {
        metadata.insert("traceparent", value);
    }
    let sent = Utc::now();
    let (accepted, error) = match client.submit_complaint(request).await {
        Ok(receipt) => (
            receipt.into_inner().status == pb::TriageStatus::Accepted as i32,
            None,
        ),
        Err(status) => (false, Some(status.code().to_string())),
    };
    Submitted {
        trace_id,
        email,
        sent,
        accepted,
        error,
    }
}
