import DataLoader from "dataloader";
import { usageRows } from "../daily-usage/exactness.sql";
import { localMidnight, todayIn, windowBounds, type TimeZoneName } from "../daily-usage/windows";
import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";
import type { LoaderDefinition } from "../server/context";

export interface TenantActivityRow {
  id: string;
  name: string;
  userCount: number;
  searches7d: number;
  enrichments7d: number;
  exports7d: number;
  lastActive: Date | null;
  timeZone: TimeZoneName;
}

export interface TenantUserActivityRow {
  id: string;
  fullName: string | null;
  searches7d: number;
  enrichments7d: number;
  exports7d: number;
}

/** The 7 dates ending today (in the answer's zone), which every 7d figure of tenantActivity covers. */
export const TENANT_ACTIVITY_WINDOW = { days: 7 };

/**
 * tenantActivity (contract): active tenants, counts over the 7 dates
 * ending today in `zone`, lastActive over the 90; names by code point, then id. The
 * counts read each date as usageMetrics does (usageRows: rollup plus deltas,
 * raw only where it must be), per tenant; lastActive is one backward probe
 * of activity_log (tenant_id, created_at) per tenant, since any row counts
 * there, known action or not.
 */
export function readTenantActivity(db: Database, zone: TimeZoneName): Promise<TenantActivityRow[]> {
  const today = todayIn(zone);
  return db.prisma.$queryRaw<TenantActivityRow[]>`
    WITH ${usageRows(windowBounds(TENANT_ACTIVITY_WINDOW, zone), { tenants: null, by: "tenant" })},
    week AS (
      SELECT tenant_id, sum(searches_executed)::int AS searches, sum(profiles_enriched)::int AS enrichments,
             sum(csv_exports)::int AS exports
        FROM usage_rows GROUP BY tenant_id
    )
    SELECT t.id, t.name,
           (SELECT count(*)::int FROM users u WHERE u.tenant_id = t.id) AS "userCount",
           coalesce(w.searches, 0) AS "searches7d", coalesce(w.enrichments, 0) AS "enrichments7d",
           coalesce(w.exports, 0) AS "exports7d",
           (SELECT max(l.created_at)
              FROM activity_log l
             WHERE l.tenant_id = t.id
               AND l.created_at >= ${localMidnight(Prisma.sql`${today} - 89`, zone)}
               AND l.created_at < ${localMidnight(Prisma.sql`${today} + 1`, zone)}) AS "lastActive",
           ${zone}::text AS "timeZone"
      FROM tenants t
      LEFT JOIN week w ON w.tenant_id = t.id
     WHERE t.is_active
     ORDER BY "searches7d" DESC, t.name COLLATE "C", t.id`;
}

/** One tenant's users in the answer's zone. */
export interface TenantUsersKey {
  tenantId: string;
  zone: TimeZoneName;
}

/**
 * TenantActivity.users (contract): every user whose users.tenant_id is the
 * tenant, zeros included, counting only their rows in that tenant over the 7
 * dates ending today in the answer's zone (usageRows per tenant and user); by
 * searches7d descending, then id. One statement for all the tenants of a
 * request (they share its zone).
 */
export const tenantUsersLoader: LoaderDefinition<TenantUsersKey, TenantUserActivityRow[]> = (db) =>
  new DataLoader(
    async (keys) => {
      const byTenant = new Map<string, TenantUserActivityRow[]>(keys.map((key) => [cacheKey(key), []]));
      for (const zone of new Set(keys.map((key) => key.zone))) {
        const tenantIds = keys.filter((key) => key.zone === zone).map((key) => key.tenantId);
        const rows = await readTenantUsers(db, tenantIds, zone);
        // Rows as they come (the extra tenantId is never selected): thousands of users, no copy of each.
        for (const row of rows) byTenant.get(cacheKey({ tenantId: row.tenantId, zone }))?.push(row);
      }
      return keys.map((key) => byTenant.get(cacheKey(key)) ?? []);
    },
    { cacheKeyFn: cacheKey },
  );

function cacheKey({ tenantId, zone }: TenantUsersKey): string {
  return `${zone} ${tenantId}`;
}

/** The users of `tenantIds` with their 7-day counts in `zone` (tenantUsersLoader's rule). */
function readTenantUsers(
  db: Database,
  tenantIds: readonly string[],
  zone: TimeZoneName,
): Promise<(TenantUserActivityRow & { tenantId: string })[]> {
  return db.prisma.$queryRaw<(TenantUserActivityRow & { tenantId: string })[]>`
      WITH ${usageRows(windowBounds(TENANT_ACTIVITY_WINDOW, zone), { tenants: tenantIds, by: "tenantUser" })},
      week AS (
        SELECT tenant_id, user_id, sum(searches_executed)::int AS searches,
               sum(profiles_enriched)::int AS enrichments, sum(csv_exports)::int AS exports
          FROM usage_rows GROUP BY tenant_id, user_id
      )
      SELECT u.tenant_id AS "tenantId", u.id, u.full_name AS "fullName",
             coalesce(c.searches, 0) AS "searches7d",
             coalesce(c.enrichments, 0) AS "enrichments7d",
             coalesce(c.exports, 0) AS "exports7d"
        FROM users u
        LEFT JOIN week c ON c.tenant_id = u.tenant_id AND c.user_id = u.id
       WHERE u.tenant_id = ANY (${tenantIds}::uuid[])
       ORDER BY "searches7d" DESC, u.id`;
}
