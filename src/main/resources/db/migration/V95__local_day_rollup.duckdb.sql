-- The daily rollup by who in local days of one zone, the zone a server last ran in (none until one
-- has: usage_rollup_local_zone empty). A day split by person in that zone reads its whole days
-- here, one row per developer and day, instead of summing UTC days and moving the hours near
-- midnight across. bucket_ms is the local day's start as local time in epoch ms (the way the
-- series key local periods); team, model, source, project and region are ''. Sums as in V94.
CREATE TABLE usage_rollup_local_who (
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

CREATE TABLE usage_rollup_local_zone (
    zone VARCHAR NOT NULL
);
