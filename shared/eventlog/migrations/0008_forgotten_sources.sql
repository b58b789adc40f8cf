-- Streams of other services whose events this service applies no more:
-- those of a record destroyed here (R-CONF-2). An event of a destroyed
-- record can still be on its way (a consumer behind, or another service
-- not yet done destroying its part), and applying it would bring back
-- what was destroyed. Stream ids are references and random ids, never
-- personal data.
CREATE TABLE forgotten_sources (
    stream_id    text PRIMARY KEY,
    forgotten_at timestamptz NOT NULL DEFAULT now()
);

-- Where each destroyed event stood in the log: its bus message is erased
-- only once the relay has moved past it, so a message published from a
-- read made just before the destruction is erased too.
ALTER TABLE pending_bus_erasures ADD COLUMN global_position bigint;
