-- Whole UTC days: a range report reads these for the days it covers entirely and the 15-minute
-- rollup only for its two partial edges, so it stays exact in any zone and reads ~96x fewer rows.
CREATE TABLE usage_rollup_daily (
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

INSERT INTO usage_rollup_daily
SELECT bucket_ms - (bucket_ms % 86400000), identity, team, model, source, sum(requests), sum(failed),
       sum(input_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
       sum(output_tokens), sum(web_searches), sum(cost_nanos), sum(unpriced)
FROM usage_rollup
GROUP BY bucket_ms - (bucket_ms % 86400000), identity, team, model, source;
