-- Who read or tried to reach what (R-CONF-1). Append-only like the events:
-- an audit that could be edited would prove nothing.
CREATE TABLE access_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    -- The authenticated subject (a staff id or an account name), never a
    -- complainant's name or address.
    subject     text NOT NULL,
    roles       text NOT NULL,
    -- The gRPC method, e.g. /complaints.v1.Complaints/GetComplaint.
    method      text NOT NULL,
    -- 'read' (personal data was returned) or 'denied' (refused for the
    -- caller's role or for this record).
    outcome     text NOT NULL CHECK (outcome IN ('read', 'denied')),
    -- The complaint or submission reached, when the call named one.
    record      text,
    trace_id    text
);

CREATE INDEX access_audit_by_record ON access_audit (record, id) WHERE record IS NOT NULL;

CREATE FUNCTION refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the access audit is append-only: % on %.% is refused', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
        USING ERRCODE = '42501';
END;
$$;

CREATE TRIGGER access_audit_append_only
    BEFORE UPDATE OR DELETE ON access_audit
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();

CREATE TRIGGER access_audit_no_truncate
    BEFORE TRUNCATE ON access_audit
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
