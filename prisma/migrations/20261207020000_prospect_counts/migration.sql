-- The pulse's prospect counts and the error feed's total without reading prospects (issue 17): what they read grew
-- with the table. Every INSERT, UPDATE and DELETE of prospects appends, per statement, what it changed of two kinds
-- of counts, netted per group as enrichment_health_deltas are (an UPDATE that moves neither the status nor a failed
-- prospect's quarter writes nothing):
--   - prospects per enrichment_status (date and quarter NULL), every row whatever its updated_at: the pulse's total,
--     complete and failed;
--   - failed prospects per (UTC date, quarter hour 0 to 95 of that date) of updated_at: any zone's local dates are
--     whole quarters of UTC dates (windowPieces in src/daily-usage/windows.ts), so the error feed's total over 7 local
--     dates is an exact sum of these rows. A row without updated_at (an adopted table may allow one) falls on no date.
-- Append-only: concurrent writers never wait for each other. A group's count is the sum of its rows;
-- compact_prospect_count_deltas() (run after each rollup, beside compact_enrichment_health_deltas) folds them into one.
--
-- Writers are held off for the whole migration (SHARE conflicts with the ROW EXCLUSIVE lock of every INSERT, UPDATE
-- and DELETE, and with TRUNCATE's; a writer in progress is waited for): the rebuild below reads a snapshot of
-- prospects in which no write is missing, and every write after commit goes through the triggers, so each row
-- version is counted once. Lock order is prospects, then prospect_count_deltas, as a writer's trigger takes them.
LOCK TABLE "prospects" IN SHARE MODE;

CREATE TABLE IF NOT EXISTS "prospect_count_deltas" (
    "id" BIGSERIAL NOT NULL,
    "status" TEXT NOT NULL,
    "date" DATE,
    "quarter" SMALLINT,
    "prospects" INTEGER NOT NULL,
    CONSTRAINT "prospect_count_deltas_pkey" PRIMARY KEY ("id")
);
-- The pulse's rows apart from the dated ones, which grow with the platform's history.
CREATE INDEX IF NOT EXISTS "prospect_count_deltas_status_idx" ON "prospect_count_deltas" ("status")
  INCLUDE ("prospects") WHERE "date" IS NULL;
-- The error feed's dates.
CREATE INDEX IF NOT EXISTS "prospect_count_deltas_date_idx" ON "prospect_count_deltas" ("date", "quarter")
  INCLUDE ("prospects") WHERE "date" IS NOT NULL;

-- A row version as its entries, signed by `sign`: one per status, and one per (UTC date, quarter) when it is failed
-- and has an updated_at. The quarter from the epoch, as the usage triggers compute it (quarterOf in windows.ts).
CREATE OR REPLACE FUNCTION "prospect_count_entries"("enrichment_status" text, "updated_at" timestamptz, "sign" integer)
RETURNS TABLE ("status" text, "date" date, "quarter" smallint, "prospects" integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT enrichment_status, NULL::date, NULL::smallint, sign
  UNION ALL
  SELECT enrichment_status, (updated_at AT TIME ZONE 'UTC')::date,
         ((floor(date_part('epoch', updated_at) / 900)::bigint % 96 + 96) % 96)::smallint, sign
   WHERE enrichment_status = 'failed' AND updated_at IS NOT NULL
$$;

CREATE OR REPLACE FUNCTION "record_prospect_counts_inserted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO prospect_count_deltas (status, date, quarter, prospects)
  SELECT e.status, e.date, e.quarter, sum(e.prospects)
    FROM new_rows n CROSS JOIN LATERAL prospect_count_entries(n.enrichment_status, n.updated_at, 1) e
   GROUP BY e.status, e.date, e.quarter;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "record_prospect_counts_updated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO prospect_count_deltas (status, date, quarter, prospects)
  SELECT e.status, e.date, e.quarter, sum(e.prospects)
    FROM (SELECT enrichment_status, updated_at, 1 AS sign FROM new_rows
          UNION ALL SELECT enrichment_status, updated_at, -1 FROM old_rows) r
   CROSS JOIN LATERAL prospect_count_entries(r.enrichment_status, r.updated_at, r.sign) e
   GROUP BY e.status, e.date, e.quarter
  HAVING sum(e.prospects) <> 0;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "record_prospect_counts_deleted"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO prospect_count_deltas (status, date, quarter, prospects)
  SELECT e.status, e.date, e.quarter, sum(e.prospects)
    FROM old_rows o CROSS JOIN LATERAL prospect_count_entries(o.enrichment_status, o.updated_at, -1) e
   GROUP BY e.status, e.date, e.quarter;
  RETURN NULL;
END $$;

-- TRUNCATE leaves no prospect: no count stands.
CREATE OR REPLACE FUNCTION "clear_prospect_counts"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM prospect_count_deltas;
  RETURN NULL;
END $$;

-- Folds the rows of each (status, date, quarter) that has several into one, a NULL date and quarter being a key of
-- their own (as GROUP BY takes them); a group whose rows cancel out leaves none. One statement: rows appended
-- meanwhile are not in its snapshot, are not deleted, and still count. Returns how many rows it folded away.
CREATE OR REPLACE FUNCTION "compact_prospect_count_deltas"() RETURNS integer LANGUAGE sql AS $$
  WITH several AS (
    SELECT status, date, quarter FROM prospect_count_deltas GROUP BY status, date, quarter HAVING count(*) > 1
  ),
  gone AS (
    DELETE FROM prospect_count_deltas d USING several s
     WHERE d.status = s.status AND d.date IS NOT DISTINCT FROM s.date AND d.quarter IS NOT DISTINCT FROM s.quarter
    RETURNING d.status, d.date, d.quarter, d.prospects
  ),
  folded AS (
    INSERT INTO prospect_count_deltas (status, date, quarter, prospects)
    SELECT status, date, quarter, sum(prospects) FROM gone
     GROUP BY status, date, quarter
    HAVING sum(prospects) <> 0
    RETURNING 1
  )
  SELECT ((SELECT count(*) FROM gone) - (SELECT count(*) FROM folded))::int
$$;

DROP TRIGGER IF EXISTS "prospects_counts_insert" ON "prospects";
CREATE TRIGGER "prospects_counts_insert" AFTER INSERT ON "prospects"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "record_prospect_counts_inserted"();
DROP TRIGGER IF EXISTS "prospects_counts_update" ON "prospects";
CREATE TRIGGER "prospects_counts_update" AFTER UPDATE ON "prospects"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT
  EXECUTE FUNCTION "record_prospect_counts_updated"();
DROP TRIGGER IF EXISTS "prospects_counts_delete" ON "prospects";
CREATE TRIGGER "prospects_counts_delete" AFTER DELETE ON "prospects"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "record_prospect_counts_deleted"();
DROP TRIGGER IF EXISTS "prospects_counts_truncate" ON "prospects";
CREATE TRIGGER "prospects_counts_truncate" AFTER TRUNCATE ON "prospects"
  FOR EACH STATEMENT EXECUTE FUNCTION "clear_prospect_counts"();

-- Rebuilt from the prospects there now, under the lock taken above (so running this file again rebuilds again, as
-- exact).
DELETE FROM "prospect_count_deltas";
INSERT INTO "prospect_count_deltas" ("status", "date", "quarter", "prospects")
SELECT e.status, e.date, e.quarter, sum(e.prospects)
  FROM "prospects" p CROSS JOIN LATERAL prospect_count_entries(p.enrichment_status, p.updated_at, 1) e
 GROUP BY e.status, e.date, e.quarter;
