-- What the log applied to each record, in order, with the trace of the
-- event that carried it, so operators can follow one complaint's trace into
-- the log (GetLogTimeline). Keyed by the record's pseudonym like the record
-- itself; it holds event types, fact names, times and trace ids: no
-- reference, no event id, no personal data. A trace id can still be joined
-- to the tracing backend, whose spans name the reference, so retention must
-- delete a record's entries together with its link (complaint_pseudonyms).
CREATE TABLE log_entries (
    seq          bigserial PRIMARY KEY,
    pseudonym    text NOT NULL,
    source       text NOT NULL,
    event_type   text NOT NULL,
    facts        text[] NOT NULL,
    occurred_at  timestamptz,
    applied_at   timestamptz NOT NULL,
    trace_id     text NOT NULL DEFAULT ''
);

CREATE INDEX log_entries_by_record ON log_entries (pseudonym, seq);
