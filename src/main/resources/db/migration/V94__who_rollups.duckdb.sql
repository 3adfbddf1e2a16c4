-- The rollups by who (hourly and daily, identity and team, the other keys left '') on DuckDB too,
-- as on PostgreSQL: a day split by person or a team's days then read one row per developer and day
-- (and the hours near midnight), not one per developer, model and source in the daily and 15-minute
-- rollups. Sums are DECIMAL(38, 0)
-- as in V90/V93: a developer's hour over every model may pass a long, and that must reach the
-- reader (who refuses it), never fail the write. Stored uncompressed: DuckDB bit-packs small
-- 128-bit values, and a filtered scan of those unpacks them ~60x slower than plain ones (the hours
-- near midnight of a month, 200 developers: 34-60 ms -> 0.6 ms; why V92 found this rollup slow
-- here), for ~16 bytes a sum (a month of 200 developers' hours: ~23 MB). V92 dropped the hourly one
-- here; both are filled again from the rollups that keep all history.
CREATE TABLE usage_rollup_hourly_who (
    bucket_ms             BIGINT  NOT NULL,
    identity              VARCHAR NOT NULL,
    team                  VARCHAR NOT NULL,
    model                 VARCHAR NOT NULL,
    source                VARCHAR NOT NULL,
    requests              DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    failed                DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    input_tokens          DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    cache_write_5m_tokens DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    cache_write_1h_tokens DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    cache_read_tokens     DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    output_tokens         DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    web_searches          DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    cost_nanos            DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    unpriced              DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    project               VARCHAR DEFAULT '',
    region                VARCHAR DEFAULT ''
);

INSERT INTO usage_rollup_hourly_who
SELECT bucket_ms - (bucket_ms % 3600000), identity, team, '', '', sum(requests), sum(failed),
       sum(input_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
       sum(output_tokens), sum(web_searches), sum(cost_nanos), sum(unpriced), '', ''
FROM usage_rollup
GROUP BY bucket_ms - (bucket_ms % 3600000), identity, team;

CREATE TABLE usage_rollup_daily_who (
    bucket_ms             BIGINT  NOT NULL,
    identity              VARCHAR NOT NULL,
    team                  VARCHAR NOT NULL,
    model                 VARCHAR NOT NULL,
    source                VARCHAR NOT NULL,
    requests              DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    failed                DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    input_tokens          DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    cache_write_5m_tokens DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    cache_write_1h_tokens DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    cache_read_tokens     DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    output_tokens         DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    web_searches          DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    cost_nanos            DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    unpriced              DECIMAL(38, 0) USING COMPRESSION uncompressed NOT NULL,
    project               VARCHAR DEFAULT '',
    region                VARCHAR DEFAULT ''
);

INSERT INTO usage_rollup_daily_who
SELECT bucket_ms, identity, team, '', '', sum(requests), sum(failed),
       sum(input_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
       sum(output_tokens), sum(web_searches), sum(cost_nanos), sum(unpriced), '', ''
FROM usage_rollup_daily
GROUP BY bucket_ms, identity, team;
