import { KNOWN_SOURCES } from "../daily-usage/enrichment-sources";
import { today } from "../daily-usage/windows";
import type { Database } from "../db/database";

export interface SourceHealthRow {
  source: string;
  success: number;
  failed: number;
}

export interface EnrichmentHealthDayRow {
  date: string;
  sources: SourceHealthRow[];
}

/**
 * Contract EnrichmentHealth: per UTC date of updated_at in the window, per source, the entries that are
 * 'complete' / 'failed' (a string, or an object's status); every date lists the same sources, zero-filled. The
 * counts are sums of enrichment_health_deltas, which triggers on prospects keep exact at every write (migration
 * 20261203001000), so no prospect is read; a source is seen in the window when its entries there do not sum to 0.
 */
export function readEnrichmentHealth(db: Database, { days }: { days: number }): Promise<EnrichmentHealthDayRow[]> {
  return db.prisma.$queryRaw<EnrichmentHealthDayRow[]>`
    WITH counts AS (
      SELECT date, source, sum(success)::int AS success, sum(failed)::int AS failed
      FROM enrichment_health_deltas
      WHERE date >= ${today} - ${days}::int + 1
        AND date <= ${today}
      GROUP BY date, source
      HAVING sum(seen) <> 0
    ),
    sources AS (
      SELECT source, array_position(${KNOWN_SOURCES}::text[], source) AS known
      FROM (SELECT unnest(${KNOWN_SOURCES}::text[]) AS source UNION SELECT source FROM counts) AS seen
    ),
    dates AS (
      SELECT day::date AS date
      FROM generate_series(
        (${today} - ${days}::int + 1)::timestamp,
        ${today}::timestamp,
        interval '1 day'
      ) AS day
    )
    SELECT to_char(d.date, 'YYYY-MM-DD') AS date,
      jsonb_agg(
        jsonb_build_object('source', s.source, 'success', coalesce(c.success, 0), 'failed', coalesce(c.failed, 0))
        ORDER BY s.known NULLS LAST, s.source COLLATE "C"
      ) AS sources
    FROM dates d
    CROSS JOIN sources s
    LEFT JOIN counts c ON c.date = d.date AND c.source = s.source
    GROUP BY d.date
    ORDER BY d.date`;
}
