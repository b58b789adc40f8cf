-- Appending as one statement, so an append costs one round trip to the
-- server (in autocommit) instead of BEGIN, the version claim, the append
-- lock, the INSERT and COMMIT each waiting for an answer. Every guarantee
-- of the log holds inside it, in this order:
--
-- 1. The log's append lock, shared, before any position is taken and held
--    until the transaction ends: readers past a gap take it exclusively to
--    wait for the writers in flight (EventLog::read_all_after). The class
--    1163283527 is APPEND_LOCK_CLASS (0x45564c47) in src/read.rs; the
--    other key is this schema's hash, so each service's log has its own.
-- 2. The version claim on the stream's row (optimistic concurrency): of two
--    writers expecting the same version one succeeds, the other matches no
--    row; a destroyed stream matches no row either.
-- 3. The events, numbered from the claimed version.
--
-- A refused claim is not an exception: the function writes nothing and
-- says why (the version found, or that the stream is destroyed), so a
-- caller appending inside a larger transaction keeps it usable.
--
-- p_expected: NULL for any version, 0 for "no stream yet", n for exactly n.
CREATE FUNCTION append_events(
    p_stream_id     text,
    p_stream_type   text,
    p_expected      bigint,
    p_event_ids     uuid[],
    p_event_types   text[],
    p_payloads      bytea[],
    p_occurred      timestamptz[],
    p_correlations  uuid[],
    p_causations    uuid[],
    p_actors        text[],
    p_traceparents  text[],
    p_tracestates   text[],
    OUT new_version bigint,
    OUT found_version bigint,
    OUT found_destroyed boolean
)
LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
DECLARE
    n bigint := cardinality(p_event_ids);
    claimed bigint;
BEGIN
    PERFORM pg_advisory_xact_lock_shared(1163283527, hashtext(current_schema()));

    IF p_expected IS NULL THEN
        INSERT INTO streams AS s (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, n)
        ON CONFLICT (stream_id) DO UPDATE
            SET version = s.version + n, updated_at = now()
            WHERE s.destroyed_at IS NULL
        RETURNING s.version - n INTO claimed;
    ELSIF p_expected = 0 THEN
        INSERT INTO streams (stream_id, stream_type, version) VALUES (p_stream_id, p_stream_type, n)
        ON CONFLICT (stream_id) DO NOTHING
        RETURNING 0::bigint INTO claimed;
    ELSE
        UPDATE streams AS s SET version = s.version + n, updated_at = now()
        WHERE s.stream_id = p_stream_id AND s.version = p_expected AND s.destroyed_at IS NULL
        RETURNING s.version - n INTO claimed;
    END IF;

    IF claimed IS NULL THEN
        -- A fresh snapshot (read committed): the writer that won, or the destruction.
        SELECT s.version, s.destroyed_at IS NOT NULL INTO found_version, found_destroyed
        FROM streams s WHERE s.stream_id = p_stream_id;
        found_version := coalesce(found_version, 0);
        found_destroyed := coalesce(found_destroyed, false);
        RETURN;
    END IF;

    INSERT INTO events (event_id, stream_id, stream_type, stream_version, event_type, payload,
                        occurred_at, correlation_id, causation_id, actor, traceparent, tracestate)
    SELECT e.id, p_stream_id, p_stream_type, claimed + e.ord, e.type, e.payload, e.occurred,
           e.correlation, e.causation, e.actor, e.traceparent, e.tracestate
    FROM unnest(p_event_ids, p_event_types, p_payloads, p_occurred, p_correlations, p_causations,
                p_actors, p_traceparents, p_tracestates)
         WITH ORDINALITY AS e(id, type, payload, occurred, correlation, causation, actor,
                              traceparent, tracestate, ord)
    ORDER BY e.ord;

    new_version := claimed + n;
    found_version := new_version;
    found_destroyed := false;
END
$$;
