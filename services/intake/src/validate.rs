//! Turns a request into a [`ValidSubmission`], or into one violation per
//! field that is wrong, each naming the field and the rule.

use crate::attachments;
use crate::domain::{EmailAddress, Text, ValidSubmission};
use crate::settings::AttachmentLimits;
use chrono::{DateTime, NaiveDate, Utc};
use complaints_proto::v1 as pb;

pub use platform::grpc::FieldViolation;

/// Collects violations while reading a request.
#[derive(Debug, Default)]
pub struct Violations(Vec<FieldViolation>);

impl Violations {
    pub fn add(
        &mut self,
        field: impl Into<String>,
        rule: &'static str,
        description: impl Into<String>,
    ) {
        self.0.push(FieldViolation {
            field: field.into(),
            rule,
            description: description.into(),
        });
    }

    /// Required text, trimmed, at most `max` characters.
    pub fn text(&mut self, field: &str, rule: &'static str, raw: &str, max: usize) -> Option<Text> {
        let parsed = Text::parse(raw, max);
        if parsed.is_none() {
            if raw.trim().is_empty() {
                self.add(field, rule, "is required");
            } else {
                self.add(field, rule, format!("must be at most {max} characters"));
            }
        }
        parsed
    }

    /// Optional text: empty is fine, too long is not.
    pub fn optional_text(
        &mut self,
        field: &str,
        rule: &'static str,
        raw: &str,
        max: usize,
    ) -> Option<Text> {
        if raw.trim().is_empty() {
            return None;
        }
        self.text(field, rule, raw, max)
    }

    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldViolation>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }
}

const SHORT: usize = 200;
const DETAIL: usize = 20_000;

/// Reads a complaint submission received at `now`.
pub fn submission(
    request: pb::SubmitComplaintRequest,
    now: DateTime<Utc>,
    limits: &AttachmentLimits,
) -> Result<ValidSubmission, Vec<FieldViolation>> {
    let mut v = Violations::default();
    let channel = pb::Channel::try_from(request.channel).unwrap_or(pb::Channel::Unspecified);
    if channel == pb::Channel::Unspecified {
        v.add(
            "channel",
            "R-INT-1",
            "must be web form, email, telephone or regulator",
        );
    }
    let customer_status = v.text(
        "customer_status",
        "R-INT-1",
        &request.customer_status,
        SHORT,
    );
    let customer_type = v.text("customer_type", "R-INT-1", &request.customer_type, SHORT);
    let query_category = v.text("query_category", "R-INT-1", &request.query_category, SHORT);
    let query_detail = v.text("query_detail", "R-INT-1", &request.query_detail, DETAIL);
    let correspondence = pb::CorrespondencePreference::try_from(request.correspondence)
        .ok()
        .filter(|p| *p != pb::CorrespondencePreference::Unspecified)
        .unwrap_or(pb::CorrespondencePreference::Email);
    let complainant = person(&mut v, request.complainant, channel, correspondence);
    let matter_date = match request
        .matter_date
        .and_then(|d| NaiveDate::from_ymd_opt(d.year, d.month, d.day))
    {
        None => {
            v.add(
                "matter_date",
                "R-INT-2",
                "is required: the date of the matter complained about",
            );
            None
        }
        Some(d) if d > calendar::uk_date(now) => {
            v.add("matter_date", "R-INT-2", "cannot be in the future");
            None
        }
        Some(d) => Some(d),
    };
    let third_party = request.third_party.and_then(|tp| third_party(&mut v, tp));
    let reasonable_adjustments = v.optional_text(
        "reasonable_adjustments",
        "R-INT-1",
        &request.reasonable_adjustments,
        DETAIL,
    );
    let qualification_code = v.optional_text(
        "qualification_code",
        "R-REG-1",
        &request.qualification_code,
        50,
    );
    let referring_regulator = if channel == pb::Channel::Regulator {
        v.text(
            "referring_regulator",
            "R-REG-3",
            &request.referring_regulator,
            SHORT,
        )
    } else {
        if !request.referring_regulator.trim().is_empty() {
            v.add(
                "referring_regulator",
                "R-REG-3",
                "is only for complaints passed on by a regulator",
            );
        }
        None
    };
    let attachments = attachments::validate(&mut v, request.attachments, channel, limits);
    let resolved_outside_procedure = v.optional_text(
        "resolved_outside_procedure",
        "R-INT-7",
        &request.resolved_outside_procedure,
        DETAIL,
    );
    let equality_monitoring = request
        .equality_monitoring
        .filter(|m| monitoring(&mut v, m));
    v.into_result(|| ValidSubmission {
        channel,
        customer_status: customer_status.expect("checked"),
        customer_type: customer_type.expect("checked"),
        query_category: query_category.expect("checked"),
        query_detail: query_detail.expect("checked"),
        complainant: complainant.expect("checked"),
        matter_date: matter_date.expect("checked"),
        correspondence,
        third_party,
        reasonable_adjustments,
        qualification_code,
        referring_regulator,
        attachments,
        equality_monitoring,
        resolved_outside_procedure,
        received_at: now,
    })
}

/// A named, contactable complainant (R-INT-3), with what their
/// correspondence preference needs (R-CORR-1).
fn person(
    v: &mut Violations,
    person: Option<pb::Person>,
    channel: pb::Channel,
    correspondence: pb::CorrespondencePreference,
) -> Option<pb::Person> {
    let Some(mut person) = person else {
        v.add("complainant", "R-INT-3", "anonymous complaints are not accepted: give the complainant's name and contact details");
        return None;
    };
    let first = v.text(
        "complainant.first_name",
        "R-INT-3",
        &person.first_name,
        SHORT,
    );
    let last = v.text("complainant.last_name", "R-INT-3", &person.last_name, SHORT);
    let email = if person.email.trim().is_empty() {
        None
    } else {
        let parsed = EmailAddress::parse(&person.email);
        if parsed.is_none() {
            v.add(
                "complainant.email",
                "R-INT-3",
                "is not a valid email address",
            );
        }
        parsed
    };
    let telephone = Text::parse(&person.telephone, 40);
    let address = person
        .postal_address
        .as_ref()
        .filter(|a| a.lines.iter().any(|l| !l.trim().is_empty()) && !a.postcode.trim().is_empty());
    let written_online = matches!(channel, pb::Channel::WebForm | pb::Channel::Email);
    let no_email = person.email.trim().is_empty();
    if written_online && no_email {
        v.add(
            "complainant.email",
            "R-INT-1",
            "is required for a complaint made online or by email",
        );
    }
    if !written_online && no_email && telephone.is_none() && address.is_none() {
        v.add(
            "complainant",
            "R-INT-3",
            "needs an email address, a telephone number or a postal address to be contactable",
        );
    }
    if correspondence == pb::CorrespondencePreference::Post && address.is_none() {
        v.add(
            "complainant.postal_address",
            "R-CORR-1",
            "is required when correspondence is to go by post: at least one address line and a postcode",
        );
    }
    if correspondence == pb::CorrespondencePreference::Email && no_email && !written_online {
        v.add(
            "complainant.email",
            "R-CORR-1",
            "is required for correspondence by email; ask for post and give an address otherwise",
        );
    }
    let (first, last) = (first?, last?);
    person.first_name = first.into_string();
    person.last_name = last.into_string();
    person.email = email.map(|e| e.as_str().to_owned()).unwrap_or_default();
    person.telephone = telephone.map(Text::into_string).unwrap_or_default();
    Some(person)
}

/// Who raises a complaint for someone else, and how to reach them (R-INT-4).
fn third_party(v: &mut Violations, mut tp: pb::ThirdParty) -> Option<pb::ThirdParty> {
    let name = v.text("third_party.name", "R-INT-4", &tp.name, SHORT);
    let relationship = v.text(
        "third_party.relationship",
        "R-INT-4",
        &tp.relationship,
        SHORT,
    );
    let email_ok = tp.email.trim().is_empty() || EmailAddress::parse(&tp.email).is_some();
    if !email_ok {
        v.add(
            "third_party.email",
            "R-INT-4",
            "is not a valid email address",
        );
    }
    if tp.email.trim().is_empty() && tp.telephone.trim().is_empty() {
        v.add(
            "third_party",
            "R-INT-4",
            "needs an email address or a telephone number",
        );
    }
    tp.name = name?.into_string();
    tp.relationship = relationship?.into_string();
    tp.email = tp.email.trim().to_owned();
    Some(tp)
}

/// Monitoring answers are short free text (R-MON-4); all empty means none given.
fn monitoring(v: &mut Violations, m: &pb::EqualityMonitoring) -> bool {
    let answers = [
        ("ethnicity", &m.ethnicity),
        ("disability", &m.disability),
        ("gender", &m.gender),
        ("age_band", &m.age_band),
        ("religion_or_belief", &m.religion_or_belief),
        ("sexual_orientation", &m.sexual_orientation),
    ];
    for (field, answer) in answers {
        if answer.chars().count() > 100 {
            v.add(
                format!("equality_monitoring.{field}"),
                "R-MON-4",
                "must be at most 100 characters",
            );
        }
    }
    answers.iter().any(|(_, a)| !a.trim().is_empty())
}

/// Fuzzing the edge: whatever a client sends, reading it answers with
/// field violations or a submission, never a panic.
#[cfg(test)]
mod never_panics {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;
    use prost::Message;

    fn limits() -> AttachmentLimits {
        AttachmentLimits {
            max_bytes: 4096,
            allowed: vec!["pdf", "png", "txt"],
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
    }

    fn text() -> impl Strategy<Value = String> {
        prop_oneof![
            any::<String>(),
            "[a-zA-Z@. +'-]{0,40}",
            Just("x".repeat(25_000)),
            Just(String::new()),
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

    fn request() -> impl Strategy<Value = pb::SubmitComplaintRequest> {
        let person = (
            text(),
            text(),
            text(),
            text(),
            proptest::collection::vec(text(), 0..4),
            text(),
        )
            .prop_map(
                |(first_name, last_name, email, telephone, lines, postcode)| pb::Person {
                    first_name,
                    last_name,
                    email,
                    telephone,
                    postal_address: Some(pb::PostalAddress { lines, postcode }),
                },
            );
        let attachment = (
            text(),
            text(),
            proptest::collection::vec(any::<u8>(), 0..6000),
        )
            .prop_map(|(file_name, content_type, content)| pb::Attachment {
                file_name,
                content_type,
                content,
            });
        (
            (text(), any::<i32>(), text(), text(), text(), text()),
            proptest::option::of(person),
            date(),
            (any::<i32>(), text(), text(), text(), text()),
            proptest::collection::vec(attachment, 0..3),
        )
            .prop_map(
                |(
                    (key, channel, status, kind, category, detail),
                    complainant,
                    matter_date,
                    (correspondence, adjustments, code, regulator, resolved),
                    attachments,
                )| pb::SubmitComplaintRequest {
                    idempotency_key: key,
                    channel,
                    customer_status: status,
                    customer_type: kind,
                    query_category: category,
                    query_detail: detail,
                    complainant,
                    matter_date,
                    correspondence,
                    reasonable_adjustments: adjustments,
                    qualification_code: code,
                    attachments,
                    referring_regulator: regulator,
                    resolved_outside_procedure: resolved,
                    ..Default::default()
                },
            )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_submission_request_is_read_without_panicking(request in request()) {
            let _ = submission(request, now(), &limits());
        }

        #[test]
        fn any_bytes_on_the_wire_are_read_without_panicking(
            bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        ) {
            if let Ok(request) = pb::SubmitComplaintRequest::decode(bytes.as_slice()) {
                let _ = submission(request, now(), &limits());
            }
        }
    }
}
