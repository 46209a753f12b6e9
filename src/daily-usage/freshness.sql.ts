import DataLoader from "dataloader";
import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";
import { rollupMissing, usageDateSource } from "./exactness.sql";
import { localDate, utcMidnight, windowBounds, windowPieces, type TimeZoneName, type UsageWindow } from "./windows";

export interface FreshnessRow {
  asOf: Date;
  rolledUpThrough: string | null;
  liveDates: string[];
  missingDates: string[];
}

/**
 * The window of an answer: its first and last date, or the `days` dates
 * ending today, in `zone`; `readsRollup` when the answer reads rolled-up dates from the
 * rollup (usage), not only raw tables; `tenantId` the one tenant whose rows
 * the answer counts, null when it counts every tenant's.
 */
export type FreshnessWindow = UsageWindow & { zone: TimeZoneName; readsRollup: boolean; tenantId: string | null };

/**
 * Freshness (issues 8, 12 and 16): asOf is the statement's clock; rolledUpThrough
 * the latest date served from its rollup (usageDateSource), in the answer's zone
 * the latest local date whose UTC dates all lie on or before it; liveDates the
 * window's dates not served so, a local date being served so when every UTC date
 * it has pieces of is (all of them for raw-only answers); missingDates the
 * window's dates with a piece on a missing rollup date (rollupMissing). All
 * for the answer's tenant scope, as its figures were read: a one-tenant
 * answer's freshness depends only on that tenant's rows and the runs of the
 * rollup, never on another tenant's writes.
 */
async function readFreshness(db: Database, window: FreshnessWindow): Promise<FreshnessRow> {
  const { tenantId, zone } = window;
  const rows = await db.prisma.$queryRaw<FreshnessRow[]>`
    WITH ${windowPieces(windowBounds(window, zone))},
    days AS (
      SELECT d.day, ${usageDateSource(Prisma.sql`d.day`, tenantId)} AS source,
             ${rollupMissing(Prisma.sql`d.day`, tenantId)} AS missing
        FROM (SELECT DISTINCT day FROM pieces) d
    ),
    local_days AS (
      SELECT p.local_day AS day, bool_and(days.source = 'rollup') AS rolled_up, bool_or(days.missing) AS missing
        FROM pieces p JOIN days ON days.day = p.day
       GROUP BY p.local_day
    )
    SELECT ${asOfClock} AS "asOf",
      (SELECT to_char(${localDate(utcMidnight(Prisma.sql`r.date + 1`), zone)} - 1, 'YYYY-MM-DD')
         FROM (SELECT DISTINCT date FROM rollup_runs WHERE status = 'succeeded') r
        WHERE ${usageDateSource(Prisma.sql`r.date`, tenantId)} = 'rollup'
        ORDER BY r.date DESC LIMIT 1) AS "rolledUpThrough",
      coalesce(array_agg(to_char(day, 'YYYY-MM-DD') ORDER BY day)
        FILTER (WHERE NOT ${window.readsRollup}::boolean OR NOT rolled_up), '{}') AS "liveDates",
      coalesce(array_agg(to_char(day, 'YYYY-MM-DD') ORDER BY day) FILTER (WHERE missing), '{}') AS "missingDates"
    FROM local_days`;
  return rows[0];
}

/**
 * asOf on a read replica (src/db/read-replica.ts): its clock while it streams from the primary and has replayed all
 * it received (the primary sends WAL as it writes it, so that is the primary's present); else the commit time of the
 * last transaction it replayed. On the primary, or a replica that has replayed nothing since it started (the gateway
 * reads from it only once it has caught up), the statement's clock.
 */
const asOfClock = Prisma.sql`CASE
  WHEN pg_is_in_recovery()
   AND (pg_last_wal_receive_lsn() IS DISTINCT FROM pg_last_wal_replay_lsn()
        OR NOT EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming'))
  THEN coalesce(pg_last_xact_replay_timestamp(), now())
  ELSE now() END`;

/**
 * One statement per distinct window and tenant scope of a request: every tenant of tenantActivity shares one. A
 * server/context LoaderDefinition, written out so that the core imports nothing of the request's context.
 */
export const freshnessLoader = (db: Database): DataLoader<FreshnessWindow, FreshnessRow> =>
  new DataLoader((windows) => Promise.all(windows.map((window) => readFreshness(db, window))), {
    cacheKeyFn: (window) => JSON.stringify(window),
  });
