-- Which complaints were opened from each submission, as the complaints
-- service announced them (ComplaintOpened: a reference and a submission id,
-- no personal data). Intake keeps no complaint of its own; it needs these
-- to destroy a submission only under the record it belongs to, to stop at
-- a legal hold on any complaint sharing it and to keep it while a complaint
-- raised from a closed one (R-UPC-2) still needs it (R-CONF-2). The rows go
-- with the submission.
CREATE TABLE complaint_links (
    reference     text PRIMARY KEY CHECK (reference <> ''),
    submission_id uuid NOT NULL
);

CREATE INDEX complaint_links_by_submission ON complaint_links (submission_id);
