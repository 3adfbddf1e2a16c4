-- The rollups' unique keys gain the region.
DROP INDEX usage_rollup_key;
CREATE UNIQUE INDEX usage_rollup_key ON usage_rollup (bucket_ms, identity, team, model, source, project, region);
DROP INDEX usage_rollup_daily_key;
CREATE UNIQUE INDEX usage_rollup_daily_key ON usage_rollup_daily (bucket_ms, identity, team, model, source, project, region);
