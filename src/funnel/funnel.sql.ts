import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";
import type { FunnelStageKey } from "./funnel.graphql";

export interface FunnelStageRow {
  key: FunnelStageKey;
  stage: string;
  value: number;
  conversionRate: number | null;
}

/**
 * Contract Funnel: activity_log rows in the window per stage action, in stage order; conversionRate =
 * value / previous value rounded half away from zero to four decimals (numeric round), null first or after a 0.
 */
export function readFunnel(
  db: Database,
  { days, tenantId }: { days: number; tenantId: string | null },
): Promise<FunnelStageRow[]> {
  return db.prisma.$queryRaw<FunnelStageRow[]>`
    WITH counts AS (
      SELECT action_type, count(*)::int AS value
      FROM activity_log
      WHERE created_at >= ((((now() AT TIME ZONE 'UTC')::date - ${days}::int + 1))::timestamp AT TIME ZONE 'UTC')
        AND created_at < ((((now() AT TIME ZONE 'UTC')::date + 1))::timestamp AT TIME ZONE 'UTC')
        AND action_type IN ('search_executed', 'profile_viewed', 'profile_enriched', 'csv_exported')
        ${tenantId === null ? Prisma.empty : Prisma.sql`AND tenant_id = ${tenantId}::uuid`}
      GROUP BY action_type
    ),
    stages AS (
      SELECT s.position, s.key, s.stage, coalesce(c.value, 0) AS value
      FROM (VALUES
        (1, 'SEARCHES', 'Searches', 'search_executed'),
        (2, 'PROFILE_VIEWS', 'Profile Views', 'profile_viewed'),
        (3, 'ENRICHMENTS', 'Enrichments', 'profile_enriched'),
        (4, 'EXPORTS', 'Exports', 'csv_exported')
      ) AS s(position, key, stage, action_type)
      LEFT JOIN counts c USING (action_type)
    )
    SELECT key, stage, value,
      round(value::numeric / nullif(lag(value) OVER (ORDER BY position), 0), 4)::float8 AS "conversionRate"
    FROM stages
    ORDER BY position`;
}
