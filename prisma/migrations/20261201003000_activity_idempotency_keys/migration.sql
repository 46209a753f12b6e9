-- recordActivity's idempotency keys, per user (not per tenant). A key row is
-- the first record's response, so a retry within 24 hours replays it exactly,
-- even if the platform later changes or deletes the activity_log row. The
-- primary key is what makes concurrent retries safe: the first insert wins,
-- the others wait for it and see the conflict. requested_at is the occurredAt
-- argument as sent (null when omitted), to tell a retry from another activity.
-- No foreign keys: activity_log and users belong to the platform.
CREATE TABLE IF NOT EXISTS "activity_idempotency_keys" (
    "user_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "activity_id" BIGINT NOT NULL,
    "tenant_id" UUID NOT NULL,
    "action_type" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(6),
    "occurred_at" TIMESTAMPTZ(6) NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "activity_idempotency_keys_pkey" PRIMARY KEY ("user_id", "key")
);

-- Expired keys (created_at older than 24 hours) are replaced when reused; this
-- index lets a purge of the others scan only them. The table is new and the
-- gateway's own, so a plain CREATE INDEX blocks no one.
CREATE INDEX IF NOT EXISTS "activity_idempotency_keys_created_at_idx" ON "activity_idempotency_keys" ("created_at");
