-- platformPulse's active users of a rolled-up date: how many distinct user_ids
-- its usage_metrics_daily rows hold, written by the rollup with them, so the
-- pulse reads one number per date instead of sorting every (tenant, user) row
-- of the last 8 days. Nullable: a replica still running the previous version
-- during a rolling deploy writes totals without it, and the pulse then counts
-- that date's rows instead. Dates rolled up before this migration get it here.
ALTER TABLE "usage_metrics_daily_totals" ADD COLUMN IF NOT EXISTS "active_users" INTEGER;

UPDATE "usage_metrics_daily_totals" t
   SET "active_users" = (SELECT count(DISTINCT m."user_id") FROM "usage_metrics_daily" m WHERE m."date" = t."date")
 WHERE t."active_users" IS NULL;
