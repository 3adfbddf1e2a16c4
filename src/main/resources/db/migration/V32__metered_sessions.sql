-- Sessions metered request by request (OTel events, transcripts, the gateway), by whom: that person's
-- token metrics of the session are not counted. Replaces otel_sessions, which did not say whose
-- session it was; its sessions are kept with the identities of their stored event records.
CREATE TABLE metered_sessions (
    session_id VARCHAR NOT NULL,
    identity   VARCHAR NOT NULL,
    source     VARCHAR NOT NULL,
    first_ms   BIGINT  NOT NULL,
    PRIMARY KEY (session_id, identity)
);

INSERT INTO metered_sessions (session_id, identity, source, first_ms)
SELECT DISTINCT e.session_id, e.identity, 'otel-event', o.first_ms
FROM otel_sessions o JOIN usage_events e ON e.session_id = o.session_id
WHERE e.source = 'otel-event';

DROP TABLE otel_sessions;
