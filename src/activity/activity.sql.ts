import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";
import type { ActionType } from "./action-type";

export interface ActivityRecordRow {
  id: string;
  actionType: ActionType;
  tenantId: string;
  userId: string;
  occurredAt: Date;
}

/** Seconds a client's clock may run ahead of the database's before occurredAt counts as in the future. */
const CLOCK_TOLERANCE_SECONDS = 60;

function notInFuture(occurredAt: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`${occurredAt} <= now() + make_interval(secs => ${CLOCK_TOLERANCE_SECONDS})`;
}

/**
 * Revocation as far as the data allows: a token stays valid until it expires, but only a user still in users, in
 * the token's tenant, and that tenant still active, records activity in it.
 */
export async function isActiveMember(db: Database, viewer: { userId: string; tenantId: string }): Promise<boolean> {
  const [row] = await db.prisma.$queryRaw<{ active: boolean }[]>`
    SELECT EXISTS (
      SELECT FROM users u JOIN tenants t ON t.id = u.tenant_id
       WHERE u.id = ${viewer.userId}::uuid AND u.tenant_id = ${viewer.tenantId}::uuid AND t.is_active
    ) AS active`;
  return row.active;
}

/**
 * recordActivity: one activity_log row at occurredAt (default the database's
 * now). Null, with nothing written, when occurredAt is in the future by the
 * database clock beyond the tolerance.
 */
export async function recordActivity(
  db: Database,
  fields: { tenantId: string; userId: string; actionType: ActionType; occurredAt: Date | null },
): Promise<ActivityRecordRow | null> {
  const occurredAt = fields.occurredAt?.toISOString() ?? null;
  const rows = await db.prisma.$queryRaw<ActivityRecordRow[]>`
    INSERT INTO activity_log (tenant_id, user_id, action_type, created_at)
    SELECT ${fields.tenantId}::uuid, ${fields.userId}::uuid, ${fields.actionType}, coalesce(${occurredAt}::timestamptz, now())
     WHERE ${notInFuture(Prisma.sql`coalesce(${occurredAt}::timestamptz, now())`)}
    RETURNING id::text AS id, action_type AS "actionType", tenant_id::text AS "tenantId", user_id::text AS "userId",
              created_at AS "occurredAt"`;
  return rows[0] ?? null;
}

/**
 * recorded: this call wrote the row. replayed: the key's first record, nothing
 * written. mismatch: the key is live for another actionType or occurredAt.
 * future: occurredAt is in the future and the key is unused.
 */
export type IdempotentRecording =
  ({ outcome: "recorded" | "replayed" } & ActivityRecordRow) | { outcome: "mismatch" } | { outcome: "future" };

/**
 * recordActivity with an idempotencyKey: a key of a (tenant, user) stays live
 * for 24 hours after the call that claimed it; a live key replays its first
 * record, an expired one is claimed anew. The tenant is part of the key: a
 * user's key in another tenant's token names another record.
 *
 * One statement claims the key (its primary key serialises racing callers) and
 * writes the activity_log row with it, so neither is written without the
 * other. The row's id is drawn from activity_log's own sequence first, because
 * the key row must hold it. A caller that loses a race waits for the winner's
 * commit inside ON CONFLICT, but its snapshot predates that commit, so it
 * finds no row to replay: it runs the statement once more, whose new snapshot
 * holds the winner's key.
 */
export async function recordActivityOnce(
  db: Database,
  fields: { tenantId: string; userId: string; actionType: ActionType; occurredAt: Date | null; key: string },
): Promise<IdempotentRecording> {
  const requestedAt = fields.occurredAt?.toISOString() ?? null;
  const claimOrReplay = () => db.prisma.$queryRaw<IdempotentRecording[]>`
    WITH request AS (
      SELECT ${fields.userId}::uuid AS user_id, ${fields.key}::text AS key, ${fields.tenantId}::uuid AS tenant_id,
             ${fields.actionType}::text AS action_type, ${requestedAt}::timestamptz AS requested_at,
             coalesce(${requestedAt}::timestamptz, now()) AS occurred_at
    ),
    live AS (
      SELECT k.* FROM activity_idempotency_keys k JOIN request USING (tenant_id, user_id, key)
       WHERE k.created_at > now() - interval '24 hours'
    ),
    claimed AS (
      INSERT INTO activity_idempotency_keys AS k
             (user_id, key, activity_id, tenant_id, action_type, requested_at, occurred_at)
      SELECT user_id, key, nextval(pg_get_serial_sequence('activity_log', 'id')), tenant_id, action_type,
             requested_at, occurred_at
        FROM request
       WHERE ${notInFuture(Prisma.sql`occurred_at`)} AND NOT EXISTS (SELECT FROM live)
      ON CONFLICT (tenant_id, user_id, key) DO UPDATE
         SET activity_id = excluded.activity_id, action_type = excluded.action_type,
             requested_at = excluded.requested_at, occurred_at = excluded.occurred_at, created_at = excluded.created_at
       WHERE k.created_at <= now() - interval '24 hours'
      RETURNING k.activity_id
    ),
    recorded AS (
      -- OVERRIDING SYSTEM VALUE: the platform's id may be an identity column GENERATED ALWAYS.
      INSERT INTO activity_log (id, tenant_id, user_id, action_type, created_at) OVERRIDING SYSTEM VALUE
      SELECT claimed.activity_id, tenant_id, user_id, action_type, occurred_at FROM claimed, request
      RETURNING id, action_type, tenant_id, user_id, created_at
    )
    SELECT 'recorded' AS outcome, id::text AS id, action_type AS "actionType", tenant_id::text AS "tenantId",
           user_id::text AS "userId", created_at AS "occurredAt"
      FROM recorded
    UNION ALL
    SELECT CASE WHEN live.action_type = request.action_type
                 AND live.requested_at IS NOT DISTINCT FROM request.requested_at
                THEN 'replayed' ELSE 'mismatch' END,
           live.activity_id::text, live.action_type, live.tenant_id::text, live.user_id::text, live.occurred_at
      FROM live, request
    UNION ALL
    SELECT 'future', NULL, NULL, NULL, NULL, NULL
      FROM request
     WHERE NOT ${notInFuture(Prisma.sql`occurred_at`)} AND NOT EXISTS (SELECT FROM live)`;
  const [first] = await claimOrReplay();
  if (first) return first;
  const [second] = await claimOrReplay();
  if (second) return second;
  throw new Error("recordActivityOnce: the idempotency key was claimed but its row is not visible");
}
