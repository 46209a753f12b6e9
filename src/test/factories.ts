import { randomUUID } from "node:crypto";
import type { ClientBase } from "pg";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";

/** A Pool or a connected Client: all the factories need is to send a statement. */
type Queryable = Pick<ClientBase, "query">;

/**
 * Rows as the platform writes them: plain SQL, its own uuids, no foreign keys.
 * Each test makes its own tenant, so tests never see each other's rows.
 */
export async function createTenant(
  pool: Queryable,
  fields: { name?: string; isActive?: boolean } = {},
): Promise<string> {
  const id = randomUUID();
  await pool.query("INSERT INTO tenants (id, name, is_active) VALUES ($1, $2, $3)", [
    id,
    fields.name ?? `Tenant ${id.slice(0, 8)}`,
    fields.isActive ?? true,
  ]);
  return id;
}

export async function createUser(
  pool: Queryable,
  fields: { tenantId: string | null; role?: Role; fullName?: string | null },
): Promise<Viewer & { fullName: string | null }> {
  const id = randomUUID();
  const role = fields.role ?? Role.AGENT;
  const fullName = fields.fullName === undefined ? `User ${id.slice(0, 8)}` : fields.fullName;
  await pool.query("INSERT INTO users (id, tenant_id, full_name, email, role) VALUES ($1, $2, $3, $4, $5)", [
    id,
    fields.tenantId,
    fullName,
    `${id}@example.test`,
    role,
  ]);
  return { id, role, tenantId: fields.tenantId, fullName };
}

/** A viewer whose token is valid but who has no users row. */
export function viewerWithoutRow(role: Role, tenantId: string | null): Viewer {
  return { id: randomUUID(), role, tenantId };
}

/** A user's activity_log rows as recordActivity answers them, oldest first. */
export async function recordedActivityOf(pool: Queryable, userId: string) {
  const { rows } = await pool.query<{
    id: string;
    actionType: string;
    tenantId: string;
    userId: string;
    occurredAt: string;
  }>(
    `SELECT id::text AS id, upper(action_type) AS "actionType", tenant_id::text AS "tenantId", user_id::text AS "userId",
            to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt"
       FROM activity_log WHERE user_id = $1 ORDER BY id`,
    [userId],
  );
  return rows;
}

export interface ActivityRow {
  tenantId: string;
  userId: string;
  actionType: string;
  createdAt: Date | string;
  metadata?: unknown;
}

export async function insertActivity(pool: Queryable, rows: ActivityRow[]): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(
    `INSERT INTO activity_log (tenant_id, user_id, action_type, created_at, metadata)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::jsonb[])`,
    [
      rows.map((row) => row.tenantId),
      rows.map((row) => row.userId),
      rows.map((row) => row.actionType),
      rows.map((row) => (row.createdAt instanceof Date ? row.createdAt.toISOString() : row.createdAt)),
      rows.map((row) => (row.metadata === undefined ? null : JSON.stringify(row.metadata))),
    ],
  );
}

export interface ProspectRow {
  id?: string;
  tenantId: string;
  userId: string | null;
  fullName?: string;
  enrichmentStatus: string;
  enrichmentSourceStatus: unknown;
  updatedAt: Date | string;
}

export async function insertProspects(pool: Queryable, rows: ProspectRow[]): Promise<string[]> {
  const ids = rows.map((row) => row.id ?? randomUUID());
  if (rows.length === 0) return ids;
  await pool.query(
    `INSERT INTO prospects (id, tenant_id, user_id, full_name, enrichment_status, enrichment_source_status, updated_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])`,
    [
      ids,
      rows.map((row) => row.tenantId),
      rows.map((row) => row.userId),
      rows.map((row, i) => row.fullName ?? `Prospect ${ids[i].slice(0, 8)}`),
      rows.map((row) => row.enrichmentStatus),
      rows.map((row) => (row.enrichmentSourceStatus === undefined ? null : JSON.stringify(row.enrichmentSourceStatus))),
      rows.map((row) => (row.updatedAt instanceof Date ? row.updatedAt.toISOString() : row.updatedAt)),
    ],
  );
  return ids;
}
