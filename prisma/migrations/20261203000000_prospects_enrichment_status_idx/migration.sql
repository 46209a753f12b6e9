-- platformPulse: prospects per enrichment_status, counted from the index alone.
CREATE INDEX CONCURRENTLY IF NOT EXISTS "prospects_enrichment_status_idx" ON "prospects" ("enrichment_status");
