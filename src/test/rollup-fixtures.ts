import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { insertActivity, type ActivityRow } from "./factories";
import { addDays, KNOWN_ACTIONS, prng } from "./scenario";

/** Known types, and unknown ones that must count nowhere (case matters). */
const ACTION_TYPES = [...KNOWN_ACTIONS, "LOGIN", "api_call", "Search_Executed"];

/**
 * `count` random rows over D-1, D and D+1 for a few tenants and users (ids
 * that dangle: no tenants or users rows), plus rows on each date's first and
 * last millisecond, and one pair whose rows on D are all of unknown types.
 */
export function generateActivity(seed: number, date: string, count: number): ActivityRow[] {
  const random = prng(seed);
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  const tenants = Array.from({ length: 3 }, () => randomUUID());
  const pairs = Array.from({ length: 25 }, () => ({ tenantId: pick(tenants), userId: randomUUID() }));
  const start = new Date(`${addDays(date, -1)}T00:00:00.000Z`).getTime();
  const rows: ActivityRow[] = Array.from({ length: count }, () => ({
    ...pick(pairs),
    actionType: pick(ACTION_TYPES),
    createdAt: new Date(start + Math.floor(random() * 3 * 86_400_000)),
  }));
  for (const day of [-1, 0, 1]) {
    for (const instant of ["00:00:00.000", "23:59:59.999"]) {
      rows.push({ ...pick(pairs), actionType: pick(ACTION_TYPES), createdAt: `${addDays(date, day)}T${instant}Z` });
    }
  }
  const unknownOnly = { tenantId: pick(tenants), userId: randomUUID() };
  rows.push({ ...unknownOnly, actionType: "LOGIN", createdAt: `${date}T12:00:00.000Z` });
  rows.push({ ...unknownOnly, actionType: "api_call", createdAt: `${date}T23:59:59.999Z` });
  return rows;
}

export async function insertActivityInChunks(pool: Pool, rows: ActivityRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) await insertActivity(pool, rows.slice(i, i + 5000));
}

/** The oracle's counters: plain CASE sums, written independently of the rollup's FILTER list. */
const ORACLE_COUNTS = `sum(CASE WHEN action_type = 'login' THEN 1 ELSE 0 END)::int AS total_logins,
  sum(CASE WHEN action_type = 'search_executed' THEN 1 ELSE 0 END)::int AS searches_executed,
  sum(CASE WHEN action_type = 'profile_viewed' THEN 1 ELSE 0 END)::int AS profiles_viewed,
  sum(CASE WHEN action_type = 'profile_enriched' THEN 1 ELSE 0 END)::int AS profiles_enriched,
  sum(CASE WHEN action_type = 'csv_exported' THEN 1 ELSE 0 END)::int AS csv_exports,
  sum(CASE WHEN action_type = 'list_created' THEN 1 ELSE 0 END)::int AS lists_created,
  sum(CASE WHEN action_type = 'persona_created' THEN 1 ELSE 0 END)::int AS personas_created,
  sum(CASE WHEN action_type = 'lookalike_search' THEN 1 ELSE 0 END)::int AS lookalike_searches`;

/** The oracle: D's expected rollup rows, a plain GROUP BY written independently of the rollup's SQL. */
export async function expectedDailyRows(pool: Pool, date: string): Promise<unknown[]> {
  const { rows } = await pool.query<Record<string, unknown>>(
    `SELECT tenant_id::text AS tenant_id, user_id::text AS user_id,
            ${ORACLE_COUNTS}
       FROM activity_log
      WHERE to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') = $1
      GROUP BY tenant_id, user_id
      ORDER BY tenant_id, user_id`,
    [date],
  );
  return rows;
}

export async function dailyRows(pool: Pool, date: string): Promise<unknown[]> {
  const { rows } = await pool.query<Record<string, unknown>>(
    `SELECT tenant_id::text AS tenant_id, user_id::text AS user_id, total_logins, searches_executed, profiles_viewed,
            profiles_enriched, csv_exports, lists_created, personas_created, lookalike_searches
       FROM usage_metrics_daily WHERE date = $1::date ORDER BY tenant_id, user_id`,
    [date],
  );
  return rows;
}

/**
 * The oracle of D's totals rows: plain sums over all of D's activity_log rows
 * and their distinct users (usage_metrics_daily_totals), or sums per tenant
 * (usage_metrics_daily_tenant_totals); none for a day without rows.
 */
export async function expectedTotalsRows(pool: Pool, date: string, perTenant = false): Promise<unknown[]> {
  const tenant = perTenant ? "tenant_id::text AS tenant_id," : "";
  const { rows } = await pool.query<Record<string, unknown>>(
    `SELECT ${tenant} ${ORACLE_COUNTS} ${perTenant ? "" : ", count(DISTINCT user_id)::int AS active_users"}
       FROM activity_log
      WHERE to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') = $1
      GROUP BY ${perTenant ? "tenant_id" : "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')"}
      ORDER BY 1`,
    [date],
  );
  return rows;
}

export async function totalsRows(pool: Pool, date: string, perTenant = false): Promise<unknown[]> {
  const { rows } = await pool.query<Record<string, unknown>>(
    `SELECT ${perTenant ? "tenant_id::text AS tenant_id," : ""} total_logins, searches_executed, profiles_viewed,
            profiles_enriched, csv_exports, lists_created, personas_created, lookalike_searches
            ${perTenant ? "" : ", active_users"}
       FROM ${perTenant ? "usage_metrics_daily_tenant_totals" : "usage_metrics_daily_totals"}
      WHERE date = $1::date ORDER BY 1`,
    [date],
  );
  return rows;
}
