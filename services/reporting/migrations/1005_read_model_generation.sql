-- A number that moves on with every change to what the committee's figures,
-- the committee report and the equality analysis are computed from
-- (anonymised_records, monitoring_answers, compliments): the consumers'
-- writes, a rebuild, a destruction that touches them, an operator's hand
-- edit. The service keeps its last few answers keyed by it
-- (src/answers.rs), so an answer computed before a change is never served
-- after it. The counter is updated in the writing transaction, so a reader
-- sees the new number exactly when it can see the new rows.
CREATE TABLE read_model_generation (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    generation  bigint NOT NULL
);

INSERT INTO read_model_generation (only_row, generation) VALUES (true, 0);

CREATE FUNCTION read_model_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE read_model_generation SET generation = generation + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER anonymised_records_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON anonymised_records
    FOR EACH STATEMENT EXECUTE FUNCTION read_model_changed();

CREATE TRIGGER monitoring_answers_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON monitoring_answers
    FOR EACH STATEMENT EXECUTE FUNCTION read_model_changed();

CREATE TRIGGER compliments_changed
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON compliments
    FOR EACH STATEMENT EXECUTE FUNCTION read_model_changed();
