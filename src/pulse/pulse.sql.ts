import type { Database } from "../db/database";
import { activeUsersPerDay } from "../daily-usage/exactness.sql";
import { todayIn, windowBounds, type TimeZoneName } from "../daily-usage/windows";

export interface PlatformPulseRow {
  totalProspects: number;
  enrichedProspects: number;
  enrichmentCoverage: number;
  enrichmentFailed: number;
  activeUsersToday: number;
  activeUsers7dAvg: number;
}

/** The 7 dates before today and today (in the answer's zone): activeUsers7dAvg's and activeUsersToday's, the window pulse reads. */
export const PULSE_WINDOW = { days: 8 };

/**
 * PlatformPulse (contract): prospect counts and daily active users over every
 * row, whatever its tenant. numeric round() rounds half away from zero. The
 * prospect counts are the per-status rows of prospect_count_deltas (date NULL),
 * which the prospects triggers keep exact (migration 20261207020000): a read
 * that stays flat as prospects grow. A user is active on a date when they have
 * an activity_log row there (an unknown action type too): activeUsersPerDay,
 * which reads a rolled-up date's count and its deltas, raw rows only where it
 * must. A date with no row adds 0 to the mean. Dates are `zone`'s.
 */
export async function readPlatformPulse(db: Database, zone: TimeZoneName): Promise<PlatformPulseRow> {
  const today = todayIn(zone);
  const [row] = await db.prisma.$queryRaw<PlatformPulseRow[]>`
    WITH prospect_counts AS (
      SELECT coalesce(sum(prospects), 0)::int AS total,
             coalesce(sum(prospects) FILTER (WHERE status = 'complete'), 0)::int AS enriched,
             coalesce(sum(prospects) FILTER (WHERE status = 'failed'), 0)::int AS failed
        FROM prospect_count_deltas
       WHERE date IS NULL
    ),
    ${activeUsersPerDay(windowBounds(PULSE_WINDOW, zone))},
    active AS (
      SELECT coalesce(sum(users) FILTER (WHERE day = ${today}), 0)::int AS today,
             coalesce(sum(users) FILTER (WHERE day < ${today}), 0) AS before_today
        FROM active_users
    )
    SELECT p.total AS "totalProspects",
           p.enriched AS "enrichedProspects",
           (CASE WHEN p.total = 0 THEN 0 ELSE round(100 * p.enriched::numeric / p.total, 1) END)::float8
             AS "enrichmentCoverage",
           p.failed AS "enrichmentFailed",
           a.today AS "activeUsersToday",
           round(a.before_today::numeric / 7, 1)::float8 AS "activeUsers7dAvg"
      FROM prospect_counts p, active a`;
  return row;
}
