//! R-CONF-2: one complaint destroyed across all four services through the
//! retention API, and proved gone: a `pg_dump` of every service's schema
//! and every message left in the JetStream events stream hold none of its
//! personal data, while another complaint's is untouched, the committee's
//! figures are unchanged and each service lists its tombstones. The
//! services run in-process on one fresh bus namespace, each in a fresh
//! schema.

use super::stack::{Person, SERVICES, Stack, bytes_hold, holds};
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use platform::testing::channel;
use std::time::Duration;

const A: Person = Person {
    first_name: "Zebulonia",
    last_name: "Quarterfield",
    email: "zebulonia.quarterfield@example.org",
    detail: "Aardvark-lantern: my certificate was sent to the wrong college.",
    attachment: "Attachment-of-Zebulonia-7731",
};

const B: Person = Person {
    first_name: "Philippa",
    last_name: "Oxenbridge",
    email: "philippa.oxenbridge@example.net",
    detail: "Heron-teapot: my exam results were published late.",
    attachment: "Attachment-of-Philippa-2209",
};

#[tokio::test]
async fn r_conf_2_a_destroyed_complaint_leaves_no_personal_data_in_any_schema_or_on_the_bus() {
    let stack = Stack::spawn("destroy").await;
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let a = intake
        .submit_complaint(A.submission())
        .await
        .unwrap()
        .into_inner();
    let b = intake
        .submit_complaint(B.submission())
        .await
        .unwrap()
        .into_inner();
    let a_ref = stack.reference_of(&a.submission_id).await;
    let b_ref = stack.reference_of(&b.submission_id).await;
    stack.mail_reached(A.email).await;
    stack.mail_reached(B.email).await;

    // Reporting has applied both, and everything has settled.
    let mut before = stack.figures().await;
    for _ in 0..200 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let now = stack.figures().await;
        let settled = now == before;
        before = now;
        if settled && before.complaints_received == 2 {
            break;
        }
    }
    let dump = stack.dump();
    let on_bus = stack.bus_contents().await;
    for piece in A.pieces().into_iter().chain(B.pieces()) {
        assert!(holds(&dump, piece), "seeded {piece:?} is in the database");
    }
    for piece in [A.email, B.email, A.detail, B.detail] {
        assert!(bytes_hold(&on_bus, piece), "seeded {piece:?} is on the bus");
    }

    let mut dpo = stack.dpo().await;
    let destroy = || pb::DestroyRequest {
        complaint_reference: a_ref.clone(),
        submission_id: a.submission_id.clone(),
        reason: "retention period ended".into(),
    };
    let hold = || pb::HoldRequest {
        record: a_ref.clone(),
        reason: "claim pending in the county court".into(),
    };

    // Under a hold, every service refuses and nothing changes.
    for client in dpo.iter_mut() {
        assert!(client.place_hold(hold()).await.unwrap().into_inner().held);
        let refused = client.destroy(destroy()).await.unwrap_err();
        assert_eq!(refused.code(), tonic::Code::FailedPrecondition);
        assert!(refused.message().contains("R-CONF-2"), "{refused:?}");
    }
    let mut complaints = ComplaintsClient::new(channel(stack.addrs[1]).await);
    let view = complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: a_ref.clone(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(view.submission_id, a.submission_id);
    let held_dump = stack.dump();
    for piece in A.pieces() {
        assert!(holds(&held_dump, piece), "held {piece:?} is still there");
    }
    for client in dpo.iter_mut() {
        assert!(
            client
                .list_destructions(pb::ListDestructionsRequest {})
                .await
                .unwrap()
                .into_inner()
                .tombstones
                .is_empty()
        );
    }

    // Lifted, every service destroys its part.
    let mut destroyed = Vec::new();
    for client in dpo.iter_mut() {
        assert!(!client.lift_hold(hold()).await.unwrap().into_inner().held);
        destroyed.push(client.destroy(destroy()).await.unwrap().into_inner());
    }
    let [
        from_intake,
        from_complaints,
        from_notifications,
        from_reporting,
    ] = <[pb::DestroyResponse; 4]>::try_from(destroyed).unwrap();
    assert_eq!(
        from_intake.tombstones[0].stream_id,
        format!("submission-{}", a.submission_id)
    );
    assert_eq!(from_complaints.tombstones[0].stream_id, a_ref);
    assert!(!from_notifications.tombstones.is_empty(), "A's letters");
    assert!(from_reporting.tombstones.is_empty());
    assert!(
        from_reporting.rows_removed > 1,
        "the reference's keyed link and the record's log entries: {from_reporting:?}"
    );
    for response in [&from_intake, &from_complaints, &from_notifications] {
        assert!(response.bus_messages_erased > 0, "{response:?}");
    }

    let dump = stack.dump();
    let on_bus = stack.bus_contents().await;
    for piece in A.pieces() {
        assert!(!holds(&dump, piece), "{piece:?} is gone from the database");
        assert!(
            !bytes_hold(&on_bus, piece),
            "{piece:?} is gone from the bus"
        );
    }
    for piece in B.pieces() {
        assert!(
            holds(&dump, piece),
            "{piece:?} of the other complaint stays"
        );
    }
    for piece in [B.email, B.detail] {
        assert!(bytes_hold(&on_bus, piece), "{piece:?} stays on the bus");
    }
    assert_eq!(stack.figures().await, before, "the committee's figures");
    // Every service applies no more events of A's streams, so a copy still
    // on its way cannot bring A back; B's are applied as before.
    for settings in &stack.settings {
        let log = eventlog::EventLog::open(&settings.database).await.unwrap();
        let forgotten: Vec<String> =
            sqlx::query_scalar("SELECT stream_id FROM forgotten_sources ORDER BY stream_id")
                .fetch_all(log.pool())
                .await
                .unwrap();
        let expected: std::collections::BTreeSet<String> =
            [a_ref.clone(), format!("submission-{}", a.submission_id)].into();
        assert_eq!(
            forgotten
                .into_iter()
                .collect::<std::collections::BTreeSet<_>>(),
            expected,
            "{}: A's streams, and only those, are forgotten",
            settings.service
        );
    }
    let gone = complaints
        .get_complaint(pb::GetComplaintRequest {
            reference: a_ref.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(gone.code(), tonic::Code::NotFound, "{gone:?}");
    complaints
        .get_complaint(pb::GetComplaintRequest { reference: b_ref })
        .await
        .unwrap();

    // The tombstones: which stream, why, who, how many; no personal data.
    for (i, client) in dpo.iter_mut().enumerate() {
        let listed = client
            .list_destructions(pb::ListDestructionsRequest {})
            .await
            .unwrap()
            .into_inner()
            .tombstones;
        assert_eq!(
            listed.len(),
            [1, 1, from_notifications.tombstones.len(), 0][i]
        );
        for t in &listed {
            assert_eq!(t.authorised_by, "dpo-1");
            assert_eq!(t.reason, "retention period ended");
            assert_eq!(t.service, SERVICES[i]);
            assert!(t.events_destroyed > 0);
            for piece in A.pieces() {
                assert!(!format!("{t:?}").contains(piece));
            }
        }
    }
}
