import { Prisma } from "../db/generated/client";
import { actionCounts, counterColumns, summedColumns } from "./counters.sql";
import { today, utcDate, utcMidnight, type WindowBounds } from "./windows";

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

/**
 * Whether `day` is a missing rollup date: before today, with no successful
 * run or a failed latest finished run, and with something to roll up. For
 * all tenants (null) that is on or after the earliest activity_log date (the
 * catch-up's own start). For one tenant it is a date with rows of that
 * tenant (one probe of activity_log's (tenant_id, created_at) index, made
 * last, so only for dates otherwise missing): runs are per date, for every
 * tenant, and a tenant is shown only those that hold its own rows, never a
 * date that only other tenants' rows (a late one included) bring in.
 */
export function rollupMissing(day: Prisma.Sql, tenantId: string | null): Prisma.Sql {
  const hasRows =
    tenantId === null
      ? Prisma.sql`${day} >= (SELECT ${utcDate(Prisma.sql`min(created_at)`)} FROM activity_log)`
      : Prisma.sql`EXISTS (SELECT 1 FROM activity_log a WHERE a.tenant_id = ${tenantId}::uuid
          AND a.created_at >= ${utcMidnight(day)}
          AND a.created_at < ${utcMidnight(Prisma.sql`${day} + 1`)})`;
  return Prisma.sql`(${day} < ${today}
    AND coalesce((SELECT r.status <> 'succeeded' FROM rollup_runs r WHERE r.date = ${day} AND r.status <> 'running'
                   ORDER BY r.finished_at DESC, r.id DESC LIMIT 1), true)
    AND ${hasRows})`;
}

/**
 * What one usage_rows row stands for: a date ("date", the per-date series), or a user, a tenant or a (tenant, user)
 * pair summed over the window (day NULL on rolled-up dates).
 */
export type UsageGrouping = "date" | "user" | "tenant" | "tenantUser";

/** CTE `days`: the `count` dates from `start`, each with its source for `tenants` (usageDateSource). */
function usageDays({ start, count }: WindowBounds, tenants: UsageTenants): Prisma.Sql {
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
export function activeUsersPerDay(window: WindowBounds): Prisma.Sql {
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
                         WHERE a.created_at >= ${utcMidnight(Prisma.sql`days.day`)}
                           AND a.created_at < ${utcMidnight(Prisma.sql`days.day + 1`)})
      FROM days
      WHERE days.source = 'raw'
    )`;
}

/**
 * CTEs `days` (the `count` dates from `start`, each with its source for
 * `tenants`, see usageDateSource) and `usage_rows` (day, tenant_id, user_id, the
 * counters' columns) for `tenants`, in one statement, hence one snapshot. Rolled-up
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
  { start, count }: WindowBounds,
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
    usage_rows (day, tenant_id, user_id, ${counterColumns}) AS (
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
        WHERE a.created_at >= ${utcMidnight(Prisma.sql`days.day`)}
          AND a.created_at < ${utcMidnight(Prisma.sql`days.day + 1`)}
          ${ofTenants("a", tenants)}
        GROUP BY ${groups("a")}
      ) raw
      WHERE days.source = 'raw'
    )`;
}
