import { Role } from "../auth/role";
import { createTenant, createUser } from "../test/factories";
import { graphql } from "../test/gql";
import { errorCodes, useTestGateway } from "../test/test-gateway";

const EdgeRecord = graphql(`
  mutation EdgeRecord($actionType: ActionType!, $occurredAt: DateTime, $idempotencyKey: String) {
    recordActivity(actionType: $actionType, occurredAt: $occurredAt, idempotencyKey: $idempotencyKey) {
      id
      tenantId
      userId
    }
  }
`);

const EdgeViewer = graphql(`
  query EdgeViewer {
    viewer {
      id
      tenantId
    }
  }
`);

const gateway = useTestGateway();

async function activityRows(userId: string): Promise<{ id: string; tenantId: string }[]> {
  const { rows } = await gateway.db.pool.query<{ id: string; tenantId: string }>(
    `SELECT id::text, tenant_id::text AS "tenantId" FROM activity_log WHERE user_id = $1 ORDER BY id`,
    [userId],
  );
  return rows;
}

describe("recordActivity's occurredAt lower bound", () => {
  it.each([
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "0500-06-15T12:00:00Z",
    "1999-12-31T23:59:59.999Z",
    "2000-01-01T00:59:59+01:00",
  ])("refuses %s with BAD_USER_INPUT and writes nothing", async (occurredAt) => {
    const tenantId = await createTenant(gateway.db.pool);
    const user = await createUser(gateway.db.pool, { tenantId });
    for (const idempotencyKey of [null, "edge-key"]) {
      const { body } = await gateway.query(
        EdgeRecord,
        { actionType: "LOGIN", occurredAt, idempotencyKey },
        { viewer: user },
      );
      expect({
        data: body.data ?? null,
        codes: errorCodes(body),
        argument: body.errors?.[0].extensions?.argumentName,
      }).toEqual({
        data: null,
        codes: ["BAD_USER_INPUT"],
        argument: "occurredAt",
      });
    }
    expect(await activityRows(user.id)).toEqual([]);
  });

  it("accepts the bound itself", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const user = await createUser(gateway.db.pool, { tenantId });
    const { body } = await gateway.query(
      EdgeRecord,
      { actionType: "LOGIN", occurredAt: "2000-01-01T00:00:00Z" },
      { viewer: user },
    );
    expect(body.errors).toBeUndefined();
    expect(await activityRows(user.id)).toHaveLength(1);
  });
});

describe("idempotency keys per (tenant, user, key)", () => {
  it("records anew in tenant A a key the same user used in tenant B, and B's retry still replays B's record", async () => {
    const pool = gateway.db.pool;
    const [tenantA, tenantB] = [await createTenant(pool), await createTenant(pool)];
    const user = await createUser(pool, { tenantId: tenantB });
    const inB = await gateway.query(
      EdgeRecord,
      { actionType: "SEARCH_EXECUTED", idempotencyKey: "k-1" },
      { viewer: user },
    );
    expect(inB.body.data?.recordActivity.tenantId).toBe(tenantB);

    // The user moves to tenant A; a token of A with the same key.
    await pool.query("UPDATE users SET tenant_id = $1 WHERE id = $2", [tenantA, user.id]);
    const viewerInA = { ...user, tenantId: tenantA };
    const inA = await gateway.query(
      EdgeRecord,
      { actionType: "SEARCH_EXECUTED", idempotencyKey: "k-1" },
      { viewer: viewerInA },
    );
    expect(inA.body.errors).toBeUndefined();
    expect(inA.body.data?.recordActivity).toEqual({
      id: expect.any(String) as string,
      tenantId: tenantA,
      userId: user.id,
    });
    expect(inA.body.data?.recordActivity.id).not.toBe(inB.body.data?.recordActivity.id);
    const replayInA = await gateway.query(
      EdgeRecord,
      { actionType: "SEARCH_EXECUTED", idempotencyKey: "k-1" },
      { viewer: viewerInA },
    );
    expect(replayInA.body.data?.recordActivity).toEqual(inA.body.data?.recordActivity);
    expect(await activityRows(user.id)).toEqual([
      { id: inB.body.data?.recordActivity.id, tenantId: tenantB },
      { id: inA.body.data?.recordActivity.id, tenantId: tenantA },
    ]);
  });
});

describe("revocation: a valid token whose user is gone or whose tenant is inactive", () => {
  it("records nothing: FORBIDDEN, with or without a key", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    const deleted = await createUser(pool, { tenantId });
    await pool.query("DELETE FROM users WHERE id = $1", [deleted.id]);
    const inactiveTenant = await createTenant(pool, { isActive: false });
    const inInactive = await createUser(pool, { tenantId: inactiveTenant, role: Role.TENANT_ADMIN });
    const otherTenant = await createTenant(pool);
    const elsewhere = { ...(await createUser(pool, { tenantId })), tenantId: otherTenant };
    for (const viewer of [deleted, inInactive, elsewhere]) {
      for (const idempotencyKey of [null, "revoked-key"]) {
        const { body } = await gateway.query(EdgeRecord, { actionType: "LOGIN", idempotencyKey }, { viewer });
        expect({ data: body.data ?? null, codes: errorCodes(body) }).toEqual({ data: null, codes: ["FORBIDDEN"] });
      }
      expect(await activityRows(viewer.id)).toEqual([]);
    }
  });

  it("still reads until the token expires: the token is the identity, and its lifetime is bounded", async () => {
    const pool = gateway.db.pool;
    const inactiveTenant = await createTenant(pool, { isActive: false });
    const viewer = await createUser(pool, { tenantId: inactiveTenant });
    await pool.query("DELETE FROM users WHERE id = $1", [viewer.id]);
    const { body } = await gateway.query(EdgeViewer, {}, { viewer });
    expect(body).toEqual({ data: { viewer: { id: viewer.id, tenantId: inactiveTenant } } });
  });
});
