-- Where each consumer of the bus has got to in the JetStream stream, written
-- in the same transaction as what the consumer applied. The position, not
-- the server's acknowledgements, is what a consumer resumes from, so a
-- consumer applies the stream in order whatever dies and whichever replica
-- takes over.
CREATE TABLE consumer_positions (
    consumer        text PRIMARY KEY,
    stream_sequence bigint NOT NULL CHECK (stream_sequence >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
