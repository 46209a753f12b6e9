import DataLoader from "dataloader";
import { countsOf, type CounterName, type Counts } from "../daily-usage/counters";
import { allCounts, summedCounts, zeroCounts } from "../daily-usage/counters.sql";
import { usageRows } from "../daily-usage/exactness.sql";
import {
  todayIn,
  windowBounds,
  windowDates,
  type TimeZoneName,
  type UsagePeriodUnit,
  type UsageWindow,
} from "../daily-usage/windows";
import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";
import { badUserInput } from "../errors";
import type { LoaderDefinition } from "../server/context";

export interface DailyUsageRow extends Counts {
  date: string;
}

export interface UserUsageRow extends Counts {
  userId: string;
  fullName: string | null;
}

export interface UsageBucketRow extends Counts {
  periodStart: string;
  periodEnd: string;
  from: string;
  to: string;
  partial: boolean;
}

export interface CounterChangeRow {
  current: number;
  previous: number;
  absolute: number;
  percent: number | null;
}

export type UsageChangesRow = Record<CounterName, CounterChangeRow>;

export interface UsageSeries {
  startDate: string;
  endDate: string;
  daily: DailyUsageRow[];
  totals: Counts;
  buckets: UsageBucketRow[];
}

/**
 * The period of each date of `days` (p.period_start, p.period_end), and the
 * grouping set of the periods. For DAY a period is its date: the per-date
 * rows are the buckets, so the statement keeps the shape it has without
 * granularity (no join, no third grouping set).
 */
function periodsOf(unit: UsagePeriodUnit): { join: Prisma.Sql; start: Prisma.Sql; end: Prisma.Sql; set: Prisma.Sql } {
  if (unit === "day")
    return { join: Prisma.empty, start: Prisma.sql`days.day`, end: Prisma.sql`days.day`, set: Prisma.empty };
  return {
    join: Prisma.sql`CROSS JOIN LATERAL (
      SELECT w.period_start, (w.period_start + ('1 ' || ${unit}::text)::interval)::date - 1 AS period_end
      FROM (SELECT date_trunc(${unit}::text, days.day::timestamp)::date AS period_start) w
    ) p`,
    start: Prisma.sql`p.period_start`,
    end: Prisma.sql`p.period_end`,
    set: Prisma.sql`(p.period_start, p.period_end),`,
  };
}

type SeriesRow = UsageBucketRow & { isDay: boolean; isBucket: boolean; isTotal: boolean; beyondToday: boolean };

/**
 * UsageMetrics' window, daily, totals and buckets, in one statement over
 * `usage_rows` of the window alone (contract: the N UTC dates ending today,
 * or from..to; one zero-filled entry per date, oldest first; figures equal
 * raw activity_log counts). Grouping sets: per date, per period (`unit`,
 * ISO weeks from Monday) and the grand total, whose min/max date are the
 * window's bounds. A period's from/to are the window's dates in it; it is
 * partial when the window cuts it or it ends today or later. A `to` after
 * today is BAD_USER_INPUT. previousTotals and changes are
 * usageComparisonLoader's, read only when asked for.
 */
export async function readUsageSeries(
  db: Database,
  {
    tenantId,
    window,
    unit,
    zone,
  }: { tenantId: string | null; window: UsageWindow; unit: UsagePeriodUnit; zone: TimeZoneName },
): Promise<UsageSeries> {
  const period = periodsOf(unit);
  const bounds = windowBounds(window, zone);
  const today = todayIn(zone);
  const rows = await db.prisma.$queryRaw<SeriesRow[]>`
    WITH ${usageRows(bounds, { tenants: tenantId, by: "date" })}
    SELECT GROUPING(days.day) = 0 AS "isDay",
      ${period.start} IS NOT NULL AS "isBucket",
      GROUPING(days.day) = 1 AND ${period.start} IS NULL AS "isTotal",
      to_char(min(days.day), 'YYYY-MM-DD') AS "from",
      to_char(max(days.day), 'YYYY-MM-DD') AS "to",
      to_char(${period.start}, 'YYYY-MM-DD') AS "periodStart",
      to_char(${period.end}, 'YYYY-MM-DD') AS "periodEnd",
      min(days.day) > ${period.start} OR max(days.day) < ${period.end} OR ${period.end} >= ${today} AS partial,
      max(days.day) > ${today} AS "beyondToday",
      ${summedCounts("u")}
    FROM ${windowDates(bounds)} days ${period.join} LEFT JOIN usage_rows u ON u.day = days.day
    GROUP BY GROUPING SETS ((days.day), ${period.set} ())
    ORDER BY "isTotal", min(days.day)`;
  const total = rows[rows.length - 1];
  if (total.beyondToday) throw badUserInput(`to (${total.to}) must not be after today`, "to");
  return {
    startDate: total.from,
    endDate: total.to,
    daily: rows.filter((row) => row.isDay).map((row) => ({ date: row.from, ...countsOf(row) })),
    totals: countsOf(total),
    buckets: rows
      .filter((row) => row.isBucket)
      .map(({ periodStart, periodEnd, from, to, partial, ...row }) => ({
        periodStart,
        periodEnd,
        from,
        to,
        partial,
        ...countsOf(row),
      })),
  };
}

/** A UsageMetrics answer's window and totals, which its previousTotals and changes compare with. */
export interface UsageComparisonKey {
  tenantId: string | null;
  zone: TimeZoneName;
  from: string;
  to: string;
  totals: Counts;
}

export interface UsageComparisonRow {
  previousTotals: Counts;
  changes: UsageChangesRow;
}

/**
 * previousTotals and changes of a window from..to (UsageMetrics): the counts
 * over the N dates from `from` - N to `from` - 1, N = to - from + 1, zeros
 * before any activity, and each counter of the window's totals (as the
 * answer gave them, so current always equals totals) against them:
 * absolute = current - previous; percent = 100 * absolute / previous,
 * round() on numeric being half away from zero, null when previous is 0.
 */
async function readUsageComparison(
  db: Database,
  { tenantId, zone, from, to, totals }: UsageComparisonKey,
): Promise<UsageComparisonRow> {
  const count = Prisma.sql`(${to}::date - ${from}::date + 1)`;
  const previousWindow = { start: Prisma.sql`(${from}::date - ${count})`, count, zone };
  const rows = await db.prisma.$queryRaw<UsageComparisonRow[]>`
    SELECT to_jsonb(prev) AS "previousTotals", (
      SELECT jsonb_object_agg(c.key, jsonb_build_object(
        'current', c.value::int,
        'previous', p.value::int,
        'absolute', c.value::int - p.value::int,
        'percent', round(100 * (c.value::int - p.value::int)::numeric / nullif(p.value::int, 0), 1)))
      FROM jsonb_each(${JSON.stringify(countsOf(totals))}::jsonb) c
        JOIN jsonb_each(to_jsonb(prev)) p ON p.key = c.key
    ) AS changes
    FROM (
      WITH ${usageRows(previousWindow, { tenants: tenantId, by: "date" })}
      SELECT ${summedCounts("u")} FROM usage_rows u
    ) prev`;
  return rows[0];
}

/**
 * One statement per distinct window and totals of a request, shared by
 * previousTotals and changes; an answer asking for neither sends none.
 */
export const usageComparisonLoader: LoaderDefinition<UsageComparisonKey, UsageComparisonRow> = (db) =>
  new DataLoader((keys) => Promise.all(keys.map((key) => readUsageComparison(db, key))), {
    cacheKeyFn: ({ tenantId, zone, from, to, totals }) => JSON.stringify([tenantId, zone, from, to, countsOf(totals)]),
  });

/**
 * UserUsage rows of one tenant over [from, to] (contract: every user of the
 * tenant plus any other user with activity there, zeros included; by the sum
 * of all counts descending, then userId ascending: uuid order, which is the
 * code-point order of the lower-case text). fullName looked up in users per
 * group, after the rows are summed, so one statement whatever the number of users.
 */
export function readUserUsage(
  db: Database,
  { tenantId, zone, from, to }: { tenantId: string; zone: TimeZoneName; from: string; to: string },
): Promise<UserUsageRow[]> {
  return db.prisma.$queryRaw<UserUsageRow[]>`
    WITH ${usageRows(windowBounds({ from, to }, zone), { tenants: tenantId, by: "user" })}
    SELECT u.user_id::text AS "userId", (SELECT full_name FROM users WHERE users.id = u.user_id) AS "fullName",
      ${summedCounts("u")}
    FROM (
      SELECT * FROM usage_rows
      UNION ALL
      SELECT NULL, NULL, id, ${zeroCounts} FROM users WHERE tenant_id = ${tenantId}::uuid
    ) u
    GROUP BY u.user_id
    ORDER BY coalesce(sum(${allCounts("u")}), 0) DESC, u.user_id`;
}
