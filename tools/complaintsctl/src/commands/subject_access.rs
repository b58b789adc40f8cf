//! `complaintsctl subject-access`: everything the four services hold about
//! one person (the right of access, R-CONF-1), gathered into one JSON
//! bundle. Intake and notifications find the person by email; the
//! complaints service by the submissions intake found, and reporting by
//! the complaints' references, so the services are asked in that order:
//! intake, complaints, intake again (to name its submissions by the
//! complaint references, which legal holds are placed on), notifications
//! and reporting. [`super::erase`] uses the same answers.

use crate::clients::Clients;
use crate::error::Error;
use crate::output::{Output, Table, time};
use clap::Args;
use complaints_proto::v1::{
    SubjectExportRequest, SubjectExportResponse, SubjectLink,
    subject_access_client::SubjectAccessClient,
};
use serde_json::{Value, json};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct SubjectAccessArgs {
    /// The person's email address.
    #[arg(long)]
    pub email: String,
    /// Write the JSON bundle to this file (the summary is printed).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// Each service's export, in the order intake, complaints, notifications,
/// reporting.
#[derive(Debug, Clone)]
pub struct Exports {
    pub parts: Vec<(&'static str, SubjectExportResponse)>,
}

/// Adds what `response` found to `links`: each record's submission and
/// complaint reference, once.
fn learn(links: &mut Vec<SubjectLink>, response: &SubjectExportResponse, complaints: bool) {
    for record in &response.records {
        let reference = if complaints {
            record.record.clone()
        } else {
            String::new()
        };
        match links
            .iter_mut()
            .find(|l| !record.submission_id.is_empty() && l.submission_id == record.submission_id)
        {
            Some(link) if complaints => link.complaint_reference = reference,
            Some(_) => {}
            None => links.push(SubjectLink {
                submission_id: record.submission_id.clone(),
                complaint_reference: reference,
            }),
        }
    }
}

/// Asks every service for what it holds about `email`.
pub async fn gather(clients: &Clients, email: &str) -> Result<Exports, Error> {
    let [intake, complaints, notifications, reporting] = clients.every_service()?;
    let export = |(service, channel): (&'static str, crate::clients::Authed)| {
        let email = email.to_owned();
        move |links: Vec<SubjectLink>| async move {
            let mut client =
                SubjectAccessClient::new(channel).max_decoding_message_size(256 * 1024 * 1024);
            let response = client
                .export(SubjectExportRequest { email, links })
                .await
                .map_err(Error::from(service))?
                .into_inner();
            Ok::<_, Error>((service, response))
        }
    };
    let mut links = Vec::new();
    let first = export(intake.clone())(links.clone()).await?;
    learn(&mut links, &first.1, false);
    let complaints = export(complaints)(links.clone()).await?;
    learn(&mut links, &complaints.1, true);
    let intake = export(intake)(links.clone()).await?;
    let notifications = export(notifications)(links.clone()).await?;
    let reporting = export(reporting)(links).await?;
    Ok(Exports {
        parts: vec![intake, complaints, notifications, reporting],
    })
}

/// A JSON text from a service, as JSON (kept as text if it is not).
fn parsed(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()))
}

impl Exports {
    /// The one bundle: who, when, who asked, and each service's part.
    pub fn bundle(&self, email: &str) -> Value {
        let requested_by = self
            .parts
            .first()
            .map(|(_, r)| r.requested_by.clone())
            .unwrap_or_default();
        let mut services = serde_json::Map::new();
        for (service, r) in &self.parts {
            let records: Vec<Value> = r
                .records
                .iter()
                .map(|rec| {
                    json!({
                        "kind": rec.kind,
                        "record": rec.record,
                        "submission_id": rec.submission_id,
                        "legal_hold": rec.legal_hold,
                        "events": rec.events.iter().map(|e| json!({
                            "stream_id": e.stream_id,
                            "version": e.version,
                            "event_type": e.event_type,
                            "recorded_at": time(e.recorded_at.as_ref()),
                            "payload": parsed(&e.payload_json),
                        })).collect::<Vec<_>>(),
                        "rows": rec.rows.iter().map(|row| json!({
                            "table": row.table,
                            "row": parsed(&row.json),
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            services.insert(
                (*service).to_owned(),
                json!({
                    "exported_at": time(r.exported_at.as_ref()),
                    "found_by": r.found_by,
                    "holds": r.note,
                    "records": records,
                }),
            );
        }
        json!({
            "subject": {"email": email},
            "exported_at": crate::output::rfc3339(chrono::Utc::now()),
            "requested_by": requested_by,
            "services": services,
        })
    }

    /// One line per record found, per service; a line for a service that
    /// found nothing.
    pub fn summary(&self) -> Table {
        let mut table = Table::new(&["SERVICE", "KIND", "RECORD", "EVENTS", "ROWS", "LEGAL HOLD"]);
        for (service, r) in &self.parts {
            if r.records.is_empty() {
                table.row(vec![
                    (*service).into(),
                    "-".into(),
                    "nothing found".into(),
                    "0".into(),
                    "0".into(),
                    String::new(),
                ]);
            }
            for rec in &r.records {
                table.row(vec![
                    (*service).into(),
                    rec.kind.clone(),
                    rec.record.clone(),
                    rec.events.len().to_string(),
                    rec.rows.len().to_string(),
                    if rec.legal_hold { "held" } else { "" }.into(),
                ]);
            }
        }
        table
    }
}

pub async fn run(clients: &Clients, args: SubjectAccessArgs) -> Result<Output, Error> {
    let exports = gather(clients, &args.email).await?;
    let bundle = exports.bundle(&args.email);
    let mut text = exports.summary().render();
    if let Some(path) = &args.out {
        let bytes = serde_json::to_vec_pretty(&bundle).expect("a JSON value serialises");
        std::fs::write(path, bytes).map_err(|source| Error::Write {
            path: path.clone(),
            source,
        })?;
        text.push_str(&format!("bundle written to {}\n", path.display()));
    }
    Ok(Output::new(bundle, text))
}
