-- Legal holds (R-CONF-2): while the latest entry for a record is 'placed',
-- the record must not be destroyed. Append-only: placing and lifting are
-- both kept, with who and why, so the history of a hold is evidence.
CREATE TABLE legal_holds (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- The complaint reference the hold is on.
    record  text NOT NULL CHECK (record <> ''),
    action  text NOT NULL CHECK (action IN ('placed', 'lifted')),
    reason  text NOT NULL CHECK (reason <> ''),
    -- The authenticated subject (a staff id), never a complainant's name.
    by_whom text NOT NULL CHECK (by_whom <> ''),
    at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX legal_holds_by_record ON legal_holds (record, id);

CREATE FUNCTION refuse_hold_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the legal hold record is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = '42501';
END;
$$;

CREATE TRIGGER legal_holds_append_only
    BEFORE UPDATE OR DELETE ON legal_holds
    FOR EACH ROW EXECUTE FUNCTION refuse_hold_change();

CREATE TRIGGER legal_holds_no_truncate
    BEFORE TRUNCATE ON legal_holds
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_hold_change();

-- Ids of destroyed events whose bus messages are still to be erased:
-- written in the destroying transaction, removed once JetStream erased
-- them, so an erasure interrupted after the commit is finished by the next
-- destruction. Event ids are random and carry no personal data.
CREATE TABLE pending_bus_erasures (
    event_id uuid PRIMARY KEY
);
