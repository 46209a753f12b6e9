-- recordActivity's idempotency keys per (tenant, user, key) instead of per
-- (user, key): the same user's key in a token of tenant B and then of tenant A
-- replayed B's record to A and wrote nothing in A. The primary key is what
-- serialises racing retries, so it becomes the three columns. Run again, it
-- finds the primary key already covering tenant_id and does nothing. Keys
-- claimed before stay valid (each row already holds its tenant). The table is
-- the gateway's own and small (a day of keys), so rebuilding its primary key
-- blocks no one for long.
DO $$
BEGIN
  IF NOT EXISTS (
    SELECT FROM pg_index i
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = '"activity_idempotency_keys"'::regclass AND i.indisprimary AND a.attname = 'tenant_id'
  ) THEN
    ALTER TABLE "activity_idempotency_keys"
      DROP CONSTRAINT "activity_idempotency_keys_pkey",
      ADD CONSTRAINT "activity_idempotency_keys_pkey" PRIMARY KEY ("tenant_id", "user_id", "key");
  END IF;
END
$$;
