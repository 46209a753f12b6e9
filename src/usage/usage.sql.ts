import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";

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

export interface UsageSeries {
  startDate: string;
  endDate: string;
  daily: DailyUsageRow[];
  totals: UsageCountsRow;
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

/**
 * CTEs `days` (the `count` dates from `start`, each with whether it is clean)
 * and `usage_rows` (day, user_id, the eight counts), for one tenant or all. A
 * date is clean when a rollup run for it succeeded and no write to
 * activity_log has touched it since (the triggers mark it in
 * usage_stale_dates; the rollup unmarks it in the transaction that rewrites
 * it): clean dates come from the rollup tables, the others from activity_log,
 * in one statement, hence one snapshot. All tenants' per-date figures read
 * usage_metrics_daily_totals (one row per date, written with the date's
 * rows); a tenant's or a user's read usage_metrics_daily, through its
 * covering (tenant_id, date) index. The raw side is a LATERAL per unclean
 * date so each is an index range scan on created_at (no scan of the
 * rolled-up part of the window). `count` goes to generate_series as a
 * plan-time constant, so the planner knows the window has `count` rows (the
 * default guess of 1000 inflated costs past the JIT threshold).
 */
function usageRows(
  { start, count }: { start: Prisma.Sql; count: Prisma.Sql },
  { tenantId, perUser }: { tenantId: string | null; perUser: boolean },
): Prisma.Sql {
  // Per-date figures need no per-user groups on the raw side (a day of all tenants has many users).
  const rawUser = perUser ? Prisma.sql`a.user_id` : Prisma.sql`NULL::uuid`;
  const rawGroups = perUser ? Prisma.sql`a.user_id` : Prisma.sql`()`;
  const rawTenant = tenantId === null ? Prisma.empty : Prisma.sql`AND a.tenant_id = ${tenantId}::uuid`;
  const rolledUp =
    tenantId === null && !perUser
      ? Prisma.sql`SELECT *, NULL::uuid AS user_id FROM usage_metrics_daily_totals`
      : Prisma.sql`SELECT * FROM usage_metrics_daily ${tenantId === null ? Prisma.empty : Prisma.sql`WHERE tenant_id = ${tenantId}::uuid`}`;
  return Prisma.sql`
    days AS (
      SELECT d.day,
        EXISTS (SELECT 1 FROM rollup_runs r WHERE r.date = d.day AND r.status = 'succeeded')
          AND NOT EXISTS (SELECT 1 FROM usage_stale_dates s WHERE s.date = d.day) AS clean
      FROM (SELECT ${start} + i AS day FROM generate_series(0, ${count} - 1) AS i) d
    ),
    usage_rows AS (
      SELECT m.date AS day, m.user_id, m.total_logins, m.searches_executed, m.profiles_viewed, m.profiles_enriched,
        m.csv_exports, m.lists_created, m.personas_created, m.lookalike_searches
      FROM days JOIN (${rolledUp}) m ON m.date = days.day
      -- The window again as a range on m.date, which the planner can use on the index.
      WHERE days.clean AND m.date >= ${start} AND m.date < ${start} + ${count}
      UNION ALL
      SELECT days.day, raw.*
      FROM days CROSS JOIN LATERAL (
        SELECT ${rawUser} AS user_id, ${actionCounts}
        FROM activity_log a
        WHERE a.created_at >= (days.day::timestamp AT TIME ZONE 'UTC')
          AND a.created_at < ((days.day + 1)::timestamp AT TIME ZONE 'UTC')
          ${rawTenant}
        GROUP BY ${rawGroups}
      ) raw
      WHERE NOT days.clean
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

/**
 * UsageMetrics' window, daily and totals (contract: the N UTC dates ending
 * today, one zero-filled entry per date, oldest first; figures equal raw
 * activity_log counts). The grand-total grouping set is the totals row; its
 * min/max date are the window's bounds.
 */
export async function readUsageSeries(
  db: Database,
  { tenantId, days }: { tenantId: string | null; days: number },
): Promise<UsageSeries> {
  const window = {
    start: Prisma.sql`((now() AT TIME ZONE 'UTC')::date - (${days}::int - 1))`,
    count: Prisma.sql`${days}::int`,
  };
  const rows = await db.prisma.$queryRaw<Array<DailyUsageRow & { isTotal: boolean; endDate: string }>>`
    WITH ${usageRows(window, { tenantId, perUser: false })}
    SELECT GROUPING(days.day) = 1 AS "isTotal",
      to_char(min(days.day), 'YYYY-MM-DD') AS date,
      to_char(max(days.day), 'YYYY-MM-DD') AS "endDate",
      ${summedCounts}
    FROM days LEFT JOIN usage_rows u ON u.day = days.day
    GROUP BY GROUPING SETS ((days.day), ())
    ORDER BY "isTotal", days.day`;
  const { isTotal: _isTotal, date: startDate, endDate, ...totals } = rows[rows.length - 1];
  const daily = rows.slice(0, -1).map(({ isTotal: _dayIsTotal, endDate: _dayEnd, ...day }) => day);
  return { startDate, endDate, daily, totals };
}

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
  const window = { start: Prisma.sql`${from}::date`, count: Prisma.sql`(${to}::date - ${from}::date + 1)` };
  return db.prisma.$queryRaw<UserUsageRow[]>`
    WITH ${usageRows(window, { tenantId, perUser: true })}
    SELECT u.user_id::text AS "userId", (SELECT full_name FROM users WHERE users.id = u.user_id) AS "fullName",
      ${summedCounts}
    FROM (
      SELECT * FROM usage_rows
      UNION ALL
      SELECT NULL, id, 0, 0, 0, 0, 0, 0, 0, 0 FROM users WHERE tenant_id = ${tenantId}::uuid
    ) u
    GROUP BY u.user_id
    ORDER BY coalesce(sum(u.total_logins + u.searches_executed + u.profiles_viewed + u.profiles_enriched
      + u.csv_exports + u.lists_created + u.personas_created + u.lookalike_searches), 0) DESC, u.user_id`;
}
