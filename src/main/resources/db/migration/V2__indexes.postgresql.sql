-- PostgreSQL has no zone maps: give the window probes and top-N real indexes.
CREATE INDEX usage_events_ts ON usage_events (ts_ms);
CREATE INDEX usage_events_id ON usage_events (id);
CREATE INDEX usage_events_request ON usage_events (request_id) WHERE request_id IS NOT NULL;
CREATE INDEX usage_events_cost ON usage_events (cost_nanos DESC NULLS LAST, ts_ms);
CREATE UNIQUE INDEX usage_rollup_key ON usage_rollup (bucket_ms, identity, team, model, source);
