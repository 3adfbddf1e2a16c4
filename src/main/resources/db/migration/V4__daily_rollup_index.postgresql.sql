CREATE UNIQUE INDEX usage_rollup_daily_key ON usage_rollup_daily (bucket_ms, identity, team, model, source);
