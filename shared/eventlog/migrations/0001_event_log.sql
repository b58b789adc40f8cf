-- The append-only event log of one service, created in the service's own
-- schema (the connection's search_path). One stream holds one aggregate
-- (one submission, one complaint...), so retention can act per stream.

CREATE TABLE streams (
    stream_id    text PRIMARY KEY,
    stream_type  text NOT NULL,
    version      bigint NOT NULL CHECK (version >= 0),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    -- Set when the stream's events were destroyed under the retention policy;
    -- a destroyed stream never takes another event.
    destroyed_at timestamptz
);

CREATE TABLE events (
    -- Allocation order, not commit order: see transaction_id.
    global_position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The writing transaction. Readers in commit order only read events whose
    -- transaction is older than every transaction still running, so an event
    -- that commits late (with a lower global_position) is never skipped.
    transaction_id  bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    event_id        uuid NOT NULL UNIQUE,
    stream_id       text NOT NULL,
    stream_type     text NOT NULL,
    stream_version  bigint NOT NULL CHECK (stream_version >= 1),
    event_type      text NOT NULL,
    payload         bytea NOT NULL,
    occurred_at     timestamptz NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    correlation_id  uuid NOT NULL,
    causation_id    uuid,
    actor           text NOT NULL,
    traceparent     text,
    tracestate      text,
    UNIQUE (stream_id, stream_version)
);

CREATE INDEX events_commit_order ON events (transaction_id, global_position);

-- The one recorded path by which events may leave the log: destruction of a
-- whole stream under the retention policy. A row here, written in the same
-- transaction, is what lets the DELETE through.
CREATE TABLE destructions (
    destruction_id   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_id        text NOT NULL,
    transaction_id   bigint NOT NULL DEFAULT (pg_current_xact_id()::text::bigint),
    events_destroyed bigint NOT NULL,
    reason           text NOT NULL CHECK (reason <> ''),
    authorised_by    text NOT NULL CHECK (authorised_by <> ''),
    destroyed_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX destructions_stream ON destructions (stream_id, transaction_id);

CREATE FUNCTION refuse_event_change() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM destructions d
        WHERE d.stream_id = OLD.stream_id
          AND d.transaction_id = pg_current_xact_id()::text::bigint
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'the event log is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'events leave the log only through destroy_stream(stream_id, reason, authorised_by)';
END
$$;

CREATE TRIGGER events_append_only
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();

CREATE TRIGGER events_no_truncate
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

CREATE FUNCTION refuse_destruction_change() RETURNS trigger
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    RAISE EXCEPTION 'the destruction record is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER destructions_append_only
    BEFORE UPDATE OR DELETE ON destructions
    FOR EACH ROW EXECUTE FUNCTION refuse_destruction_change();

CREATE TRIGGER destructions_no_truncate
    BEFORE TRUNCATE ON destructions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_destruction_change();

-- Destroys every event of one stream, recording who authorised it, why, and
-- how many events went. Returns that number.
CREATE FUNCTION destroy_stream(p_stream_id text, p_reason text, p_authorised_by text) RETURNS bigint
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    n bigint;
BEGIN
    SELECT count(*) INTO n FROM events WHERE stream_id = p_stream_id;
    INSERT INTO destructions (stream_id, events_destroyed, reason, authorised_by)
        VALUES (p_stream_id, n, p_reason, p_authorised_by);
    DELETE FROM events WHERE stream_id = p_stream_id;
    UPDATE streams SET destroyed_at = now(), updated_at = now() WHERE stream_id = p_stream_id;
    RETURN n;
END
$$;

-- Where each named reader (the relay, a projection) has got to in commit order.
CREATE TABLE checkpoints (
    name            text PRIMARY KEY,
    transaction_id  bigint NOT NULL,
    global_position bigint NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

-- Events from other services that a consumer has applied, written in the same
-- transaction as the consumer's own changes, so a redelivery changes nothing.
CREATE TABLE processed_events (
    consumer     text NOT NULL,
    event_id     uuid NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
