-- Records destroyed here whose shared parts were kept (R-CONF-2): a
-- complaint raised from a closed one shares its submission (R-UPC-2), so
-- destroying one of them keeps what the other still needs, and the shared
-- parts go with the last. Until then a legal hold on a record listed here
-- still keeps them. References and the shared parts' name (a stream id)
-- only, never personal data; the rows go with the shared parts.
CREATE TABLE retention_kept_shared (
    record       text PRIMARY KEY CHECK (record <> ''),
    -- What the records share, as the service names it (`submission-<id>`).
    shared       text NOT NULL CHECK (shared <> ''),
    destroyed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX retention_kept_shared_by_shared ON retention_kept_shared (shared);
