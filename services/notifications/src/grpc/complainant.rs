//! The requests of the public pages ([`crate::follow`]): the complainant's
//! letters for a follow link, and a fresh link sent on request.

use super::{NotificationsApi, internal, recipient_of, store_status, timestamp};
use crate::follow::{self, FRESH_LINK};
use crate::store::{self, NewNotification};
use complaints_proto::v1 as pb;
use links::Purpose;
use platform::auth::Principal;
use tonic::Status;
use uuid::Uuid;

impl NotificationsApi {
    /// Refuses, recorded in the access audit, unless `token` is a live
    /// follow link for `reference`, or for the submission whose party
    /// `party_key` is (`submission-<id>`): the link in a letter sent
    /// before the complaint was opened goes on working once it is. Only
    /// the kind of refusal is logged.
    async fn check_follow_link(
        &self,
        who: &Principal,
        method: &str,
        reference: &str,
        party_key: Option<&str>,
        token: &str,
    ) -> Result<(), Status> {
        let now = self.planner.clock.now().timestamp();
        let submission = party_key.and_then(|k| k.strip_prefix("submission-"));
        let verified = match &self.planner.links {
            None => Err("links_off"),
            Some(links) => match links.key.verify_for(token, Purpose::Follow, reference, now) {
                Err(links::LinkError::WrongRecord) if submission.is_some() => links
                    .key
                    .verify_for(token, Purpose::Follow, submission.unwrap_or_default(), now)
                    .map(drop)
                    .map_err(|e| e.kind()),
                other => other.map(drop).map_err(|e| e.kind()),
            },
        };
        match verified {
            Ok(()) => Ok(()),
            Err(kind) => {
                tracing::warn!(reason = kind, method, "a follow link was refused");
                Err(self.audit.refused(who, method, reference).await)
            }
        }
    }

    /// The letters sent to the complainant of `reference`, their text
    /// without the link, for a follow link to it.
    pub(super) async fn complainant_letters(
        &self,
        who: &Principal,
        request: pb::ListComplainantLettersRequest,
    ) -> Result<pb::ListComplainantLettersResponse, Status> {
        let method = crate::reach::method("ListComplainantLetters");
        let reference = request.reference.trim();
        let mut conn = self.pool.acquire().await.map_err(internal)?;
        let party = store::party_of(&mut conn, reference)
            .await
            .map_err(store_status)?;
        self.check_follow_link(
            who,
            &method,
            reference,
            party.as_deref(),
            &request.link_token,
        )
        .await?;
        let party =
            party.ok_or_else(|| Status::not_found(format!("{reference} is not known here")))?;
        crate::reach::read(&self.audit, who, &method, reference).await?;
        let rows = store::of_party(&mut conn, &party, platform::limits::MAX_LIST_ROWS)
            .await
            .map_err(store_status)?;
        let sent = pb::NotificationStatus::Sent as i32;
        let complainant = pb::RecipientKind::Complainant as i32;
        let letters = rows
            .iter()
            .filter(|r| r.recipient_kind == complainant && r.status == sent)
            .map(|r| pb::ComplainantLetter {
                subject: r.subject.clone(),
                body: follow::without_link(&r.body).to_owned(),
                sent_at: Some(timestamp(r.updated_at)),
                channel: r.channel,
            })
            .collect();
        Ok(pb::ListComplainantLettersResponse { letters })
    }

    /// Queues a fresh follow link to the complainant of `reference` when
    /// the email address or postcode given matches theirs. The answer is
    /// the same either way; whether it matched is logged without the
    /// details, and a match is recorded as the notification it queues.
    pub(super) async fn send_follow_link(
        &self,
        request: pb::SendFollowLinkRequest,
    ) -> Result<pb::SendFollowLinkResponse, Status> {
        let reference = platform::limits::required_text(
            "reference",
            fieldtext::fields::RECORD_ID,
            &request.reference,
            "R-CORR-1",
        )?;
        let given = platform::limits::required_text(
            "email_or_postcode",
            fieldtext::fields::LABEL,
            &request.email_or_postcode,
            "R-CORR-1",
        )?;
        let Some(links) = self.planner.links.clone() else {
            tracing::warn!("a fresh follow link was asked for, but LINK_SECRET is not set");
            return Ok(pb::SendFollowLinkResponse {});
        };
        if !follow::is_complaint_reference(&reference) {
            tracing::info!(matched = false, "a fresh follow link was asked for");
            return Ok(pb::SendFollowLinkResponse {});
        }
        let mut tx = self.pool.begin().await.map_err(internal)?;
        let party_key = store::party_of(&mut tx, &reference)
            .await
            .map_err(store_status)?;
        let party = match &party_key {
            Some(key) => Some(
                store::load_party(&mut tx, key)
                    .await
                    .map_err(store_status)?,
            ),
            None => None,
        };
        let matched = party
            .as_ref()
            .and_then(|p| follow::fresh_link_channel(p, &given));
        let (Some(party_key), Some((name, channel))) = (party_key, matched) else {
            tracing::info!(matched = false, "a fresh follow link was asked for");
            return Ok(pb::SendFollowLinkResponse {});
        };
        // Addressed as the complainant's latest letter was, by the
        // channel just matched.
        let rows = store::of_party(&mut tx, &party_key, platform::limits::MAX_LIST_ROWS)
            .await
            .map_err(store_status)?;
        let complainant = pb::RecipientKind::Complainant as i32;
        let Some(mut to) = rows
            .iter()
            .rev()
            .find(|r| r.recipient_kind == complainant)
            .map(recipient_of)
        else {
            tracing::info!(
                matched = false,
                "a fresh follow link was asked for before any letter"
            );
            return Ok(pb::SendFollowLinkResponse {});
        };
        to.name = name;
        to.channel = channel;
        let now = self.planner.clock.now();
        let rendered = follow::fresh_link_letter(
            &links,
            &reference,
            &to,
            self.planner.templates.as_ref(),
            now,
        )
        .map_err(|error| {
            tracing::error!(%error, "the fresh link letter could not be rendered");
            Status::internal("the letter could not be written")
        })?
        .ok_or_else(|| Status::internal("the link could not be made"))?;
        let cause = Uuid::new_v4();
        let id = store::notification_id(cause, FRESH_LINK, &to.kind);
        store::queue(
            &mut tx,
            &NewNotification {
                id,
                party_key: &party_key,
                reference: &reference,
                template: FRESH_LINK,
                to: &to,
                rendered: &rendered,
                cause_event_id: None,
                cause_event_type: "complaints.v1.SendFollowLinkRequest",
                cause_payload: &[],
                resend_of: None,
            },
            now,
        )
        .await
        .map_err(store_status)?;
        tx.commit().await.map_err(internal)?;
        tracing::info!(matched = true, notification_id = %id, "a fresh follow link was asked for");
        Ok(pb::SendFollowLinkResponse {})
    }
}
