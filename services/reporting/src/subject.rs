//! What reporting answers to a subject access request (R-CONF-1). It holds
//! no personal data: each complaint is an anonymised record under a random
//! pseudonym, reached only through a keyed hash of its complaint reference
//! (R-MON-3). It cannot find anything from an email, so it is given the
//! references the complaints service found for the person and shows, per
//! reference, the keyed link and the anonymised record it leads to: what
//! an erasure removes (the link) and what stays (the record, which names
//! nobody).

use crate::consume::reference_link;
use crate::pseudonym::PseudonymKey;
use platform::subject::{EmailAddress, Found, Link, SubjectError, SubjectScope, json_rows};
use sqlx::PgConnection;

/// The keyed links of the person's complaints and their anonymised records.
#[derive(Debug, Clone)]
pub struct LinkedRecords {
    pub key: PseudonymKey,
}

#[tonic::async_trait]
impl SubjectScope for LinkedRecords {
    fn found_by(&self) -> &'static str {
        "the keyed hash of each complaint reference the complaints service found; \
         reporting holds no email and no reference"
    }

    fn note(&self) -> &'static str {
        "anonymised records only (category, channel, dates, stage, outcome), keyed by a \
         pseudonym; no name, contact details or description. An erasure removes the \
         keyed link; the anonymised record stays in the committee's figures"
    }

    async fn find(
        &self,
        conn: &mut PgConnection,
        _email: &EmailAddress,
        links: &[Link],
    ) -> Result<Vec<Found>, SubjectError> {
        let mut found = Vec::new();
        for reference in links.iter().filter_map(|l| l.complaint_reference.as_ref()) {
            let link = reference_link(&self.key, reference);
            let mut rows = json_rows(
                conn,
                "complaint_pseudonyms",
                "SELECT to_jsonb(p)::text FROM complaint_pseudonyms p WHERE reference_key = $1",
                &link,
            )
            .await?;
            if rows.is_empty() {
                continue;
            }
            rows.extend(
                json_rows(
                    conn,
                    "anonymised_records",
                    "SELECT to_jsonb(r)::text FROM anonymised_records r WHERE pseudonym = \
                     (SELECT pseudonym FROM complaint_pseudonyms WHERE reference_key = $1)",
                    &link,
                )
                .await?,
            );
            found.push(Found {
                kind: "anonymised record",
                record: reference.clone(),
                submission_id: links
                    .iter()
                    .find(|l| l.complaint_reference.as_ref() == Some(reference))
                    .and_then(|l| l.submission_id),
                streams: Vec::new(),
                rows,
            });
        }
        Ok(found)
    }
}
