-- When an email's SMTP exchange started, committed before it starts and
-- cleared with its result. A value left behind means the service stopped
-- mid-exchange: whether the server took the message is unknown, so it is
-- never sent again (no second copy); it is given up and raised to staff.
ALTER TABLE notifications ADD COLUMN sending_since timestamptz;
