//! One trace continues across a gRPC call and a NATS hop.

use bus::{Consumer, ConsumerSettings, Handler, HandlerError};
use complaints_proto::v1::EventEnvelope;
use end_to_end::Isolation;
use eventlog::{Actor, ExpectedVersion, Metadata, NewEvent, StreamId};
use platform::{Service, Settings, Source};
use sqlx::PgConnection;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_client::HealthClient;
use tracing::Instrument;

/// The tracing set-up the services use, installed once in this process.
fn telemetry() {
    static INSTALLED: OnceLock<Option<telemetry::Telemetry>> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        telemetry::init(&telemetry::TelemetrySettings {
            service_name: "e2e".into(),
            otlp_endpoint: None,
            log_format: telemetry::LogFormat::Pretty,
            log_filter: "warn".into(),
        })
        .ok()
    });
}

async fn intake_in_process(isolation: &Isolation) -> (intake::Application, Settings) {
    let source = Source::from_map(isolation.env("intake")).unwrap();
    let settings = Settings::from_source("intake", 0, source).unwrap();
    let app = intake::Application::build(settings.clone()).await.unwrap();
    (app, settings)
}

#[tokio::test]
async fn the_trace_id_a_client_sends_over_grpc_is_the_one_the_server_continues() {
    telemetry();
    let isolation = Isolation::fresh("tracegrpc");
    let (app, _) = intake_in_process(&isolation).await;
    let endpoint = format!("http://{}", app.local_addr());
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    let server = tokio::spawn(app.run_until_stopped(async move { stop.cancelled().await }));

    let client_span = tracing::info_span!("client");
    let sent =
        telemetry::propagation::trace_id(&client_span).expect("the client span has a trace id");
    let channel = tonic::transport::Endpoint::from_shared(endpoint)
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::with_interceptor(channel, telemetry::grpc::inject_context);
    let response = health
        .check(HealthCheckRequest::default())
        .instrument(client_span)
        .await
        .unwrap();
    let continued = response
        .metadata()
        .get(platform::grpc::TRACE_ID_HEADER)
        .expect("the server answers with its trace id");
    assert_eq!(continued.to_str().unwrap(), sent);

    shutdown.cancel();
    server.await.unwrap().unwrap();
    isolation.cleanup().await;
}

/// Remembers the trace id current while each event is handled.
struct TraceRecorder(Arc<Mutex<Vec<String>>>);

impl Handler for TraceRecorder {
    async fn handle(
        &self,
        _tx: &mut PgConnection,
        _event: &EventEnvelope,
    ) -> Result<(), HandlerError> {
        let id = telemetry::propagation::trace_id(&tracing::Span::current()).unwrap_or_default();
        self.0.lock().unwrap().push(id);
        Ok(())
    }
}

#[tokio::test]
async fn the_trace_id_of_the_request_that_recorded_an_event_is_the_one_its_consumer_continues_after_the_nats_hop()
 {
    telemetry();
    let isolation = Isolation::fresh("tracenats");
    // The intake service relays its log to the bus as it runs.
    let (app, settings) = intake_in_process(&isolation).await;
    let shutdown = CancellationToken::new();
    let stop = shutdown.clone();
    let server = tokio::spawn(app.run_until_stopped(async move { stop.cancelled().await }));

    let log = eventlog::EventLog::open(&settings.database).await.unwrap();
    let bus = bus::Bus::connect(&settings.bus).await.unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let consumer = Consumer::start(
        bus.clone(),
        log.clone(),
        ConsumerSettings::new("trace-recorder", bus.all_from("intake")),
        TraceRecorder(seen.clone()),
    )
    .await
    .unwrap();
    tokio::spawn(consumer.run(shutdown.clone()));

    let request_span = tracing::info_span!("submit");
    let sent = telemetry::propagation::trace_id(&request_span).unwrap();
    async {
        let event = NewEvent::new(
            "complaints.v1.SubmissionReceived",
            Vec::new(),
            Metadata::new(Actor::System("test".into())),
        );
        let stream = StreamId::new("submission-traced").unwrap();
        log.append(&stream, "submission", ExpectedVersion::NoStream, &[event])
            .await
            .unwrap();
    }
    .instrument(request_span)
    .await;

    let mut received = Vec::new();
    for _ in 0..400 {
        received = seen.lock().unwrap().clone();
        if !received.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(
        received,
        vec![sent],
        "the consumer handled the event inside the sender's trace"
    );

    shutdown.cancel();
    server.await.unwrap().unwrap();
    isolation.cleanup().await;
}
