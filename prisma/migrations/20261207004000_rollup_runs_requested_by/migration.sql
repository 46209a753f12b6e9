-- Who did it: the id of the viewer whose runRollup started the run (manual
-- runs only; the scheduler's runs have a trigger and a replica instead).
-- Text, like the token's subject it comes from, and no foreign key: platform
-- staff need not have a users row, and a run's history outlives its user.
ALTER TABLE "rollup_runs" ADD COLUMN IF NOT EXISTS "requested_by" TEXT;
