-- Importers. Per-file read positions, so a second import reads only new bytes; and the numbers the
-- provider itself reports (Admin usage, cost and Claude Code reports), kept apart from the ledger:
-- they describe the same traffic the ledger counts, so they are compared with it, never added to it.
CREATE TABLE import_offsets (
    kind          VARCHAR NOT NULL,
    path          VARCHAR NOT NULL,
    size_bytes    BIGINT  NOT NULL,
    resume_offset BIGINT  NOT NULL,
    resume_line   BIGINT  NOT NULL,
    fingerprint   VARCHAR NOT NULL,
    updated_ms    BIGINT  NOT NULL
);

-- Admin API usage report, one row per UTC bucket and group (api key, workspace, model, tier, window).
CREATE TABLE provider_usage (
    bucket_start_ms       BIGINT  NOT NULL,
    bucket_end_ms         BIGINT  NOT NULL,
    api_key_id            VARCHAR,
    workspace_id          VARCHAR,
    model                 VARCHAR,
    service_tier          VARCHAR,
    context_window        VARCHAR,
    inference_geo         VARCHAR,
    uncached_input_tokens BIGINT  NOT NULL,
    cache_write_5m_tokens BIGINT  NOT NULL,
    cache_write_1h_tokens BIGINT  NOT NULL,
    cache_read_tokens     BIGINT  NOT NULL,
    output_tokens         BIGINT  NOT NULL,
    web_searches          BIGINT  NOT NULL,
    imported_ms           BIGINT  NOT NULL
);

-- Admin API cost report: amounts as billed, in nano-dollars (the API gives cents as decimal strings).
CREATE TABLE provider_cost (
    bucket_start_ms BIGINT  NOT NULL,
    bucket_end_ms   BIGINT  NOT NULL,
    workspace_id    VARCHAR,
    description     VARCHAR,
    cost_type       VARCHAR,
    model           VARCHAR,
    service_tier    VARCHAR,
    token_type      VARCHAR,
    context_window  VARCHAR,
    inference_geo   VARCHAR,
    currency        VARCHAR,
    amount_nanos    BIGINT  NOT NULL,
    imported_ms     BIGINT  NOT NULL
);

-- Claude Code Analytics report: per day, actor and model, with Claude Code's own cost estimate.
CREATE TABLE provider_claude_code (
    day_ms                BIGINT  NOT NULL,
    actor_type            VARCHAR,
    actor                 VARCHAR,
    terminal_type         VARCHAR,
    is_remote             BOOLEAN,
    model                 VARCHAR,
    input_tokens          BIGINT  NOT NULL,
    output_tokens         BIGINT  NOT NULL,
    cache_read_tokens     BIGINT  NOT NULL,
    cache_creation_tokens BIGINT  NOT NULL,
    estimated_cost_nanos  BIGINT,
    num_sessions          BIGINT,
    imported_ms           BIGINT  NOT NULL
);
