-- The SHA-256 of the request body first received under each idempotency
-- key (by the submission's or compliment's id, which the channel and key
-- make): a retry with the same body answers the first receipt, a different
-- body under the same key is refused (ALREADY_EXISTS) instead of being
-- answered as if it were the first. The row goes with the record.
CREATE TABLE request_fingerprints (
    id     uuid PRIMARY KEY,
    sha256 bytea NOT NULL CHECK (length(sha256) = 32)
);
