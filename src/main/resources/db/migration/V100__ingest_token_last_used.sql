-- When an ingest token last let an export in (written by the collector at its next token refresh, so within ~10 s).
ALTER TABLE ingest_tokens ADD COLUMN last_used_ms BIGINT;
