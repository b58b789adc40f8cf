//! Signed links in the complainant's letters (`shared/links`), and the two
//! requests the public pages make of notifications with them.
//!
//! - Every letter to the complainant about a complaint ends with a link to
//!   follow it (`{PUBLIC_BASE_URL}/follow/{token}`, valid
//!   `FOLLOW_LINK_DAYS`); the consent request to the individual a third
//!   party acts for ends with a link to answer it (`/consent/{token}`,
//!   valid `CONSENT_LINK_DAYS`, R-INT-4). The link goes below the letter,
//!   after a `-- ` line, so operators' templates need no change and the
//!   public page can show a letter's text without its link.
//! - A letter quoting a submission (`SUB-...`, sent before a complaint is
//!   opened: the automatic reply while staff decide on a matter over 6
//!   months old or consent is awaited) carries a follow link for the
//!   submission id; intake answers for it (`GetSubmitterView`: received
//!   on, where triage stands, and the complaint's reference once opened),
//!   and every letter about the complaint then carries the complaint's.
//! - Who gets no link, and why. A third party acting for the complainant
//!   receives copies but never a link: the page shows the complainant's
//!   own letters, and a link cannot be taken back before it expires, while
//!   the individual may withdraw consent at any time (R-INT-4).
//! - [`letters_for_complainant`]: what the complainant's page lists, for a
//!   follow link checked here as well as on the public listener.
//! - [`fresh_link`]: a new follow link when the reference and the email
//!   address or postcode match; only ever sent, never returned.
//!
//! Notifications signs; complaints, intake and the console verify. All
//! hold the same `LINK_SECRET`. Tokens carry ids only, never personal data.

use crate::core::letters::{FollowLink, Letter};
use crate::core::{
    Channel, Party, Recipient, RecipientKind, RenderError, Rendered, TemplateSource,
};
use chrono::{DateTime, Duration, Utc};
use links::{LinkKey, Purpose};

/// The line that starts the link's paragraph (an email signature's
/// delimiter): what follows it is left out when a letter is shown.
pub const FOOTER_MARK: &str = "\n-- \n";

/// The template name a fresh follow link is queued under.
pub const FRESH_LINK: &str = "follow_link";

/// How links are made: the secret, where the public pages are, and how
/// long each kind of link works.
#[derive(Debug, Clone)]
pub struct LinkSettings {
    pub key: LinkKey,
    /// `PUBLIC_BASE_URL`, without a trailing slash.
    pub base_url: String,
    pub follow_for: Duration,
    pub consent_for: Duration,
}

impl LinkSettings {
    fn link(&self, purpose: Purpose, record: &str, now: DateTime<Utc>) -> Option<(String, String)> {
        let (path, valid_for) = match purpose {
            Purpose::Follow => ("follow", self.follow_for),
            Purpose::Consent => ("consent", self.consent_for),
        };
        let expires = now + valid_for;
        let token = self.key.sign(purpose, record, expires.timestamp()).ok()?;
        let until = expires.date_naive().format("%-d %B %Y").to_string();
        Some((format!("{}/{path}/{token}", self.base_url), until))
    }

    /// The follow link paragraph for complaint `reference`.
    pub fn follow_footer(&self, reference: &str, now: DateTime<Utc>) -> Option<String> {
        self.follow_footer_for(reference, reference, now)
    }

    /// The follow link paragraph quoting `reference`, for `record`: the
    /// complaint reference, or the submission id for a letter sent before
    /// a complaint was opened (intake answers for it until one is).
    fn follow_footer_for(
        &self,
        reference: &str,
        record: &str,
        now: DateTime<Utc>,
    ) -> Option<String> {
        let (url, until) = self.link(Purpose::Follow, record, now)?;
        Some(format!(
            "{FOOTER_MARK}You can see where your complaint {reference} stands, read our letters and, when the procedure allows, ask for the next stage at:\n{url}\nThis link works until {until}. Keep it to yourself: anyone with it can see your complaint. You can ask for a new link on our website with your reference and your email address or postcode.\n"
        ))
    }

    /// The consent link paragraph for submission `submission_id` (R-INT-4).
    pub fn consent_footer(&self, submission_id: &str, now: DateTime<Utc>) -> Option<String> {
        let (url, until) = self.link(Purpose::Consent, submission_id, now)?;
        Some(format!(
            "{FOOTER_MARK}You can give or withdraw your consent online at:\n{url}\nThis link works until {until}.\n"
        ))
    }

    /// Adds the link a letter to `to` calls for: the consent link to the
    /// consent request, the follow link to any other letter to the
    /// complainant quoting a complaint reference. Nothing for anyone else.
    pub fn decorate(
        &self,
        template: &str,
        reference: &str,
        party_key: &str,
        to: &RecipientKind,
        now: DateTime<Utc>,
        rendered: &mut Rendered,
    ) {
        if *to != RecipientKind::Complainant {
            return;
        }
        let footer = if template == "consent_request" {
            party_key
                .strip_prefix("submission-")
                .and_then(|id| self.consent_footer(id, now))
        } else if is_complaint_reference(reference) {
            self.follow_footer(reference, now)
        } else {
            // A letter under the submission's reference, before a complaint
            // is opened (the automatic reply while staff decide on an old
            // matter or consent is awaited): a link for the submission.
            party_key
                .strip_prefix("submission-")
                .and_then(|id| self.follow_footer_for(reference, id, now))
        };
        if let Some(footer) = footer {
            rendered.body = format!("{}\n{footer}", rendered.body.trim_end());
        }
    }
}

/// `CMP-...`: a complaint, which a follow link can show.
pub fn is_complaint_reference(reference: &str) -> bool {
    reference.starts_with("CMP-")
}

/// A letter's text as the complainant's page shows it: without the link.
pub fn without_link(body: &str) -> &str {
    body.split_once(FOOTER_MARK)
        .map_or(body, |(text, _)| text)
        .trim_end()
}

fn same_email(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn postcode_key(p: &str) -> String {
    p.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Where a fresh follow link goes, when `given` (an email address or a
/// postcode) matches the complainant's: to that email address, or by the
/// complainant's own channel for a matching postcode; with the name to
/// address them by. `None` otherwise.
pub fn fresh_link_channel(party: &Party, given: &str) -> Option<(String, Channel)> {
    let contact = party.complainant.as_ref()?;
    let given = given.trim();
    if given.is_empty() {
        return None;
    }
    let email = contact.email.as_deref().filter(|e| same_email(e, given));
    let postal = contact
        .postal
        .as_ref()
        .filter(|p| !p.postcode.is_empty() && postcode_key(&p.postcode) == postcode_key(given));
    let channel = match (email, postal) {
        (Some(email), _) => Channel::Email(email.to_owned()),
        (None, Some(postal)) => match (&contact.email, party.by_post) {
            (Some(email), false) => Channel::Email(email.clone()),
            _ => Channel::Post {
                lines: postal.lines.clone(),
                postcode: postal.postcode.clone(),
            },
        },
        (None, None) => return None,
    };
    Some((contact.name.clone(), channel))
}

/// The letter carrying a fresh follow link: the operator's
/// `follow_link.txt.j2` for `to`, with the link's paragraph below it.
pub fn fresh_link_letter(
    settings: &LinkSettings,
    reference: &str,
    to: &Recipient,
    templates: &dyn TemplateSource,
    now: DateTime<Utc>,
) -> Result<Option<Rendered>, RenderError> {
    let letter = Letter::FollowLink(FollowLink {
        reference: reference.to_owned(),
    });
    let mut rendered = crate::core::render(&letter, to, templates)?;
    let Some(footer) = settings.follow_footer(reference, now) else {
        return Ok(None);
    };
    rendered.body = format!("{}\n{footer}", rendered.body.trim_end());
    Ok(Some(rendered))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Contact, party::PostalAddress};

    fn settings() -> LinkSettings {
        LinkSettings {
            key: LinkKey::new(b"a-link-secret-of-at-least-32-bytes!!").unwrap(),
            base_url: "http://127.0.0.1:8081".into(),
            follow_for: Duration::days(90),
            consent_for: Duration::days(30),
        }
    }

    fn party() -> Party {
        Party {
            complainant: Some(Contact {
                name: "Ada Lovelace".into(),
                email: Some("Ada@Example.org".into()),
                postal: Some(PostalAddress {
                    lines: vec!["1 High Street".into()],
                    postcode: "AB1 2CD".into(),
                }),
            }),
            ..Party::default()
        }
    }

    #[test]
    fn a_letter_to_the_complainant_carries_a_follow_link_and_shows_without_it() {
        let now = Utc::now();
        let (name, channel) = fresh_link_channel(&party(), "ada@example.org ").unwrap();
        assert_eq!(name, "Ada Lovelace");
        assert!(channel == Channel::Email("Ada@Example.org".into()));
        let mut rendered = Rendered {
            subject: "s".into(),
            body: "Dear Ada,\n\nText.\n".into(),
        };
        settings().decorate(
            "stage_outcome",
            "CMP-2026-000001",
            "submission-x",
            &RecipientKind::Complainant,
            now,
            &mut rendered,
        );
        assert!(
            rendered
                .body
                .contains("http://127.0.0.1:8081/follow/v1.f.CMP-2026-000001.")
        );
        assert_eq!(without_link(&rendered.body), "Dear Ada,\n\nText.");
        let token = rendered
            .body
            .split("/follow/")
            .nth(1)
            .unwrap()
            .lines()
            .next()
            .unwrap();
        assert!(
            settings()
                .key
                .verify_for(token, Purpose::Follow, "CMP-2026-000001", now.timestamp())
                .is_ok()
        );
    }

    #[test]
    fn a_letter_under_a_submission_reference_links_to_the_submission_and_a_third_partys_copy_to_nothing()
     {
        let now = Utc::now();
        let id = "5f0c2a4e-8f1d-4a53-9a47-0b7c1f1e2d3c";
        let letter = || Rendered {
            subject: "s".into(),
            body: "Dear Ada,\n\nText.\n".into(),
        };
        let mut to_complainant = letter();
        settings().decorate(
            "automatic_reply",
            "SUB-2026-000042",
            &format!("submission-{id}"),
            &RecipientKind::Complainant,
            now,
            &mut to_complainant,
        );
        assert!(
            to_complainant
                .body
                .contains("You can see where your complaint SUB-2026-000042 stands"),
            "{}",
            to_complainant.body
        );
        let token = to_complainant
            .body
            .split("/follow/")
            .nth(1)
            .and_then(|rest| rest.lines().next())
            .unwrap_or_default();
        assert!(
            settings()
                .key
                .verify_for(token, Purpose::Follow, id, now.timestamp())
                .is_ok(),
            "the link names the submission"
        );
        let mut to_third_party = letter();
        settings().decorate(
            "automatic_reply",
            "SUB-2026-000042",
            &format!("submission-{id}"),
            &RecipientKind::ThirdParty,
            now,
            &mut to_third_party,
        );
        assert!(
            to_third_party == letter(),
            "a third party's copy has no link"
        );
    }

    #[test]
    fn a_fresh_link_goes_only_where_the_details_match() {
        assert!(fresh_link_channel(&party(), "someone@example.org").is_none());
        assert!(fresh_link_channel(&party(), "").is_none());
        assert!(fresh_link_channel(&Party::default(), "ab12cd").is_none());
        let (_, by_postcode) = fresh_link_channel(&party(), "ab12cd").unwrap();
        assert!(by_postcode == Channel::Email("Ada@Example.org".into()));
        let mut by_post = party();
        by_post.by_post = true;
        assert!(fresh_link_channel(&by_post, "AB1 2CD").unwrap().1.is_post());
    }
}
