import type { Database } from "../db/database";
import { usageRows, windowBounds } from "../usage/usage.sql";

export interface PlatformPulseRow {
  totalProspects: number;
  enrichedProspects: number;
  enrichmentCoverage: number;
  enrichmentFailed: number;
  activeUsersToday: number;
  activeUsers7dAvg: number;
}

/** The 7 UTC dates before today and today: activeUsers7dAvg's and activeUsersToday's. */
const lastEightDays = windowBounds({ days: 8 });

/**
 * PlatformPulse (contract): prospect counts and daily active users over every
 * row, whatever its tenant. numeric round() rounds half away from zero. The
 * prospect counts are index-only scans of prospects (enrichment_status); a
 * user is active on a date when usageRows has a row for them there (any
 * activity_log row makes one, an unknown action type too), so rolled-up dates
 * read the rollup and its deltas, raw rows only where they must. A date with
 * no row adds 0 to the mean.
 */
export async function readPlatformPulse(db: Database): Promise<PlatformPulseRow> {
  const [row] = await db.prisma.$queryRaw<PlatformPulseRow[]>`
    WITH prospect_counts AS (
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE enrichment_status = 'complete')::int AS enriched,
             count(*) FILTER (WHERE enrichment_status = 'failed')::int AS failed
        FROM prospects
    ),
    ${usageRows(lastEightDays, { tenants: null, by: "dateUser" })},
    daily_active AS (
      SELECT day AS date, count(DISTINCT user_id) AS users FROM usage_rows GROUP BY day
    ),
    active AS (
      SELECT coalesce(sum(users) FILTER (WHERE date = (now() AT TIME ZONE 'UTC')::date), 0)::int AS today,
             coalesce(sum(users) FILTER (WHERE date < (now() AT TIME ZONE 'UTC')::date), 0) AS before_today
        FROM daily_active
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
