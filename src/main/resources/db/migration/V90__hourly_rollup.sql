-- Two hourly rollups with the columns of the others (so a range can read any of them alike), each
-- filled from the 15-minute rollup, which keeps all history. Their sums are DECIMAL(38, 0): a cell
-- sums many developers' records, and a sum beyond a long must reach the reader (who refuses it with
-- a clear error), never fail the write. The writers' delta table takes its columns from here.
-- Usage per UTC hour, model, source, project and region, identity and team left '': questions that
-- do not ask who read a few rows per hour instead of one per developer.
CREATE TABLE usage_rollup_hourly (
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

INSERT INTO usage_rollup_hourly
SELECT bucket_ms - (bucket_ms % 3600000), '', '', model, source, sum(requests), sum(failed),
       sum(input_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
       sum(output_tokens), sum(web_searches), sum(cost_nanos), sum(unpriced), coalesce(project, ''), coalesce(region, '')
FROM usage_rollup
GROUP BY bucket_ms - (bucket_ms % 3600000), model, source, coalesce(project, ''), coalesce(region, '');

-- Usage per UTC hour, identity and team, the other keys left '': the hours near midnight and at a
-- range's edges of questions about who that ask nothing of what, one row per developer.
CREATE TABLE usage_rollup_hourly_who (
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

INSERT INTO usage_rollup_hourly_who
SELECT bucket_ms - (bucket_ms % 3600000), identity, team, '', '', sum(requests), sum(failed),
       sum(input_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
       sum(output_tokens), sum(web_searches), sum(cost_nanos), sum(unpriced), '', ''
FROM usage_rollup
GROUP BY bucket_ms - (bucket_ms % 3600000), identity, team;
