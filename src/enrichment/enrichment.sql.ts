import type { Database } from "../db/database";

/** The sources every enrichment view lists first, in this order (contract: EnrichmentHealthDay.sources, FailedEnrichment.sourceDetails). */
export const KNOWN_SOURCES = ["contactout", "exa", "edgar", "claude"];

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
 * 'complete' / 'failed' (a string, or an object's status); every date lists the same sources, zero-filled.
 */
export function readEnrichmentHealth(db: Database, { days }: { days: number }): Promise<EnrichmentHealthDayRow[]> {
  return db.prisma.$queryRaw<EnrichmentHealthDayRow[]>`
    WITH entries AS (
      SELECT (p.updated_at AT TIME ZONE 'UTC')::date AS date, e.key AS source,
        -- An object's status, else the entry itself: only the JSON strings "complete" / "failed" count.
        coalesce(e.value -> 'status', e.value) AS status
      FROM prospects p
      CROSS JOIN LATERAL jsonb_each(
        CASE WHEN jsonb_typeof(p.enrichment_source_status) = 'object' THEN p.enrichment_source_status ELSE '{}' END
      ) AS e
      WHERE p.updated_at >= ((((now() AT TIME ZONE 'UTC')::date - ${days}::int + 1))::timestamp AT TIME ZONE 'UTC')
        AND p.updated_at < ((((now() AT TIME ZONE 'UTC')::date + 1))::timestamp AT TIME ZONE 'UTC')
    ),
    counts AS (
      SELECT date, source,
        count(*) FILTER (WHERE status = '"complete"')::int AS success,
        count(*) FILTER (WHERE status = '"failed"')::int AS failed
      FROM entries
      GROUP BY date, source
    ),
    sources AS (
      SELECT source, array_position(${KNOWN_SOURCES}::text[], source) AS known
      FROM (SELECT unnest(${KNOWN_SOURCES}::text[]) AS source UNION SELECT source FROM counts) AS seen
    ),
    dates AS (
      SELECT day::date AS date
      FROM generate_series(
        ((now() AT TIME ZONE 'UTC')::date - ${days}::int + 1)::timestamp,
        (now() AT TIME ZONE 'UTC')::date::timestamp,
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
