-- The platform's four tables. The platform may have created them already,
-- full of rows: IF NOT EXISTS adopts them as they are.
CREATE TABLE IF NOT EXISTS "tenants" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "is_active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

CREATE TABLE IF NOT EXISTS "users" (
    "id" UUID NOT NULL,
    "tenant_id" UUID,
    "full_name" TEXT,
    "email" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX IF NOT EXISTS "users_email_key" ON "users"("email");

CREATE TABLE IF NOT EXISTS "prospects" (
    "id" UUID NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID,
    "full_name" TEXT NOT NULL,
    "enrichment_status" TEXT NOT NULL DEFAULT 'pending',
    "enrichment_source_status" JSONB,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "prospects_pkey" PRIMARY KEY ("id")
);

CREATE TABLE IF NOT EXISTS "activity_log" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "action_type" TEXT NOT NULL,
    "metadata" JSONB,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "activity_log_pkey" PRIMARY KEY ("id")
);

-- The gateway's own tables.
CREATE TABLE IF NOT EXISTS "usage_metrics_daily" (
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
    CONSTRAINT "usage_metrics_daily_pkey" PRIMARY KEY ("date", "tenant_id", "user_id")
);

CREATE TABLE IF NOT EXISTS "rollup_runs" (
    "id" BIGSERIAL NOT NULL,
    "date" DATE NOT NULL,
    "status" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    "finished_at" TIMESTAMPTZ(6),
    "rows_written" INTEGER,
    "error" TEXT,
    "trigger" TEXT NOT NULL,
    "slot" TIMESTAMPTZ(6),
    "replica" TEXT,
    CONSTRAINT "rollup_runs_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "rollup_runs_date_status_idx" ON "rollup_runs"("date", "status");
CREATE INDEX IF NOT EXISTS "rollup_runs_started_at_idx" ON "rollup_runs"("started_at");

CREATE TABLE IF NOT EXISTS "rollup_ticks" (
    "slot" TIMESTAMPTZ(6) NOT NULL,
    "replica" TEXT NOT NULL,
    "claimed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "rollup_ticks_pkey" PRIMARY KEY ("slot")
);

CREATE TABLE IF NOT EXISTS "usage_stale_dates" (
    "date" DATE NOT NULL,
    "marked_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "usage_stale_dates_pkey" PRIMARY KEY ("date")
);

-- Every write to activity_log marks the UTC dates it touched, so a reader
-- knows which rolled-up dates no longer match the raw rows (late rows).
-- Statement-level with transition tables: one insert per statement, not per row.
CREATE OR REPLACE FUNCTION "mark_usage_stale_from_new"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_stale_dates (date)
  SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM new_rows
  ON CONFLICT (date) DO NOTHING;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "mark_usage_stale_from_old"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_stale_dates (date)
  SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM old_rows
  ON CONFLICT (date) DO NOTHING;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "mark_usage_stale_all"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_stale_dates (date)
  SELECT DISTINCT date FROM usage_metrics_daily
  ON CONFLICT (date) DO NOTHING;
  RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS "activity_log_mark_stale_insert" ON "activity_log";
CREATE TRIGGER "activity_log_mark_stale_insert" AFTER INSERT ON "activity_log"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "mark_usage_stale_from_new"();
DROP TRIGGER IF EXISTS "activity_log_mark_stale_update_new" ON "activity_log";
CREATE TRIGGER "activity_log_mark_stale_update_new" AFTER UPDATE ON "activity_log"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "mark_usage_stale_from_new"();
DROP TRIGGER IF EXISTS "activity_log_mark_stale_update_old" ON "activity_log";
CREATE TRIGGER "activity_log_mark_stale_update_old" AFTER UPDATE ON "activity_log"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "mark_usage_stale_from_old"();
DROP TRIGGER IF EXISTS "activity_log_mark_stale_delete" ON "activity_log";
CREATE TRIGGER "activity_log_mark_stale_delete" AFTER DELETE ON "activity_log"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "mark_usage_stale_from_old"();
DROP TRIGGER IF EXISTS "activity_log_mark_stale_truncate" ON "activity_log";
CREATE TRIGGER "activity_log_mark_stale_truncate" AFTER TRUNCATE ON "activity_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "mark_usage_stale_all"();
