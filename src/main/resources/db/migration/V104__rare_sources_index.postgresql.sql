-- Writes look for stored records of two rare sources in a window around their batch: the metric
-- records of sessions a batch marks metered (two hours each side), and a provider's log records of
-- the calls a telemetry batch reports (fifteen minutes each side). Through the ts index PostgreSQL
-- read every record of that window to find them: a few ms a batch at 50k records a day, seconds at a
-- fleet's thousand a second. Records of these sources are few, so this index is small and cheap to keep.
CREATE INDEX usage_events_rare_sources ON usage_events (source, ts_ms) WHERE source IN ('otel-metric', 'provider-log');
