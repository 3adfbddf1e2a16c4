-- Productivity signals from Claude Code telemetry (sessions, lines, commits, PRs, edit decisions,
-- active time, prompts): one row per point or event, idempotent by id like the ledger.
CREATE TABLE activity (
    id         VARCHAR          NOT NULL,
    ts_ms      BIGINT           NOT NULL,
    identity   VARCHAR          NOT NULL,
    team       VARCHAR,
    session_id VARCHAR,
    kind       VARCHAR          NOT NULL,
    value      DOUBLE PRECISION NOT NULL
);

-- Sessions that send per-request api_request events: their metric-derived usage is not counted.
CREATE TABLE otel_sessions (
    session_id VARCHAR NOT NULL PRIMARY KEY,
    first_ms   BIGINT  NOT NULL
);

-- Ingest tokens for OTLP exporters (OTEL_EXPORTER_OTLP_HEADERS); only the SHA-256 is kept.
CREATE TABLE ingest_tokens (
    token_sha256 VARCHAR NOT NULL PRIMARY KEY,
    person       VARCHAR NOT NULL,
    created_ms   BIGINT  NOT NULL,
    revoked_ms   BIGINT
);
