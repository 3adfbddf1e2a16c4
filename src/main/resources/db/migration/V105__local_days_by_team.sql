-- The local days keep each row's team (a day split by team reads them, as the rollups by UTC bucket
-- do): the days summed before, by identity alone, are forgotten here, and the next server fills them
-- again from the rollups.
DELETE FROM usage_rollup_local_zone;
DELETE FROM usage_rollup_local_who;
