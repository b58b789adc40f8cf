-- The reporting service's read model beside its (unused) event log.
-- Nothing here names a person: see services/reporting/src/store.rs.

-- The anonymised complaints log (R-MON-3): one row per complaint, keyed by
-- the keyed pseudonym of its submission, never by the complaint reference.
-- Stage columns are arrays of three (Stages 1, 2, 3); remedies are a
-- bitmask of RemedyKind values; deadlines and open actions are parallel
-- arrays (kind with result, action id with due date).
CREATE TABLE anonymised_records (
    pseudonym                   text PRIMARY KEY,
    received_on                 date,
    channel                     integer NOT NULL DEFAULT 0,
    query_category              text NOT NULL DEFAULT '',
    customer_type               text NOT NULL DEFAULT '',
    third_party                 boolean NOT NULL DEFAULT false,
    regulated_qualification     boolean NOT NULL DEFAULT false,
    redirected                  boolean NOT NULL DEFAULT false,
    resolved_outside_procedure  boolean NOT NULL DEFAULT false,
    declined_out_of_time        boolean NOT NULL DEFAULT false,
    accepted                    boolean NOT NULL DEFAULT false,
    stage_reached               smallint,
    stage_started_on            date[] NOT NULL DEFAULT '{NULL,NULL,NULL}',
    stage_decision              integer[] NOT NULL DEFAULT '{NULL,NULL,NULL}',
    stage_remedies              integer[] NOT NULL DEFAULT '{0,0,0}',
    stage_compensation_pence    bigint[] NOT NULL DEFAULT '{0,0,0}',
    stage_outcome_on            date[] NOT NULL DEFAULT '{NULL,NULL,NULL}',
    deadline_kinds              integer[] NOT NULL DEFAULT '{}',
    deadline_results            smallint[] NOT NULL DEFAULT '{}',
    closed_on                   date,
    closure                     integer,
    action_ids                  bigint[] NOT NULL DEFAULT '{}',
    action_due_on               date[] NOT NULL DEFAULT '{}'
);

CREATE INDEX anonymised_records_received_on ON anonymised_records (received_on);

-- The only link between a complaint reference and its record's pseudonym,
-- written when ComplaintOpened arrives and needed to place the complaint's
-- later events. Retention destroys it with the case (R-CONF-2), leaving
-- the record in the log and unlinkable.
CREATE TABLE complaint_pseudonyms (
    reference  text PRIMARY KEY,
    pseudonym  text NOT NULL
);

-- Compliments as the log keeps them: when, and which team (R-POS-1).
CREATE TABLE compliments (
    stream_id    text PRIMARY KEY,
    received_on  date NOT NULL,
    team         text NOT NULL
);

CREATE INDEX compliments_received_on ON compliments (received_on);

-- Equality monitoring answers (R-MON-4). Special category data: read only
-- to compute the suppressed aggregate analysis, never served as rows.
CREATE TABLE monitoring_answers (
    pseudonym           text PRIMARY KEY,
    ethnicity           text NOT NULL,
    disability          text NOT NULL,
    gender              text NOT NULL,
    age_band            text NOT NULL,
    religion_or_belief  text NOT NULL,
    sexual_orientation  text NOT NULL
);
