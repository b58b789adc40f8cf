-- R-S2-1, R-S3-1: whether the complaint's next deadline is an escalation
-- window that has not started (the outcome's receipt is not yet known), so
-- the work queue shows it as waiting rather than missed. Rows written
-- before this column existed read false until the complaint next changes
-- or RebuildReadModel runs.
ALTER TABLE complaints ADD COLUMN awaiting_receipt boolean NOT NULL DEFAULT false;
