-- The version of the time-zone rules the kept local days were cut with: a process whose JDK has
-- other rules for the zone forgets them, for the next server to fill again. Days kept before this
-- have none ('') and are filled again once.
ALTER TABLE usage_rollup_local_zone ADD COLUMN rules VARCHAR DEFAULT '';
