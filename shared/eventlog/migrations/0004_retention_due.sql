-- Records due for destruction under a retention policy (R-CONF-2), as this
-- service learnt of them: from its own records (the owner of a record's
-- lifecycle finds them) or from the owner's RetentionPeriodEnded fact. A
-- work queue, not evidence: a row goes in the transaction that destroys
-- the record, and the tombstone in `destructions` is what remains. Ids,
-- the policy and dates only, never personal data.
CREATE TABLE retention_due (
    -- The name holds are placed under: a complaint, submission or
    -- compliment reference.
    record          text PRIMARY KEY CHECK (record <> ''),
    submission_id   uuid,
    compliment_id   uuid,
    -- The policy's label, e.g. 'closed-complaints-6y'.
    policy          text NOT NULL CHECK (policy <> ''),
    due_on          date NOT NULL,
    noted_at        timestamptz NOT NULL DEFAULT now(),
    -- The last run that found it under a legal hold and left it.
    last_skipped_at timestamptz
);
