//! Turns a request into a [`ValidSubmission`], or into one violation per
//! field that is wrong, each naming the field and the rule.
//!
//! Every text field is cleaned by its rule in [`fieldtext::fields`], the
//! same rule the services reading intake's events apply: what intake
//! accepts, they can apply.

mod adjustments;

use crate::attachments;
use crate::domain::{EmailAddress, OutsideProcedure, Text, ValidSubmission};
use crate::settings::AttachmentLimits;
use chrono::{DateTime, NaiveDate, Utc};
use complaints_proto::v1 as pb;
use fieldtext::{Rule, fields};

pub use platform::grpc::FieldViolation;

/// A field was wrong; its violation is recorded in the [`Violations`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded;

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

    /// Required text, cleaned by `text_rule`.
    pub fn text(
        &mut self,
        field: &str,
        rule: &'static str,
        raw: &str,
        text_rule: Rule,
    ) -> Option<Text> {
        match Text::clean(raw, text_rule) {
            Ok(Some(text)) => Some(text),
            Ok(None) => {
                self.add(field, rule, "is required");
                None
            }
            Err(refused) => {
                self.add(field, rule, refused.to_string());
                None
            }
        }
    }

    /// Optional text: blank is none, anything else is cleaned by
    /// `text_rule`. `Err(Recorded)` when what was given is refused.
    pub fn optional_text(
        &mut self,
        field: &str,
        rule: &'static str,
        raw: &str,
        text_rule: Rule,
    ) -> Result<Option<Text>, Recorded> {
        Text::clean(raw, text_rule).map_err(|refused| {
            self.add(field, rule, refused.to_string());
            Recorded
        })
    }

    /// Optional text as the string the request carries: empty when blank.
    pub fn optional_string(
        &mut self,
        field: &str,
        rule: &'static str,
        raw: &str,
        text_rule: Rule,
    ) -> String {
        self.optional_text(field, rule, raw, text_rule)
            .ok()
            .flatten()
            .map(Text::into_string)
            .unwrap_or_default()
    }

    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldViolation>> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self.0)
        }
    }

    /// The value `build` makes when no field was wrong. `build` yields
    /// `None` only where a field was recorded as wrong; should it ever not,
    /// the request is still refused rather than a value invented.
    pub fn finish<T>(
        mut self,
        build: impl FnOnce() -> Option<T>,
    ) -> Result<T, Vec<FieldViolation>> {
        match build() {
            Some(value) if self.0.is_empty() => Ok(value),
            Some(_) => Err(self.0),
            None => {
                if self.0.is_empty() {
                    self.add("request", "R-INT-1", "could not be read");
                }
                Err(self.0)
            }
        }
    }
}

/// Who is submitting, as far as the edge needs to know: a member of staff
/// (their staff id, from the verified token) or a channel acting for the
/// complainant (the member portal, the email gateway).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitter<'a> {
    Staff(&'a str),
    Channel,
}

/// Reads a complaint submission received at `now` from `submitter`.
pub fn submission(
    request: pb::SubmitComplaintRequest,
    now: DateTime<Utc>,
    limits: &AttachmentLimits,
    submitter: Submitter<'_>,
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
        fields::LABEL,
    );
    let customer_type = v.text(
        "customer_type",
        "R-INT-1",
        &request.customer_type,
        fields::LABEL,
    );
    let query_category = v.text(
        "query_category",
        "R-INT-1",
        &request.query_category,
        fields::LABEL,
    );
    let query_detail = v.text(
        "query_detail",
        "R-INT-1",
        &request.query_detail,
        fields::FREE_TEXT,
    );
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
    let adjustments =
        adjustments::adjustments(&mut v, request.adjustments, &request.reasonable_adjustments);
    let qualification_code = v.optional_text(
        "qualification_code",
        "R-REG-1",
        &request.qualification_code,
        fields::QUALIFICATION_CODE,
    );
    let referring_regulator = if channel == pb::Channel::Regulator {
        v.text(
            "referring_regulator",
            "R-REG-3",
            &request.referring_regulator,
            fields::LABEL,
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
    let resolved_outside_procedure =
        outside_procedure(&mut v, &request.resolved_outside_procedure, submitter);
    let equality_monitoring = request
        .equality_monitoring
        .and_then(|m| monitoring(&mut v, m));
    v.finish(|| {
        Some(ValidSubmission {
            channel,
            customer_status: customer_status?,
            customer_type: customer_type?,
            query_category: query_category?,
            query_detail: query_detail?,
            complainant: complainant?,
            matter_date: matter_date?,
            correspondence,
            third_party,
            adjustments: adjustments.ok()?,
            qualification_code: qualification_code.ok()?,
            referring_regulator,
            attachments,
            equality_monitoring,
            resolved_outside_procedure: resolved_outside_procedure.ok()?,
            received_at: now,
        })
    })
}

/// R-INT-7: dealing with a matter outside the procedure is a decision
/// staff make, recorded as theirs. A channel acting for the complainant
/// asking for it is refused naming the field: the complaint goes through
/// the procedure unless a member of staff decides otherwise.
fn outside_procedure(
    v: &mut Violations,
    raw: &str,
    submitter: Submitter<'_>,
) -> Result<Option<OutsideProcedure>, Recorded> {
    const FIELD: &str = "resolved_outside_procedure";
    let Some(how) = v.optional_text(FIELD, "R-INT-7", raw, fields::FREE_TEXT)? else {
        return Ok(None);
    };
    let Submitter::Staff(staff) = submitter else {
        v.add(
            FIELD,
            "R-INT-7",
            "only staff may deal with a matter outside the procedure; \
             leave it empty and the complaint goes through the procedure",
        );
        return Err(Recorded);
    };
    match Text::clean(staff, fields::ACTOR_ID) {
        Ok(Some(decided_by)) => Ok(Some(OutsideProcedure { how, decided_by })),
        _ => {
            v.add(
                FIELD,
                "R-INT-7",
                "the staff id of who decided cannot be recorded",
            );
            Err(Recorded)
        }
    }
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
        fields::PERSON_NAME,
    );
    let last = v.text(
        "complainant.last_name",
        "R-INT-3",
        &person.last_name,
        fields::PERSON_NAME,
    );
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
    let telephone = v.optional_string(
        "complainant.telephone",
        "R-INT-3",
        &person.telephone,
        fields::TELEPHONE,
    );
    let address = person.postal_address.take().and_then(|a| {
        postal_address(v, "complainant.postal_address", "R-INT-3", a)
            .ok()
            .flatten()
    });
    let postable = address
        .as_ref()
        .is_some_and(|a| !a.lines.is_empty() && !a.postcode.is_empty());
    let written_online = matches!(channel, pb::Channel::WebForm | pb::Channel::Email);
    let no_email = person.email.trim().is_empty();
    if written_online && no_email {
        v.add(
            "complainant.email",
            "R-INT-1",
            "is required for a complaint made online or by email",
        );
    }
    if !written_online && no_email && telephone.is_empty() && !postable {
        v.add(
            "complainant",
            "R-INT-3",
            "needs an email address, a telephone number or a postal address to be contactable",
        );
    }
    if correspondence == pb::CorrespondencePreference::Post && !postable {
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
    person.telephone = telephone;
    person.postal_address = address;
    Some(person)
}

/// A postal address with each line and the postcode cleaned and blank
/// lines dropped; `Ok(None)` when nothing was given, `Err` when a part is
/// refused (recorded against `field` with `rule`). Whether it is complete
/// enough to post to is the caller's question.
fn postal_address(
    v: &mut Violations,
    field: &str,
    rule: &'static str,
    address: pb::PostalAddress,
) -> Result<Option<pb::PostalAddress>, Recorded> {
    if address.lines.len() > fields::ADDRESS_LINES_MAX {
        v.add(
            format!("{field}.lines"),
            rule,
            format!(
                "must be at most {} lines, got {}",
                fields::ADDRESS_LINES_MAX,
                address.lines.len()
            ),
        );
        return Err(Recorded);
    }
    let mut lines = Vec::new();
    let mut refused = false;
    for (i, line) in address.lines.iter().enumerate() {
        match v.optional_text(
            &format!("{field}.lines[{i}]"),
            rule,
            line,
            fields::ADDRESS_LINE,
        ) {
            Ok(Some(line)) => lines.push(line.into_string()),
            Ok(None) => {}
            Err(Recorded) => refused = true,
        }
    }
    let postcode = v.optional_text(
        &format!("{field}.postcode"),
        rule,
        &address.postcode,
        fields::POSTCODE,
    )?;
    if refused {
        return Err(Recorded);
    }
    let postcode = postcode.map(Text::into_string).unwrap_or_default();
    Ok(
        (!lines.is_empty() || !postcode.is_empty())
            .then_some(pb::PostalAddress { lines, postcode }),
    )
}

/// Who a compliment is from (R-POS-1): all optional, each part cleaned by
/// the same rules as a complainant's.
pub fn compliment_sender(v: &mut Violations, from: pb::Person) -> Result<pb::Person, Recorded> {
    let mut part = |field: &str, raw: &str, rule| {
        v.optional_text(&format!("from.{field}"), "R-POS-1", raw, rule)
            .map(|t| t.map(Text::into_string).unwrap_or_default())
    };
    let first_name = part("first_name", &from.first_name, fields::PERSON_NAME);
    let last_name = part("last_name", &from.last_name, fields::PERSON_NAME);
    let telephone = part("telephone", &from.telephone, fields::TELEPHONE);
    let email = if from.email.trim().is_empty() {
        Ok(String::new())
    } else {
        EmailAddress::parse(&from.email)
            .map(|e| e.as_str().to_owned())
            .ok_or_else(|| {
                v.add("from.email", "R-POS-1", "is not a valid email address");
                Recorded
            })
    };
    let postal_address = match from.postal_address {
        None => Ok(None),
        Some(address) => postal_address(v, "from.postal_address", "R-POS-1", address),
    };
    Ok(pb::Person {
        first_name: first_name?,
        last_name: last_name?,
        email: email?,
        telephone: telephone?,
        postal_address: postal_address?,
    })
}

/// Who raises a complaint for someone else, and how to reach them (R-INT-4).
fn third_party(v: &mut Violations, mut tp: pb::ThirdParty) -> Option<pb::ThirdParty> {
    let name = v.text("third_party.name", "R-INT-4", &tp.name, fields::PERSON_NAME);
    let relationship = v.text(
        "third_party.relationship",
        "R-INT-4",
        &tp.relationship,
        fields::LABEL,
    );
    let email = if tp.email.trim().is_empty() {
        Some(String::new())
    } else {
        let parsed = EmailAddress::parse(&tp.email).map(|e| e.as_str().to_owned());
        if parsed.is_none() {
            v.add(
                "third_party.email",
                "R-INT-4",
                "is not a valid email address",
            );
        }
        parsed
    };
    let telephone = v.optional_string(
        "third_party.telephone",
        "R-INT-4",
        &tp.telephone,
        fields::TELEPHONE,
    );
    let organisation = v.optional_string(
        "third_party.organisation",
        "R-INT-4",
        &tp.organisation,
        fields::LABEL,
    );
    if tp.email.trim().is_empty() && tp.telephone.trim().is_empty() {
        v.add(
            "third_party",
            "R-INT-4",
            "needs an email address or a telephone number",
        );
    }
    tp.name = name?.into_string();
    tp.relationship = relationship?.into_string();
    tp.email = email?;
    tp.telephone = telephone;
    tp.organisation = organisation;
    Some(tp)
}

/// Monitoring answers are short single lines (R-MON-4); all blank means
/// none given.
fn monitoring(v: &mut Violations, m: pb::EqualityMonitoring) -> Option<pb::EqualityMonitoring> {
    let mut answer = |field: &str, raw: &str| {
        v.optional_string(
            &format!("equality_monitoring.{field}"),
            "R-MON-4",
            raw,
            fields::MONITORING_ANSWER,
        )
    };
    let cleaned = pb::EqualityMonitoring {
        ethnicity: answer("ethnicity", &m.ethnicity),
        disability: answer("disability", &m.disability),
        gender: answer("gender", &m.gender),
        age_band: answer("age_band", &m.age_band),
        religion_or_belief: answer("religion_or_belief", &m.religion_or_belief),
        sexual_orientation: answer("sexual_orientation", &m.sexual_orientation),
    };
    (cleaned != pb::EqualityMonitoring::default()).then_some(cleaned)
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
            let _ = submission(request.clone(), now(), &limits(), Submitter::Staff("s.jones"));
            let _ = submission(request, now(), &limits(), Submitter::Channel);
        }

        #[test]
        fn any_bytes_on_the_wire_are_read_without_panicking(
            bytes in proptest::collection::vec(any::<u8>(), 0..2048),
        ) {
            if let Ok(request) = pb::SubmitComplaintRequest::decode(bytes.as_slice()) {
                let _ = submission(request.clone(), now(), &limits(), Submitter::Staff("s.jones"));
            let _ = submission(request, now(), &limits(), Submitter::Channel);
            }
        }
    }
}
