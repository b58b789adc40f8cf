-- Intake's own tables beside its event log (same schema).

-- Human references of submissions and compliments: never reused, even when
-- the transaction that drew a number rolls back.
CREATE SEQUENCE submission_numbers;
CREATE SEQUENCE compliment_numbers;

-- The triage read model: one row per submission, rebuilt from the log,
-- holding no personal data (it is what staff list in the triage queue).
CREATE TABLE submissions (
    submission_id     uuid PRIMARY KEY,
    reference         text NOT NULL UNIQUE,
    channel           integer NOT NULL,
    query_category    text NOT NULL,
    received_at       timestamptz NOT NULL,
    status            integer NOT NULL,
    third_party       boolean NOT NULL,
    consent_withdrawn boolean NOT NULL,
    version           bigint NOT NULL,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX submissions_queue ON submissions (status, received_at, submission_id);
