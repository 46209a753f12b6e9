-- The healer's ticks (ROLLUP_HEAL_CRON), claimed like the daily ones: the one
-- replica whose insert of the slot wins rolls that tick's batch of dates.
-- A table of their own, not a kind column in rollup_ticks: a heal slot may be
-- the daily schedule's instant too, and a replica of the previous version
-- still claims with ON CONFLICT (slot) during a rolling deploy.
CREATE TABLE IF NOT EXISTS "rollup_heal_ticks" (
    "slot" TIMESTAMPTZ(6) NOT NULL,
    "replica" TEXT NOT NULL,
    "claimed_at" TIMESTAMPTZ(6) NOT NULL DEFAULT now(),
    CONSTRAINT "rollup_heal_ticks_pkey" PRIMARY KEY ("slot")
);
