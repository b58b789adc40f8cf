-- R-MON-1: the work queue's order and keyset paging, open complaints by
-- next due date (none last) then reference, exactly as ListWorkQueue sorts
-- and pages them. complaints_queue cannot serve that expression, so each
-- page read and sorted every open complaint; with this index a page reads
-- its own rows.
CREATE INDEX complaints_queue_order
    ON complaints ((coalesce(next_due_on, 'infinity'::date)), reference)
    WHERE NOT closed;
