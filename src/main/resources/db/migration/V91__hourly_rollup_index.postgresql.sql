CREATE UNIQUE INDEX usage_rollup_hourly_key ON usage_rollup_hourly (bucket_ms, identity, team, model, source, project, region);
