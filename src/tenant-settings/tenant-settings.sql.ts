import type { Database } from "../db/database";

export interface TenantTimeZoneWrite {
  /** Whether a tenants row has this id. */
  tenantExists: boolean;
  /** Whether the write was made: the tenant exists and, for a member's write, the writer is still its member. */
  written: boolean;
}

/**
 * setTenantTimeZone: stores the tenant's zone, or with null deletes it (back to UTC), in one statement, only if the
 * tenant exists. A write `asMember` (a tenant admin's) is made only while the writer is a users row of that tenant
 * and the tenant is active: revocation as far as the data allows, as for recordActivity.
 */
export async function writeTenantTimeZone(
  db: Database,
  write: { tenantId: string; timeZone: string | null; writerId: string; asMember: boolean },
): Promise<TenantTimeZoneWrite> {
  const [row] = await db.prisma.$queryRaw<TenantTimeZoneWrite[]>`
    WITH tenant AS (
      SELECT t.id,
             NOT ${write.asMember}::boolean
               OR (t.is_active AND EXISTS (SELECT FROM users u WHERE u.id = ${write.writerId}::uuid AND u.tenant_id = t.id))
               AS allowed
        FROM tenants t WHERE t.id = ${write.tenantId}::uuid
    ), stored AS (
      INSERT INTO tenant_time_zones (tenant_id, time_zone, updated_by)
      SELECT id, ${write.timeZone}::text, ${write.writerId}::uuid FROM tenant WHERE allowed AND ${write.timeZone}::text IS NOT NULL
      ON CONFLICT (tenant_id) DO UPDATE
        SET time_zone = EXCLUDED.time_zone, updated_at = now(), updated_by = EXCLUDED.updated_by
      RETURNING tenant_id
    ), cleared AS (
      DELETE FROM tenant_time_zones z USING tenant t
       WHERE z.tenant_id = t.id AND t.allowed AND ${write.timeZone}::text IS NULL
      RETURNING z.tenant_id
    )
    SELECT EXISTS (SELECT FROM tenant) AS "tenantExists", coalesce((SELECT allowed FROM tenant), false) AS written`;
  return row;
}
