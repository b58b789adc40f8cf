-- The W3C trace context of the work that queued each notification, so the
-- sender, which runs on its own schedule, sends the email inside the
-- complaint's trace rather than in a trace of its own.
ALTER TABLE notifications ADD COLUMN traceparent text, ADD COLUMN tracestate text;
