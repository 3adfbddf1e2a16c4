-- The newest point of each cumulative telemetry counter series (Claude Code's token counters),
-- saved in the same transaction as the usage counted from it: a restart, a crash or another
-- replica continues the series instead of counting it again from zero. Same SQL on both stores.
CREATE TABLE otel_series (
    series     VARCHAR          NOT NULL PRIMARY KEY,
    start_ns   BIGINT           NOT NULL,
    time_ns    BIGINT           NOT NULL,
    value      DOUBLE PRECISION NOT NULL,
    updated_ms BIGINT           NOT NULL
);
