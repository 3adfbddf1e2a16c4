-- The hourly rollup by who is read on PostgreSQL only (on DuckDB the 15-minute rollup answers a
-- person's hours faster, see RollupRange), so DuckDB's writer no longer keeps it: drop it there
-- rather than leave a table that silently goes stale.
DROP TABLE usage_rollup_hourly_who;
