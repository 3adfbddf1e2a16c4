-- Regions: the cloud region a record's call ran in (a Bedrock log's region, the gateway's Bedrock
-- region, a Vertex location); null for first-party Anthropic records and sources that do not know it.
-- The rollups keep it ('' for none) so reports split and filter by region.
ALTER TABLE usage_events ADD COLUMN region VARCHAR;
ALTER TABLE usage_rollup ADD COLUMN region VARCHAR DEFAULT '';
ALTER TABLE usage_rollup_daily ADD COLUMN region VARCHAR DEFAULT '';
-- No rebuild: every record stored so far has no region, so every existing rollup row is right with
-- ''. (Rebuilding from the ledger would also lose the rollups of history that retention pruned.)
