import { KNOWN_SOURCES } from "../daily-usage/enrichment-sources";
import { localMidnight, todayIn, windowBounds, windowPieces, type TimeZoneName } from "../daily-usage/windows";
import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";

export interface SourceDetailRow {
  source: string;
  status: string;
  error: string | null;
  at: Date | null;
}

export interface FailedEnrichmentRow {
  id: string;
  fullName: string;
  userName: string | null;
  tenantId: string;
  tenantName: string | null;
  enrichmentStatus: string;
  sourceDetails: SourceDetailRow[];
  updatedAt: Date;
}

export interface ErrorFeedPageRow {
  total: number;
  items: FailedEnrichmentRow[];
}

/** What the statement's json holds: instants as ISO-8601 strings in UTC with milliseconds. */
interface JsonPage {
  total: number;
  items: (Omit<FailedEnrichmentRow, "updatedAt" | "sourceDetails"> & {
    updatedAt: string;
    sourceDetails: (Omit<SourceDetailRow, "at"> & { at: string | null })[];
  })[];
}

/** The 7 dates ending today (in the answer's zone) that the feed covers. */
const ERROR_FEED_WINDOW = { days: 7 };

/**
 * An `at` that PostgreSQL and the DateTime scalar both read the same way: ISO-8601 with `T`, seconds and up
 * to six fraction digits optional, and a zone (`Z` or an offset within PostgreSQL's ±15:59).
 */
const AT_PATTERN =
  "^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?(Z|[+-](0[0-9]|1[0-5]):[0-5][0-9])$";

function utcIso(timestamp: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`to_char(${timestamp} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/**
 * Contract ErrorFeed: failed prospects updated on the 7 dates of `zone` ending today there (the instants from local
 * midnight 6 dates before today to the next local midnight: one range on updated_at whatever the zone), by updatedAt
 * desc then id,
 * one page of them with their sourceDetails, user's and tenant's names (null for a dangling id), and the total
 * across pages. The names are joined to the page's rows here rather than batched by a loader: one round trip
 * instead of three, and the join reads at most `limit` rows of each table. The total is the sum of the window's
 * pieces (whole quarter hours of UTC dates, exactly the same instants) in the dated rows of prospect_count_deltas,
 * failed prospects per (UTC date, quarter) of updated_at that the prospects triggers keep exact: a read of at most
 * 9 x 96 rows, flat as prospects grow, where counting the matching rows grew with the platform's rate of failures.
 * json, not jsonb: the page is built once to be sent, and jsonb would build a binary value only to print it.
 */
export async function readErrorFeedPage(
  db: Database,
  { limit, page, zone }: { limit: number; page: number; zone: TimeZoneName },
): Promise<ErrorFeedPageRow> {
  const [row] = await db.prisma.$queryRaw<JsonPage[]>`
    WITH failed AS NOT MATERIALIZED (
      SELECT * FROM prospects
      WHERE enrichment_status = 'failed'
        AND updated_at >= ${localMidnight(Prisma.sql`${todayIn(zone)} - 6`, zone)}
        AND updated_at < ${localMidnight(Prisma.sql`${todayIn(zone)} + 1`, zone)}
    ),
    ${windowPieces(windowBounds(ERROR_FEED_WINDOW, zone))}
    SELECT
      (SELECT coalesce(sum(d.prospects), 0)::int
         FROM pieces p
         JOIN prospect_count_deltas d ON d.date = p.day AND d.quarter >= p.q1 AND d.quarter < p.q2) AS total,
      coalesce((
        SELECT json_agg(
          json_build_object(
            'id', p.id, 'fullName', p.full_name, 'userName', u.full_name, 'tenantId', p.tenant_id, 'tenantName', t.name,
            'enrichmentStatus', p.enrichment_status, 'updatedAt', ${utcIso(Prisma.sql`p.updated_at`)},
            'sourceDetails', (
              SELECT coalesce(json_agg(
                json_build_object('source', e.key, 'status', d.status, 'error', d.error, 'at', d.at)
                ORDER BY array_position(${KNOWN_SOURCES}::text[], e.key) NULLS LAST, e.key COLLATE "C"
              ), '[]'::json)
              FROM jsonb_each(
                CASE WHEN jsonb_typeof(p.enrichment_source_status) = 'object' THEN p.enrichment_source_status ELSE '{}' END
              ) AS e
              CROSS JOIN LATERAL (SELECT e.value ->> 'at' AS text) AS raw
              CROSS JOIN LATERAL (
                -- Nested CASEs: each cast runs only once the text is known to cast without an error.
                SELECT CASE WHEN raw.text ~ ${AT_PATTERN} THEN
                  CASE WHEN extract(month FROM make_date(substr(raw.text, 1, 4)::int, substr(raw.text, 6, 2)::int, 1)
                      + (substr(raw.text, 9, 2)::int - 1)) = substr(raw.text, 6, 2)::int
                    THEN raw.text::timestamptz END
                END AS value
                -- OFFSET 0 keeps this a subquery evaluated once per entry: inlined, the planner would copy the whole
                -- CASE (regex, make_date, cast) into each of d's three uses of parsed.value.
                OFFSET 0
              ) AS parsed
              CROSS JOIN LATERAL (
                SELECT
                  coalesce(CASE jsonb_typeof(e.value)
                    WHEN 'string' THEN e.value #>> '{}'
                    WHEN 'object' THEN CASE WHEN jsonb_typeof(e.value -> 'status') = 'string' THEN e.value ->> 'status' END
                  END, 'unknown') AS status,
                  CASE WHEN jsonb_typeof(e.value -> 'error') = 'string' THEN e.value ->> 'error' END AS error,
                  -- Years 1000 to 9999 in UTC: what the DateTime scalar prints as YYYY.
                  CASE WHEN parsed.value >= '1000-01-01T00:00:00Z' AND parsed.value < '10000-01-01T00:00:00Z'
                    THEN ${utcIso(Prisma.sql`parsed.value`)} END AS at
              ) AS d
            )
          )
          ORDER BY p.updated_at DESC, p.id
        )
        FROM (
          SELECT * FROM failed ORDER BY updated_at DESC, id
          LIMIT ${limit}::int OFFSET (${page}::bigint - 1) * ${limit}::int
        ) AS p
        LEFT JOIN users u ON u.id = p.user_id
        LEFT JOIN tenants t ON t.id = p.tenant_id
      ), '[]'::json) AS items`;
  // As Dates: the DateTime scalar prints a Date directly, but re-validates a string (a regex and two more Dates).
  return {
    total: row.total,
    items: row.items.map((item) => ({
      ...item,
      updatedAt: new Date(item.updatedAt),
      sourceDetails: item.sourceDetails.map((detail) => ({
        ...detail,
        at: detail.at === null ? null : new Date(detail.at),
      })),
    })),
  };
}
