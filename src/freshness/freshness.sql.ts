import DataLoader from "dataloader";
import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";
import { rollupMissing } from "../rollup/rollup.sql";
import type { LoaderDefinition } from "../server/context";
import { usageDateSource, windowBounds, type UsageWindow } from "../usage/usage.sql";

export interface FreshnessRow {
  asOf: Date;
  rolledUpThrough: string | null;
  liveDates: string[];
  missingDates: string[];
}

/**
 * The window of an answer: its first and last UTC date, or the `days` dates
 * ending today; `readsRollup` when the answer reads rolled-up dates from the
 * rollup (usage), not only raw tables.
 */
export type FreshnessWindow = UsageWindow & { readsRollup: boolean };

/**
 * Freshness (issue 8): asOf is the statement's clock; rolledUpThrough the
 * latest date served from its rollup (usageDateSource); liveDates the
 * window's dates not served so (all of them for raw-only answers);
 * missingDates the window's dates with a missing rollup (rollupMissing).
 */
async function readFreshness(db: Database, window: FreshnessWindow): Promise<FreshnessRow> {
  const { start, count } = windowBounds(window);
  const rows = await db.prisma.$queryRaw<FreshnessRow[]>`
    WITH days AS (
      SELECT d.day, ${usageDateSource(Prisma.sql`d.day`)} AS source, ${rollupMissing(Prisma.sql`d.day`)} AS missing
        FROM (SELECT ${start} + i AS day FROM generate_series(0, ${count} - 1) AS i) d
    )
    SELECT now() AS "asOf",
      (SELECT to_char(r.date, 'YYYY-MM-DD')
         FROM (SELECT DISTINCT date FROM rollup_runs WHERE status = 'succeeded') r
        WHERE ${usageDateSource(Prisma.sql`r.date`)} = 'rollup'
        ORDER BY r.date DESC LIMIT 1) AS "rolledUpThrough",
      coalesce(array_agg(to_char(day, 'YYYY-MM-DD') ORDER BY day)
        FILTER (WHERE NOT ${window.readsRollup}::boolean OR source <> 'rollup'), '{}') AS "liveDates",
      coalesce(array_agg(to_char(day, 'YYYY-MM-DD') ORDER BY day) FILTER (WHERE missing), '{}') AS "missingDates"
    FROM days`;
  return rows[0];
}

/** One statement per distinct window of a request: every tenant of tenantActivity shares one. */
export const freshnessLoader: LoaderDefinition<FreshnessWindow, FreshnessRow> = (db) =>
  new DataLoader((windows) => Promise.all(windows.map((window) => readFreshness(db, window))), {
    cacheKeyFn: (window) => JSON.stringify(window),
  });
