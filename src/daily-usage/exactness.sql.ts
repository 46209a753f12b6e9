import { Prisma } from "../db/generated/client";
import { actionCounts, counterColumns, summedColumns } from "./counters.sql";
import {
  DAY_QUARTERS,
  quarterStart,
  quartersMeet,
  today,
  UTC,
  utcDate,
  utcMidnight,
  windowPieces,
  type WindowBounds,
} from "./windows";

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
 * (migration 20261201004000) and wrote its quarter hours (migration
 * 20261207012000), and no UPDATE, DELETE or TRUNCATE has marked it
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
    WHEN (SELECT r.consumed_deltas AND r.wrote_quarters FROM rollup_runs r WHERE r.date = ${day} AND r.status = 'succeeded'
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

/**
 * CTEs `pieces` (windowPieces: the window's dates in its zone as quarter-hour ranges of UTC dates) and `days` (the
 * UTC dates the pieces lie on, each with its source for `tenants`, usageDateSource). In UTC each piece is a whole
 * date and `days` keeps generate_series' row count, a plan-time constant (the default guess of 1000 inflated costs).
 */
function usageDays(window: WindowBounds, tenants: UsageTenants): Prisma.Sql {
  const dates = window.zone === UTC ? Prisma.sql`pieces` : Prisma.sql`(SELECT DISTINCT day FROM pieces)`;
  return Prisma.sql`
    ${windowPieces(window)},
    days AS (
      SELECT d.day, ${usageDateSource(Prisma.sql`d.day`, tenants)} AS source
      FROM ${dates} d
    )`;
}

/** Whether piece `p` is a whole UTC date (always in UTC). */
const wholeDate = Prisma.sql`(p.q1 = 0 AND p.q2 = ${DAY_QUARTERS})`;

/** activity_log rows `a` in piece `p`: an index range scan on created_at. */
const rowsOfPiece = Prisma.sql`a.created_at >= ${quarterStart(Prisma.sql`p.day`, Prisma.sql`p.q1`)}
          AND a.created_at < ${quarterStart(Prisma.sql`p.day`, Prisma.sql`p.q2`)}`;

/**
 * CTEs `pieces`, `days` and `active_users` (day, users): per date of the window, the distinct user_ids with a usage
 * row there (any activity_log row makes one, an unknown action type too), whatever their tenant, from usageRows'
 * sources in one snapshot. In UTC a rolled-up date reads the count its rollup wrote (or counts its rows, for totals
 * written before migration 20261203003000) plus its deltas' users that its rows do not hold; a 'deltas' date counts
 * its deltas' users, a 'raw' date its activity_log rows' users. Only a date with deltas reads its rows, in one pass of
 * the primary key merged with its deltas' users. An index on (date, user_id) would make that a probe per user, but
 * the rollup's re-runs of a date (each update a new version in every index) then slowed its own anti-join on that
 * index. In another zone a date is pieces of UTC dates and a user may be active in two of them: it counts the
 * distinct users of its pieces, a rolled-up piece's from the quarters bits of its usage_metrics_daily rows.
 */
export function activeUsersPerDay(window: WindowBounds): Prisma.Sql {
  if (window.zone !== UTC)
    return Prisma.sql`
    ${usageDays(window, null)},
    active_users (day, users) AS (
      SELECT p.local_day, count(DISTINCT u.user_id)
      FROM pieces p JOIN days ON days.day = p.day
      CROSS JOIN LATERAL (
        SELECT m.user_id FROM usage_metrics_daily m
         WHERE days.source = 'rollup' AND m.date = p.day AND ${quartersMeet(Prisma.sql`m.quarters`, Prisma.sql`p.q1`, Prisma.sql`p.q2`)}
        UNION ALL
        SELECT d.user_id FROM usage_deltas d
         WHERE days.source <> 'raw' AND d.date = p.day AND d.quarter >= p.q1 AND d.quarter < p.q2
        UNION ALL
        SELECT a.user_id FROM activity_log a WHERE days.source = 'raw' AND ${rowsOfPiece}
      ) u
      GROUP BY p.local_day
    )`;
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
 * CTEs `pieces`, `days` (see usageDays) and `usage_rows` (day, tenant_id,
 * user_id, the counters' columns) for `tenants`, in one statement, hence one
 * snapshot; `day` is the window's date (in its zone) a row counts on. A piece
 * that is a whole rolled-up UTC date reads the narrowest rollup table that
 * holds the grouping: all tenants' per-date figures usage_metrics_daily_totals
 * (one row per date), per-tenant figures usage_metrics_daily_tenant_totals,
 * per-user figures usage_metrics_daily through its covering (tenant_id, date)
 * index, summed per group right there (day NULL, but for "date"): a large
 * tenant has hundreds of users a day, and the callers want them per group. A
 * rolled-up piece of a UTC date (another zone's date) reads the date's
 * quarter-hour rows (per tenant, or for all tenants) it covers; for per-user
 * figures, which have no quarter rows, its raw rows (summed over the window,
 * only its first and last UTC dates are such pieces). Deltas are read by
 * their quarter. The raw side is a LATERAL per raw piece so each is an index
 * range scan on created_at (no scan of the rest of the window).
 */
export function usageRows(
  window: WindowBounds,
  { tenants, by }: { tenants: UsageTenants; by: UsageGrouping },
): Prisma.Sql {
  const byTenant = by === "tenant" || by === "tenantUser";
  const byUser = by === "user" || by === "tenantUser";
  const byDate = by === "date";
  const local = window.zone !== UTC;
  const keys = (alias: string) =>
    Prisma.raw(`${byTenant ? `${alias}.tenant_id` : "NULL::uuid"}, ${byUser ? `${alias}.user_id` : "NULL::uuid"}`);
  const groups = (alias: string, withDate = false) => {
    const columns = [withDate && "p.local_day", byTenant && `${alias}.tenant_id`, byUser && `${alias}.user_id`];
    return by === "date" && !withDate ? Prisma.sql`()` : Prisma.raw(columns.filter(Boolean).join(", "));
  };
  const perTenant = byTenant || tenants !== null;
  const rolledUpTable = byUser
    ? Prisma.sql`usage_metrics_daily`
    : perTenant
      ? Prisma.sql`usage_metrics_daily_tenant_totals`
      : Prisma.sql`usage_metrics_daily_totals`;
  const quarterTable = perTenant
    ? Prisma.sql`usage_metrics_quarter_hourly`
    : Prisma.sql`usage_metrics_quarter_hourly_totals`;
  const rolledUpDay = byDate ? Prisma.sql`p.local_day` : Prisma.sql`NULL::date`;
  // Summed over the window, a UTC date's pieces join into one span: only the window's first and last are partial.
  const parts =
    byDate || !local
      ? Prisma.sql`pieces`
      : Prisma.sql`(SELECT day, min(q1) AS q1, max(q2) AS q2 FROM pieces GROUP BY day)`;
  // The dates the pieces lie on, as a range on m.date the planner can use on the index.
  const { start, count } = window;
  const dateRange = (alias: string) =>
    local
      ? Prisma.sql`${Prisma.raw(alias)}.date >= ${start} - 1 AND ${Prisma.raw(alias)}.date <= ${start} + ${count}`
      : Prisma.sql`${Prisma.raw(alias)}.date >= ${start} AND ${Prisma.raw(alias)}.date < ${start} + ${count}`;
  const rawPiece =
    byUser && local ? Prisma.sql`(days.source = 'raw' OR NOT ${wholeDate})` : Prisma.sql`days.source = 'raw'`;
  const rolledUpPieces = local
    ? Prisma.sql`
      UNION ALL
      SELECT ${rolledUpDay} AS day, ${keys("q")}, ${summedColumns("q")}
      FROM ${parts} p JOIN days ON days.day = p.day
        JOIN ${quarterTable} q ON q.date = p.day AND q.quarter >= p.q1 AND q.quarter < p.q2
      WHERE days.source = 'rollup' AND NOT ${wholeDate} AND ${dateRange("q")} ${ofTenants("q", tenants)}
      GROUP BY ${groups("q", byDate)}`
    : Prisma.empty;
  return Prisma.sql`
    ${usageDays(window, tenants)},
    usage_rows (day, tenant_id, user_id, ${counterColumns}) AS (
      SELECT ${rolledUpDay} AS day, ${keys("m")}, ${summedColumns("m")}
      FROM ${parts} p JOIN days ON days.day = p.day JOIN ${rolledUpTable} m ON m.date = p.day
      WHERE days.source = 'rollup' AND ${wholeDate} AND ${dateRange("m")} ${ofTenants("m", tenants)}
      GROUP BY ${groups("m", byDate)}
      ${byUser ? Prisma.empty : rolledUpPieces}
      UNION ALL
      SELECT ${rolledUpDay}, delta.*
      FROM ${parts} p JOIN days ON days.day = p.day CROSS JOIN LATERAL (
        SELECT ${keys("d")}, ${summedColumns("d")}
        FROM usage_deltas d
        WHERE d.date = p.day AND (${wholeDate} OR (d.quarter >= p.q1 AND d.quarter < p.q2)) ${ofTenants("d", tenants)}
        GROUP BY ${groups("d")}
        HAVING count(*) > 0
      ) delta
      WHERE days.source <> 'raw' AND NOT ${rawPiece}
      UNION ALL
      SELECT ${byDate ? Prisma.sql`p.local_day` : Prisma.sql`p.day`}, raw.*
      FROM ${parts} p JOIN days ON days.day = p.day CROSS JOIN LATERAL (
        SELECT ${keys("a")}, ${actionCounts}
        FROM activity_log a
        WHERE ${rowsOfPiece} ${ofTenants("a", tenants)}
        GROUP BY ${groups("a")}
      ) raw
      WHERE ${rawPiece}
    )`;
}
