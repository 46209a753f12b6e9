-- Stale marks per (date, tenant) instead of per date (issue 12): a tenant's answer is read raw on a date only when
-- one of its own rows there was updated, deleted or truncated, so its figures and freshness never show another
-- tenant's erasures. An all-tenant answer, and the rollup, still take any mark of the date. A row without a tenant
-- (the contract says tenant_id is NOT NULL, but an adopted table may allow NULL) marks the nil uuid: it counts in
-- all-tenant answers only, and its UPDATE or DELETE must not fail on the primary key.
ALTER TABLE "usage_stale_dates" ADD COLUMN IF NOT EXISTS "tenant_id" UUID;
ALTER TABLE "usage_stale_dates" DROP CONSTRAINT IF EXISTS "usage_stale_dates_pkey";

-- A mark of the old kind names no tenant: it becomes a mark for every tenant whose figures of the date may differ
-- from its raw rows, that is every tenant with rolled-up rows, deltas or raw rows there.
INSERT INTO "usage_stale_dates" ("date", "tenant_id", "marked_at")
SELECT s."date", t."tenant_id", s."marked_at"
  FROM "usage_stale_dates" s
 CROSS JOIN LATERAL (
       SELECT m."tenant_id" FROM "usage_metrics_daily_tenant_totals" m WHERE m."date" = s."date"
       UNION SELECT d."tenant_id" FROM "usage_deltas" d WHERE d."date" = s."date"
       UNION SELECT coalesce(a."tenant_id", '00000000-0000-0000-0000-000000000000') FROM "activity_log" a
              WHERE a."created_at" >= (s."date"::timestamp AT TIME ZONE 'UTC')
                AND a."created_at" < ((s."date" + 1)::timestamp AT TIME ZONE 'UTC')) t
 WHERE s."tenant_id" IS NULL;
DELETE FROM "usage_stale_dates" WHERE "tenant_id" IS NULL;

ALTER TABLE "usage_stale_dates" ALTER COLUMN "tenant_id" SET NOT NULL,
  ADD CONSTRAINT "usage_stale_dates_pkey" PRIMARY KEY ("date", "tenant_id");

-- The lock protocol of migration 20261201001000, per (date, tenant): a writer holds a KEY SHARE lock on each mark
-- it needs until it commits, so the rollup's DELETE of a date's marks waits for it and then sees its rows. Marks
-- are taken in (date, tenant) order, so two writers inserting the same new marks never deadlock. `dates` and
-- `tenants` are pairs, index by index; undated pairs touched no date and are dropped.
CREATE OR REPLACE FUNCTION "mark_usage_stale"(dates date[], tenants uuid[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  held bigint;
BEGIN
  SELECT array_agg(p.date ORDER BY p.date, p.tenant_id), array_agg(p.tenant_id ORDER BY p.date, p.tenant_id)
    INTO dates, tenants
    FROM (SELECT DISTINCT u.date, coalesce(u.tenant_id, '00000000-0000-0000-0000-000000000000') AS tenant_id
            FROM unnest(dates, tenants) AS u(date, tenant_id) WHERE u.date IS NOT NULL) p;
  IF dates IS NULL THEN
    RETURN;
  END IF;
  LOOP
    INSERT INTO usage_stale_dates (date, tenant_id) SELECT * FROM unnest(dates, tenants)
    ON CONFLICT (date, tenant_id) DO NOTHING;
    -- If a rollup deleted a mark between our insert and our lock, the lock skips it: insert again.
    SELECT count(*) INTO held FROM (
      SELECT 1 FROM usage_stale_dates s
       WHERE (s.date, s.tenant_id) IN (SELECT * FROM unnest(dates, tenants))
         FOR KEY SHARE OF s) locked;
    EXIT WHEN held = cardinality(dates);
  END LOOP;
END $$;

-- A DELETE marks each (date, tenant) its rows leave; the aggregates read the same rows in the same order, so the
-- arrays stay paired.
CREATE OR REPLACE FUNCTION "mark_usage_stale_from_old"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_usage_stale(array_agg(p.date), array_agg(p.tenant_id))
     FROM (SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date AS date, tenant_id FROM old_rows) p;
  RETURN NULL;
END $$;

-- An UPDATE marks each (date, tenant) its rows leave as well as each they arrive at: a row moved from one tenant
-- or date to another marks both.
CREATE OR REPLACE FUNCTION "mark_usage_stale_from_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_usage_stale(array_agg(p.date), array_agg(p.tenant_id))
     FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS date, tenant_id FROM old_rows
           UNION SELECT (created_at AT TIME ZONE 'UTC')::date, tenant_id FROM new_rows) p;
  RETURN NULL;
END $$;

-- TRUNCATE leaves no rows to count: every (date, tenant) with rolled-up rows or deltas is stale, and no delta
-- stands. A tenant with neither on a date counted zero there, as it does now.
CREATE OR REPLACE FUNCTION "mark_usage_stale_all"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_usage_stale(array_agg(p.date), array_agg(p.tenant_id))
     FROM (SELECT date, tenant_id FROM usage_metrics_daily_tenant_totals
           UNION SELECT date, tenant_id FROM usage_deltas) p;
  DELETE FROM usage_deltas;
  RETURN NULL;
END $$;

DROP FUNCTION IF EXISTS "mark_usage_stale_dates"(date[]);
