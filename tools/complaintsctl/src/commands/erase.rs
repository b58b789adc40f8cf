//! `complaintsctl erase`: the right to erasure (R-CONF-2). The person's
//! records are found through every service's subject access export, which
//! also says per record whether a legal hold is in place in that service.
//! If any record is held in any service, nothing is destroyed and the
//! holds are named; otherwise each service destroys each of its records
//! through `Retention/Destroy`, the one destruction path, and the
//! tombstones are printed. A hold placed between the check and a `Destroy`
//! still stops that `Destroy` (the services check again under a lock);
//! running `erase` again once it is lifted finishes the rest.
//!
//! Complaints raised from a closed one (R-UPC-2) share its submission, and
//! intake and notifications keep what they share until the last of them
//! is destroyed there, so a record of a shared submission is destroyed
//! under each complaint opened from it.

use super::subject_access::gather;
use crate::clients::Clients;
use crate::error::Error;
use crate::output::{Output, Table, time};
use clap::Args;
use complaints_proto::v1::{DestroyRequest, retention_client::RetentionClient};
use serde_json::json;
use std::collections::BTreeMap;

#[derive(Debug, Args)]
pub struct EraseArgs {
    /// The person's email address.
    #[arg(long)]
    pub email: String,
    /// Why (an erasure request and its date...); kept in each tombstone.
    #[arg(long)]
    pub reason: String,
}

pub async fn run(clients: &Clients, args: EraseArgs) -> Result<Output, Error> {
    if args.reason.trim().is_empty() {
        return Err(Error::Invalid("--reason: required (R-CONF-2)".into()));
    }
    let exports = gather(clients, &args.email).await?;
    let held: Vec<String> = exports
        .parts
        .iter()
        .flat_map(|(service, r)| {
            r.records
                .iter()
                .filter(|rec| rec.legal_hold)
                .map(move |rec| format!("{} in {service}", rec.record))
        })
        .collect();
    if !held.is_empty() {
        return Err(Error::Refused(format!(
            "R-CONF-2: erasure refused, nothing destroyed: under a legal hold: {}",
            held.join(", ")
        )));
    }
    // Every complaint of each submission, as the complaints service found them.
    let mut complaints_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for rec in exports
        .parts
        .iter()
        .filter(|(service, _)| *service == "complaints")
        .flat_map(|(_, r)| &r.records)
        .filter(|rec| !rec.submission_id.is_empty())
    {
        complaints_of
            .entry(rec.submission_id.clone())
            .or_default()
            .push(rec.record.clone());
    }
    let channels = clients.every_service()?;
    let mut table = Table::new(&["SERVICE", "STREAM", "EVENTS", "DESTROYED AT"]);
    let mut destroyed = Vec::new();
    // Intake last: the others are found through its submissions, so an
    // erasure stopped half way (a hold placed meanwhile) can be run again.
    for ((service, r), (_, channel)) in exports.parts.iter().zip(channels).rev() {
        let mut client = RetentionClient::new(channel);
        let mut done: Vec<(String, String)> = Vec::new();
        let named = r.records.iter().flat_map(|rec| {
            let sharing = complaints_of
                .get(&rec.submission_id)
                .into_iter()
                .flatten()
                .filter(move |c| **c != rec.record);
            std::iter::once(&rec.record)
                .chain(sharing)
                .map(move |record| (record.clone(), rec.submission_id.clone()))
        });
        for (record, submission_id) in named {
            if done.contains(&(record.clone(), submission_id.clone())) {
                continue;
            }
            done.push((record.clone(), submission_id.clone()));
            let answer = client
                .destroy(DestroyRequest {
                    complaint_reference: record.clone(),
                    submission_id: submission_id.clone(),
                    reason: args.reason.clone(),
                })
                .await
                .map_err(Error::from(service))?
                .into_inner();
            for t in &answer.tombstones {
                table.row(vec![
                    (*service).into(),
                    t.stream_id.clone(),
                    t.events_destroyed.to_string(),
                    time(t.destroyed_at.as_ref()),
                ]);
            }
            destroyed.push(json!({
                "service": service,
                "record": record,
                "rows_removed": answer.rows_removed,
                "kept_shared_for": answer.kept_shared_for,
                "bus_messages_erased": answer.bus_messages_erased,
                "tombstones": answer.tombstones.iter().map(|t| json!({
                    "stream_id": t.stream_id,
                    "reason": t.reason,
                    "authorised_by": t.authorised_by,
                    "destroyed_at": time(t.destroyed_at.as_ref()),
                    "events_destroyed": t.events_destroyed,
                })).collect::<Vec<_>>(),
            }));
        }
    }
    let text = if destroyed.is_empty() {
        "nothing found to erase\n".to_owned()
    } else {
        table.render()
    };
    Ok(Output::new(json!({ "destroyed": destroyed }), text))
}
