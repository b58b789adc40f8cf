-- The print queue in the order it is paged: post letters (channel 2) still
-- waiting (status 1), by when they were queued, then by id. A page is one
-- range scan of this index from the last letter of the page before, and
-- the count of letters waiting reads the index alone, however many letters
-- were ever sent. The literals match pb::DeliveryChannel::Post and
-- pb::NotificationStatus::Queued, which store::print_queue's SQL writes
-- the same way so the planner uses this index.
CREATE INDEX notifications_print_queue ON notifications (queued_at, notification_id)
    WHERE channel = 2 AND status = 1;
