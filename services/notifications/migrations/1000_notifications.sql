-- The notifications service's own state beside its event log. This schema
-- holds personal data (contact details, rendered letters): it never leaves
-- the service, and each row is tied to a party so retention can act on it.

-- The events that built each party's contact, consent and restriction
-- state (a party is keyed by its submission stream). The state is folded
-- from them with core::Party::apply, so no second encoding of it exists.
CREATE TABLE party_events (
    party_key   text NOT NULL,
    seq         bigserial PRIMARY KEY,
    event_id    uuid NOT NULL UNIQUE,
    event_type  text NOT NULL,
    payload     bytea NOT NULL
);
CREATE INDEX party_events_by_party ON party_events (party_key, seq);

-- References (submission and complaint) that name a party.
CREATE TABLE party_references (
    reference   text PRIMARY KEY,
    party_key   text NOT NULL
);

-- One row per notification: its delivery details (address, rendered text)
-- and its current status, kept in step with its stream in the event log.
CREATE TABLE notifications (
    notification_id     uuid PRIMARY KEY,
    party_key           text NOT NULL,
    reference           text NOT NULL,
    template            text NOT NULL,
    recipient_kind      integer NOT NULL,
    recipient_staff_id  text NOT NULL DEFAULT '',
    channel             integer NOT NULL,
    recipient_name      text NOT NULL,
    email               text,
    postal_lines        text[] NOT NULL DEFAULT '{}',
    postcode            text NOT NULL DEFAULT '',
    subject             text NOT NULL,
    body                text NOT NULL,
    cause_event_id      uuid,
    cause_event_type    text NOT NULL DEFAULT '',
    cause_payload       bytea NOT NULL DEFAULT '',
    resend_of           uuid,
    resent_as           uuid,
    status              integer NOT NULL,
    attempts            integer NOT NULL DEFAULT 0,
    detail              text NOT NULL DEFAULT '',
    next_attempt_at     timestamptz NOT NULL,
    queued_at           timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    -- The version of the notification's stream this row reflects.
    version             bigint NOT NULL
);
CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE status IN (1, 2);
CREATE INDEX notifications_by_party ON notifications (party_key, queued_at);
