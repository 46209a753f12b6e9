import { Prisma } from "../db/generated/client";
import { actionCounts, counterColumns, runningSumSteps, splitCounts, summedColumns } from "./counters.sql";
import {
  DAY_QUARTERS,
  localDateOfQuarter,
  localMidnight,
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
  if (window.zone === UTC)
    return Prisma.sql`
    ${windowPieces(window)},
    days AS (
      SELECT p.day, ${usageDateSource(Prisma.sql`p.day`, tenants)} AS source
      FROM pieces p
    )`;
  return Prisma.sql`
    ${windowPieces(window)},
    days AS (
      SELECT z.*, ${usageDateSource(Prisma.sql`z.day`, tenants)} AS source
      FROM zone_days z
    )`;
}

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
 * snapshot; `day` is the window's date a row counts on (NULL on rolled-up
 * dates but for "date"). A rolled-up date reads the narrowest rollup table that
 * holds the grouping: all tenants' per-date figures usage_metrics_daily_totals
 * (one row per date, written with the date's rows), per-tenant figures
 * usage_metrics_daily_tenant_totals (one row per date and tenant), per-user
 * figures usage_metrics_daily through its covering (tenant_id, date) index,
 * summed per group right there: a large tenant has hundreds of users a day,
 * and the callers want them per group. The raw side is a LATERAL per raw date
 * so each is an index range scan on created_at (no scan of the rest of the
 * window). `count` goes to generate_series as a plan-time constant, so the
 * planner knows the window has `count` rows (the default guess of 1000
 * inflated costs past the JIT threshold). In another zone, localUsageRows.
 */
export function usageRows(window: WindowBounds, grouping: { tenants: UsageTenants; by: UsageGrouping }): Prisma.Sql {
  if (window.zone !== UTC) return localUsageRows(window, grouping);
  const { start, count } = window;
  const { tenants, by } = grouping;
  const { keys, groups, rolledUpTable } = groupingOf(grouping);
  const byDate = by === "date";
  const rolledUpDay = byDate ? Prisma.sql`m.date` : Prisma.sql`NULL::date`;
  return Prisma.sql`
    ${usageDays(window, tenants)},
    usage_rows (day, tenant_id, user_id, ${counterColumns}) AS (
      SELECT ${rolledUpDay} AS day, ${keys("m")}, ${summedColumns("m")}
      FROM days JOIN ${rolledUpTable} m ON m.date = days.day
      -- The window again as a range on m.date, which the planner can use on the index.
      WHERE days.source = 'rollup' AND m.date >= ${start} AND m.date < ${start} + ${count} ${ofTenants("m", tenants)}
      GROUP BY ${groups("m", byDate ? "m.date" : null)}
      UNION ALL
      SELECT days.day, delta.*
      FROM days CROSS JOIN LATERAL (
        SELECT ${keys("d")}, ${summedColumns("d")}
        FROM usage_deltas d
        WHERE d.date = days.day ${ofTenants("d", tenants)}
        GROUP BY ${groups("d", null)}
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
        GROUP BY ${groups("a", null)}
      ) raw
      WHERE days.source = 'raw'
    )`;
}

/** The SQL of a grouping: its key columns under an alias, its GROUP BY, and the rollup table that holds it. */
function groupingOf({ tenants, by }: { tenants: UsageTenants; by: UsageGrouping }) {
  const byTenant = by === "tenant" || by === "tenantUser";
  const byUser = by === "user" || by === "tenantUser";
  const perTenant = byTenant || tenants !== null;
  return {
    byUser,
    perTenant,
    keys: (alias: string) =>
      Prisma.raw(`${byTenant ? `${alias}.tenant_id` : "NULL::uuid"}, ${byUser ? `${alias}.user_id` : "NULL::uuid"}`),
    /** keys, named tenant_id and user_id, for a subquery's columns. */
    namedKeys: (alias: string) =>
      Prisma.raw(
        `${byTenant ? `${alias}.tenant_id` : "NULL::uuid AS tenant_id"}, ${byUser ? `${alias}.user_id` : "NULL::uuid AS user_id"}`,
      ),
    /** GROUP BY the grouping's keys under `alias`, and the column `date` when not null. */
    groups: (alias: string, date: string | null) => {
      const columns = [date, byTenant && `${alias}.tenant_id`, byUser && `${alias}.user_id`].filter(Boolean);
      return Prisma.raw(columns.length === 0 ? "()" : columns.join(", "));
    },
    rolledUpTable: byUser
      ? Prisma.sql`usage_metrics_daily`
      : perTenant
        ? Prisma.sql`usage_metrics_daily_tenant_totals`
        : Prisma.sql`usage_metrics_daily_totals`,
    quarterTable: perTenant
      ? Prisma.sql`usage_metrics_quarter_hourly`
      : Prisma.sql`usage_metrics_quarter_hourly_totals`,
  };
}

/**
 * usageRows in a zone other than UTC, whose dates are runs of quarter hours of
 * UTC dates (windowPieces). A rolled-up UTC date that is wholly one date of the
 * window (a zero offset), or for figures summed over the window wholly inside
 * it, reads its rollup rows as in UTC; another rolled-up date splits at its
 * local midnight: the running sums before it (one probe of the quarter-hour
 * rows, per tenant or for all tenants) and its totals less those, or on a date
 * with a DST change each quarter on its own local date. Per-user
 * figures, which have no quarter rows, read the raw rows of the window in the
 * UTC dates it cuts (its first and last). Deltas are counted on their quarter's
 * local date. Raw dates read each piece's rows (per date), or for figures summed
 * over the window the rows of the date in the window's instants.
 */
function localUsageRows(window: WindowBounds, grouping: { tenants: UsageTenants; by: UsageGrouping }): Prisma.Sql {
  const { start, count, zone } = window;
  const { tenants, by } = grouping;
  const { keys, namedKeys, groups, rolledUpTable, quarterTable, byUser, perTenant } = groupingOf(grouping);
  const byDate = by === "date";
  // Each row's local date, computed once in a LATERAL (GROUP BY cannot match an expression with bound parameters).
  const localOf = (alias: string) =>
    Prisma.sql`CROSS JOIN LATERAL (SELECT ${localDateOfQuarter("days", Prisma.raw(`${alias}.quarter`), zone)} AS day) l`;
  const local = Prisma.raw("l.day");
  const inWindow = (date: Prisma.Sql) => Prisma.sql`${date} >= ${start} AND ${date} < ${start} + ${count}`;
  const dateRange = (alias: string) =>
    Prisma.sql`${Prisma.raw(alias)}.date >= ${start} - 1 AND ${Prisma.raw(alias)}.date <= ${start} + ${count}`;
  const firstQuarter = localDateOfQuarter("days", Prisma.sql`0`, zone);
  const lastQuarter = localDateOfQuarter("days", Prisma.sql`${DAY_QUARTERS} - 1`, zone);
  // A date read from its rollup rows: one local date of the window, or all in the window when summed over it.
  const whole = byDate
    ? Prisma.sql`(days.regular AND days.split = ${DAY_QUARTERS} AND ${inWindow(Prisma.sql`days.first_local`)})`
    : Prisma.sql`(${inWindow(firstQuarter)} AND ${inWindow(lastQuarter)})`;
  const raw = byUser ? Prisma.sql`(days.source = 'raw' OR NOT ${whole})` : Prisma.sql`days.source = 'raw'`;
  const day = (date: Prisma.Sql) => (byDate ? date : Prisma.sql`NULL::date`);
  const windowStart = localMidnight(start, zone);
  const windowEnd = localMidnight(Prisma.sql`${start} + ${count}`, zone);
  const tenantOf = (alias: string) => Prisma.raw(perTenant ? `${alias}.tenant_id` : "NULL::uuid");
  // Rolled-up dates that are not read whole: a regular one in two halves at its split, the quarters before it
  // (the running sums through the last of them, one backward probe) and its totals less those; a date with a DST
  // change quarter by quarter (the running sums' steps), each on its own local date.
  const quarters = byUser
    ? Prisma.empty
    : Prisma.sql`
      UNION ALL
      SELECT ${day(Prisma.sql`s.day`)}, ${keys("s")}, ${summedColumns("s")}
      FROM (
        SELECT CASE WHEN half.first THEN days.first_local ELSE days.first_local + 1 END AS day,
               ${tenantOf("t")} AS tenant_id, NULL::uuid AS user_id, ${splitCounts}
        FROM days JOIN ${rolledUpTable} t ON t.date = days.day ${ofTenants("t", tenants)}
        LEFT JOIN LATERAL (
          SELECT * FROM ${quarterTable} q
          WHERE q.date = days.day ${Prisma.raw(perTenant ? "AND q.tenant_id = t.tenant_id" : "")} AND q.quarter < days.split
          ORDER BY q.quarter DESC LIMIT 1
        ) pre ON true
        CROSS JOIN (VALUES (true), (false)) AS half (first)
        WHERE days.source = 'rollup' AND days.regular AND NOT ${whole}
        UNION ALL
        SELECT ${localDateOfQuarter("days", Prisma.sql`q.quarter`, zone)}, ${tenantOf("q")}, NULL::uuid, ${runningSumSteps}
        FROM days JOIN ${quarterTable} q ON q.date = days.day
        WHERE days.source = 'rollup' AND NOT days.regular ${ofTenants("q", tenants)}
        WINDOW w AS (PARTITION BY ${Prisma.raw(perTenant ? "q.tenant_id, " : "")}q.date ORDER BY q.quarter)
      ) s
      WHERE ${inWindow(Prisma.sql`s.day`)}
      GROUP BY ${groups("s", byDate ? "s.day" : null)}`;
  // Summed over the window, the deltas of a date wholly inside it count whatever their quarter, as in UTC.
  const wholeDeltas = byDate
    ? Prisma.empty
    : Prisma.sql`
      SELECT NULL::date, delta.*
      FROM days CROSS JOIN LATERAL (
        SELECT ${keys("d")}, ${summedColumns("d")}
        FROM usage_deltas d
        WHERE d.date = days.day ${ofTenants("d", tenants)}
        GROUP BY ${groups("d", null)}
        HAVING count(*) > 0
      ) delta
      WHERE days.source <> 'raw' AND ${whole}
      UNION ALL`;
  const rawRows = byDate
    ? Prisma.sql`
      SELECT p.local_day, raw.*
      FROM pieces p JOIN days ON days.day = p.day CROSS JOIN LATERAL (
        SELECT ${keys("a")}, ${actionCounts}
        FROM activity_log a
        WHERE ${rowsOfPiece}
          ${ofTenants("a", tenants)}
        GROUP BY ()
      ) raw
      WHERE ${raw}`
    : Prisma.sql`
      SELECT NULL::date, raw.*
      FROM days CROSS JOIN LATERAL (
        SELECT ${keys("a")}, ${actionCounts}
        FROM activity_log a
        WHERE a.created_at >= greatest(${utcMidnight(Prisma.sql`days.day`)}, ${windowStart})
          AND a.created_at < least(${utcMidnight(Prisma.sql`days.day + 1`)}, ${windowEnd})
          ${ofTenants("a", tenants)}
        GROUP BY ${groups("a", null)}
      ) raw
      WHERE ${raw}`;
  return Prisma.sql`
    ${usageDays(window, tenants)},
    usage_rows (day, tenant_id, user_id, ${counterColumns}) AS (
      SELECT ${day(Prisma.sql`days.first_local`)}, ${keys("m")}, ${summedColumns("m")}
      FROM days JOIN ${rolledUpTable} m ON m.date = days.day
      WHERE days.source = 'rollup' AND ${whole} AND ${dateRange("m")} ${ofTenants("m", tenants)}
      GROUP BY ${groups("m", byDate ? "days.first_local" : null)}
      ${quarters}
      UNION ALL
      ${wholeDeltas}
      SELECT ${day(local)}, ${keys("delta")}, ${summedColumns("delta")}
      FROM days CROSS JOIN LATERAL (
        SELECT d.quarter, ${namedKeys("d")}, ${summedColumns("d")}
        FROM usage_deltas d
        WHERE d.date = days.day ${ofTenants("d", tenants)}
        GROUP BY ${groups("d", "d.quarter")}
      ) delta ${localOf("delta")}
      WHERE days.source <> 'raw' AND NOT ${raw} ${byDate ? Prisma.empty : Prisma.sql`AND NOT ${whole}`} AND ${inWindow(local)}
      GROUP BY ${groups("delta", byDate ? "l.day" : null)}
      UNION ALL
      ${rawRows}
    )`;
}
