-- Window scans over all tenants (pulse, funnel, all-tenant usage). Covering, so
-- counts are index-only scans. CONCURRENTLY: the platform keeps writing; it
-- must be the only statement of its migration (no transaction).
CREATE INDEX CONCURRENTLY IF NOT EXISTS "activity_log_created_at_idx"
  ON "activity_log" ("created_at") INCLUDE ("tenant_id", "user_id", "action_type");
