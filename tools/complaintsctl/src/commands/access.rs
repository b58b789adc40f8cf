//! `access`: the access audit (R-CONF-1) of all four services merged in
//! time order: who read a record, through which call, and every refusal.

use crate::clients::Clients;
use crate::error::Error;
use crate::output::{self, Output, Table};
use complaints_proto::v1 as pb;
use complaints_proto::v1::access_audit_client::AccessAuditClient;
use serde_json::{Value, json};

pub async fn run(
    clients: &Clients,
    record: Option<String>,
    refused_only: bool,
) -> Result<Output, Error> {
    let mut entries = Vec::new();
    let mut cut_by = Vec::new();
    for (service, channel) in clients.every_service()? {
        let answer = AccessAuditClient::new(channel)
            .list_access(pb::ListAccessRequest {
                record: record.clone().unwrap_or_default(),
                refused_only,
            })
            .await
            .map_err(Error::from(service))?
            .into_inner();
        if answer.truncated {
            cut_by.push(service);
        }
        entries.extend(answer.entries.into_iter().map(|mut e| {
            if e.service.is_empty() {
                service.clone_into(&mut e.service);
            }
            e
        }));
    }
    entries.sort_by_key(|e| output::utc(e.at.as_ref()));
    let mut table = Table::new(&[
        "AT", "SERVICE", "OUTCOME", "SUBJECT", "ROLES", "RECORD", "TRACE ID", "METHOD",
    ]);
    for e in &entries {
        table.row(vec![
            output::time(e.at.as_ref()),
            e.service.clone(),
            e.outcome.clone(),
            e.subject.clone(),
            e.roles.clone(),
            e.record.clone(),
            e.trace_id.clone(),
            e.method.clone(),
        ]);
    }
    let json = Value::Array(
        entries
            .iter()
            .map(|e| {
                json!({
                    "at": output::time_json(e.at.as_ref()),
                    "service": e.service,
                    "subject": e.subject,
                    "roles": e.roles,
                    "method": e.method,
                    "outcome": e.outcome,
                    "record": e.record,
                    "trace_id": e.trace_id,
                })
            })
            .collect(),
    );
    Ok(Output::new(
        json,
        table.render() + &output::cut_note(&cut_by),
    ))
}
