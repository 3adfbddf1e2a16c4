-- Usage per UTC day, identity and team, the other keys left '': the whole days of the questions
-- about who that ask nothing of what (series split by person or team, active people), one row per
-- developer and day instead of one per developer, model, source, project and region. PostgreSQL
-- only, beside the hourly rollup by who that answers those questions' partial days. Sums are
-- DECIMAL(38, 0) as in the hourly rollups: a day's models summed may pass a long, and that must
-- reach the reader (who refuses it), never fail the write. Filled from the daily rollup, which
-- keeps all history.
CREATE TABLE usage_rollup_daily_who (
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

INSERT INTO usage_rollup_daily_who
SELECT bucket_ms, identity, team, '', '', sum(requests), sum(failed),
       sum(input_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
       sum(output_tokens), sum(web_searches), sum(cost_nanos), sum(unpriced), '', ''
FROM usage_rollup_daily
GROUP BY bucket_ms, identity, team;

CREATE UNIQUE INDEX usage_rollup_daily_who_key ON usage_rollup_daily_who (bucket_ms, identity, team, model, source, project, region);

-- A person filter reads the rollups by who for the few identities that map to them (see
-- RollupRange.personsIdentities): over a month, seeking by identity reads their ~720 hours instead
-- of filtering every developer's (hour & person: 14-20 ms -> 5-6 ms at 1M records).
CREATE INDEX usage_rollup_hourly_who_identity ON usage_rollup_hourly_who (identity, bucket_ms);
