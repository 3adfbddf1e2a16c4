CREATE UNIQUE INDEX usage_rollup_hourly_key ON usage_rollup_hourly (bucket_ms, identity, team, model, source, project, region);
CREATE UNIQUE INDEX usage_rollup_hourly_who_key ON usage_rollup_hourly_who (bucket_ms, identity, team, model, source, project, region);
