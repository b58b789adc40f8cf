-- The day a complaint closed, from its stream: the closed-complaints
-- retention period (R-CONF-2) counts from it. Complaints closed before this
-- column existed get it from RebuildReadModel.
ALTER TABLE complaints ADD COLUMN closed_on date;
CREATE INDEX complaints_closed_on ON complaints (closed_on) WHERE closed_on IS NOT NULL;
