//! How notifications finds a person's records for subject access
//! (R-CONF-1). Its letters read model holds the address each letter went
//! to, so a person is found there first: the parties (one per submission)
//! of the letters sent to them as complainant or third party. The
//! submissions and complaints other services found for the person add the
//! parties that had no email letter (post, or consent withheld). For each
//! party the export holds the events it applied (contact details, consent,
//! restrictions, decoded), every letter with its rendered body, and each
//! letter's stream: its delivery history.

use crate::store::stream_of;
use complaints_proto::v1::RecipientKind;
use platform::subject::{
    EmailAddress, Found, Link, Row, SubjectError, SubjectScope, json::payload_json_or_hex,
    json_rows,
};
use sqlx::PgConnection;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The parties of the person: contact, consent, letters and deliveries.
#[derive(Debug, Clone, Copy)]
pub struct PartySubjects;

/// The parties the links name: by the intake stream a party is keyed by,
/// and by the references that name one.
async fn linked_parties(
    conn: &mut PgConnection,
    links: &[Link],
) -> Result<Vec<String>, SubjectError> {
    let mut candidates = Vec::new();
    let mut references = Vec::new();
    for link in links {
        if let Some(id) = link.submission_id {
            candidates.push(format!("submission-{id}"));
            candidates.push(format!("compliment-{id}"));
        }
        references.extend(link.complaint_reference.clone());
    }
    Ok(sqlx::query_scalar(
        "SELECT party_key FROM party_events WHERE party_key = ANY($1) \
         UNION SELECT party_key FROM notifications WHERE party_key = ANY($1) \
         UNION SELECT party_key FROM party_references WHERE reference = ANY($2)",
    )
    .bind(&candidates)
    .bind(&references)
    .fetch_all(&mut *conn)
    .await?)
}

/// The record a party is destroyed by: the complaint reference another
/// service linked to its submission, else the first reference naming it.
async fn record_of(
    conn: &mut PgConnection,
    party: &str,
    links: &[Link],
) -> Result<(String, Option<Uuid>), SubjectError> {
    let submission_id = party
        .split_once('-')
        .and_then(|(_, id)| Uuid::parse_str(id).ok());
    let linked = links
        .iter()
        .find(|l| l.submission_id.is_some() && l.submission_id == submission_id)
        .and_then(|l| l.complaint_reference.clone());
    if let Some(reference) = linked {
        return Ok((reference, submission_id));
    }
    let named: Option<String> = sqlx::query_scalar(
        "SELECT reference FROM party_references WHERE party_key = $1 \
         ORDER BY reference LIMIT 1",
    )
    .bind(party)
    .fetch_optional(&mut *conn)
    .await?;
    Ok((named.unwrap_or_else(|| party.to_owned()), submission_id))
}

/// The events the party applied, each payload decoded.
async fn party_events(conn: &mut PgConnection, party: &str) -> Result<Vec<Row>, SubjectError> {
    let events: Vec<(i64, Uuid, String, Vec<u8>)> = sqlx::query_as(
        "SELECT seq, event_id, event_type, payload FROM party_events \
         WHERE party_key = $1 ORDER BY seq",
    )
    .bind(party)
    .fetch_all(&mut *conn)
    .await?;
    Ok(events
        .into_iter()
        .map(|(seq, event_id, event_type, payload)| Row {
            table: "party_events".into(),
            json: serde_json::json!({
                "party_key": party,
                "seq": seq,
                "event_id": event_id.to_string(),
                "payload": payload_json_or_hex(&event_type, &payload),
                "event_type": event_type,
            }),
        })
        .collect())
}

#[tonic::async_trait]
impl SubjectScope for PartySubjects {
    fn found_by(&self) -> &'static str {
        "the letters read model's recipient email (complainant or third party), and the \
         parties of the submissions and complaints other services found"
    }

    fn note(&self) -> &'static str {
        "per party: the contact details, consent and restrictions it applied, every \
         letter with its rendered body, and each letter's delivery history"
    }

    async fn find(
        &self,
        conn: &mut PgConnection,
        email: &EmailAddress,
        links: &[Link],
    ) -> Result<Vec<Found>, SubjectError> {
        let mut parties: BTreeSet<String> = sqlx::query_scalar::<_, String>(
            "SELECT DISTINCT party_key FROM notifications \
             WHERE lower(email) = lower($1) AND recipient_kind = ANY($2)",
        )
        .bind(email.as_str())
        .bind([
            RecipientKind::Complainant as i32,
            RecipientKind::ThirdParty as i32,
        ])
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
        parties.extend(linked_parties(conn, links).await?);
        let mut found = Vec::with_capacity(parties.len());
        for party in parties {
            let (record, submission_id) = record_of(conn, &party, links).await?;
            let letters: Vec<Uuid> = sqlx::query_scalar(
                "SELECT notification_id FROM notifications WHERE party_key = $1 \
                 ORDER BY queued_at, notification_id",
            )
            .bind(&party)
            .fetch_all(&mut *conn)
            .await?;
            let mut rows = party_events(conn, &party).await?;
            rows.extend(
                json_rows(
                    conn,
                    "party_references",
                    "SELECT to_jsonb(r)::text FROM party_references r WHERE party_key = $1 \
                     ORDER BY reference",
                    &party,
                )
                .await?,
            );
            rows.extend(
                json_rows(
                    conn,
                    "notifications",
                    "SELECT to_jsonb(n)::text FROM notifications n WHERE party_key = $1 \
                     ORDER BY queued_at, notification_id",
                    &party,
                )
                .await?,
            );
            found.push(Found {
                kind: "correspondence",
                record,
                submission_id,
                streams: letters.into_iter().map(stream_of).collect(),
                rows,
            });
        }
        Ok(found)
    }
}
