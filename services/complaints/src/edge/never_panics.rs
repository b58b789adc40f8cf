//! Fuzzing the edge: whatever a client sends, reading a command request
//! answers with field violations or a command, never a panic.

use super::IntoCommand;
use complaints_proto::v1 as pb;
use proptest::prelude::*;
use prost::Message;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "CMP-[0-9]{4}-[0-9]{1,8}",
        "[a-z.]{0,12}",
        Just("y".repeat(25_000)),
    ]
}

fn date() -> impl Strategy<Value = Option<pb::Date>> {
    proptest::option::of(
        (any::<i32>(), any::<u32>(), any::<u32>()).prop_map(|(year, month, day)| pb::Date {
            year,
            month,
            day,
        }),
    )
}

fn action() -> impl Strategy<Value = Option<pb::PlannedActionInput>> {
    proptest::option::of(
        (text(), text(), date()).prop_map(|(description, owner, due_on)| pb::PlannedActionInput {
            description,
            owner,
            due_on,
        }),
    )
}

fn remedy() -> impl Strategy<Value = pb::RemedyInput> {
    (
        any::<i32>(),
        text(),
        proptest::option::of(any::<i64>()),
        date(),
    )
        .prop_map(
            |(kind, description, pence, expected_payment_on)| pb::RemedyInput {
                kind,
                description,
                compensation: pence.map(|pence| pb::Money { pence }),
                expected_payment_on,
                ..Default::default()
            },
        )
}

fn outcome() -> impl Strategy<Value = pb::RecordOutcomeRequest> {
    (
        (text(), text()),
        (any::<i32>(), any::<i32>(), text(), any::<bool>()),
        proptest::collection::vec(remedy(), 0..4),
        (action(), action(), action()),
    )
        .prop_map(
            |(
                (reference, acting_user),
                (stage, decision, findings, assessment_failure_found),
                remedies,
                (identify, correct, prevent),
            )| pb::RecordOutcomeRequest {
                command: Some(pb::ComplaintCommand {
                    reference,
                    acting_user,
                    expected_version: None,
                }),
                stage,
                decision,
                findings,
                remedies,
                assessment_failure_found,
                identify_affected_learners: identify,
                correct_or_mitigate: correct,
                prevent_recurrence: prevent,
            },
        )
}

/// Decodes `bytes` as `T` and, when they decode, reads it as a command.
fn read<T: Message + Default + IntoCommand>(bytes: &[u8]) {
    if let Ok(request) = T::decode(bytes) {
        let _ = request.into_command();
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_outcome_request_is_read_without_panicking(request in outcome()) {
        let bytes = request.encode_to_vec();
        let _ = request.into_command();
        // The same bytes with one byte changed, as a damaged message.
        if !bytes.is_empty() {
            let mut damaged = bytes.clone();
            let at = damaged.len() / 2;
            damaged[at] ^= 0x5a;
            read::<pb::RecordOutcomeRequest>(&damaged);
        }
    }

    #[test]
    fn any_bytes_on_the_wire_are_read_as_any_command_without_panicking(
        bytes in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        read::<pb::ComplaintCommand>(&bytes);
        read::<pb::RecordOutcomeRequest>(&bytes);
        read::<pb::RequestEscalationRequest>(&bytes);
        read::<pb::AssignHandlerRequest>(&bytes);
        read::<pb::RecordContactRequest>(&bytes);
        read::<pb::AgreeTimescaleRequest>(&bytes);
        read::<pb::RecordUpdateRequest>(&bytes);
        read::<pb::ReferToLineManagerRequest>(&bytes);
        read::<pb::DecideInvestigationRequest>(&bytes);
        read::<pb::ExtendDeadlineRequest>(&bytes);
        read::<pb::AddActionRequest>(&bytes);
        read::<pb::ReassignActionRequest>(&bytes);
        read::<pb::CompleteActionRequest>(&bytes);
        read::<pb::RecordRegulatorReferralRequest>(&bytes);
        read::<pb::RestrictContactRequest>(&bytes);
        read::<pb::LiftRestrictionRequest>(&bytes);
        read::<pb::RecordReceiptByHandRequest>(&bytes);
        read::<pb::RecordDisclosureRequest>(&bytes);
        read::<pb::RecordInformationPermissionRequest>(&bytes);
        read::<pb::ResolveOutsideProcedureRequest>(&bytes);
        if let Ok(request) = pb::RecordRegulatorNoticeRequest::decode(bytes.as_slice()) {
            let _ = super::record_notice(request);
        }
        if let Ok(request) = pb::CompleteRegulatorReviewRequest::decode(bytes.as_slice()) {
            let _ = super::complete_review(request);
        }
    }
}
