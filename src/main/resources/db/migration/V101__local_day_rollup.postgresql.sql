-- The daily rollup by who in the local days of one zone (V95 and V96 on the embedded store), on
-- PostgreSQL too: a month by day split by person in that zone reads one pre-summed row per developer
-- and day instead of summing three rows into each (the UTC day, and the hours near midnight moved in
-- and out). The zone is the one a server last kept; every replica folds its writes into that zone's
-- days, reading which zone is kept under the writers' lock, and a reader uses them only when they
-- are kept in its own zone, read in the same snapshot. Empty until a server keeps a zone.
CREATE TABLE usage_rollup_local_who (
    bucket_ms             BIGINT  NOT NULL,
    identity              VARCHAR NOT NULL,
    team                  VARCHAR NOT NULL,
    model                 VARCHAR NOT NULL,
    source                VARCHAR NOT NULL,
    requests              DECIMAL(38, 0) NOT NULL,
    failed                DECIMAL(38, 0) NOT NULL,
    input_tokens          DECIMAL(38, 0) NOT NULL,
    cache_write_5m_tokens DECIMAL(38, 0) NOT NULL,
    cache_write_1h_tokens DECIMAL(38, 0) NOT NULL,
    cache_read_tokens     DECIMAL(38, 0) NOT NULL,
    output_tokens         DECIMAL(38, 0) NOT NULL,
    web_searches          DECIMAL(38, 0) NOT NULL,
    cost_nanos            DECIMAL(38, 0) NOT NULL,
    unpriced              DECIMAL(38, 0) NOT NULL,
    project               VARCHAR DEFAULT '',
    region                VARCHAR DEFAULT ''
);

CREATE UNIQUE INDEX usage_rollup_local_who_key ON usage_rollup_local_who (bucket_ms, identity, team, model, source, project, region);

CREATE TABLE usage_rollup_local_zone (
    zone  VARCHAR NOT NULL,
    rules VARCHAR DEFAULT ''
);
