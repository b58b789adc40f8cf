-- The complaints service's own tables beside its event log (same schema).

-- Complaint reference numbers, one sequence for all years: a number is
-- never reused, even when the transaction that drew it rolls back.
CREATE SEQUENCE complaint_numbers;

-- The current-state read model, one row per complaint, rebuilt from the
-- log on demand. It holds no personal data: it is what the work queue and
-- the people who monitor complaints see (R-MON-1).
CREATE TABLE complaints (
    reference        text PRIMARY KEY,
    -- A complaint raised from a closed one (R-UPC-2) shares its submission.
    submission_id    uuid NOT NULL,
    stage            integer NOT NULL,
    closed           boolean NOT NULL,
    handler          text,
    team             text,
    query_category   text NOT NULL,
    received_at      timestamptz NOT NULL,
    -- The earliest live deadline, for the queue's order and filters.
    next_deadline    integer,
    next_stage       integer,
    next_due_on      date,
    overdue          boolean NOT NULL,
    version          bigint NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX complaints_submission ON complaints (submission_id);
CREATE INDEX complaints_queue ON complaints (closed, next_due_on, reference);

-- Every live deadline, for the deadline watcher.
CREATE TABLE live_deadlines (
    reference   text NOT NULL REFERENCES complaints (reference),
    -- complaints.v1.DeadlineKind, and the stage for an escalation window.
    kind        integer NOT NULL,
    stage       integer NOT NULL,
    due_on      date NOT NULL,
    approaching boolean NOT NULL,
    missed      boolean NOT NULL,
    PRIMARY KEY (reference, kind, stage)
);

CREATE INDEX live_deadlines_due ON live_deadlines (due_on);
