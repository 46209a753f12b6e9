import type { Database } from "../db/database";
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
     WHERE coalesce(${occurredAt}::timestamptz, now()) <= now() + make_interval(secs => ${CLOCK_TOLERANCE_SECONDS})
    RETURNING id::text AS id, action_type AS "actionType", tenant_id::text AS "tenantId", user_id::text AS "userId",
              created_at AS "occurredAt"`;
  return rows[0] ?? null;
}
