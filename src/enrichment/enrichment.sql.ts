import { KNOWN_SOURCES } from "../daily-usage/enrichment-sources";
import { UTC, windowBounds, windowPieces, type TimeZoneName } from "../daily-usage/windows";
import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";

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
 * Contract EnrichmentHealth: per date of updated_at in `zone` in the window, per source, the entries that are
 * 'complete' / 'failed' (a string, or an object's status); every date lists the same sources, zero-filled. The
 * counts are sums of enrichment_health_deltas, which triggers on prospects keep exact at every write (migrations
 * 20261203001000, 20261207011000), so no prospect is read; a source is seen in the window when its entries there do
 * not sum to 0. In UTC a date sums its per-date rows (quarter NULL), the same few rows as before zones existed; in
 * another zone a local date sums the quarter rows of the UTC dates it covers (windowPieces; a NULL quarter is in no
 * piece).
 */
export function readEnrichmentHealth(
  db: Database,
  { days, zone }: { days: number; zone: TimeZoneName },
): Promise<EnrichmentHealthDayRow[]> {
  const window = windowBounds({ days }, zone);
  const { start, count } = window;
  const counts =
    zone === UTC
      ? Prisma.sql`counts AS (
      SELECT date, source, sum(success)::int AS success, sum(failed)::int AS failed
      FROM enrichment_health_deltas
      WHERE date >= ${start} AND date < ${start} + ${count} AND quarter IS NULL
      GROUP BY date, source
      HAVING sum(seen) <> 0
    )`
      : Prisma.sql`${windowPieces(window)},
    -- Computed once: inlined, the planner evaluates the pieces' time-zone arithmetic again for every quarter row.
    window_pieces AS MATERIALIZED (SELECT * FROM pieces),
    counts AS (
      SELECT p.local_day AS date, d.source, sum(d.success)::int AS success, sum(d.failed)::int AS failed
      FROM window_pieces p
      JOIN enrichment_health_deltas d ON d.date = p.day AND d.quarter >= p.q1 AND d.quarter < p.q2
      -- The UTC dates the pieces lie on, as a range on d.date for the index.
      WHERE d.date >= ${start} - 1 AND d.date <= ${start} + ${count}
      GROUP BY p.local_day, d.source
      HAVING sum(d.seen) <> 0
    )`;
  return db.prisma.$queryRaw<EnrichmentHealthDayRow[]>`
    WITH ${counts},
    sources AS (
      SELECT source, array_position(${KNOWN_SOURCES}::text[], source) AS known
      FROM (SELECT unnest(${KNOWN_SOURCES}::text[]) AS source UNION SELECT source FROM counts) AS seen
    ),
    dates AS (
      SELECT (${start} + i)::date AS date FROM generate_series(0, ${count} - 1) AS i
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
