import type { Database } from "../db/database";

export interface PlatformPulseRow {
  totalProspects: number;
  enrichedProspects: number;
  enrichmentCoverage: number;
  enrichmentFailed: number;
  activeUsersToday: number;
  activeUsers7dAvg: number;
}

/**
 * PlatformPulse (contract): prospect counts and daily active users over every
 * row, whatever its tenant. numeric round() rounds half away from zero. The
 * 8 dates of activity (the 7 before today, and today) are one range scan of
 * activity_log_created_at_idx; a date with no row adds 0 to the mean.
 */
export async function readPlatformPulse(db: Database): Promise<PlatformPulseRow> {
  const [row] = await db.prisma.$queryRaw<PlatformPulseRow[]>`
    WITH prospect_counts AS (
      SELECT count(*)::int AS total,
             count(*) FILTER (WHERE enrichment_status = 'complete')::int AS enriched,
             count(*) FILTER (WHERE enrichment_status = 'failed')::int AS failed
        FROM prospects
    ),
    daily_active AS (
      SELECT (created_at AT TIME ZONE 'UTC')::date AS date, count(DISTINCT user_id) AS users
        FROM activity_log
       WHERE created_at >= (((now() AT TIME ZONE 'UTC')::date - 7)::timestamp AT TIME ZONE 'UTC')
         AND created_at < (((now() AT TIME ZONE 'UTC')::date + 1)::timestamp AT TIME ZONE 'UTC')
       GROUP BY 1
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
