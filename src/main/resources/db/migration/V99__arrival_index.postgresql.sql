-- tail polls the records stored since a point, in arrival order (V98), every second or so.
CREATE INDEX usage_events_arrival ON usage_events ((COALESCE(stored_ms, ts_ms)), id);
