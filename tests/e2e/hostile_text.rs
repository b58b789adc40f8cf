//! Nothing accepted is lost: every string field of every intake and
//! complaints request gets its worst values (the longest, one character
//! more, every class of control character, NUL, bidi marks and overrides,
//! line breaks in names, markup, template, SQL and CSV-formula text), and
//! each is either refused with `INVALID_ARGUMENT` naming the field or
//! accepted and applied by all four services: exactly one complaint, its
//! letters sent, its figures counted, and not one dead letter.

use crate::stack::Stack;
use complaints_proto::v1 as pb;
use complaints_proto::v1::complaints_client::ComplaintsClient;
use complaints_proto::v1::intake_client::IntakeClient;
use fieldtext::{Rule, fields};
use platform::testing::{Authed, channel};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use tonic_types::StatusExt;

/// Text a hostile client puts inside a value, one class of character each.
const INSIDE: &[(&str, &str)] = &[
    ("NUL", "\0"),
    ("SOH", "\u{1}"),
    ("BEL", "\u{7}"),
    ("backspace", "\u{8}"),
    ("escape sequence", "\u{1b}[31m"),
    ("DEL", "\u{7f}"),
    ("NEL", "\u{85}"),
    ("C1 control", "\u{9f}"),
    ("LF", "\n"),
    ("CR", "\r"),
    ("header injection", "\r\nBcc: all@example.org\r\n"),
    ("tab", "\t"),
    ("line separator", "\u{2028}"),
    ("paragraph separator", "\u{2029}"),
    ("left-to-right mark", "\u{200E}"),
    ("right-to-left mark", "\u{200F}"),
    ("Arabic letter mark", "\u{61C}"),
    ("right-to-left override", "\u{202E}"),
    ("right-to-left isolate", "\u{2067}"),
    (
        "joined emoji",
        "\u{1F469}\u{200D}\u{1F469}\u{200D}\u{1F467}",
    ),
    ("byte order mark", "\u{FEFF}"),
    ("noncharacter", "\u{FFFE}"),
    ("Hebrew", "\u{5D3}\u{5D5}\u{5D3}"),
    ("HTML", "<script>alert('x')</script>"),
    ("template", "{{ reference }}{% if true %}x{% endif %}"),
    ("SQL", "'; DROP TABLE events; --"),
    ("CSV formula", "=HYPERLINK(\"http://example.org\",\"x\")"),
    ("escapes", "%00%0d%0a %s%n \\0\\n"),
];

/// One hostile value, made for a field of a given length.
#[derive(Debug, Clone, Copy)]
enum Value {
    /// As long as the field allows, in two-byte characters.
    Longest,
    /// One character more than the field allows: always refused.
    TooLong,
    /// An ordinary word with this inside.
    Inside(&'static str, &'static str),
}

impl Value {
    fn all() -> Vec<Value> {
        let mut all = vec![Value::Longest, Value::TooLong];
        all.extend(INSIDE.iter().map(|(name, text)| Value::Inside(name, text)));
        all
    }

    fn text(self, rule: Rule) -> String {
        match self {
            Value::Longest => "\u{C9}".repeat(rule.max_chars()),
            Value::TooLong => "\u{C9}".repeat(rule.max_chars() + 1),
            Value::Inside(_, inside) => format!("Ann{inside}e"),
        }
    }

    /// A value inside an email address, unique to case `n`.
    fn email(self, n: usize) -> String {
        match self {
            Value::Longest => format!("h{n}{}@{}.example.org", "a".repeat(50), "b".repeat(60)),
            Value::TooLong => format!("h{n}{}@example.org", "a".repeat(260)),
            Value::Inside(_, inside) => format!("h{n}{inside}x@example.org"),
        }
    }

    fn name(self) -> String {
        match self {
            Value::Longest => "the longest value".into(),
            Value::TooLong => "one character too many".into(),
            Value::Inside(name, _) => format!("a {name}"),
        }
    }
}

/// Where a field sits, which decides what else its request needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Plain,
    Email,
    ThirdParty,
    ThirdPartyEmail,
    Monitoring,
    Attachment,
    Regulator,
    ResolvedOutside,
}

struct Field {
    path: &'static str,
    rule: Rule,
    part: Part,
    set: fn(&mut pb::SubmitComplaintRequest, String),
}

fn complainant(r: &mut pb::SubmitComplaintRequest) -> &mut pb::Person {
    r.complainant.get_or_insert_with(Default::default)
}

fn third_party(r: &mut pb::SubmitComplaintRequest) -> &mut pb::ThirdParty {
    r.third_party.get_or_insert_with(Default::default)
}

fn monitoring(r: &mut pb::SubmitComplaintRequest) -> &mut pb::EqualityMonitoring {
    r.equality_monitoring.get_or_insert_with(Default::default)
}

fn address(r: &mut pb::SubmitComplaintRequest) -> &mut pb::PostalAddress {
    complainant(r)
        .postal_address
        .get_or_insert_with(|| pb::PostalAddress {
            lines: vec!["1 High Street".into()],
            postcode: "AB1 2CD".into(),
        })
}

/// Every string field of `SubmitComplaintRequest`, with its rule.
fn submission_fields() -> Vec<Field> {
    vec![
        Field {
            path: "idempotency_key",
            rule: fields::IDEMPOTENCY_KEY,
            part: Part::Plain,
            set: |r, v| r.idempotency_key = v,
        },
        Field {
            path: "customer_status",
            rule: fields::LABEL,
            part: Part::Plain,
            set: |r, v| r.customer_status = v,
        },
        Field {
            path: "customer_type",
            rule: fields::LABEL,
            part: Part::Plain,
            set: |r, v| r.customer_type = v,
        },
        Field {
            path: "query_category",
            rule: fields::LABEL,
            part: Part::Plain,
            set: |r, v| r.query_category = v,
        },
        Field {
            path: "query_detail",
            rule: fields::FREE_TEXT,
            part: Part::Plain,
            set: |r, v| r.query_detail = v,
        },
        Field {
            path: "complainant.first_name",
            rule: fields::PERSON_NAME,
            part: Part::Plain,
            set: |r, v| complainant(r).first_name = v,
        },
        Field {
            path: "complainant.last_name",
            rule: fields::PERSON_NAME,
            part: Part::Plain,
            set: |r, v| complainant(r).last_name = v,
        },
        Field {
            path: "complainant.email",
            rule: fields::LABEL,
            part: Part::Email,
            set: |r, v| complainant(r).email = v,
        },
        Field {
            path: "complainant.telephone",
            rule: fields::TELEPHONE,
            part: Part::Plain,
            set: |r, v| complainant(r).telephone = v,
        },
        Field {
            path: "complainant.postal_address.lines[0]",
            rule: fields::ADDRESS_LINE,
            part: Part::Plain,
            set: |r, v| address(r).lines[0] = v,
        },
        Field {
            path: "complainant.postal_address.postcode",
            rule: fields::POSTCODE,
            part: Part::Plain,
            set: |r, v| address(r).postcode = v,
        },
        Field {
            path: "reasonable_adjustments",
            rule: fields::FREE_TEXT,
            part: Part::Plain,
            set: |r, v| r.reasonable_adjustments = v,
        },
        Field {
            path: "qualification_code",
            rule: fields::QUALIFICATION_CODE,
            part: Part::Plain,
            set: |r, v| r.qualification_code = v,
        },
        Field {
            path: "referring_regulator",
            rule: fields::LABEL,
            part: Part::Regulator,
            set: |r, v| r.referring_regulator = v,
        },
        Field {
            path: "resolved_outside_procedure",
            rule: fields::FREE_TEXT,
            part: Part::ResolvedOutside,
            set: |r, v| r.resolved_outside_procedure = v,
        },
        Field {
            path: "third_party.name",
            rule: fields::PERSON_NAME,
            part: Part::ThirdParty,
            set: |r, v| third_party(r).name = v,
        },
        Field {
            path: "third_party.relationship",
            rule: fields::LABEL,
            part: Part::ThirdParty,
            set: |r, v| third_party(r).relationship = v,
        },
        Field {
            path: "third_party.email",
            rule: fields::LABEL,
            part: Part::ThirdPartyEmail,
            set: |r, v| third_party(r).email = v,
        },
        Field {
            path: "third_party.telephone",
            rule: fields::TELEPHONE,
            part: Part::ThirdParty,
            set: |r, v| third_party(r).telephone = v,
        },
        Field {
            path: "third_party.organisation",
            rule: fields::LABEL,
            part: Part::ThirdParty,
            set: |r, v| third_party(r).organisation = v,
        },
        Field {
            path: "equality_monitoring.ethnicity",
            rule: fields::MONITORING_ANSWER,
            part: Part::Monitoring,
            set: |r, v| monitoring(r).ethnicity = v,
        },
        Field {
            path: "equality_monitoring.disability",
            rule: fields::MONITORING_ANSWER,
            part: Part::Monitoring,
            set: |r, v| monitoring(r).disability = v,
        },
        Field {
            path: "equality_monitoring.gender",
            rule: fields::MONITORING_ANSWER,
            part: Part::Monitoring,
            set: |r, v| monitoring(r).gender = v,
        },
        Field {
            path: "equality_monitoring.age_band",
            rule: fields::MONITORING_ANSWER,
            part: Part::Monitoring,
            set: |r, v| monitoring(r).age_band = v,
        },
        Field {
            path: "equality_monitoring.religion_or_belief",
            rule: fields::MONITORING_ANSWER,
            part: Part::Monitoring,
            set: |r, v| monitoring(r).religion_or_belief = v,
        },
        Field {
            path: "equality_monitoring.sexual_orientation",
            rule: fields::MONITORING_ANSWER,
            part: Part::Monitoring,
            set: |r, v| monitoring(r).sexual_orientation = v,
        },
        Field {
            path: "attachments[0].file_name",
            rule: fields::FILE_NAME,
            part: Part::Attachment,
            // The name keeps its extension, which must match the content.
            set: |r, v| {
                let chars = v.chars().count();
                let stem: String = if chars > 100 {
                    v.chars().take(chars - 4).collect()
                } else {
                    v
                };
                r.attachments = vec![pb::Attachment {
                    file_name: format!("{stem}.txt"),
                    content_type: "text/plain".into(),
                    content: b"I attach my letter.\n".to_vec(),
                }]
            },
        },
    ]
}

fn today() -> pb::Date {
    let today = calendar::uk_date(chrono::Utc::now());
    pb::Date {
        year: chrono::Datelike::year(&today),
        month: chrono::Datelike::month(&today),
        day: chrono::Datelike::day(&today),
    }
}

/// An ordinary web-form complaint of case `n`, reachable at its own address.
fn ordinary(n: usize) -> pb::SubmitComplaintRequest {
    pb::SubmitComplaintRequest {
        idempotency_key: format!("hostile-{n}"),
        channel: pb::Channel::WebForm as i32,
        customer_status: "Member".into(),
        customer_type: "Student".into(),
        query_category: "Certificates".into(),
        query_detail: "My certificate has not arrived.".into(),
        complainant: Some(pb::Person {
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: format!("h{n}@example.org"),
            ..Default::default()
        }),
        matter_date: Some(today()),
        ..Default::default()
    }
}

/// The fields an `INVALID_ARGUMENT` names, or the status itself when it is
/// anything else.
fn refused_fields(status: &tonic::Status) -> Result<Vec<String>, String> {
    if status.code() != tonic::Code::InvalidArgument {
        return Err(format!("{:?}: {}", status.code(), status.message()));
    }
    let details = status
        .get_details_bad_request()
        .ok_or_else(|| format!("no BadRequest details: {}", status.message()))?;
    Ok(details
        .field_violations
        .into_iter()
        .map(|v| v.field)
        .collect())
}

/// Puts a value into one field of a compliment.
type SetCompliment = fn(&mut pb::SubmitComplimentRequest, String);

/// A complaint submission intake accepted, and what it should lead to.
#[derive(Debug)]
struct Accepted {
    case: String,
    submission_id: String,
    /// Addresses of which one should receive a letter.
    addresses: Vec<String>,
    third_party: bool,
    resolved_outside: bool,
    monitoring: bool,
}

async fn poll<T>(what: &str, mut check: impl AsyncFnMut() -> Result<T, String>) -> T {
    let mut last = String::new();
    for _ in 0..600 {
        match check().await {
            Ok(value) => return value,
            Err(why) => last = why,
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{what}: {last}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_accepted_value_of_every_field_reaches_a_complaint_its_letters_and_its_figures() {
    let stack = Stack::spawn("hostile").await;
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let mut accepted: Vec<Accepted> = Vec::new();
    let mut categories = BTreeSet::new();
    let mut customer_types = BTreeSet::new();
    let mut n = 0;

    // 1. Every string field of a complaint submission, every value.
    for field in submission_fields() {
        for value in Value::all() {
            n += 1;
            let case = format!("{} holding {}", field.path, value.name());
            let mut request = ordinary(n);
            let mut addresses = vec![format!("h{n}@example.org")];
            match field.part {
                Part::ThirdParty | Part::ThirdPartyEmail => {
                    *third_party(&mut request) = pb::ThirdParty {
                        name: "Sam Carer".into(),
                        relationship: "Parent".into(),
                        email: format!("t{n}@example.org"),
                        telephone: "0207 946 0000".into(),
                        organisation: String::new(),
                    };
                    addresses.push(format!("t{n}@example.org"));
                }
                Part::Monitoring => {
                    *monitoring(&mut request) = pb::EqualityMonitoring {
                        ethnicity: "Prefer not to say".into(),
                        ..Default::default()
                    }
                }
                Part::Regulator => request.channel = pb::Channel::Regulator as i32,
                _ => {}
            }
            let text = match field.part {
                Part::Email | Part::ThirdPartyEmail => value.email(n),
                _ => value.text(field.rule),
            };
            match field.part {
                Part::Email => addresses = vec![text.trim().to_owned()],
                Part::ThirdPartyEmail => addresses = vec![addresses[0].clone(), text.clone()],
                _ => {}
            }
            (field.set)(&mut request, text.clone());
            match intake.submit_complaint(request).await {
                Ok(receipt) => {
                    assert!(
                        !matches!(value, Value::TooLong),
                        "{case}: accepted one character more than the field's limit"
                    );
                    assert!(
                        !text.contains('\0'),
                        "{case}: a NUL was accepted, which no text column can hold"
                    );
                    if field.path == "query_category" {
                        categories.insert(fields::LABEL.required(&text).unwrap());
                    }
                    if field.path == "customer_type" {
                        customer_types.insert(fields::LABEL.required(&text).unwrap());
                    }
                    accepted.push(Accepted {
                        case,
                        submission_id: receipt.into_inner().submission_id,
                        addresses,
                        third_party: matches!(field.part, Part::ThirdParty | Part::ThirdPartyEmail),
                        resolved_outside: field.part == Part::ResolvedOutside,
                        monitoring: field.part == Part::Monitoring,
                    });
                }
                Err(status) => {
                    let named = refused_fields(&status).unwrap_or_else(|e| panic!("{case}: {e}"));
                    assert!(
                        named.iter().any(|f| f == field.path),
                        "{case}: refused without naming {}: {named:?}",
                        field.path
                    );
                    assert!(
                        !matches!(value, Value::Longest),
                        "{case}: the longest value the field allows was refused: {}",
                        status.message()
                    );
                }
            }
        }
    }
    let opened: Vec<&Accepted> = accepted.iter().filter(|a| !a.resolved_outside).collect();
    assert!(
        opened.len() > 200,
        "most values are ordinary text and are accepted; only {} were",
        opened.len()
    );

    // A third party's complaint opens once the individual consents (R-INT-4).
    for a in accepted.iter().filter(|a| a.third_party) {
        intake
            .record_consent(pb::RecordConsentRequest {
                submission_id: a.submission_id.clone(),
                evidence: "Signed consent form".into(),
                given_on: Some(today()),
                recorded_by: "handler-1".into(),
                link_token: String::new(),
            })
            .await
            .unwrap_or_else(|s| panic!("{}: consent: {s:?}", a.case));
    }

    // 2. Every accepted complaint is opened exactly once.
    let complaints_log = eventlog::EventLog::open(&stack.settings[1].database)
        .await
        .unwrap();
    poll(
        "every accepted submission opens exactly one complaint",
        async || {
            let rows: Vec<(String, i64)> = sqlx::query_as(
                "SELECT submission_id::text, count(*) FROM complaints GROUP BY submission_id",
            )
            .fetch_all(complaints_log.pool())
            .await
            .map_err(|e| e.to_string())?;
            let counts: BTreeMap<String, i64> = rows.into_iter().collect();
            for a in &accepted {
                let found = counts.get(&a.submission_id).copied().unwrap_or(0);
                let expected = i64::from(!a.resolved_outside);
                if found != expected {
                    return Err(format!(
                        "{}: {found} complaints, expected {expected}",
                        a.case
                    ));
                }
            }
            Ok(())
        },
    )
    .await;

    // 3. Each complaint's first letter reached its complainant or third party.
    poll("every accepted complaint gets its letter", async || {
        let received = stack.smtp.received();
        for a in &opened {
            let reached = received.iter().any(|m| {
                m.to.iter()
                    .any(|to| a.addresses.iter().any(|ad| to.contains(ad.as_str())))
            });
            if !reached {
                return Err(format!("{}: no email reached {:?}", a.case, a.addresses));
            }
        }
        Ok(())
    })
    .await;

    // 4. Compliments, every string field, every value (R-POS-1).
    let mut compliments = 0u64;
    let mut teams = BTreeSet::new();
    let compliment_fields: [(&str, Rule, SetCompliment); 8] = [
        ("idempotency_key", fields::IDEMPOTENCY_KEY, |r, v| {
            r.idempotency_key = v
        }),
        ("team", fields::TEAM, |r, v| r.team = v),
        ("about_person", fields::PERSON_NAME, |r, v| {
            r.about_person = v
        }),
        ("message", fields::FREE_TEXT, |r, v| r.message = v),
        ("from.first_name", fields::PERSON_NAME, |r, v| {
            r.from.get_or_insert_with(Default::default).first_name = v
        }),
        ("from.last_name", fields::PERSON_NAME, |r, v| {
            r.from.get_or_insert_with(Default::default).last_name = v
        }),
        ("from.telephone", fields::TELEPHONE, |r, v| {
            r.from.get_or_insert_with(Default::default).telephone = v
        }),
        ("from.email", fields::LABEL, |r, v| {
            r.from.get_or_insert_with(Default::default).email = v
        }),
    ];
    for (path, rule, set) in compliment_fields {
        for value in Value::all() {
            n += 1;
            let case = format!("compliment {path} holding {}", value.name());
            let mut request = pb::SubmitComplimentRequest {
                idempotency_key: format!("hostile-compliment-{n}"),
                channel: pb::Channel::WebForm as i32,
                team: "Customer Services".into(),
                message: "Thank you for your help.".into(),
                ..Default::default()
            };
            let text = if path == "from.email" {
                value.email(n)
            } else {
                value.text(rule)
            };
            set(&mut request, text.clone());
            match intake.submit_compliment(request).await {
                Ok(_) => {
                    assert!(
                        !matches!(value, Value::TooLong),
                        "{case}: over the limit accepted"
                    );
                    compliments += 1;
                    teams.insert(if path == "team" {
                        fields::TEAM.required(&text).unwrap()
                    } else {
                        "Customer Services".to_owned()
                    });
                }
                Err(status) => {
                    let named = refused_fields(&status).unwrap_or_else(|e| panic!("{case}: {e}"));
                    assert!(named.iter().any(|f| f == path), "{case}: {named:?}");
                    assert!(!matches!(value, Value::Longest), "{case}: longest refused");
                }
            }
        }
    }

    // 5. The complaints service's commands, every text field, every value.
    let mut staff = ComplaintsClient::new(channel(stack.addrs[1]).await);
    let mut outcomes = Vec::new();
    for value in Value::all() {
        n += 1;
        let submitted = intake
            .submit_complaint(ordinary(n))
            .await
            .unwrap()
            .into_inner();
        let reference = stack.reference_of(&submitted.submission_id).await;
        let case = format!("{reference} with {}", value.name());
        work_the_complaint(&mut staff, &reference, value, &case).await;
        outcomes.push((case, format!("h{n}@example.org")));
    }
    // Reads refuse what no reference or filter can hold, naming the field.
    for value in Value::all() {
        let text = value.text(fields::LABEL);
        if let Err(status) = staff
            .get_complaint(pb::GetComplaintRequest {
                reference: text.clone(),
            })
            .await
        {
            let named = refused_fields(&status)
                .or_else(|e| {
                    if status.code() == tonic::Code::NotFound {
                        Ok(vec!["reference".into()])
                    } else {
                        Err(e)
                    }
                })
                .unwrap_or_else(|e| panic!("GetComplaint with {}: {e}", value.name()));
            assert!(named.iter().any(|f| f == "reference"), "{named:?}");
        }
        for (field, request) in [
            (
                "handler",
                pb::ListWorkQueueRequest {
                    handler: text.clone(),
                    ..Default::default()
                },
            ),
            (
                "team",
                pb::ListWorkQueueRequest {
                    team: text.clone(),
                    ..Default::default()
                },
            ),
        ] {
            if let Err(status) = staff.list_work_queue(request).await {
                let named = refused_fields(&status)
                    .unwrap_or_else(|e| panic!("ListWorkQueue {field} with {}: {e}", value.name()));
                assert!(named.iter().any(|f| f == field), "{named:?}");
            }
        }
    }

    // Each outcome letter reached its complainant (the automatic reply and
    // the outcome: at least two letters).
    poll("every outcome letter is sent", async || {
        let received = stack.smtp.received();
        for (case, address) in &outcomes {
            let letters = received
                .iter()
                .filter(|m| m.to.iter().any(|to| to.contains(address.as_str())))
                .count();
            if letters < 2 {
                return Err(format!("{case}: {letters} letters reached {address}"));
            }
        }
        Ok(())
    })
    .await;

    // 6. The figures count every complaint, category, customer type,
    // compliment and action; the equality answers are all kept.
    let expected_entered = (opened.len() + outcomes.len()) as u64;
    // One follow-up action each, with the hostile text or with plain text.
    let actions = outcomes.len() as u64;
    let expected_resolved = accepted.iter().filter(|a| a.resolved_outside).count() as u64;
    let figures = poll("reporting counts everything accepted", async || {
        let figures = stack.figures().await;
        let entered: u64 = figures.groups.iter().map(|g| g.entered_procedure).sum();
        let resolved: u64 = figures.groups.iter().map(|g| g.resolved_outside_procedure).sum();
        let compliments_counted: u64 = figures.compliments_by_team.values().sum();
        if entered == expected_entered
            && resolved == expected_resolved
            && compliments_counted == compliments
            && figures.actions_open == actions
        {
            Ok(figures)
        } else {
            Err(format!(
                "entered {entered} of {expected_entered}, resolved {resolved} of {expected_resolved}, \
                 compliments {compliments_counted} of {compliments}, actions {} of {actions}",
                figures.actions_open
            ))
        }
    })
    .await;
    for category in &categories {
        assert!(
            figures
                .groups
                .iter()
                .any(|g| g.by_category.contains_key(category)),
            "category {category:?} is not in the figures"
        );
    }
    for kind in &customer_types {
        assert!(
            figures
                .groups
                .iter()
                .any(|g| g.by_customer_type.contains_key(kind)),
            "customer type {kind:?} is not in the figures"
        );
    }
    for team in &teams {
        assert!(
            figures.compliments_by_team.contains_key(team),
            "team {team:?}"
        );
    }
    let reporting_log = eventlog::EventLog::open(&stack.settings[3].database)
        .await
        .unwrap();
    let with_answers = accepted.iter().filter(|a| a.monitoring).count() as i64;
    poll("every set of equality answers is kept", async || {
        let kept: i64 = sqlx::query_scalar("SELECT count(*) FROM monitoring_answers")
            .fetch_one(reporting_log.pool())
            .await
            .map_err(|e| e.to_string())?;
        (kept == with_answers)
            .then_some(())
            .ok_or(format!("{kept} of {with_answers}"))
    })
    .await;

    // 7. Nothing failed on the way: no dead letter, no email failing or
    // given up.
    let bus = bus::Bus::connect(&stack.settings[0].bus).await.unwrap();
    let mut dead = bus
        .jetstream()
        .get_stream(bus.dead_letter_stream_name())
        .await
        .unwrap();
    assert_eq!(dead.info().await.unwrap().state.messages, 0, "dead letters");
    let notifications_log = eventlog::EventLog::open(&stack.settings[2].database)
        .await
        .unwrap();
    let failing: Vec<(String, String)> =
        sqlx::query_as("SELECT template, detail FROM notifications WHERE status IN (2, 4)")
            .fetch_all(notifications_log.pool())
            .await
            .unwrap();
    assert!(
        failing.is_empty(),
        "emails failing or given up: {failing:?}"
    );
}

/// Takes one complaint through the Stage 1 steps that carry text, every
/// text field holding `value`; a step refused (naming only fields that
/// held it) is taken again with plain text.
async fn work_the_complaint(
    staff: &mut ComplaintsClient<Authed>,
    reference: &str,
    value: Value,
    case: &str,
) {
    let command = || {
        Some(pb::ComplaintCommand {
            reference: reference.to_owned(),
            acting_user: "handler-1".into(),
            expected_version: None,
        })
    };
    let hostile = |rule: Rule| value.text(rule);
    let plain = |_: Rule| "Plain words.".to_owned();
    let due = {
        let d = calendar::uk_date(chrono::Utc::now()) + chrono::Days::new(60);
        Some(pb::Date {
            year: chrono::Datelike::year(&d),
            month: chrono::Datelike::month(&d),
            day: chrono::Datelike::day(&d),
        })
    };

    let assign = |t: &dyn Fn(Rule) -> String| pb::AssignHandlerRequest {
        command: command(),
        handler: "handler-1".into(),
        team: match t(fields::TEAM).as_str() {
            "Plain words." => "Customer Services".into(),
            team => team.to_owned(),
        },
        role: pb::HandlerRole::Handler as i32,
    };
    let first = staff.assign_handler(assign(&hostile)).await;
    retry(case, "AssignHandler", &["team"], first, || {
        staff.assign_handler(assign(&plain))
    })
    .await;

    let contact = |t: &dyn Fn(Rule) -> String| pb::RecordContactRequest {
        command: command(),
        at: Some({
            let now = chrono::Utc::now();
            prost_types::Timestamp {
                seconds: now.timestamp(),
                nanos: i32::try_from(now.timestamp_subsec_nanos()).unwrap_or(0),
            }
        }),
        method: pb::ContactMethod::Telephone as i32,
        summary: t(fields::FREE_TEXT),
    };
    let first = staff.record_contact(contact(&hostile)).await;
    retry(case, "RecordContact", &["summary"], first, || {
        staff.record_contact(contact(&plain))
    })
    .await;

    let action = |t: &dyn Fn(Rule) -> String| pb::AddActionRequest {
        command: command(),
        kind: pb::ActionKind::FollowUp as i32,
        description: t(fields::FREE_TEXT),
        owner: "handler-1".into(),
        due_on: due,
    };
    let first = staff.add_action(action(&hostile)).await;
    retry(case, "AddAction", &["description"], first, || {
        staff.add_action(action(&plain))
    })
    .await;

    let disclosure = |t: &dyn Fn(Rule) -> String| pb::RecordDisclosureRequest {
        command: command(),
        recipient: t(fields::LABEL),
        legal_basis: pb::LegalBasis::Regulator as i32,
        what: t(fields::FREE_TEXT),
        disclosed_on: Some(today()),
    };
    let first = staff.record_disclosure(disclosure(&hostile)).await;
    retry(
        case,
        "RecordDisclosure",
        &["recipient", "what"],
        first,
        || staff.record_disclosure(disclosure(&plain)),
    )
    .await;

    let permission = |t: &dyn Fn(Rule) -> String| pb::RecordInformationPermissionRequest {
        command: command(),
        third_party: t(fields::LABEL),
        scope: t(fields::FREE_TEXT),
        given_on: Some(today()),
        in_writing: true,
    };
    let first = staff
        .record_information_permission(permission(&hostile))
        .await;
    retry(
        case,
        "RecordInformationPermission",
        &["third_party", "scope"],
        first,
        || staff.record_information_permission(permission(&plain)),
    )
    .await;

    let outcome = |t: &dyn Fn(Rule) -> String| pb::RecordOutcomeRequest {
        command: command(),
        stage: pb::Stage::Stage1 as i32,
        decision: pb::Decision::Upheld as i32,
        findings: t(fields::FREE_TEXT),
        remedies: vec![pb::RemedyInput {
            kind: pb::RemedyKind::Apology as i32,
            description: t(fields::FREE_TEXT),
            ..Default::default()
        }],
        ..Default::default()
    };
    let first = staff.record_outcome(outcome(&hostile)).await;
    retry(
        case,
        "RecordOutcome",
        &["findings", "remedies[0].description"],
        first,
        || staff.record_outcome(outcome(&plain)),
    )
    .await;
}

/// A step's first answer: accepted, or refused naming only `fields` (the
/// ones that held the hostile value), in which case `again` (plain text)
/// must be accepted.
async fn retry<T, F>(
    case: &str,
    step: &str,
    fields: &[&str],
    first: Result<tonic::Response<T>, tonic::Status>,
    again: impl FnOnce() -> F,
) where
    F: std::future::Future<Output = Result<tonic::Response<T>, tonic::Status>>,
{
    let Err(status) = first else { return };
    let named = refused_fields(&status).unwrap_or_else(|e| panic!("{case}: {step}: {e}"));
    for field in &named {
        let field = field.strip_prefix("command.").unwrap_or(field);
        assert!(
            fields.contains(&field),
            "{case}: {step} refused {field}, which held no hostile text: {}",
            status.message()
        );
    }
    if let Err(status) = again().await {
        panic!("{case}: {step} with plain text: {status:?}");
    }
}

fn in_days(days: u64) -> Option<pb::Date> {
    let d = calendar::uk_date(chrono::Utc::now()) + chrono::Days::new(days);
    Some(pb::Date {
        year: chrono::Datelike::year(&d),
        month: chrono::Datelike::month(&d),
        day: chrono::Datelike::day(&d),
    })
}

fn months_ago(months: u32) -> pb::Date {
    let d = calendar::uk_date(chrono::Utc::now()) - chrono::Months::new(months);
    pb::Date {
        year: chrono::Datelike::year(&d),
        month: chrono::Datelike::month(&d),
        day: chrono::Datelike::day(&d),
    }
}

/// The text-carrying steps the first test leaves out: staff decisions in
/// intake's triage (compelling reason, declining, consent), and every other
/// complaints command from Stage 1 through Stage 3 to closure, new issues,
/// a contact restriction, resolving outside the procedure and regulator
/// notices, each text field holding each hostile value.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_accepted_value_of_every_staff_step_is_applied_by_every_service() {
    let stack = Stack::spawn("hostile_steps").await;
    let mut intake = IntakeClient::new(channel(stack.addrs[0]).await);
    let mut staff = ComplaintsClient::new(channel(stack.addrs[1]).await);
    let mut n = 0;
    let mut declined = 0u64;
    for value in Value::all() {
        let hostile = |rule: Rule| value.text(rule);
        let plain = |_: Rule| "Plain words.".to_owned();
        let actor = |t: &dyn Fn(Rule) -> String| match t(fields::ACTOR_ID).as_str() {
            "Plain words." => "handler-1".to_owned(),
            other => other.to_owned(),
        };

        // Intake: a matter over six months old opened for a compelling
        // reason (R-INT-2), another declined, a third party's consent
        // recorded (R-INT-4).
        for declining in [false, true] {
            n += 1;
            let mut old = ordinary(n);
            old.matter_date = Some(months_ago(8));
            let id = intake
                .submit_complaint(old)
                .await
                .unwrap()
                .into_inner()
                .submission_id;
            let case = format!(
                "{id} ({}) with {}",
                if declining {
                    "declined"
                } else {
                    "compelling reason"
                },
                value.name()
            );
            if declining {
                let decline = |t: &dyn Fn(Rule) -> String| pb::DeclineOutOfTimeRequest {
                    submission_id: id.clone(),
                    reason: t(fields::REASON),
                    decided_by: actor(t),
                };
                let first = intake.decline_out_of_time(decline(&hostile)).await;
                retry(
                    &case,
                    "DeclineOutOfTime",
                    &["reason", "decided_by"],
                    first,
                    || intake.decline_out_of_time(decline(&plain)),
                )
                .await;
                declined += 1;
            } else {
                let reason = |t: &dyn Fn(Rule) -> String| pb::RecordCompellingReasonRequest {
                    submission_id: id.clone(),
                    reason: t(fields::REASON),
                    decided_by: actor(t),
                };
                let first = intake.record_compelling_reason(reason(&hostile)).await;
                retry(
                    &case,
                    "RecordCompellingReason",
                    &["reason", "decided_by"],
                    first,
                    || intake.record_compelling_reason(reason(&plain)),
                )
                .await;
            }
        }
        n += 1;
        let mut represented = ordinary(n);
        represented.third_party = Some(pb::ThirdParty {
            name: "Sam Carer".into(),
            relationship: "Parent".into(),
            email: format!("t{n}@example.org"),
            ..Default::default()
        });
        let id = intake
            .submit_complaint(represented)
            .await
            .unwrap()
            .into_inner()
            .submission_id;
        let case = format!("{id} (consent) with {}", value.name());
        let consent = |t: &dyn Fn(Rule) -> String| pb::RecordConsentRequest {
            submission_id: id.clone(),
            evidence: t(fields::REASON),
            given_on: Some(today()),
            recorded_by: actor(t),
            link_token: String::new(),
        };
        let first = intake.record_consent(consent(&hostile)).await;
        retry(
            &case,
            "RecordConsent",
            &["evidence", "recorded_by"],
            first,
            || intake.record_consent(consent(&plain)),
        )
        .await;

        // Complaints: one complaint about a regulated qualification from
        // Stage 1 to closure, the regulator and new issues.
        n += 1;
        let mut regulated = ordinary(n);
        regulated.qualification_code = "L2-AWARD-LS".into();
        let submitted = intake
            .submit_complaint(regulated)
            .await
            .unwrap()
            .into_inner();
        let reference = stack.reference_of(&submitted.submission_id).await;
        let case = format!("{reference} with {}", value.name());
        through_the_procedure(&mut staff, &reference, value, &case).await;

        // A complaint resolved outside the procedure by staff (R-INT-7).
        n += 1;
        let submitted = intake
            .submit_complaint(ordinary(n))
            .await
            .unwrap()
            .into_inner();
        let reference = stack.reference_of(&submitted.submission_id).await;
        let case = format!("{reference} (resolved) with {}", value.name());
        let resolve = |t: &dyn Fn(Rule) -> String| pb::ResolveOutsideProcedureRequest {
            command: Some(pb::ComplaintCommand {
                reference: reference.clone(),
                acting_user: "handler-1".into(),
                expected_version: None,
            }),
            how: t(fields::FREE_TEXT),
        };
        let first = staff.resolve_outside_procedure(resolve(&hostile)).await;
        retry(&case, "ResolveOutsideProcedure", &["how"], first, || {
            staff.resolve_outside_procedure(resolve(&plain))
        })
        .await;

        // A regulator's notice and its review (R-REG-4).
        let case = format!("regulator notice with {}", value.name());
        let notice = |t: &dyn Fn(Rule) -> String| pb::RecordRegulatorNoticeRequest {
            acting_user: "ccm-1".into(),
            regulator: t(fields::LABEL),
            awarding_organisation: t(fields::LABEL),
            failure: t(fields::FREE_TEXT),
            received_on: Some(today()),
            review_owner: "handler-1".into(),
            review_due_on: in_days(30),
        };
        let notice_id = match staff.record_regulator_notice(notice(&hostile)).await {
            Ok(view) => view.into_inner().notice_id,
            Err(status) => {
                let named = refused_fields(&status).unwrap_or_else(|e| panic!("{case}: {e}"));
                for field in &named {
                    assert!(
                        ["regulator", "awarding_organisation", "failure"].contains(&field.as_str()),
                        "{case}: refused {field}"
                    );
                }
                staff
                    .record_regulator_notice(notice(&plain))
                    .await
                    .unwrap_or_else(|s| panic!("{case}: plain: {s:?}"))
                    .into_inner()
                    .notice_id
            }
        };
        let review = |t: &dyn Fn(Rule) -> String| pb::CompleteRegulatorReviewRequest {
            acting_user: "handler-1".into(),
            notice_id: notice_id.clone(),
            findings: t(fields::FREE_TEXT),
        };
        let first = staff.complete_regulator_review(review(&hostile)).await;
        retry(
            &case,
            "CompleteRegulatorReview",
            &["findings"],
            first,
            || staff.complete_regulator_review(review(&plain)),
        )
        .await;

        // A staff id that is not one is refused, naming the field.
        let status = staff
            .record_contact(pb::RecordContactRequest {
                command: Some(pb::ComplaintCommand {
                    reference: reference.clone(),
                    acting_user: value.text(fields::ACTOR_ID),
                    expected_version: None,
                }),
                at: None,
                method: pb::ContactMethod::Telephone as i32,
                summary: "Plain words.".into(),
            })
            .await
            .unwrap_err();
        let named = refused_fields(&status).unwrap();
        assert!(
            named.iter().any(|f| f == "command.acting_user"),
            "{named:?}"
        );
    }

    // Every service applied all of it: reporting counts what the complaints
    // service opened and intake declined, every email went, no dead letter.
    let complaints_log = eventlog::EventLog::open(&stack.settings[1].database)
        .await
        .unwrap();
    let opened: i64 = sqlx::query_scalar("SELECT count(*) FROM complaints")
        .fetch_one(complaints_log.pool())
        .await
        .unwrap();
    let values = Value::all().len() as i64;
    // Per value: compelling reason, consent, the worked complaint, its new
    // issues and the one resolved outside the procedure.
    assert_eq!(opened, 5 * values, "complaints opened");
    poll("reporting counts every step", async || {
        let figures = stack.figures().await;
        let entered: u64 = figures.groups.iter().map(|g| g.entered_procedure).sum();
        let declined_counted: u64 = figures.groups.iter().map(|g| g.declined_out_of_time).sum();
        let reached_3: u64 = figures
            .groups
            .iter()
            .flat_map(|g| &g.stages)
            .filter(|s| s.stage == pb::Stage::Stage3 as i32)
            .map(|s| s.reached)
            .sum();
        if entered == opened as u64 && declined_counted == declined && reached_3 == values as u64 {
            Ok(())
        } else {
            Err(format!(
                "entered {entered} of {opened}, declined {declined_counted} of {declined}, \
                 Stage 3 reached {reached_3} of {values}"
            ))
        }
    })
    .await;
    let notifications_log = eventlog::EventLog::open(&stack.settings[2].database)
        .await
        .unwrap();
    poll("every email is sent", async || {
        let unsent: Vec<(String, i32, String)> = sqlx::query_as(
            "SELECT template, status, detail FROM notifications \
             WHERE channel = $1 AND status <> 3 AND status <> 5",
        )
        .bind(pb::DeliveryChannel::Email as i32)
        .fetch_all(notifications_log.pool())
        .await
        .map_err(|e| e.to_string())?;
        unsent
            .is_empty()
            .then_some(())
            .ok_or(format!("{} unsent: {unsent:?}", unsent.len()))
    })
    .await;
    let bus = bus::Bus::connect(&stack.settings[0].bus).await.unwrap();
    let mut dead = bus
        .jetstream()
        .get_stream(bus.dead_letter_stream_name())
        .await
        .unwrap();
    assert_eq!(dead.info().await.unwrap().state.messages, 0, "dead letters");
}

/// One complaint from Stage 1 through Stage 3 to closure and a new issue,
/// every text field of every step holding `value` (a step refused naming
/// only those fields is taken again with plain text).
async fn through_the_procedure(
    staff: &mut ComplaintsClient<Authed>,
    reference: &str,
    value: Value,
    case: &str,
) {
    let hostile = |rule: Rule| value.text(rule);
    let plain = |_: Rule| "Plain words.".to_owned();
    let by = |user: &str| {
        Some(pb::ComplaintCommand {
            reference: reference.to_owned(),
            acting_user: user.to_owned(),
            expected_version: None,
        })
    };
    let ok = |step: &str, answer: Result<tonic::Response<pb::ComplaintView>, tonic::Status>| {
        answer
            .unwrap_or_else(|s| panic!("{case}: {step}: {s:?}"))
            .into_inner()
    };
    let assign = |user: &str, role: pb::HandlerRole| pb::AssignHandlerRequest {
        command: by("ccm-1"),
        handler: user.into(),
        team: "Customer Services".into(),
        role: role as i32,
    };
    ok(
        "AssignHandler",
        staff
            .assign_handler(assign("handler-1", pb::HandlerRole::Handler))
            .await,
    );
    ok(
        "AgreeTimescale",
        staff
            .agree_timescale(pb::AgreeTimescaleRequest {
                command: by("handler-1"),
                due_on: in_days(15),
            })
            .await,
    );
    let update = |t: &dyn Fn(Rule) -> String| pb::RecordUpdateRequest {
        command: by("handler-1"),
        reason: t(fields::FREE_TEXT),
        revised_due_on: in_days(25),
    };
    let first = staff.record_update(update(&hostile)).await;
    retry(case, "RecordUpdate", &["reason"], first, || {
        staff.record_update(update(&plain))
    })
    .await;

    let view = ok(
        "AddAction",
        staff
            .add_action(pb::AddActionRequest {
                command: by("handler-1"),
                kind: pb::ActionKind::Improvement as i32,
                description: "Check the certificate run.".into(),
                owner: "handler-1".into(),
                due_on: in_days(40),
            })
            .await,
    );
    let action_id = view.actions.last().map(|a| a.action_id).unwrap_or_default();
    let reassign = |t: &dyn Fn(Rule) -> String| pb::ReassignActionRequest {
        command: by("handler-1"),
        action_id,
        owner: "handler-2".into(),
        reason: t(fields::FREE_TEXT),
    };
    let first = staff.reassign_action(reassign(&hostile)).await;
    retry(case, "ReassignAction", &["reason"], first, || {
        staff.reassign_action(reassign(&plain))
    })
    .await;
    let complete = |t: &dyn Fn(Rule) -> String| pb::CompleteActionRequest {
        command: by("handler-2"),
        action_id,
        note: t(fields::FREE_TEXT),
    };
    let first = staff.complete_action(complete(&hostile)).await;
    retry(case, "CompleteAction", &["note"], first, || {
        staff.complete_action(complete(&plain))
    })
    .await;

    let outcome = |user: &str, stage: pb::Stage| pb::RecordOutcomeRequest {
        command: by(user),
        stage: stage as i32,
        decision: pb::Decision::NotUpheld as i32,
        findings: "We found the certificate was sent on time.".into(),
        ..Default::default()
    };
    ok(
        "RecordOutcome 1",
        staff
            .record_outcome(outcome("handler-1", pb::Stage::Stage1))
            .await,
    );
    let escalate = |t: &dyn Fn(Rule) -> String, to: pb::Stage, grounds: pb::Grounds| {
        pb::RequestEscalationRequest {
            command: by("handler-1"),
            to_stage: to as i32,
            grounds: vec![grounds as i32],
            reasons: t(fields::FREE_TEXT),
            outcome_sought: t(fields::FREE_TEXT),
            received_on: Some(today()),
            link_token: String::new(),
        }
    };
    let first = staff
        .request_escalation(escalate(
            &hostile,
            pb::Stage::Stage2,
            pb::Grounds::NotUnderstood,
        ))
        .await;
    retry(
        case,
        "RequestEscalation 2",
        &["reasons", "outcome_sought"],
        first,
        || {
            staff.request_escalation(escalate(
                &plain,
                pb::Stage::Stage2,
                pb::Grounds::NotUnderstood,
            ))
        },
    )
    .await;
    ok(
        "AssignHandler manager",
        staff
            .assign_handler(assign("manager-1", pb::HandlerRole::Manager))
            .await,
    );
    ok(
        "RecordOutcome 2",
        staff
            .record_outcome(outcome("manager-1", pb::Stage::Stage2))
            .await,
    );
    let first = staff
        .request_escalation(escalate(
            &hostile,
            pb::Stage::Stage3,
            pb::Grounds::DissatisfiedWithOutcome,
        ))
        .await;
    retry(
        case,
        "RequestEscalation 3",
        &["reasons", "outcome_sought"],
        first,
        || {
            staff.request_escalation(escalate(
                &plain,
                pb::Stage::Stage3,
                pb::Grounds::DissatisfiedWithOutcome,
            ))
        },
    )
    .await;
    ok(
        "AcknowledgeStage3",
        staff
            .acknowledge_stage3(by("ccm-1").unwrap_or_default())
            .await,
    );
    let investigate = |t: &dyn Fn(Rule) -> String| pb::DecideInvestigationRequest {
        command: by("ccm-1"),
        warranted: true,
        reason: t(fields::FREE_TEXT),
    };
    let first = staff.decide_investigation(investigate(&hostile)).await;
    retry(case, "DecideInvestigation", &["reason"], first, || {
        staff.decide_investigation(investigate(&plain))
    })
    .await;
    let extend = |t: &dyn Fn(Rule) -> String| pb::ExtendDeadlineRequest {
        command: by("ccm-1"),
        kind: pb::DeadlineKind::Stage3Response as i32,
        stage: pb::Stage::Stage3 as i32,
        due_on: in_days(120),
        reason: t(fields::FREE_TEXT),
    };
    let first = staff.extend_deadline(extend(&hostile)).await;
    retry(case, "ExtendDeadline", &["reason"], first, || {
        staff.extend_deadline(extend(&plain))
    })
    .await;
    let restrict = |t: &dyn Fn(Rule) -> String| pb::RestrictContactRequest {
        command: by("ccm-1"),
        reason: t(fields::FREE_TEXT),
        review_on: in_days(90),
    };
    let first = staff.restrict_contact(restrict(&hostile)).await;
    retry(case, "RestrictContact", &["reason"], first, || {
        staff.restrict_contact(restrict(&plain))
    })
    .await;
    let closed = ok(
        "RecordOutcome 3",
        staff
            .record_outcome(outcome("ccm-1", pb::Stage::Stage3))
            .await,
    );
    assert!(closed.closed, "{case}: closed after Stage 3");
    // Once the procedure is exhausted, a referral to the regulator (R-REG-2).
    let referral = |t: &dyn Fn(Rule) -> String| pb::RecordRegulatorReferralRequest {
        command: by("handler-1"),
        // Only a regulator of the qualification is accepted (R-REG-2).
        regulator: match t(fields::LABEL).as_str() {
            "Plain words." => "Ofqual".to_owned(),
            other => other.to_owned(),
        },
        referred_on: Some(today()),
    };
    let first = staff.record_regulator_referral(referral(&hostile)).await;
    retry(
        case,
        "RecordRegulatorReferral",
        &["regulator"],
        first,
        || staff.record_regulator_referral(referral(&plain)),
    )
    .await;

    let raise = |t: &dyn Fn(Rule) -> String| pb::RaiseNewIssuesRequest {
        command: by("ccm-1"),
        description: t(fields::FREE_TEXT),
        ..Default::default()
    };
    let first = staff.raise_new_issues(raise(&hostile)).await;
    retry(case, "RaiseNewIssues", &["description"], first, || {
        staff.raise_new_issues(raise(&plain))
    })
    .await;
}
