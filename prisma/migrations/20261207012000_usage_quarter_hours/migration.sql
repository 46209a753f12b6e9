-- Tenant-local dates from one set of rollups (issue 16). A date in any zone is a run of whole quarter hours of UTC
-- dates (every zone's offset has been a whole number of quarter hours since 1979), so the rollup of UTC date D also
-- writes, per tenant and for all tenants, the running sums of D's counts through each quarter hour (0 to 95) that
-- has rows. The part of D before a local midnight is then one row (the running sums before it) and the rest D's
-- totals less those, exactly. usage_metrics_daily keeps its meaning (UTC dates); each of its rows gains the quarters its
-- user was active in, so distinct active users of a local date need no raw rows either. usage_deltas record the
-- quarter of their rows, so a date's late rows are placed as exactly.

-- Writers wait until this commits: the trigger below and the new origin are read without a write in between.
LOCK TABLE "activity_log" IN SHARE MODE;

CREATE TABLE IF NOT EXISTS "usage_metrics_quarter_hourly" (
    "tenant_id" UUID NOT NULL,
    "date" DATE NOT NULL,
    "quarter" SMALLINT NOT NULL,
    "total_logins" INTEGER NOT NULL DEFAULT 0,
    "searches_executed" INTEGER NOT NULL DEFAULT 0,
    "profiles_viewed" INTEGER NOT NULL DEFAULT 0,
    "profiles_enriched" INTEGER NOT NULL DEFAULT 0,
    "csv_exports" INTEGER NOT NULL DEFAULT 0,
    "lists_created" INTEGER NOT NULL DEFAULT 0,
    "personas_created" INTEGER NOT NULL DEFAULT 0,
    "lookalike_searches" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "usage_metrics_quarter_hourly_pkey" PRIMARY KEY ("tenant_id", "date", "quarter")
);
-- The rollup's rewrite of a date (its deletes of quarters that lost their rows) and all tenants' reads of a date.
CREATE INDEX IF NOT EXISTS "usage_metrics_quarter_hourly_date_idx" ON "usage_metrics_quarter_hourly" ("date");

CREATE TABLE IF NOT EXISTS "usage_metrics_quarter_hourly_totals" (
    "date" DATE NOT NULL,
    "quarter" SMALLINT NOT NULL,
    "total_logins" INTEGER NOT NULL DEFAULT 0,
    "searches_executed" INTEGER NOT NULL DEFAULT 0,
    "profiles_viewed" INTEGER NOT NULL DEFAULT 0,
    "profiles_enriched" INTEGER NOT NULL DEFAULT 0,
    "csv_exports" INTEGER NOT NULL DEFAULT 0,
    "lists_created" INTEGER NOT NULL DEFAULT 0,
    "personas_created" INTEGER NOT NULL DEFAULT 0,
    "lookalike_searches" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "usage_metrics_quarter_hourly_totals_pkey" PRIMARY KEY ("date", "quarter")
);

-- Bit q (from the left) set when the user has a row in quarter q of the date. Null on rows written before this
-- migration; reads use it only on dates whose latest run wrote quarters (below).
ALTER TABLE "usage_metrics_daily" ADD COLUMN IF NOT EXISTS "quarters" BIT(96);

-- Whether the run wrote its date's quarter-hour rows and bits. Only such a run makes its date read from the rollup;
-- a date rolled up before (or by a replica still running the previous version during a rolling deploy) is read raw
-- until the healer rolls it again.
ALTER TABLE "rollup_runs" ADD COLUMN IF NOT EXISTS "wrote_quarters" BOOLEAN NOT NULL DEFAULT false;

-- Null on deltas written before this migration. Their dates lie before the new origin below and their rollups did
-- not write quarters, so they are read raw until rolled again, which deletes them.
ALTER TABLE "usage_deltas" ADD COLUMN IF NOT EXISTS "quarter" SMALLINT;

CREATE OR REPLACE FUNCTION "record_usage_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_deltas (date, quarter, tenant_id, user_id, total_logins, searches_executed, profiles_viewed,
         profiles_enriched, csv_exports, lists_created, personas_created, lookalike_searches)
  SELECT (created_at AT TIME ZONE 'UTC')::date,
         -- The quarter hour of the UTC date, from the epoch (a UTC day is 96 whole quarters), as quarterOf in
         -- src/daily-usage/windows.ts.
         ((floor(date_part('epoch', created_at) / 900)::bigint % 96 + 96) % 96)::smallint,
         tenant_id, user_id,
         count(*) FILTER (WHERE action_type = 'login'),
         count(*) FILTER (WHERE action_type = 'search_executed'),
         count(*) FILTER (WHERE action_type = 'profile_viewed'),
         count(*) FILTER (WHERE action_type = 'profile_enriched'),
         count(*) FILTER (WHERE action_type = 'csv_exported'),
         count(*) FILTER (WHERE action_type = 'list_created'),
         count(*) FILTER (WHERE action_type = 'persona_created'),
         count(*) FILTER (WHERE action_type = 'lookalike_search')
    FROM new_rows
   WHERE created_at IS NOT NULL
   GROUP BY 1, 2, 3, 4;
  RETURN NULL;
END $$;

-- From the day after the latest row on, every date's deltas carry quarters (on an empty table, every date).
UPDATE "usage_deltas_origin"
   SET "since" = greatest("since", coalesce((SELECT (max(created_at) AT TIME ZONE 'UTC')::date + 1 FROM activity_log),
                                            "since"));
