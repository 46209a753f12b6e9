-- All tenants' counts per date, so the all-tenant usage reads one row per
-- clean date instead of every (tenant, user) row of it. The rollup of D
-- rewrites D's row in the transaction that rewrites D's usage_metrics_daily
-- rows; a date with no rows has no row.
CREATE TABLE IF NOT EXISTS "usage_metrics_daily_totals" (
    "date" DATE NOT NULL,
    "total_logins" INTEGER NOT NULL DEFAULT 0,
    "searches_executed" INTEGER NOT NULL DEFAULT 0,
    "profiles_viewed" INTEGER NOT NULL DEFAULT 0,
    "profiles_enriched" INTEGER NOT NULL DEFAULT 0,
    "csv_exports" INTEGER NOT NULL DEFAULT 0,
    "lists_created" INTEGER NOT NULL DEFAULT 0,
    "personas_created" INTEGER NOT NULL DEFAULT 0,
    "lookalike_searches" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "usage_metrics_daily_totals_pkey" PRIMARY KEY ("date")
);

-- Dates rolled up before this table existed. A clean date's usage_metrics_daily
-- rows are exact, so their sums are its exact totals; a stale date's sums may
-- be wrong, but a stale date is read raw, and its next rollup rewrites both.
-- DO NOTHING: a row already there was written by a rollup, with the rows it wrote.
INSERT INTO "usage_metrics_daily_totals" ("date", "total_logins", "searches_executed", "profiles_viewed",
    "profiles_enriched", "csv_exports", "lists_created", "personas_created", "lookalike_searches")
SELECT "date", sum("total_logins"), sum("searches_executed"), sum("profiles_viewed"), sum("profiles_enriched"),
    sum("csv_exports"), sum("lists_created"), sum("personas_created"), sum("lookalike_searches")
FROM "usage_metrics_daily"
GROUP BY "date"
ON CONFLICT ("date") DO NOTHING;
