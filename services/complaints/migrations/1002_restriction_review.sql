-- R-UPC-1: the review date of the contact restriction in force, while its
-- review has not yet been marked due, so the deadline watcher finds the
-- restrictions to review. Complaints restricted before this column existed
-- get it from RebuildReadModel.
ALTER TABLE complaints ADD COLUMN restriction_review_on date;
CREATE INDEX complaints_restriction_review ON complaints (restriction_review_on)
    WHERE restriction_review_on IS NOT NULL;
