-- Each tenant's counts per date, so a tenant's daily series reads one row per
-- clean date instead of one per (tenant, user): a large tenant has hundreds
-- of users a day. Written, like usage_metrics_daily_totals, by the rollup of
-- D in the statement that rewrites D's rows; a tenant with no rows on D has no row.
CREATE TABLE IF NOT EXISTS "usage_metrics_daily_tenant_totals" (
    "tenant_id" UUID NOT NULL,
    "date" DATE NOT NULL,
    "total_logins" INTEGER NOT NULL DEFAULT 0,
    "searches_executed" INTEGER NOT NULL DEFAULT 0,
    "profiles_viewed" INTEGER NOT NULL DEFAULT 0,
    "profiles_enriched" INTEGER NOT NULL DEFAULT 0,
    "csv_exports" INTEGER NOT NULL DEFAULT 0,
    "lists_created" INTEGER NOT NULL DEFAULT 0,
    "personas_created" INTEGER NOT NULL DEFAULT 0,
    "lookalike_searches" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "usage_metrics_daily_tenant_totals_pkey" PRIMARY KEY ("tenant_id", "date")
);

-- Dates rolled up before this table existed: as for the all-tenant totals
-- (migration 20261201002000), a clean date's rows sum to its exact totals,
-- and a stale one is read raw until its next rollup rewrites both.
INSERT INTO "usage_metrics_daily_tenant_totals" ("tenant_id", "date", "total_logins", "searches_executed",
    "profiles_viewed", "profiles_enriched", "csv_exports", "lists_created", "personas_created", "lookalike_searches")
SELECT "tenant_id", "date", sum("total_logins"), sum("searches_executed"), sum("profiles_viewed"),
    sum("profiles_enriched"), sum("csv_exports"), sum("lists_created"), sum("personas_created"), sum("lookalike_searches")
FROM "usage_metrics_daily"
GROUP BY "tenant_id", "date"
ON CONFLICT ("tenant_id", "date") DO NOTHING;
