-- PostgreSQL has no zone maps: the offset lookups and range replaces get real indexes.
CREATE INDEX import_offsets_path ON import_offsets (kind, path);
CREATE INDEX provider_usage_bucket ON provider_usage (bucket_start_ms);
CREATE INDEX provider_cost_bucket ON provider_cost (bucket_start_ms);
CREATE INDEX provider_claude_code_day ON provider_claude_code (day_ms);
