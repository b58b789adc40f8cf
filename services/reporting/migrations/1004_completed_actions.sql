-- Completed actions (R-MON-2: improvement plans are tracked): the ids of
-- the actions done, in parallel with whether each was done after its due
-- date. Only ids and a flag, no personal data. Records written before this
-- change show no completed actions until RebuildLog replays their events.
ALTER TABLE anonymised_records
    ADD COLUMN done_action_ids  bigint[]  NOT NULL DEFAULT '{}',
    ADD COLUMN done_action_late boolean[] NOT NULL DEFAULT '{}';
