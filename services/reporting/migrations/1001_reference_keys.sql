-- The link from a complaint to its record is keyed by a keyed hash of the
-- complaint reference, so reporting holds no complaint reference at all
-- (R-CONF-2, R-MON-3). Links written before this change are unusable under
-- the new key: run RebuildLog once after upgrading to re-create them.
ALTER TABLE complaint_pseudonyms RENAME COLUMN reference TO reference_key;
DELETE FROM complaint_pseudonyms;
