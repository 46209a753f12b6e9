-- enrichmentHealth in any time zone (issue 16). Every write to prospects now records what it changed twice in
-- enrichment_health_deltas: per (UTC date, source) as before (quarter NULL), and per (UTC date, quarter hour of that
-- date, source) (quarter 0 to 95). Every zone's offset is a whole number of quarter hours, so a local date is a set
-- of whole quarters of UTC dates and its counts are exact sums of quarter rows (windowPieces in
-- src/daily-usage/windows.ts). A UTC date is still the sum of its quarter NULL rows: the UTC answer reads the same
-- rows as before, at the same speed, rather than 96 times as many. A reader sums one kind, never both.
--
-- Writers are held off for the whole migration: SHARE mode conflicts with the ROW EXCLUSIVE lock every INSERT, UPDATE
-- and DELETE of prospects takes (and with TRUNCATE's), and a writer already in progress is waited for. Both kinds are
-- then rebuilt from this snapshot of prospects, and every write after commit goes through the new trigger functions,
-- so each row version is counted once in each kind. Readers of prospects are not blocked. Lock order is prospects,
-- then enrichment_health_deltas, as a writer's trigger takes them, so the two never deadlock; the compaction (which
-- locks only the deltas) waits for this and then folds the new rows.
LOCK TABLE "prospects" IN SHARE MODE;

ALTER TABLE "enrichment_health_deltas" ADD COLUMN IF NOT EXISTS "quarter" SMALLINT;
-- Rebuilt below, both kinds (so running this file again rebuilds again, as exact under the lock).
DELETE FROM "enrichment_health_deltas";

-- The UTC answer's rows apart from the 96 times as many quarter rows. Not CONCURRENTLY: writers of prospects (whose
-- triggers write here) are held off by the lock above anyway, and the table is empty until the rebuild below.
CREATE INDEX IF NOT EXISTS "enrichment_health_deltas_date_whole_idx" ON "enrichment_health_deltas" ("date")
  WHERE "quarter" IS NULL;

-- Each entry of a row version's enrichment_source_status as (date, quarter, source, success, failed, seen), signed by
-- `sign`; the quarter is the quarter hour of the UTC date, 0 to 95, never NULL. The rules of migration
-- 20261203001000's enrichment_health_entries otherwise: a column value that is not a JSON object has no entries, nor
-- has a row without updated_at. A function of its own name: that one's return type cannot change in place, and every
-- migration must still run again in order (20261203001000 creates it again; the end of this file drops it again).
CREATE OR REPLACE FUNCTION "enrichment_health_quarter_entries"("updated_at" timestamptz, "status" jsonb, "sign" integer)
RETURNS TABLE ("date" date, "quarter" smallint, "source" text, "success" integer, "failed" integer, "seen" integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT u.at::date, (extract(hour FROM u.at)::int * 4 + extract(minute FROM u.at)::int / 15)::smallint, e.key,
         CASE WHEN coalesce(e.value -> 'status', e.value) = '"complete"' THEN sign ELSE 0 END,
         CASE WHEN coalesce(e.value -> 'status', e.value) = '"failed"' THEN sign ELSE 0 END,
         sign
    FROM (SELECT updated_at AT TIME ZONE 'UTC' AS at) u
   CROSS JOIN jsonb_each(CASE WHEN jsonb_typeof(status) = 'object' THEN status ELSE '{}' END) AS e
   WHERE updated_at IS NOT NULL
$$;

-- Both kinds in one INSERT: the grouping set (date, source) leaves quarter NULL, which no entry's quarter is.
CREATE OR REPLACE FUNCTION "record_enrichment_health_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO enrichment_health_deltas (date, quarter, source, success, failed, seen)
  SELECT e.date, e.quarter, e.source, sum(e.success), sum(e.failed), sum(e.seen)
    FROM new_rows n CROSS JOIN LATERAL enrichment_health_quarter_entries(n.updated_at, n.enrichment_source_status, 1) e
   GROUP BY GROUPING SETS ((e.date, e.source), (e.date, e.quarter, e.source));
  RETURN NULL;
END $$;

-- Netted per group: an UPDATE that moves neither the date nor the entries writes no per-date row, and one that moves
-- neither the quarter nor the entries writes nothing.
CREATE OR REPLACE FUNCTION "record_enrichment_health_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO enrichment_health_deltas (date, quarter, source, success, failed, seen)
  SELECT e.date, e.quarter, e.source, sum(e.success), sum(e.failed), sum(e.seen)
    FROM (SELECT updated_at, enrichment_source_status, 1 AS sign FROM new_rows
          UNION ALL SELECT updated_at, enrichment_source_status, -1 FROM old_rows) r
   CROSS JOIN LATERAL enrichment_health_quarter_entries(r.updated_at, r.enrichment_source_status, r.sign) e
   GROUP BY GROUPING SETS ((e.date, e.source), (e.date, e.quarter, e.source))
  HAVING sum(e.success) <> 0 OR sum(e.failed) <> 0 OR sum(e.seen) <> 0;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "record_enrichment_health_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO enrichment_health_deltas (date, quarter, source, success, failed, seen)
  SELECT e.date, e.quarter, e.source, sum(e.success), sum(e.failed), sum(e.seen)
    FROM old_rows o CROSS JOIN LATERAL enrichment_health_quarter_entries(o.updated_at, o.enrichment_source_status, -1) e
   GROUP BY GROUPING SETS ((e.date, e.source), (e.date, e.quarter, e.source));
  RETURN NULL;
END $$;

-- Folds the rows of each (date, quarter, source) that has several into one, a NULL quarter being a key of its own (as
-- GROUP BY takes it): one statement, so rows appended meanwhile are not in its snapshot, are not deleted, and still
-- count. Folded, the table holds at most dates x sources per-date rows and 96 times as many quarter rows.
CREATE OR REPLACE FUNCTION "compact_enrichment_health_deltas"() RETURNS integer LANGUAGE sql AS $$
  WITH several AS (
    SELECT date, quarter, source FROM enrichment_health_deltas GROUP BY date, quarter, source HAVING count(*) > 1
  ),
  gone AS (
    DELETE FROM enrichment_health_deltas d USING several s
     WHERE d.date = s.date AND d.quarter IS NOT DISTINCT FROM s.quarter AND d.source = s.source
    RETURNING d.date, d.quarter, d.source, d.success, d.failed, d.seen
  ),
  folded AS (
    INSERT INTO enrichment_health_deltas (date, quarter, source, success, failed, seen)
    SELECT date, quarter, source, sum(success), sum(failed), sum(seen) FROM gone
     GROUP BY date, quarter, source
    HAVING sum(success) <> 0 OR sum(failed) <> 0 OR sum(seen) <> 0
    RETURNING 1
  )
  SELECT ((SELECT count(*) FROM gone) - (SELECT count(*) FROM folded))::int
$$;

-- Both kinds for the prospects there now, under the lock taken above.
INSERT INTO "enrichment_health_deltas" ("date", "quarter", "source", "success", "failed", "seen")
SELECT e.date, e.quarter, e.source, sum(e.success), sum(e.failed), sum(e.seen)
  FROM "prospects" p CROSS JOIN LATERAL enrichment_health_quarter_entries(p.updated_at, p.enrichment_source_status, 1) e
 GROUP BY GROUPING SETS ((e.date, e.source), (e.date, e.quarter, e.source));

-- The per-date entries of 20261203001000, which nothing calls any more.
DROP FUNCTION IF EXISTS "enrichment_health_entries"(timestamptz, jsonb, integer);
