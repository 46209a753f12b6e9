-- One tenant's window (usage, funnel, tenant activity, lastActive).
CREATE INDEX CONCURRENTLY IF NOT EXISTS "activity_log_tenant_id_created_at_idx"
  ON "activity_log" ("tenant_id", "created_at") INCLUDE ("user_id", "action_type");
