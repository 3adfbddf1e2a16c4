-- Each write that marks sessions metered looks for the stored metric records of those sessions in
-- the batch's window (plus two hours each side). Through the ts index PostgreSQL read every record
-- of that window to find the few metric ones: 7 ms a batch at 50k records a day, seconds at a fleet's
-- thousand a second. Metric records are few, so this index is small and cheap to keep.
CREATE INDEX usage_events_metric_ts ON usage_events (ts_ms) WHERE source = 'otel-metric';
