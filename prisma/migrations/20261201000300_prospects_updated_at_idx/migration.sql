-- Enrichment health: prospects by updated_at date.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "prospects_updated_at_idx" ON "prospects" ("updated_at");
