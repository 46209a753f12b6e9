-- A writer of activity_log must hold a lock on the stale mark of every date it
-- touched until it commits. With ON CONFLICT DO NOTHING alone it holds none
-- when the mark already exists: the rollup could then delete the mark and take
-- its snapshot before the writer commits, and the writer's rows would be
-- neither counted nor marked. A KEY SHARE lock lets writers share the mark
-- while the rollup's DELETE of it waits for them to commit, then sees their
-- rows. If a rollup deleted the mark between our insert and our lock, insert again.
CREATE OR REPLACE FUNCTION "mark_usage_stale_dates"(dates date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  LOOP
    INSERT INTO usage_stale_dates (date) SELECT unnest(dates) ON CONFLICT (date) DO NOTHING;
    PERFORM 1 FROM usage_stale_dates WHERE date = ANY (dates) FOR KEY SHARE;
    EXIT WHEN (SELECT count(*) FROM usage_stale_dates WHERE date = ANY (dates)) = cardinality(dates);
  END LOOP;
END $$;

CREATE OR REPLACE FUNCTION "mark_usage_stale_from_new"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_usage_stale_dates(ARRAY(SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM new_rows));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION "mark_usage_stale_from_old"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM mark_usage_stale_dates(ARRAY(SELECT DISTINCT (created_at AT TIME ZONE 'UTC')::date FROM old_rows));
  RETURN NULL;
END $$;
