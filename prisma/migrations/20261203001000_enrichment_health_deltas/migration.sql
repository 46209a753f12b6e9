-- enrichmentHealth without reading prospects. Every INSERT, UPDATE and DELETE
-- of prospects appends, per statement, what it changed of the counts per
-- (UTC date of updated_at, source): +1 per entry of each new row version,
-- -1 per entry of each old one, netted per (date, source), so an UPDATE that
-- moves neither the date nor the entries writes nothing. success and failed
-- count entries whose status (a string, or an object's string status) is
-- "complete" / "failed"; seen counts every entry, so a source is listed when
-- any entry of it falls in the window. Append-only, like usage_deltas:
-- concurrent writers never wait for each other. A date's figures are the sum
-- of its rows; compact_enrichment_health_deltas() (run after each rollup)
-- folds them into one row per (date, source).
CREATE TABLE IF NOT EXISTS "enrichment_health_deltas" (
    "id" BIGSERIAL NOT NULL,
    "date" DATE NOT NULL,
    "source" TEXT NOT NULL,
    "success" INTEGER NOT NULL DEFAULT 0,
    "failed" INTEGER NOT NULL DEFAULT 0,
    "seen" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "enrichment_health_deltas_pkey" PRIMARY KEY ("id")
);
CREATE INDEX IF NOT EXISTS "enrichment_health_deltas_date_idx" ON "enrichment_health_deltas" ("date");

-- Each entry of a row version's enrichment_source_status as (date, source, success, failed, seen), signed by
-- `sign`. A column value that is not a JSON object has no entries, and neither has a row without updated_at (an
-- adopted platform table may allow one): it falls on no date, so no window counts it, and a platform's write of
-- such a row must not fail on this table's NOT NULL date.
CREATE OR REPLACE FUNCTION "enrichment_health_entries"("updated_at" timestamptz, "status" jsonb, "sign" integer)
RETURNS TABLE ("date" date, "source" text, "success" integer, "failed" integer, "seen" integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (updated_at AT TIME ZONE 'UTC')::date, e.key,
         CASE WHEN coalesce(e.value -> 'status', e.value) = '"complete"' THEN sign ELSE 0 END,
         CASE WHEN coalesce(e.value -> 'status', e.value) = '"failed"' THEN sign ELSE 0 END,
         sign
    FROM jsonb_each(CASE WHEN jsonb_typeof(status) = 'object' THEN status ELSE '{}' END) AS e
   WHERE updated_at IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION "record_enrichment_health_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO enrichment_health_deltas (date, source, success, failed, seen)
  SELECT e.date, e.source, sum(e.success), sum(e.failed), sum(e.seen)
    FROM new_rows n CROSS JOIN LATERAL enrichment_health_entries(n.updated_at, n.enrichment_source_status, 1) e
   GROUP BY e.date, e.source;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "record_enrichment_health_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO enrichment_health_deltas (date, source, success, failed, seen)
  SELECT e.date, e.source, sum(e.success), sum(e.failed), sum(e.seen)
    FROM (SELECT updated_at, enrichment_source_status, 1 AS sign FROM new_rows
          UNION ALL SELECT updated_at, enrichment_source_status, -1 FROM old_rows) r
   CROSS JOIN LATERAL enrichment_health_entries(r.updated_at, r.enrichment_source_status, r.sign) e
   GROUP BY e.date, e.source
  HAVING sum(e.success) <> 0 OR sum(e.failed) <> 0 OR sum(e.seen) <> 0;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "record_enrichment_health_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO enrichment_health_deltas (date, source, success, failed, seen)
  SELECT e.date, e.source, sum(e.success), sum(e.failed), sum(e.seen)
    FROM old_rows o CROSS JOIN LATERAL enrichment_health_entries(o.updated_at, o.enrichment_source_status, -1) e
   GROUP BY e.date, e.source;
  RETURN NULL;
END $$;

-- TRUNCATE leaves no prospect: no entry stands.
CREATE OR REPLACE FUNCTION "clear_enrichment_health"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM enrichment_health_deltas;
  RETURN NULL;
END $$;

-- Folds the rows of each (date, source) that has several into one; a (date, source) whose rows cancel out leaves
-- none. Returns how many rows it folded away (0 when every (date, source) has one row, which costs one grouped scan
-- of a table of dates x sources). One statement: rows that writers append meanwhile are not in its snapshot, are not
-- deleted, and still count.
CREATE OR REPLACE FUNCTION "compact_enrichment_health_deltas"() RETURNS integer LANGUAGE sql AS $$
  WITH several AS (
    SELECT date, source FROM enrichment_health_deltas GROUP BY date, source HAVING count(*) > 1
  ),
  gone AS (
    DELETE FROM enrichment_health_deltas d USING several s
     WHERE d.date = s.date AND d.source = s.source
    RETURNING d.date, d.source, d.success, d.failed, d.seen
  ),
  folded AS (
    INSERT INTO enrichment_health_deltas (date, source, success, failed, seen)
    SELECT date, source, sum(success), sum(failed), sum(seen) FROM gone
     GROUP BY date, source
    HAVING sum(success) <> 0 OR sum(failed) <> 0 OR sum(seen) <> 0
    RETURNING 1
  )
  SELECT ((SELECT count(*) FROM gone) - (SELECT count(*) FROM folded))::int
$$;

DROP TRIGGER IF EXISTS "prospects_enrichment_health_insert" ON "prospects";
CREATE TRIGGER "prospects_enrichment_health_insert" AFTER INSERT ON "prospects"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "record_enrichment_health_inserted"();
DROP TRIGGER IF EXISTS "prospects_enrichment_health_update" ON "prospects";
CREATE TRIGGER "prospects_enrichment_health_update" AFTER UPDATE ON "prospects"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION "record_enrichment_health_updated"();
DROP TRIGGER IF EXISTS "prospects_enrichment_health_delete" ON "prospects";
CREATE TRIGGER "prospects_enrichment_health_delete" AFTER DELETE ON "prospects"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "record_enrichment_health_deleted"();
DROP TRIGGER IF EXISTS "prospects_enrichment_health_truncate" ON "prospects";
CREATE TRIGGER "prospects_enrichment_health_truncate" AFTER TRUNCATE ON "prospects"
  FOR EACH STATEMENT EXECUTE FUNCTION "clear_enrichment_health"();

-- The prospects already there (a platform's table the gateway adopts). CREATE TRIGGER above waited for writers in
-- progress and holds off new ones until this migration commits, so this snapshot plus the trigger's rows from then on
-- count every row version once. Only into an empty table, so that applying this file again adds nothing twice.
INSERT INTO "enrichment_health_deltas" ("date", "source", "success", "failed", "seen")
SELECT e.date, e.source, sum(e.success), sum(e.failed), sum(e.seen)
  FROM "prospects" p CROSS JOIN LATERAL enrichment_health_entries(p.updated_at, p.enrichment_source_status, 1) e
 WHERE NOT EXISTS (SELECT 1 FROM "enrichment_health_deltas")
 GROUP BY e.date, e.source;
