import DataLoader from "dataloader";
import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";
import { badUserInput } from "../errors";
import type { LoaderDefinition } from "../server/context";

export interface UsageCountsRow {
  totalLogins: number;
  searchesExecuted: number;
  profilesViewed: number;
  profilesEnriched: number;
  csvExports: number;
  listsCreated: number;
  personasCreated: number;
  lookalikeSearches: number;
}

export interface DailyUsageRow extends UsageCountsRow {
  date: string;
}

export interface UserUsageRow extends UsageCountsRow {
  userId: string;
  fullName: string | null;
}

/**
 * The eight counters of usage_metrics_daily, as counts over the activity_log
 * rows of the current group (column `action_type` unqualified), named as its
 * columns. Plain FILTERs on a column that the covering activity_log indexes
 * include, so counts stay index-only scans. Shared with the rollup, which
 * writes what this reads.
 */
export const actionCounts = Prisma.sql`
  count(*) FILTER (WHERE action_type = 'login')::int AS total_logins,
  count(*) FILTER (WHERE action_type = 'search_executed')::int AS searches_executed,
  count(*) FILTER (WHERE action_type = 'profile_viewed')::int AS profiles_viewed,
  count(*) FILTER (WHERE action_type = 'profile_enriched')::int AS profiles_enriched,
  count(*) FILTER (WHERE action_type = 'csv_exported')::int AS csv_exports,
  count(*) FILTER (WHERE action_type = 'list_created')::int AS lists_created,
  count(*) FILTER (WHERE action_type = 'persona_created')::int AS personas_created,
  count(*) FILTER (WHERE action_type = 'lookalike_search')::int AS lookalike_searches`;

/** One tenant, the tenants of a list, or every row whatever its tenant (null). */
export type UsageTenants = string | readonly string[] | null;

/** The condition, ANDed to a WHERE, that a row under `alias` belongs to `tenants`; none for all tenants. */
function ofTenants(alias: string, tenants: UsageTenants): Prisma.Sql {
  if (tenants === null) return Prisma.empty;
  return typeof tenants === "string"
    ? Prisma.sql`AND ${Prisma.raw(alias)}.tenant_id = ${tenants}::uuid`
    : Prisma.sql`AND ${Prisma.raw(alias)}.tenant_id = ANY (${[...tenants]}::uuid[])`;
}

/**
 * Where a date's exact figures come from, as SQL text over `day`: 'rollup'
 * (its rollup rows plus the usage_deltas the activity_log trigger appended
 * since), 'deltas' (never rolled up, and every row of it reached the deltas)
 * or 'raw' (counted from activity_log). A date is 'rollup' when its latest
 * successful run absorbed the deltas in the snapshot it rolled up
 * (migration 20261201004000) and no UPDATE, DELETE or TRUNCATE has marked it
 * stale since; 'deltas' when it is not stale, lies on or after
 * usage_deltas_origin and no run ever absorbed its deltas: a run that did
 * found rows, so it left a usage_metrics_daily_totals row (kept even if
 * rollup_runs history is pruned; a run that found none had no deltas to take).
 * Stale marks are per (date, tenant) (migration 20261207002000): an answer
 * for one tenant or a list of tenants heeds only their marks, so another
 * tenant's UPDATE or DELETE never changes how, or how fast, it is read; an
 * all-tenant answer (null) and the rollup heed any mark of the date. Each is
 * a lookup in the marks' primary key.
 */
export function usageDateSource(day: Prisma.Sql, tenants: UsageTenants): Prisma.Sql {
  return Prisma.sql`CASE
    WHEN EXISTS (SELECT 1 FROM usage_stale_dates s WHERE s.date = ${day} ${ofTenants("s", tenants)}) THEN 'raw'
    WHEN (SELECT r.consumed_deltas FROM rollup_runs r WHERE r.date = ${day} AND r.status = 'succeeded'
           ORDER BY r.finished_at DESC, r.id DESC LIMIT 1) THEN 'rollup'
    WHEN ${day} >= (SELECT since FROM usage_deltas_origin)
      AND NOT EXISTS (SELECT 1 FROM usage_metrics_daily_totals t WHERE t.date = ${day}) THEN 'deltas'
    ELSE 'raw' END`;
}

/** The eight counters of usage_metrics_daily's shape under `alias`, summed over the current group, named as its columns. */
function summedColumns(alias: string): Prisma.Sql {
  const column = (name: string) => Prisma.raw(`sum(${alias}.${name})::int AS ${name}`);
  return Prisma.join(
    [
      "total_logins",
      "searches_executed",
      "profiles_viewed",
      "profiles_enriched",
      "csv_exports",
      "lists_created",
      "personas_created",
      "lookalike_searches",
    ].map(column),
  );
}

/**
 * What one usage_rows row stands for: a date ("date", the per-date series), or a user, a tenant or a (tenant, user)
 * pair summed over the window (day NULL on rolled-up dates).
 */
export type UsageGrouping = "date" | "user" | "tenant" | "tenantUser";

/** CTE `days`: the `count` dates from `start`, each with its source for `tenants` (usageDateSource). */
function usageDays({ start, count }: { start: Prisma.Sql; count: Prisma.Sql }, tenants: UsageTenants): Prisma.Sql {
  return Prisma.sql`
    days AS (
      SELECT d.day, ${usageDateSource(Prisma.sql`d.day`, tenants)} AS source
      FROM (SELECT ${start} + i AS day FROM generate_series(0, ${count} - 1) AS i) d
    )`;
}

/**
 * CTEs `days` and `active_users` (day, users): per date, the distinct user_ids with a usage row there (any
 * activity_log row makes one, an unknown action type too), whatever their tenant, from usageRows' sources in one
 * snapshot. A rolled-up date reads the count its rollup wrote (or counts its rows, for totals written before
 * migration 20261203003000) plus its deltas' users that its rows do not hold; a 'deltas' date counts its deltas'
 * users, a 'raw' date its activity_log rows' users. Only a date with deltas reads its rows, in one pass of the
 * primary key merged with its deltas' users. An index on (date, user_id) would make that a probe per user, but the
 * rollup's re-runs of a date (each update a new version in every index) then slowed its own anti-join on that index.
 */
export function activeUsersPerDay(window: { start: Prisma.Sql; count: Prisma.Sql }): Prisma.Sql {
  return Prisma.sql`
    ${usageDays(window, null)},
    active_users (day, users) AS (
      SELECT days.day,
             coalesce(t.active_users,
                      (SELECT count(DISTINCT m.user_id) FROM usage_metrics_daily m WHERE m.date = days.day))
             + (SELECT count(DISTINCT d.user_id) FROM usage_deltas d
                 WHERE d.date = days.day
                   AND NOT EXISTS (SELECT 1 FROM usage_metrics_daily m WHERE m.date = days.day AND m.user_id = d.user_id))
      FROM days LEFT JOIN usage_metrics_daily_totals t ON t.date = days.day
      WHERE days.source = 'rollup'
      UNION ALL
      SELECT days.day, (SELECT count(DISTINCT d.user_id) FROM usage_deltas d WHERE d.date = days.day)
      FROM days
      WHERE days.source = 'deltas'
      UNION ALL
      SELECT days.day, (SELECT count(DISTINCT a.user_id) FROM activity_log a
                         WHERE a.created_at >= (days.day::timestamp AT TIME ZONE 'UTC')
                           AND a.created_at < ((days.day + 1)::timestamp AT TIME ZONE 'UTC'))
      FROM days
      WHERE days.source = 'raw'
    )`;
}

/**
 * CTEs `days` (the `count` dates from `start`, each with its source for
 * `tenants`, see usageDateSource) and `usage_rows` (day, tenant_id, user_id, the eight
 * counts) for `tenants`, in one statement, hence one snapshot. Rolled-up
 * dates read the narrowest rollup table that holds the grouping: all
 * tenants' per-date figures usage_metrics_daily_totals (one row per date,
 * written with the date's rows), per-tenant figures
 * usage_metrics_daily_tenant_totals (one row per date and tenant), per-user
 * figures usage_metrics_daily through its covering (tenant_id, date) index,
 * summed per group right there (day NULL, but for "date"): a large
 * tenant has hundreds of users a day, and the callers want them per group. The raw side is a
 * LATERAL per raw date so each is an index range scan on created_at (no scan
 * of the rest of the window). `count` goes to generate_series as a
 * plan-time constant, so the planner knows the window has `count` rows (the
 * default guess of 1000 inflated costs past the JIT threshold).
 */
export function usageRows(
  { start, count }: { start: Prisma.Sql; count: Prisma.Sql },
  { tenants, by }: { tenants: UsageTenants; by: UsageGrouping },
): Prisma.Sql {
  const byTenant = by === "tenant" || by === "tenantUser";
  const byUser = by === "user" || by === "tenantUser";
  const byDate = by === "date";
  const keys = (alias: string) =>
    Prisma.raw(`${byTenant ? `${alias}.tenant_id` : "NULL::uuid"}, ${byUser ? `${alias}.user_id` : "NULL::uuid"}`);
  const groups = (alias: string, withDate = false) => {
    const columns = [withDate && `${alias}.date`, byTenant && `${alias}.tenant_id`, byUser && `${alias}.user_id`];
    return by === "date" && !withDate ? Prisma.sql`()` : Prisma.raw(columns.filter(Boolean).join(", "));
  };
  const rolledUpTable = byUser
    ? Prisma.sql`usage_metrics_daily`
    : byTenant || tenants !== null
      ? Prisma.sql`usage_metrics_daily_tenant_totals`
      : Prisma.sql`usage_metrics_daily_totals`;
  const rolledUpDay = byDate ? Prisma.sql`m.date` : Prisma.sql`NULL::date`;
  return Prisma.sql`
    ${usageDays({ start, count }, tenants)},
    usage_rows (day, tenant_id, user_id, total_logins, searches_executed, profiles_viewed, profiles_enriched,
      csv_exports, lists_created, personas_created, lookalike_searches) AS (
      SELECT ${rolledUpDay} AS day, ${keys("m")}, ${summedColumns("m")}
      FROM days JOIN ${rolledUpTable} m ON m.date = days.day
      -- The window again as a range on m.date, which the planner can use on the index.
      WHERE days.source = 'rollup' AND m.date >= ${start} AND m.date < ${start} + ${count} ${ofTenants("m", tenants)}
      GROUP BY ${groups("m", byDate)}
      UNION ALL
      SELECT days.day, delta.*
      FROM days CROSS JOIN LATERAL (
        SELECT ${keys("d")}, ${summedColumns("d")}
        FROM usage_deltas d
        WHERE d.date = days.day ${ofTenants("d", tenants)}
        GROUP BY ${groups("d")}
        HAVING count(*) > 0
      ) delta
      WHERE days.source <> 'raw'
      UNION ALL
      SELECT days.day, raw.*
      FROM days CROSS JOIN LATERAL (
        SELECT ${keys("a")}, ${actionCounts}
        FROM activity_log a
        WHERE a.created_at >= (days.day::timestamp AT TIME ZONE 'UTC')
          AND a.created_at < ((days.day + 1)::timestamp AT TIME ZONE 'UTC')
          ${ofTenants("a", tenants)}
        GROUP BY ${groups("a")}
      ) raw
      WHERE days.source = 'raw'
    )`;
}

/** The eight counts summed over `usage_rows` (alias u) in the current group, 0 where there are none. */
const summedCounts = Prisma.sql`
  coalesce(sum(u.total_logins), 0)::int AS "totalLogins",
  coalesce(sum(u.searches_executed), 0)::int AS "searchesExecuted",
  coalesce(sum(u.profiles_viewed), 0)::int AS "profilesViewed",
  coalesce(sum(u.profiles_enriched), 0)::int AS "profilesEnriched",
  coalesce(sum(u.csv_exports), 0)::int AS "csvExports",
  coalesce(sum(u.lists_created), 0)::int AS "listsCreated",
  coalesce(sum(u.personas_created), 0)::int AS "personasCreated",
  coalesce(sum(u.lookalike_searches), 0)::int AS "lookalikeSearches"`;

export interface UsageBucketRow extends UsageCountsRow {
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

export type UsageChangesRow = Record<keyof UsageCountsRow, CounterChangeRow>;

export interface UsageSeries {
  startDate: string;
  endDate: string;
  daily: DailyUsageRow[];
  totals: UsageCountsRow;
  buckets: UsageBucketRow[];
}

/** The N dates ending today, or the dates from..to (whose bounds the resolver has checked but for today). */
export type UsageWindow = { days: number } | { from: string; to: string };

/** date_trunc's name for a bucket's period. */
export type UsagePeriodUnit = "day" | "week" | "month";

const today = Prisma.sql`(now() AT TIME ZONE 'UTC')::date`;

/** The window's first date and its length in days, as SQL; the length stays a plan-time constant. */
export function windowBounds(window: UsageWindow): { start: Prisma.Sql; count: Prisma.Sql } {
  return "days" in window
    ? { start: Prisma.sql`(${today} - (${window.days}::int - 1))`, count: Prisma.sql`${window.days}::int` }
    : {
        start: Prisma.sql`${window.from}::date`,
        count: Prisma.sql`(${window.to}::date - ${window.from}::date + 1)`,
      };
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

/** A row's eight counters alone. */
function countsOf({
  totalLogins,
  searchesExecuted,
  profilesViewed,
  profilesEnriched,
  csvExports,
  listsCreated,
  personasCreated,
  lookalikeSearches,
}: UsageCountsRow): UsageCountsRow {
  return {
    totalLogins,
    searchesExecuted,
    profilesViewed,
    profilesEnriched,
    csvExports,
    listsCreated,
    personasCreated,
    lookalikeSearches,
  };
}

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
  { tenantId, window, unit }: { tenantId: string | null; window: UsageWindow; unit: UsagePeriodUnit },
): Promise<UsageSeries> {
  const period = periodsOf(unit);
  const rows = await db.prisma.$queryRaw<SeriesRow[]>`
    WITH ${usageRows(windowBounds(window), { tenants: tenantId, by: "date" })}
    SELECT GROUPING(days.day) = 0 AS "isDay",
      ${period.start} IS NOT NULL AS "isBucket",
      GROUPING(days.day) = 1 AND ${period.start} IS NULL AS "isTotal",
      to_char(min(days.day), 'YYYY-MM-DD') AS "from",
      to_char(max(days.day), 'YYYY-MM-DD') AS "to",
      to_char(${period.start}, 'YYYY-MM-DD') AS "periodStart",
      to_char(${period.end}, 'YYYY-MM-DD') AS "periodEnd",
      min(days.day) > ${period.start} OR max(days.day) < ${period.end} OR ${period.end} >= ${today} AS partial,
      max(days.day) > ${today} AS "beyondToday",
      ${summedCounts}
    FROM days ${period.join} LEFT JOIN usage_rows u ON u.day = days.day
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
  from: string;
  to: string;
  totals: UsageCountsRow;
}

export interface UsageComparisonRow {
  previousTotals: UsageCountsRow;
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
  { tenantId, from, to, totals }: UsageComparisonKey,
): Promise<UsageComparisonRow> {
  const count = Prisma.sql`(${to}::date - ${from}::date + 1)`;
  const previousWindow = { start: Prisma.sql`(${from}::date - ${count})`, count };
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
      SELECT ${summedCounts} FROM usage_rows u
    ) prev`;
  return rows[0];
}

/**
 * One statement per distinct window and totals of a request, shared by
 * previousTotals and changes; an answer asking for neither sends none.
 */
export const usageComparisonLoader: LoaderDefinition<UsageComparisonKey, UsageComparisonRow> = (db) =>
  new DataLoader((keys) => Promise.all(keys.map((key) => readUsageComparison(db, key))), {
    cacheKeyFn: ({ tenantId, from, to, totals }) => JSON.stringify([tenantId, from, to, countsOf(totals)]),
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
  { tenantId, from, to }: { tenantId: string; from: string; to: string },
): Promise<UserUsageRow[]> {
  return db.prisma.$queryRaw<UserUsageRow[]>`
    WITH ${usageRows(windowBounds({ from, to }), { tenants: tenantId, by: "user" })}
    SELECT u.user_id::text AS "userId", (SELECT full_name FROM users WHERE users.id = u.user_id) AS "fullName",
      ${summedCounts}
    FROM (
      SELECT * FROM usage_rows
      UNION ALL
      SELECT NULL, NULL, id, 0, 0, 0, 0, 0, 0, 0, 0 FROM users WHERE tenant_id = ${tenantId}::uuid
    ) u
    GROUP BY u.user_id
    ORDER BY coalesce(sum(u.total_logins + u.searches_executed + u.profiles_viewed + u.profiles_enriched
      + u.csv_exports + u.lists_created + u.personas_created + u.lookalike_searches), 0) DESC, u.user_id`;
}
