import { Role } from "../auth/role";
import { createTenant, createUser, recordedActivityOf } from "../test/factories";
import { graphql } from "../test/gql";
import { errorCodes, useTestGateway } from "../test/test-gateway";

const RecordActivity = graphql(`
  mutation ActivityRecord($actionType: ActionType!, $occurredAt: DateTime) {
    recordActivity(actionType: $actionType, occurredAt: $occurredAt) {
      id
      actionType
      tenantId
      userId
      occurredAt
    }
  }
`);

const gateway = useTestGateway();

async function databaseNow(): Promise<Date> {
  const { rows } = await gateway.db.pool.query<{ now: Date }>("SELECT now() AS now");
  return rows[0].now;
}

describe("recordActivity", () => {
  it("writes one row for the viewer, in the viewer's tenant, for every role", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const occurredAt = "2026-03-04T05:06:07.089Z";
    for (const [role, actionType] of [
      [Role.AGENT, "SEARCH_EXECUTED"],
      [Role.ASSISTANT, "PROFILE_VIEWED"],
      [Role.TENANT_ADMIN, "CSV_EXPORTED"],
      [Role.SUPER_ADMIN, "LOOKALIKE_SEARCH"],
    ] as const) {
      const user = await createUser(gateway.db.pool, { tenantId, role });
      const { status, body } = await gateway.query(RecordActivity, { actionType, occurredAt }, { viewer: user });
      expect(status).toBe(200);
      const rows = await recordedActivityOf(gateway.db.pool, user.id);
      expect(rows).toEqual([{ id: expect.any(String) as string, actionType, tenantId, userId: user.id, occurredAt }]);
      expect(body).toEqual({ data: { recordActivity: rows[0] } });
    }
  });

  it("stores the lower snake case action type and appends the row's delta for the rollup", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const user = await createUser(gateway.db.pool, { tenantId });
    await gateway.query(
      RecordActivity,
      { actionType: "PERSONA_CREATED", occurredAt: "2026-02-01T23:59:59.999Z" },
      { viewer: user },
    );
    const { rows } = await gateway.db.pool.query("SELECT action_type FROM activity_log WHERE user_id = $1", [user.id]);
    expect(rows).toEqual([{ action_type: "persona_created" }]);
    const deltas = await gateway.db.pool.query(
      "SELECT to_char(date, 'YYYY-MM-DD') AS date, tenant_id, personas_created, total_logins FROM usage_deltas WHERE user_id = $1",
      [user.id],
    );
    expect(deltas.rows).toEqual([{ date: "2026-02-01", tenant_id: tenantId, personas_created: 1, total_logins: 0 }]);
  });

  it("defaults occurredAt to the database's now", async () => {
    const user = await createUser(gateway.db.pool, { tenantId: await createTenant(gateway.db.pool) });
    const before = await databaseNow();
    const { body } = await gateway.query(RecordActivity, { actionType: "LOGIN" }, { viewer: user });
    const after = await databaseNow();
    const occurredAt = new Date(body.data!.recordActivity.occurredAt);
    expect(occurredAt.getTime()).toBeGreaterThanOrEqual(before.getTime());
    expect(occurredAt.getTime()).toBeLessThanOrEqual(after.getTime());
    expect(await recordedActivityOf(gateway.db.pool, user.id)).toEqual([body.data!.recordActivity]);
  });

  it("accepts a clock up to 60 s ahead and refuses a future occurredAt with BAD_USER_INPUT, writing nothing", async () => {
    const user = await createUser(gateway.db.pool, { tenantId: await createTenant(gateway.db.pool) });
    const now = (await databaseNow()).getTime();
    const ahead = await gateway.query(
      RecordActivity,
      { actionType: "LOGIN", occurredAt: new Date(now + 30_000).toISOString() },
      { viewer: user },
    );
    expect(ahead.body.errors).toBeUndefined();
    for (const occurredAt of [new Date(now + 5 * 60_000).toISOString(), "2099-01-01T00:00:00.000Z"]) {
      const { body } = await gateway.query(RecordActivity, { actionType: "LOGIN", occurredAt }, { viewer: user });
      expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
      expect(body.data).toBeNull();
    }
    expect(await recordedActivityOf(gateway.db.pool, user.id)).toEqual([ahead.body.data!.recordActivity]);
  });

  it("refuses a viewer with no tenant with BAD_USER_INPUT, writing nothing", async () => {
    const staff = await createUser(gateway.db.pool, { tenantId: null, role: Role.SUPER_ADMIN });
    const { body } = await gateway.query(RecordActivity, { actionType: "LOGIN" }, { viewer: staff });
    expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
    expect(await recordedActivityOf(gateway.db.pool, staff.id)).toEqual([]);
  });

  it("refuses anonymous callers and malformed input, writing nothing", async () => {
    const before = await gateway.db.pool.query("SELECT count(*)::int AS n FROM activity_log");
    const anonymous = await gateway.query(RecordActivity, { actionType: "LOGIN" });
    expect(errorCodes(anonymous.body)).toEqual(["UNAUTHENTICATED"]);
    const user = await createUser(gateway.db.pool, { tenantId: await createTenant(gateway.db.pool) });
    const badTime = await gateway.query(
      RecordActivity,
      { actionType: "LOGIN", occurredAt: "2026-02-30T00:00:00Z" },
      { viewer: user },
    );
    expect(errorCodes(badTime.body)).toEqual(["BAD_USER_INPUT"]);
    const after = await gateway.db.pool.query("SELECT count(*)::int AS n FROM activity_log");
    expect(after.rows).toEqual(before.rows);
  });
});
