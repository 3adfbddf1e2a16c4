-- The retention horizon: raw records before it were pruned (their rollups stay). A record older than
-- the horizon that arrives later is not stored, so re-importing pruned history cannot count it twice.
CREATE TABLE retention_horizon (
    before_ms BIGINT NOT NULL
);
