-- One tenant's rolled-up dates (usage series and breakdown): covering, so they
-- are index-only scans of one contiguous range per date, not a heap fetch per
-- (tenant, user) row scattered over the day's pages.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "usage_metrics_daily_tenant_id_date_idx"
  ON "usage_metrics_daily" ("tenant_id", "date")
  INCLUDE ("user_id", "total_logins", "searches_executed", "profiles_viewed", "profiles_enriched", "csv_exports",
           "lists_created", "personas_created", "lookalike_searches");
