-- The error feed: failed prospects, newest first, then id.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "prospects_failed_updated_at_idx"
  ON "prospects" ("updated_at" DESC, "id") WHERE "enrichment_status" = 'failed';
