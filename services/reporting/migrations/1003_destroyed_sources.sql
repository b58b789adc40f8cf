-- Anonymised records whose source events were destroyed (R-CONF-2): the
-- bus no longer holds what built them, so a rebuild of the log keeps them
-- as they are instead of losing them. Pseudonyms only; no personal data.
CREATE TABLE destroyed_sources (
    pseudonym     text PRIMARY KEY,
    destroyed_at  timestamptz NOT NULL DEFAULT now()
);
