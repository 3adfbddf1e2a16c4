-- Projects: the rollups keep each record's raw project tag (a gateway header, a key's default, an
-- OTel resource attribute, Bedrock requestMetadata, a transcript's working directory). Rules map raw
-- tags (path globs, as SQL LIKE patterns) to a project when reading, so a new rule re-attributes
-- history; cost centers group projects.
ALTER TABLE usage_rollup ADD COLUMN project VARCHAR DEFAULT '';
ALTER TABLE usage_rollup_daily ADD COLUMN project VARCHAR DEFAULT '';

-- The rollups were kept without the ledger's project column: rebuild them from the ledger once.
DELETE FROM usage_rollup;
INSERT INTO usage_rollup (bucket_ms, identity, team, model, source, requests, failed, input_tokens,
    cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, output_tokens, web_searches, cost_nanos, unpriced, project)
SELECT ts_ms - (ts_ms % 900000), identity, coalesce(team, ''), model, source, count(*),
       sum(CASE WHEN status >= 400 THEN 1 ELSE 0 END), sum(input_tokens), sum(cache_write_5m_tokens),
       sum(cache_write_1h_tokens), sum(cache_read_tokens), sum(output_tokens), sum(web_searches),
       coalesce(sum(cost_nanos), 0), sum(CASE WHEN cost_nanos IS NULL THEN 1 ELSE 0 END), coalesce(project, '')
FROM usage_events
GROUP BY ts_ms - (ts_ms % 900000), identity, coalesce(team, ''), model, source, coalesce(project, '');
DELETE FROM usage_rollup_daily;
INSERT INTO usage_rollup_daily (bucket_ms, identity, team, model, source, requests, failed, input_tokens,
    cache_write_5m_tokens, cache_write_1h_tokens, cache_read_tokens, output_tokens, web_searches, cost_nanos, unpriced, project)
SELECT bucket_ms - (bucket_ms % 86400000), identity, team, model, source, sum(requests), sum(failed),
       sum(input_tokens), sum(cache_write_5m_tokens), sum(cache_write_1h_tokens), sum(cache_read_tokens),
       sum(output_tokens), sum(web_searches), sum(cost_nanos), sum(unpriced), project
FROM usage_rollup
GROUP BY bucket_ms - (bucket_ms % 86400000), identity, team, model, source, project;

-- A rule: raw project tags matching the pattern (LIKE, backslash escapes) belong to a project; the
-- longest matching pattern wins. The glob (path_glob) is kept as the user wrote it.
CREATE TABLE project_rules (
    pattern    VARCHAR NOT NULL PRIMARY KEY,
    path_glob  VARCHAR NOT NULL,
    project    VARCHAR NOT NULL,
    created_ms BIGINT  NOT NULL
);

-- A project's cost center (projects without a row have none).
CREATE TABLE projects (
    name        VARCHAR NOT NULL PRIMARY KEY,
    cost_center VARCHAR,
    created_ms  BIGINT  NOT NULL
);

-- A gateway key's default project, for requests that name none (X-Tally-Project).
ALTER TABLE gateway_keys ADD COLUMN project VARCHAR;
