-- The ledger: one append-only row per usage record. Money in integer nano-dollars, time in epoch
-- milliseconds (UTC). No unique index on id: dedupe probes only the time window a batch covers.
CREATE TABLE usage_events (
    id                    VARCHAR NOT NULL,
    ts_ms                 BIGINT  NOT NULL,
    source                VARCHAR NOT NULL,
    source_rank           INTEGER NOT NULL,
    provider              VARCHAR NOT NULL,
    identity              VARCHAR NOT NULL,
    team                  VARCHAR,
    project               VARCHAR,
    session_id            VARCHAR,
    request_id            VARCHAR,
    model                 VARCHAR NOT NULL,
    model_id              VARCHAR NOT NULL,
    input_tokens          BIGINT  NOT NULL,
    cache_write_5m_tokens BIGINT  NOT NULL,
    cache_write_1h_tokens BIGINT  NOT NULL,
    cache_read_tokens     BIGINT  NOT NULL,
    output_tokens         BIGINT  NOT NULL,
    web_searches          BIGINT  NOT NULL,
    is_batch              BOOLEAN NOT NULL,
    is_fast               BOOLEAN NOT NULL,
    cost_nanos            BIGINT,
    catalog_version       VARCHAR,
    latency_ms            BIGINT,
    status                INTEGER NOT NULL
);

-- Rollups kept as records are written: 15-minute buckets, so every time zone (all offsets are
-- multiples of 15 minutes) cuts exact local hours and days. Keyed by raw identity, not person:
-- mapping an identity to a person later re-attributes history without rewriting anything.
-- One row per key, kept so by the writer (no index on DuckDB, where indexes make upserts crawl).
CREATE TABLE usage_rollup (
    bucket_ms             BIGINT  NOT NULL,
    identity              VARCHAR NOT NULL,
    team                  VARCHAR NOT NULL,
    model                 VARCHAR NOT NULL,
    source                VARCHAR NOT NULL,
    requests              BIGINT  NOT NULL,
    failed                BIGINT  NOT NULL,
    input_tokens          BIGINT  NOT NULL,
    cache_write_5m_tokens BIGINT  NOT NULL,
    cache_write_1h_tokens BIGINT  NOT NULL,
    cache_read_tokens     BIGINT  NOT NULL,
    output_tokens         BIGINT  NOT NULL,
    web_searches          BIGINT  NOT NULL,
    cost_nanos            BIGINT  NOT NULL,
    unpriced              BIGINT  NOT NULL
);

CREATE TABLE people (
    name       VARCHAR NOT NULL PRIMARY KEY,
    team       VARCHAR,
    created_ms BIGINT  NOT NULL
);

-- Any raw identity (key id, key fingerprint, email, account uuid, IAM ARN, session name) → person.
CREATE TABLE aliases (
    alias      VARCHAR NOT NULL PRIMARY KEY,
    person     VARCHAR NOT NULL,
    created_ms BIGINT  NOT NULL
);
