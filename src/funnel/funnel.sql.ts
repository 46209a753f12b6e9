import DataLoader from "dataloader";
import { counterOf, type CountedAction } from "../daily-usage/counters";
import { summedCounts } from "../daily-usage/counters.sql";
import { usageRows } from "../daily-usage/exactness.sql";
import { localMidnight, todayIn, windowBounds, type TimeZoneName, type WindowBounds } from "../daily-usage/windows";
import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";
import type { LoaderDefinition } from "../server/context";

/** The funnel's stages, in order (the GraphQL enum FunnelStageKey). */
export enum FunnelStageKey {
  SEARCHES = "SEARCHES",
  PROFILE_VIEWS = "PROFILE_VIEWS",
  ENRICHMENTS = "ENRICHMENTS",
  EXPORTS = "EXPORTS",
}

/** What a stage's value counts (the GraphQL enum FunnelMode): rows of its action, or users who reached it in order. */
export enum FunnelMode {
  EVENTS = "EVENTS",
  USERS = "USERS",
}

/** What a stage row was counted over, so that FunnelStage's previous-period fields can ask for the window before. */
export interface FunnelWindow {
  days: number;
  tenantId: string | null;
  zone: TimeZoneName;
  mode: `${FunnelMode}`;
  /**
   * The window's last date in its zone (YYYY-MM-DD) as the funnel's statement saw it: the previous window is counted
   * from it, so a midnight between the two statements does not shift one window against the other.
   */
  today: string;
  /** The window's stage values in stage order: change and changePercent are computed against these, in SQL. */
  values: number[];
}

export interface FunnelStageRow {
  key: FunnelStageKey;
  stage: string;
  value: number;
  conversionRate: number | null;
  window: FunnelWindow;
}

export interface FunnelChangeRow {
  key: FunnelStageKey;
  previousValue: number;
  change: number;
  changePercent: number | null;
}

/** The stages in order: the key, the label and the action whose rows reach each. */
const STAGES: readonly { key: FunnelStageKey; stage: string; action: CountedAction }[] = [
  { key: FunnelStageKey.SEARCHES, stage: "Searches", action: "search_executed" },
  { key: FunnelStageKey.PROFILE_VIEWS, stage: "Profile Views", action: "profile_viewed" },
  { key: FunnelStageKey.ENRICHMENTS, stage: "Enrichments", action: "profile_enriched" },
  { key: FunnelStageKey.EXPORTS, stage: "Exports", action: "csv_exported" },
];

const stageList = Prisma.raw(`(VALUES
        ${STAGES.map(({ key, stage, action }, i) => `(${i + 1}, '${key}', '${stage}', '${action}')`).join(",\n        ")}
      ) AS s(position, key, stage, action_type)`);

/** The window's first date and its length in days (a plan-time constant, as usageRows wants it), in its zone. */
interface Scope extends WindowBounds {
  tenantId: string | null;
  mode: `${FunnelMode}`;
}

/** activity_log rows in the window (of the tenant, if any): the instants from its first local midnight to its last. */
function inScope({ start, count, zone, tenantId }: Scope): Prisma.Sql {
  return Prisma.sql`created_at >= ${localMidnight(start, zone)}
        AND created_at < ${localMidnight(Prisma.sql`${start} + ${count}`, zone)}
        ${tenantId === null ? Prisma.empty : Prisma.sql`AND tenant_id = ${tenantId}::uuid`}`;
}

/**
 * FunnelMode.USERS: each user who reached the previous stage (`previous`) reaches the stage of `action` at the
 * earliest row of that action at or after that instant, in the same window.
 */
function reachedAfter(previous: Prisma.Sql, action: string): Prisma.Sql {
  return Prisma.sql`
      SELECT p.user_id, min(r.created_at) AS reached_at
      FROM ${previous} p
      JOIN scoped r ON r.user_id = p.user_id AND r.action_type = ${action} AND r.created_at >= p.reached_at
      GROUP BY p.user_id`;
}

/**
 * CTEs ending in `counts (action_type, value)`, a stage action's figure in the window: EVENTS counts its rows (the
 * contract's statement), USERS the users who reached its stage in order.
 */
function stageCounts(scope: Scope): Prisma.Sql {
  if (scope.mode === "EVENTS") {
    // The stage actions' rows are four of usage's counters: read them as usageMetrics does (each date from its
    // rollup plus deltas, raw only where it must be), so the funnel is as exact as usage and as fast.
    const stageValues = STAGES.map(({ action }) => `('${action}', c."${counterOf(action).field}")`);
    return Prisma.sql`
    ${usageRows(scope, { tenants: scope.tenantId, by: "date" })},
    counts AS (
      SELECT s.action_type, s.value
      FROM (SELECT ${summedCounts("u")} FROM usage_rows u) c
      CROSS JOIN LATERAL (VALUES ${Prisma.raw(stageValues.join(", "))}) AS s(action_type, value)
    )`;
  }
  return Prisma.sql`
    scoped AS (
      SELECT action_type, user_id, created_at FROM activity_log
      WHERE ${inScope(scope)}
        AND action_type IN ('search_executed', 'profile_viewed', 'profile_enriched', 'csv_exported')
    ),
    reached1 AS (
      SELECT user_id, min(created_at) AS reached_at
      FROM scoped WHERE action_type = 'search_executed'
      GROUP BY user_id
    ),
    reached2 AS (${reachedAfter(Prisma.sql`reached1`, "profile_viewed")}),
    reached3 AS (${reachedAfter(Prisma.sql`reached2`, "profile_enriched")}),
    reached4 AS (${reachedAfter(Prisma.sql`reached3`, "csv_exported")}),
    counts AS (
      SELECT 'search_executed' AS action_type, count(*)::int AS value FROM reached1
      UNION ALL SELECT 'profile_viewed', count(*)::int FROM reached2
      UNION ALL SELECT 'profile_enriched', count(*)::int FROM reached3
      UNION ALL SELECT 'csv_exported', count(*)::int FROM reached4
    )`;
}

/**
 * Contract Funnel (and FunnelMode): per stage action in stage order, the figure of the `days` dates ending
 * today in `zone`; conversionRate = value / previous stage's value rounded half away from zero to four decimals (numeric
 * round), null first or after a 0. Only the window is read: the window before is funnelChangeLoader's, when asked.
 */
export async function readFunnel(
  db: Database,
  { days, tenantId, mode, zone }: { days: number; tenantId: string | null; mode: `${FunnelMode}`; zone: TimeZoneName },
): Promise<FunnelStageRow[]> {
  const rows = await db.prisma.$queryRaw<(Omit<FunnelStageRow, "window"> & { today: string })[]>`
    WITH ${stageCounts({ ...windowBounds({ days }, zone), tenantId, mode })},
    stages AS (
      SELECT s.position, s.key, s.stage, coalesce(c.value, 0) AS value
      FROM ${stageList}
      LEFT JOIN counts c USING (action_type)
    )
    SELECT key, stage, value,
      round(value::numeric / nullif(lag(value) OVER (ORDER BY position), 0), 4)::float8 AS "conversionRate",
      to_char(${todayIn(zone)}, 'YYYY-MM-DD') AS today
    FROM stages
    ORDER BY position`;
  const window = { days, tenantId, zone, mode, today: rows[0].today, values: rows.map((row) => row.value) };
  return rows.map(({ today: _today, ...row }) => ({ ...row, window }));
}

/**
 * FunnelStage.previousValue, change, changePercent: per stage, the figure of the `days` dates (in its zone) before the
 * window, counted as the window was; change = value - previousValue; changePercent = 100 * change / previousValue
 * rounded half away from zero to one decimal (numeric round), null after a 0.
 */
function readFunnelChange(db: Database, { days, tenantId, zone, mode, today: last, values }: FunnelWindow) {
  const windowEnd = Prisma.sql`${last}::date`;
  const start = Prisma.sql`(${windowEnd} - 2 * ${days}::int + 1)`;
  return db.prisma.$queryRaw<FunnelChangeRow[]>`
    WITH ${stageCounts({ start, count: Prisma.sql`${days}::int`, zone, tenantId, mode })},
    stages AS (
      SELECT s.position, s.key, v.value, coalesce(c.value, 0) AS previous_value
      FROM ${stageList}
      JOIN unnest(${values}::int[]) WITH ORDINALITY AS v(value, position) ON v.position = s.position
      LEFT JOIN counts c USING (action_type)
    )
    SELECT key, previous_value AS "previousValue", value - previous_value AS change,
      round(100 * (value - previous_value)::numeric / nullif(previous_value, 0), 1)::float8 AS "changePercent"
    FROM stages
    ORDER BY position`;
}

/** One statement per funnel of a request whose previous-period fields are asked for, whichever stages ask. */
export const funnelChangeLoader: LoaderDefinition<FunnelWindow, Record<FunnelStageKey, FunnelChangeRow>> = (db) =>
  new DataLoader(
    (windows) =>
      Promise.all(
        windows.map(async (window) => {
          const rows = await readFunnelChange(db, window);
          return Object.fromEntries(rows.map((row) => [row.key, row])) as Record<FunnelStageKey, FunnelChangeRow>;
        }),
      ),
    { cacheKeyFn: (window) => JSON.stringify(window) },
  );
