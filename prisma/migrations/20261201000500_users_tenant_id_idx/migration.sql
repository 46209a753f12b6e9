-- A tenant's users (breakdowns, tenant activity).
CREATE INDEX CONCURRENTLY IF NOT EXISTS "users_tenant_id_idx" ON "users" ("tenant_id");
