-- The most-expensive list's index, per UTC day: (day, cost) instead of V2's (cost, ts_ms). Keys of
-- the old one arrived in random order, so every batch touched pages all over it (170 of the 350 ms
-- of a 50k-row insert); these arrive in time order, so a batch touches only its day's part. The top
-- over a range reads one branch per day in cost order, merged (TopRequests). Built from the rows
-- already stored; kept right by reprice and prune as any index is.
DROP INDEX IF EXISTS usage_events_cost;
CREATE INDEX usage_events_day_cost ON usage_events ((ts_ms / 86400000), cost_nanos DESC NULLS LAST);
