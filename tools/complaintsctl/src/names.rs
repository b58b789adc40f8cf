//! Names of the contracts' enums: the protobuf name for JSON (as grpcurl
//! prints it), plain words for tables.

use complaints_proto::v1 as pb;

macro_rules! proto_names {
    ($($fn_name:ident: $enum:ident),* $(,)?) => {$(
        /// The protobuf name of the value, empty for an unknown one.
        pub fn $fn_name(value: i32) -> &'static str {
            pb::$enum::try_from(value).map_or("", |v| v.as_str_name())
        }
    )*};
}

proto_names!(
    channel: Channel,
    stage: Stage,
    decision: Decision,
    triage_status: TriageStatus,
    handler_role: HandlerRole,
    deadline_kind: DeadlineKind,
    action_kind: ActionKind,
    closure: ClosureKind,
    recipient_kind: RecipientKind,
    delivery_channel: DeliveryChannel,
    grouping: Grouping,
);

/// `DECISION_NOT_UPHELD` as "not upheld", `STAGE_2` as "stage 2"; the
/// unspecified value as nothing.
pub fn plain(proto_name: &str) -> String {
    const PREFIXES: [&str; 12] = [
        "CHANNEL_",
        "DECISION_",
        "TRIAGE_STATUS_",
        "HANDLER_ROLE_",
        "DEADLINE_KIND_",
        "ACTION_KIND_",
        "CLOSURE_KIND_",
        "RECIPIENT_KIND_",
        "DELIVERY_CHANNEL_",
        "GROUPING_",
        "REMEDY_KIND_",
        "CHARACTERISTIC_",
    ];
    if proto_name.is_empty() || proto_name.ends_with("_UNSPECIFIED") {
        return String::new();
    }
    let rest = PREFIXES
        .iter()
        .find_map(|p| proto_name.strip_prefix(p))
        .unwrap_or(proto_name);
    rest.to_ascii_lowercase().replace('_', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_read_as_plain_words_in_tables() {
        assert_eq!(
            decision(pb::Decision::NotUpheld as i32),
            "DECISION_NOT_UPHELD"
        );
        assert_eq!(
            plain(decision(pb::Decision::NotUpheld as i32)),
            "not upheld"
        );
        assert_eq!(plain(stage(pb::Stage::Stage2 as i32)), "stage 2");
        assert_eq!(plain(stage(0)), "");
        assert_eq!(plain(stage(99)), "");
    }
}
