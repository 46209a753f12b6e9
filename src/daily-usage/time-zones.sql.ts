import DataLoader from "dataloader";
import type { LoaderDefinition } from "../server/context";

/**
 * The IANA areas whose `Area/Location` names are accepted. The view also lists legacy and fixed-offset entries
 * (`EST`, `EST5EDT`, `Etc/GMT+5`, `US/Eastern`) and the `posix/` and `right/` copies, which are left out.
 */
const ACCEPTED_AREAS = "^(Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific)/";

/** What sends one statement the node-postgres way: the gateway's pool, or (in a test) a pg Client or a PGlite. */
export interface StatementSender {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * The accepted zone names (issue 16): PostgreSQL's own pg_timezone_names, so the zones accepted are the zones its
 * AT TIME ZONE knows, spelled as it lists them; UTC whether or not the view lists it; in no order. The view
 * reads every zone file of the tzdata, so this is read once, at start.
 */
export async function readTimeZoneNames(sender: StatementSender): Promise<string[]> {
  const { rows } = await sender.query(`SELECT name FROM pg_timezone_names WHERE name ~ $1 UNION SELECT 'UTC'`, [
    ACCEPTED_AREAS,
  ]);
  return (rows as { name: string }[]).map((row) => row.name);
}

export interface TenantTimeZoneRow {
  /** Whether a tenants row has this id. */
  tenantExists: boolean;
  /** The zone stored by setTenantTimeZone; null when none is set. */
  timeZone: string | null;
}

/**
 * A tenant's default zone (tenant_time_zones), and whether the tenant exists: one statement for every tenant of a
 * request, keys in any case (uuids compare as uuids). Per request, so a zone set by one request applies to the next.
 */
export const tenantTimeZoneLoader: LoaderDefinition<string, TenantTimeZoneRow> = (db) =>
  new DataLoader(
    async (tenantIds) => {
      const rows = await db.prisma.$queryRaw<(TenantTimeZoneRow & { tenantId: string })[]>`
        SELECT k.id::text AS "tenantId",
               EXISTS (SELECT FROM tenants t WHERE t.id = k.id) AS "tenantExists",
               z.time_zone AS "timeZone"
          FROM unnest(${tenantIds}::uuid[]) AS k(id)
          LEFT JOIN tenant_time_zones z ON z.tenant_id = k.id`;
      const byTenant = new Map(rows.map(({ tenantId, ...row }) => [tenantId, row]));
      return tenantIds.map((id) => byTenant.get(id.toLowerCase()) ?? { tenantExists: false, timeZone: null });
    },
    { cacheKeyFn: (id) => id.toLowerCase() },
  );
