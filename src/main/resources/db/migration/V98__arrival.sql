-- When each record was stored (epoch milliseconds, the writer's clock): what `tail` follows, since a
-- record's own time comes from its source and may be far behind or ahead of when it lands. Null for
-- records stored before; they read as arriving at their own time.
ALTER TABLE usage_events ADD COLUMN stored_ms BIGINT;
