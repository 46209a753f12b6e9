import DataLoader from "dataloader";
import type { Database } from "../db/database";
import type { LoaderDefinition } from "../server/context";

export interface TenantActivityRow {
  id: string;
  name: string;
  userCount: number;
  searches7d: number;
  enrichments7d: number;
  exports7d: number;
  lastActive: Date | null;
}

export interface TenantUserActivityRow {
  id: string;
  fullName: string | null;
  searches7d: number;
  enrichments7d: number;
  exports7d: number;
}

/**
 * tenantActivity (contract): active tenants, counts over the 7 UTC dates
 * ending today, lastActive over the 90; names by code point, then id. Each
 * tenant's windows are ranges of activity_log (tenant_id, created_at); the
 * max() is one backward index probe.
 */
export function readTenantActivity(db: Database): Promise<TenantActivityRow[]> {
  return db.prisma.$queryRaw<TenantActivityRow[]>`
    SELECT t.id, t.name,
           (SELECT count(*)::int FROM users u WHERE u.tenant_id = t.id) AS "userCount",
           w.searches AS "searches7d", w.enrichments AS "enrichments7d", w.exports AS "exports7d",
           (SELECT max(l.created_at)
              FROM activity_log l
             WHERE l.tenant_id = t.id
               AND l.created_at >= (((now() AT TIME ZONE 'UTC')::date - 89)::timestamp AT TIME ZONE 'UTC')
               AND l.created_at < (((now() AT TIME ZONE 'UTC')::date + 1)::timestamp AT TIME ZONE 'UTC')) AS "lastActive"
      FROM tenants t
     CROSS JOIN LATERAL (
           SELECT count(*) FILTER (WHERE a.action_type = 'search_executed')::int AS searches,
                  count(*) FILTER (WHERE a.action_type = 'profile_enriched')::int AS enrichments,
                  count(*) FILTER (WHERE a.action_type = 'csv_exported')::int AS exports
             FROM activity_log a
            WHERE a.tenant_id = t.id
              AND a.created_at >= (((now() AT TIME ZONE 'UTC')::date - 6)::timestamp AT TIME ZONE 'UTC')
              AND a.created_at < (((now() AT TIME ZONE 'UTC')::date + 1)::timestamp AT TIME ZONE 'UTC')
              AND a.action_type IN ('search_executed', 'profile_enriched', 'csv_exported')
           ) w
     WHERE t.is_active
     ORDER BY w.searches DESC, t.name COLLATE "C", t.id`;
}

/**
 * TenantActivity.users (contract): every user whose users.tenant_id is the
 * tenant, zeros included, counting only their rows in that tenant over the 7
 * UTC dates ending today; by searches7d descending, then id. One statement
 * for all the tenants of a request.
 */
export const tenantUsersLoader: LoaderDefinition<string, TenantUserActivityRow[]> = (db) =>
  new DataLoader(async (tenantIds) => {
    const rows = await db.prisma.$queryRaw<(TenantUserActivityRow & { tenantId: string })[]>`
      SELECT u.tenant_id AS "tenantId", u.id, u.full_name AS "fullName",
             coalesce(c.searches, 0) AS "searches7d",
             coalesce(c.enrichments, 0) AS "enrichments7d",
             coalesce(c.exports, 0) AS "exports7d"
        FROM users u
        LEFT JOIN (
             SELECT a.tenant_id, a.user_id,
                    count(*) FILTER (WHERE a.action_type = 'search_executed')::int AS searches,
                    count(*) FILTER (WHERE a.action_type = 'profile_enriched')::int AS enrichments,
                    count(*) FILTER (WHERE a.action_type = 'csv_exported')::int AS exports
               FROM activity_log a
              WHERE a.tenant_id = ANY (${tenantIds}::uuid[])
                AND a.created_at >= (((now() AT TIME ZONE 'UTC')::date - 6)::timestamp AT TIME ZONE 'UTC')
                AND a.created_at < (((now() AT TIME ZONE 'UTC')::date + 1)::timestamp AT TIME ZONE 'UTC')
                AND a.action_type IN ('search_executed', 'profile_enriched', 'csv_exported')
              GROUP BY a.tenant_id, a.user_id
             ) c ON c.tenant_id = u.tenant_id AND c.user_id = u.id
       WHERE u.tenant_id = ANY (${tenantIds}::uuid[])
       ORDER BY "searches7d" DESC, u.id`;
    const byTenant = new Map<string, TenantUserActivityRow[]>(tenantIds.map((id) => [id, []]));
    // Rows as they come (the extra tenantId is never selected): thousands of users, no copy of each.
    for (const row of rows) byTenant.get(row.tenantId)?.push(row);
    return tenantIds.map((id) => byTenant.get(id) ?? []);
  });
