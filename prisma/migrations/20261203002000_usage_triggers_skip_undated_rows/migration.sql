-- An adopted platform table may let activity_log.created_at be NULL. Such a row falls on no date: no window and
-- no rollup counts it, so it has no delta either, and the platform's INSERT must not fail on usage_deltas' NOT
-- NULL date (which the trigger of migration 20261201004000 would have written).
CREATE OR REPLACE FUNCTION "record_usage_deltas"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO usage_deltas (date, tenant_id, user_id, total_logins, searches_executed, profiles_viewed,
         profiles_enriched, csv_exports, lists_created, personas_created, lookalike_searches)
  SELECT (created_at AT TIME ZONE 'UTC')::date, tenant_id, user_id,
         count(*) FILTER (WHERE action_type = 'login'),
         count(*) FILTER (WHERE action_type = 'search_executed'),
         count(*) FILTER (WHERE action_type = 'profile_viewed'),
         count(*) FILTER (WHERE action_type = 'profile_enriched'),
         count(*) FILTER (WHERE action_type = 'csv_exported'),
         count(*) FILTER (WHERE action_type = 'list_created'),
         count(*) FILTER (WHERE action_type = 'persona_created'),
         count(*) FILTER (WHERE action_type = 'lookalike_search')
    FROM new_rows
   WHERE created_at IS NOT NULL
   GROUP BY 1, 2, 3;
  RETURN NULL;
END $$;

-- Likewise an UPDATE or DELETE of such a row: it touched no date, and usage_stale_dates' key is not null.
CREATE OR REPLACE FUNCTION "mark_usage_stale_dates"(dates date[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  dates := array_remove(dates, NULL);
  LOOP
    INSERT INTO usage_stale_dates (date) SELECT unnest(dates) ON CONFLICT (date) DO NOTHING;
    PERFORM 1 FROM usage_stale_dates WHERE date = ANY (dates) FOR KEY SHARE;
    EXIT WHEN (SELECT count(*) FROM usage_stale_dates WHERE date = ANY (dates)) = cardinality(dates);
  END LOOP;
END $$;
