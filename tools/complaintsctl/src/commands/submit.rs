//! `submit`: a complaint from flags, a JSON file shaped like
//! SubmitComplaintRequest (as the README's grpcurl examples), or both.

use crate::cli::SubmitArgs;
use crate::clients::Clients;
use crate::error::Error;
use crate::names;
use crate::output::{self, Output, fields};
use crate::parse::{self, channel_named, correspondence_named, pb_date};
use complaints_proto::v1 as pb;
use serde::Deserialize;
use serde_json::json;
use std::path::Path;

/// The submission file. Field names follow the contract; enums may be
/// written as in the contract (`CHANNEL_EMAIL`) or as on the command line
/// (`email`); dates as "YYYY-MM-DD" or {"year", "month", "day"}.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SubmissionFile {
    idempotency_key: Option<String>,
    channel: Option<String>,
    customer_status: Option<String>,
    customer_type: Option<String>,
    query_category: Option<String>,
    query_detail: Option<String>,
    complainant: Option<PersonFile>,
    matter_date: Option<DateFile>,
    correspondence: Option<String>,
    third_party: Option<ThirdPartyFile>,
    reasonable_adjustments: Option<String>,
    qualification_code: Option<String>,
    equality_monitoring: Option<EqualityFile>,
    referring_regulator: Option<String>,
    resolved_outside_procedure: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct PersonFile {
    first_name: String,
    last_name: String,
    email: String,
    telephone: String,
    postal_address: Option<AddressFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct AddressFile {
    lines: Vec<String>,
    postcode: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ThirdPartyFile {
    name: String,
    relationship: String,
    email: String,
    telephone: String,
    organisation: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct EqualityFile {
    ethnicity: String,
    disability: String,
    gender: String,
    age_band: String,
    religion_or_belief: String,
    sexual_orientation: String,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum DateFile {
    Text(String),
    Parts { year: i32, month: u32, day: u32 },
}

fn read_file(path: &Path) -> Result<SubmissionFile, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: path.to_owned(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| Error::SubmissionFile {
        path: path.to_owned(),
        source,
    })
}

/// The type the services expect for a file, from its extension.
fn content_type(path: &Path) -> Result<&'static str, Error> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    Ok(match extension.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "txt" => "text/plain",
        _ => {
            return Err(Error::Invalid(format!(
                "{}: attach a .pdf, .png, .jpg, .docx or .txt file",
                path.display()
            )));
        }
    })
}

/// The request from the file (if any) with the flags laid over it.
fn request(args: SubmitArgs) -> Result<(pb::SubmitComplaintRequest, String), Error> {
    let file = match &args.file {
        Some(path) => read_file(path)?,
        None => SubmissionFile::default(),
    };
    let key = args
        .idempotency_key
        .or(file.idempotency_key)
        .unwrap_or_else(|| format!("complaintsctl-{}", uuid::Uuid::new_v4()));
    let channel = match (args.channel, file.channel) {
        (Some(flag), _) => pb::Channel::from(flag),
        (None, Some(name)) => channel_named(&name)
            .ok_or_else(|| Error::Invalid(format!("channel {name:?} is not a channel")))?,
        (None, None) => pb::Channel::Unspecified,
    };
    let correspondence = if args.post {
        pb::CorrespondencePreference::Post
    } else {
        match file.correspondence.as_deref() {
            Some(name) => correspondence_named(name).ok_or_else(|| {
                Error::Invalid(format!("correspondence {name:?} is not email or post"))
            })?,
            None => pb::CorrespondencePreference::Unspecified,
        }
    };
    let matter_date = match (args.matter_date, file.matter_date) {
        (Some(d), _) => Some(pb_date(d)),
        (None, Some(DateFile::Text(text))) => {
            Some(pb_date(parse::date(&text).map_err(Error::Invalid)?))
        }
        (None, Some(DateFile::Parts { year, month, day })) => Some(pb::Date { year, month, day }),
        (None, None) => None,
    };
    let mut person = file.complainant.unwrap_or_default();
    let set = |slot: &mut String, flag: Option<String>| {
        if let Some(value) = flag {
            *slot = value;
        }
    };
    set(&mut person.first_name, args.first_name);
    set(&mut person.last_name, args.last_name);
    set(&mut person.email, args.email);
    set(&mut person.telephone, args.telephone);
    let mut address = person.postal_address.take().unwrap_or_default();
    if !args.address_lines.is_empty() {
        address.lines = args.address_lines;
    }
    set(&mut address.postcode, args.postcode);
    let postal_address =
        (!address.lines.is_empty() || !address.postcode.is_empty()).then_some(pb::PostalAddress {
            lines: address.lines,
            postcode: address.postcode,
        });
    let mut attachments = Vec::new();
    for path in &args.attachments {
        attachments.push(pb::Attachment {
            file_name: path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            content_type: content_type(path)?.into(),
            content: std::fs::read(path).map_err(|source| Error::Read {
                path: path.clone(),
                source,
            })?,
        });
    }
    let request = pb::SubmitComplaintRequest {
        idempotency_key: key.clone(),
        channel: channel as i32,
        customer_status: args
            .customer_status
            .or(file.customer_status)
            .unwrap_or_default(),
        customer_type: args
            .customer_type
            .or(file.customer_type)
            .unwrap_or_default(),
        query_category: args.category.or(file.query_category).unwrap_or_default(),
        query_detail: args.detail.or(file.query_detail).unwrap_or_default(),
        complainant: Some(pb::Person {
            first_name: person.first_name,
            last_name: person.last_name,
            email: person.email,
            telephone: person.telephone,
            postal_address,
        }),
        matter_date,
        correspondence: correspondence as i32,
        third_party: file.third_party.map(|t| pb::ThirdParty {
            name: t.name,
            relationship: t.relationship,
            email: t.email,
            telephone: t.telephone,
            organisation: t.organisation,
        }),
        reasonable_adjustments: args
            .adjustments
            .or(file.reasonable_adjustments)
            .unwrap_or_default(),
        // The structured adjustments are the web form's; the free text
        // above is read by intake as "anything else" (R-ADJ-1).
        adjustments: None,
        qualification_code: args
            .qualification
            .or(file.qualification_code)
            .unwrap_or_default(),
        attachments,
        equality_monitoring: file.equality_monitoring.map(|e| pb::EqualityMonitoring {
            ethnicity: e.ethnicity,
            disability: e.disability,
            gender: e.gender,
            age_band: e.age_band,
            religion_or_belief: e.religion_or_belief,
            sexual_orientation: e.sexual_orientation,
        }),
        referring_regulator: args
            .regulator
            .or(file.referring_regulator)
            .unwrap_or_default(),
        resolved_outside_procedure: file.resolved_outside_procedure.unwrap_or_default(),
    };
    Ok((request, key))
}

pub async fn run(clients: &Clients, args: SubmitArgs) -> Result<Output, Error> {
    let (request, key) = request(args)?;
    let receipt = clients
        .intake()?
        .submit_complaint(request)
        .await
        .map_err(Error::from("intake"))?
        .into_inner();
    let status = names::triage_status(receipt.status);
    let json = json!({
        "submission_id": receipt.submission_id,
        "reference": receipt.reference,
        "status": status,
        "contact_due_on": output::date_json(receipt.contact_due_on.as_ref()),
        "redirected_to": receipt.redirected_to,
        "dealt_with_by": receipt.dealt_with_by,
        "idempotency_key": key,
    });
    let mut pairs = vec![
        ("submission", receipt.submission_id.clone()),
        ("reference", receipt.reference.clone()),
        ("status", names::plain(status)),
        (
            "contact due on",
            output::date(receipt.contact_due_on.as_ref()),
        ),
    ];
    if !receipt.redirected_to.is_empty() {
        pairs.push(("redirected to", receipt.redirected_to.clone()));
        pairs.push(("dealt with by", receipt.dealt_with_by.clone()));
    }
    pairs.push(("idempotency key", key));
    Ok(Output::new(json, fields(&pairs)))
}
