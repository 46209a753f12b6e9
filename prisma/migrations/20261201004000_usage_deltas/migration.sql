-- Late rows without raw reads. Every INSERT into activity_log appends, per
-- statement, its counts per (date, tenant, user) to usage_deltas; a date's
-- figures are then its rollup rows plus its deltas, however late the rows.
-- Append-only, so concurrent writers never wait for each other. The rollup
-- of D deletes D's deltas in the statement that rewrites D from
-- activity_log: one statement, one snapshot, so every row is counted once,
-- in the rollup or in a delta (rollup_runs.consumed_deltas records that the
-- run did this). UPDATE, DELETE and TRUNCATE, which the platform does not do
-- in normal operation, still mark their dates stale: those are read raw
-- until their next rollup.
CREATE TABLE IF NOT EXISTS "usage_deltas" (
    "id" BIGSERIAL NOT NULL,
    "date" DATE NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "total_logins" INTEGER NOT NULL DEFAULT 0,
    "searches_executed" INTEGER NOT NULL DEFAULT 0,
    "profiles_viewed" INTEGER NOT NULL DEFAULT 0,
    "profiles_enriched" INTEGER NOT NULL DEFAULT 0,
    "csv_exports" INTEGER NOT NULL DEFAULT 0,
    "lists_created" INTEGER NOT NULL DEFAULT 0,
    "personas_created" INTEGER NOT NULL DEFAULT 0,
    "lookalike_searches" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "usage_deltas_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "usage_deltas_date_tenant_id_idx" ON "usage_deltas" ("date", "tenant_id");

-- The first date all of whose activity_log rows were inserted with the delta
-- trigger in place: from it on, a date never rolled up is exactly its deltas.
CREATE TABLE IF NOT EXISTS "usage_deltas_origin" (
    "id" BOOLEAN NOT NULL DEFAULT true,
    "since" DATE NOT NULL,
    CONSTRAINT "usage_deltas_origin_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "usage_deltas_origin_single_row" CHECK ("id")
);

ALTER TABLE "rollup_runs" ADD COLUMN IF NOT EXISTS "consumed_deltas" BOOLEAN NOT NULL DEFAULT false;

CREATE OR REPLACE FUNCTION "record_usage_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_deltas (date, tenant_id, user_id, total_logins, searches_executed, profiles_viewed,
         profiles_enriched, csv_exports, lists_created, personas_created, lookalike_searches)
  SELECT (created_at AT TIME ZONE 'UTC')::date, tenant_id, user_id,
         count(*) FILTER (WHERE action_type = 'login'),
         count(*) FILTER (WHERE action_type = 'search_executed'),
         count(*) FILTER (WHERE action_type = 'profile_viewed'),
         count(*) FILTER (WHERE action_type = 'profile_enriched'),
         count(*) FILTER (WHERE action_type = 'csv_exported'),
         count(*) FILTER (WHERE action_type = 'list_created'),
         count(*) FILTER (WHERE action_type = 'persona_created'),
         count(*) FILTER (WHERE action_type = 'lookalike_search')
    FROM new_rows
   GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

-- TRUNCATE leaves no rows to count: every rolled-up date is stale and no delta stands.
CREATE OR REPLACE FUNCTION "mark_usage_stale_all"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_usage_stale_dates(ARRAY(SELECT date FROM usage_metrics_daily UNION SELECT date FROM usage_deltas));
  DELETE FROM usage_deltas;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS "activity_log_mark_stale_insert" ON "activity_log";
DROP TRIGGER IF EXISTS "activity_log_mark_stale_update_new" ON "activity_log";
DROP TRIGGER IF EXISTS "activity_log_mark_stale_update_old" ON "activity_log";
DROP FUNCTION IF EXISTS "mark_usage_stale_from_new"();
DROP TRIGGER IF EXISTS "activity_log_record_usage_deltas" ON "activity_log";
CREATE TRIGGER "activity_log_record_usage_deltas" AFTER INSERT ON "activity_log"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "record_usage_deltas"();

-- An UPDATE marks the dates its rows leave as well as those they arrive at.
CREATE OR REPLACE FUNCTION "mark_usage_stale_from_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_usage_stale_dates(ARRAY(
    SELECT (created_at AT TIME ZONE 'UTC')::date FROM old_rows
    UNION SELECT (created_at AT TIME ZONE 'UTC')::date FROM new_rows));
  RETURN NULL;
END $$;
DROP TRIGGER IF EXISTS "activity_log_mark_stale_update" ON "activity_log";
CREATE TRIGGER "activity_log_mark_stale_update" AFTER UPDATE ON "activity_log"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION "mark_usage_stale_from_update"();

-- Existing successful runs count every row their date had when the trigger
-- appeared (a later row would have marked the date stale), so their rows
-- plus the deltas from now on are exact.
UPDATE "rollup_runs" SET "consumed_deltas" = true WHERE "status" = 'succeeded' AND NOT "consumed_deltas";

-- The day after the latest row, read after the trigger exists (CREATE TRIGGER
-- waited for writers in progress): no row of a later date predates the
-- trigger. On an empty activity_log, every date.
INSERT INTO "usage_deltas_origin" ("since")
SELECT coalesce((max(created_at) AT TIME ZONE 'UTC')::date + 1, '-infinity') FROM activity_log
ON CONFLICT ("id") DO NOTHING;
