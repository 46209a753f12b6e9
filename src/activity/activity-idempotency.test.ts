import { Client, type Pool } from "pg";
import { createTenant, createUser, recordedActivityOf } from "../test/factories";
import { graphql } from "../test/gql";
import { serverUrl } from "../test/test-database";
import { errorCodes, useTestGateway } from "../test/test-gateway";

const RecordActivityOnce = graphql(`
  mutation ActivityRecordOnce($actionType: ActionType!, $occurredAt: DateTime, $idempotencyKey: String) {
    recordActivity(actionType: $actionType, occurredAt: $occurredAt, idempotencyKey: $idempotencyKey) {
      id
      actionType
      tenantId
      userId
      occurredAt
    }
  }
`);

const gateway = useTestGateway();

async function newUser() {
  return createUser(gateway.db.pool, { tenantId: await createTenant(gateway.db.pool) });
}

async function keysOf(userId: string) {
  const { rows } = await gateway.db.pool.query<{ key: string; activityId: string }>(
    `SELECT key, activity_id::text AS "activityId" FROM activity_idempotency_keys WHERE user_id = $1 ORDER BY key`,
    [userId],
  );
  return rows;
}

/** Ages a key as if it had been claimed `interval` ago. */
async function ageKey(userId: string, key: string, interval: string) {
  await gateway.db.pool.query(
    `UPDATE activity_idempotency_keys SET created_at = now() - $3::interval WHERE user_id = $1 AND key = $2`,
    [userId, key, interval],
  );
}

const occurredAt = "2026-03-04T05:06:07.089Z";

/** Asked outside the winner's transaction: inside one, pg_stat_activity stays as its first read in it saw it. */
async function waitUntilABackendWaitsOnALock(pool: Pick<Pool, "query">): Promise<void> {
  for (;;) {
    const { rows } = await pool.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("recordActivity with an idempotencyKey", () => {
  it("records once and replays the first record to a retry, writing nothing more", async () => {
    const user = await newUser();
    const variables = { actionType: "SEARCH_EXECUTED", occurredAt, idempotencyKey: "retry-1" } as const;
    const first = await gateway.query(RecordActivityOnce, variables, { viewer: user });
    const second = await gateway.query(RecordActivityOnce, variables, { viewer: user });
    const rows = await recordedActivityOf(gateway.db.pool, user.id);
    expect(rows).toEqual([
      {
        id: expect.any(String) as string,
        actionType: "SEARCH_EXECUTED",
        tenantId: user.tenantId,
        userId: user.id,
        occurredAt,
      },
    ]);
    expect(first.body).toEqual({ data: { recordActivity: rows[0] } });
    expect(second.body).toEqual(first.body);
    expect(await keysOf(user.id)).toEqual([{ key: "retry-1", activityId: rows[0].id }]);
  });

  it("replays the first occurredAt when occurredAt is omitted on every call", async () => {
    const user = await newUser();
    const variables = { actionType: "LOGIN", idempotencyKey: "default-now" } as const;
    const first = await gateway.query(RecordActivityOnce, variables, { viewer: user });
    const second = await gateway.query(RecordActivityOnce, variables, { viewer: user });
    expect(second.body).toEqual(first.body);
    expect(await recordedActivityOf(gateway.db.pool, user.id)).toEqual([first.body.data!.recordActivity]);
  });

  it("gives 25 concurrent calls with one key the same record, with one activity_log row and one key row", async () => {
    const user = await newUser();
    const variables = { actionType: "PROFILE_VIEWED", occurredAt, idempotencyKey: "race" } as const;
    const responses = await Promise.all(
      Array.from({ length: 25 }, () => gateway.query(RecordActivityOnce, variables, { viewer: user })),
    );
    const rows = await recordedActivityOf(gateway.db.pool, user.id);
    expect(rows).toHaveLength(1);
    for (const { body } of responses) expect(body).toEqual({ data: { recordActivity: rows[0] } });
    expect(await keysOf(user.id)).toEqual([{ key: "race", activityId: rows[0].id }]);
  });

  // A race forced step by step: this client is the winner, holding its claim of the key uncommitted while the
  // gateway's call takes its snapshot and then waits on the key. PGlite is one session, so PostgreSQL only.
  (serverUrl ? it : it.skip).each([
    ["unused", null],
    ["expired", "25 hours"],
  ])("returns the winner's record to a call that waited on the winner's claim of an %s key", async (_, age) => {
    const user = await newUser();
    const idempotencyKey = "contended";
    if (age) {
      await gateway.query(RecordActivityOnce, { actionType: "LOGIN", idempotencyKey }, { viewer: user });
      await ageKey(user.id, idempotencyKey, age);
    }
    const before = await recordedActivityOf(gateway.db.pool, user.id);
    const { database } = gateway.config;
    const winner = new Client({ connectionString: database.kind === "postgres" ? database.url : "" });
    await winner.connect();
    try {
      await winner.query("BEGIN");
      const { rows } = await winner.query<{ id: string }>(
        `INSERT INTO activity_log (tenant_id, user_id, action_type, created_at)
         VALUES ($1, $2, 'search_executed', $3) RETURNING id::text AS id`,
        [user.tenantId, user.id, occurredAt],
      );
      await winner.query(
        `INSERT INTO activity_idempotency_keys (user_id, key, activity_id, tenant_id, action_type, requested_at, occurred_at)
         VALUES ($1, $2, $3, $4, 'search_executed', $5, $5)
         ON CONFLICT (tenant_id, user_id, key) DO UPDATE
            SET activity_id = excluded.activity_id, action_type = excluded.action_type,
                requested_at = excluded.requested_at, occurred_at = excluded.occurred_at, created_at = now()`,
        [user.id, idempotencyKey, rows[0].id, user.tenantId, occurredAt],
      );
      const loser = gateway.query(
        RecordActivityOnce,
        { actionType: "SEARCH_EXECUTED", occurredAt, idempotencyKey },
        { viewer: user },
      );
      await waitUntilABackendWaitsOnALock(gateway.db.pool);
      await winner.query("COMMIT");
      const { body, statements } = await loser;
      const record = {
        id: rows[0].id,
        actionType: "SEARCH_EXECUTED",
        tenantId: user.tenantId,
        userId: user.id,
        occurredAt,
      };
      expect(body).toEqual({ data: { recordActivity: record } });
      // The membership check, then the claim twice: the second one's snapshot holds the winner.
      expect(statements).toBe(3);
      expect(await recordedActivityOf(gateway.db.pool, user.id)).toEqual([...before, record]);
      expect(await keysOf(user.id)).toEqual([{ key: idempotencyKey, activityId: rows[0].id }]);
    } finally {
      await winner.end();
    }
  });

  it("keeps keys per user: the same key by two users records twice", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const [alice, bob] = [
      await createUser(gateway.db.pool, { tenantId }),
      await createUser(gateway.db.pool, { tenantId }),
    ];
    const variables = { actionType: "CSV_EXPORTED", occurredAt, idempotencyKey: "shared" } as const;
    const forAlice = await gateway.query(RecordActivityOnce, variables, { viewer: alice });
    const forBob = await gateway.query(RecordActivityOnce, variables, { viewer: bob });
    expect(forAlice.body).toEqual({
      data: { recordActivity: (await recordedActivityOf(gateway.db.pool, alice.id))[0] },
    });
    expect(forBob.body).toEqual({ data: { recordActivity: (await recordedActivityOf(gateway.db.pool, bob.id))[0] } });
    expect(forBob.body.data!.recordActivity.id).not.toBe(forAlice.body.data!.recordActivity.id);
  });

  it("replays a key just under 24 hours old and records anew with a key 24 hours old or more", async () => {
    const user = await newUser();
    const variables = { actionType: "LIST_CREATED", occurredAt, idempotencyKey: "daily" } as const;
    const first = await gateway.query(RecordActivityOnce, variables, { viewer: user });
    await ageKey(user.id, "daily", "23 hours 59 minutes");
    const replay = await gateway.query(RecordActivityOnce, variables, { viewer: user });
    expect(replay.body).toEqual(first.body);
    await ageKey(user.id, "daily", "24 hours");
    const renewed = await gateway.query(RecordActivityOnce, variables, { viewer: user });
    const rows = await recordedActivityOf(gateway.db.pool, user.id);
    expect(rows).toHaveLength(2);
    expect(first.body).toEqual({ data: { recordActivity: rows[0] } });
    expect(renewed.body).toEqual({ data: { recordActivity: rows[1] } });
    expect(await keysOf(user.id)).toEqual([{ key: "daily", activityId: rows[1].id }]);
    // The renewed key is live again for its own record.
    const retry = await gateway.query(RecordActivityOnce, variables, { viewer: user });
    expect(retry.body).toEqual(renewed.body);
  });

  it("refuses a live key for another actionType or occurredAt with BAD_USER_INPUT, writing nothing", async () => {
    const user = await newUser();
    const idempotencyKey = "one-activity";
    const first = await gateway.query(
      RecordActivityOnce,
      { actionType: "SEARCH_EXECUTED", occurredAt, idempotencyKey },
      { viewer: user },
    );
    for (const variables of [
      { actionType: "PROFILE_VIEWED", occurredAt, idempotencyKey },
      { actionType: "SEARCH_EXECUTED", occurredAt: "2026-03-04T05:06:07.090Z", idempotencyKey },
      { actionType: "SEARCH_EXECUTED", idempotencyKey },
    ] as const) {
      const { body } = await gateway.query(RecordActivityOnce, variables, { viewer: user });
      expect({ variables, codes: errorCodes(body), data: body.data }).toEqual({
        variables,
        codes: ["BAD_USER_INPUT"],
        data: null,
      });
      expect(body.errors![0].message).toBe("idempotencyKey was already used for a different activity");
    }
    expect(await recordedActivityOf(gateway.db.pool, user.id)).toEqual([first.body.data!.recordActivity]);
    expect(await keysOf(user.id)).toEqual([{ key: idempotencyKey, activityId: first.body.data!.recordActivity.id }]);
  });

  it("refuses malformed keys with BAD_USER_INPUT, writing nothing", async () => {
    const user = await newUser();
    for (const idempotencyKey of ["", "k".repeat(201), "tab\there", "new\nline", "del\u007f", "café", "\u0000"]) {
      const { body } = await gateway.query(
        RecordActivityOnce,
        { actionType: "LOGIN", occurredAt, idempotencyKey },
        { viewer: user },
      );
      expect({ idempotencyKey, codes: errorCodes(body), data: body.data }).toEqual({
        idempotencyKey,
        codes: ["BAD_USER_INPUT"],
        data: null,
      });
      expect(body.errors![0].message).not.toContain("\n");
    }
    expect(await recordedActivityOf(gateway.db.pool, user.id)).toEqual([]);
    expect(await keysOf(user.id)).toEqual([]);
  });

  it("accepts a key of 1 and of 200 printable characters, space and tilde included", async () => {
    const user = await newUser();
    for (const idempotencyKey of ["x", " ~!".padEnd(200, "z")]) {
      const { body } = await gateway.query(
        RecordActivityOnce,
        { actionType: "LOGIN", occurredAt, idempotencyKey },
        { viewer: user },
      );
      expect(body.errors).toBeUndefined();
    }
    expect(await recordedActivityOf(gateway.db.pool, user.id)).toHaveLength(2);
    expect((await keysOf(user.id)).map((row) => row.key)).toEqual([" ~!".padEnd(200, "z"), "x"]);
  });

  it("refuses a future occurredAt with BAD_USER_INPUT and leaves the key unclaimed", async () => {
    const user = await newUser();
    const variables = { actionType: "LOGIN", occurredAt: "2099-01-01T00:00:00.000Z", idempotencyKey: "later" } as const;
    const { body } = await gateway.query(RecordActivityOnce, variables, { viewer: user });
    expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
    expect(await keysOf(user.id)).toEqual([]);
    const valid = await gateway.query(RecordActivityOnce, { ...variables, occurredAt }, { viewer: user });
    expect(valid.body).toEqual({ data: { recordActivity: (await recordedActivityOf(gateway.db.pool, user.id))[0] } });
  });

  it("records every call without a key, as before", async () => {
    const user = await newUser();
    const variables = { actionType: "PERSONA_CREATED", occurredAt } as const;
    const first = await gateway.query(RecordActivityOnce, variables, { viewer: user });
    const second = await gateway.query(RecordActivityOnce, { ...variables, idempotencyKey: null }, { viewer: user });
    expect(await recordedActivityOf(gateway.db.pool, user.id)).toEqual([
      first.body.data!.recordActivity,
      second.body.data!.recordActivity,
    ]);
    expect(await keysOf(user.id)).toEqual([]);
  });
});
