import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { Role } from "../auth/role";
import { graphql } from "../test/gql";
import { churnProspects, expectCountsMaintained } from "../test/prospect-churn";
import { createTenant, createUser, insertActivity, insertProspects, viewerWithoutRow } from "../test/factories";
import { addDays, databaseToday, seedRolledUpScenario } from "../test/scenario";
import { errorCodes, expectRoles, useTestGateway } from "../test/test-gateway";

const PulseQuery = graphql(`
  query PulsePlatformPulse {
    platformPulse {
      totalProspects
      enrichedProspects
      enrichmentCoverage
      enrichmentFailed
      activeUsersToday
      activeUsers7dAvg
    }
  }
`);

const gateway = useTestGateway();

const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);

/** n / d rounded half away from zero to one decimal, in exact integer arithmetic (n, d >= 0). */
function roundTenth(n: number, d: number): number {
  return Number((20n * BigInt(n) + BigInt(d)) / (2n * BigInt(d))) / 10;
}

async function count(pool: Pool, sql: string, params: unknown[] = []): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(`SELECT (${sql})::int AS n`, params);
  return rows[0].n;
}

/** The contract's figures, by plain SQL over the whole database: one query per figure and per date. */
async function expectedPulse(pool: Pool) {
  const today = await databaseToday(pool);
  const activeOn = (date: string) =>
    count(
      pool,
      `SELECT count(DISTINCT user_id) FROM activity_log WHERE (created_at AT TIME ZONE 'UTC')::date = $1::date`,
      [date],
    );
  const totalProspects = await count(pool, "SELECT count(*) FROM prospects");
  const enrichedProspects = await count(pool, "SELECT count(*) FROM prospects WHERE enrichment_status = 'complete'");
  let activeBefore = 0;
  for (let back = 1; back <= 7; back += 1) activeBefore += await activeOn(addDays(today, -back));
  return {
    totalProspects,
    enrichedProspects,
    enrichmentCoverage: totalProspects === 0 ? 0 : roundTenth(100 * enrichedProspects, totalProspects),
    enrichmentFailed: await count(pool, "SELECT count(*) FROM prospects WHERE enrichment_status = 'failed'"),
    activeUsersToday: await activeOn(today),
    activeUsers7dAvg: roundTenth(activeBefore, 7),
  };
}

async function pulse() {
  const { status, body, statements } = await gateway.query(PulseQuery, {}, { viewer: superAdmin });
  expect(status).toBe(200);
  expect(errorCodes(body)).toEqual([]);
  return { body, statements };
}

describe("platformPulse", () => {
  it("is zero on an empty database", async () => {
    const { body, statements } = await pulse();
    expect(body).toEqual({
      data: {
        platformPulse: {
          totalProspects: 0,
          enrichedProspects: 0,
          enrichmentCoverage: 0,
          enrichmentFailed: 0,
          activeUsersToday: 0,
          activeUsers7dAvg: 0,
        },
      },
    });
    expect(statements).toBe(1);
  });

  it("rounds coverage and the mean half away from zero, counts any row of today, and skips tomorrow", async () => {
    const pool = gateway.db.pool;
    const today = await databaseToday(pool);
    const tenantId = await createTenant(pool, { isActive: false });
    const user = await createUser(pool, { tenantId });
    // 1 complete of 16: 6.25, a tie: half away from zero gives 6.3 (float8 round, half to even, 6.2).
    await insertProspects(pool, [
      {
        tenantId,
        userId: user.id,
        enrichmentStatus: "complete",
        enrichmentSourceStatus: undefined,
        updatedAt: `${today}T01:00:00Z`,
      },
      ...Array.from({ length: 14 }, () => ({
        tenantId,
        userId: null,
        enrichmentStatus: "pending",
        enrichmentSourceStatus: undefined,
        updatedAt: `${today}T01:00:00Z`,
      })),
      {
        tenantId,
        userId: null,
        enrichmentStatus: "failed",
        enrichmentSourceStatus: undefined,
        updatedAt: `${today}T01:00:00Z`,
      },
    ]);
    const dangling = "00000000-0000-4000-8000-00000000dead";
    await insertActivity(pool, [
      // Today: an unknown action type and a dangling tenant still make their users active.
      { tenantId, userId: user.id, actionType: "LOGIN", createdAt: `${today}T00:00:00.000Z` },
      { tenantId: dangling, userId: dangling, actionType: "login", createdAt: `${today}T23:59:59.999Z` },
      { tenantId, userId: user.id, actionType: "search_executed", createdAt: `${today}T12:00:00.000Z` },
      // Before today: 1 user on today-1 (twice), 1 on today-7, 1 on today-8 (outside): 2 / 7 = 0.29 -> 0.3.
      { tenantId, userId: user.id, actionType: "login", createdAt: `${addDays(today, -1)}T23:59:59.999Z` },
      { tenantId, userId: user.id, actionType: "api_call", createdAt: `${addDays(today, -1)}T00:00:00.000Z` },
      { tenantId, userId: dangling, actionType: "login", createdAt: `${addDays(today, -7)}T00:00:00.000Z` },
      { tenantId, userId: user.id, actionType: "login", createdAt: `${addDays(today, -8)}T23:59:59.999Z` },
      // Tomorrow is not today.
      { tenantId, userId: randomUUID(), actionType: "login", createdAt: `${addDays(today, 1)}T00:00:00.000Z` },
    ]);
    const { body } = await pulse();
    expect(body.data?.platformPulse).toEqual({
      totalProspects: 16,
      enrichedProspects: 1,
      enrichmentCoverage: 6.3,
      enrichmentFailed: 1,
      activeUsersToday: 2,
      activeUsers7dAvg: 0.3,
    });
    expect(body.data?.platformPulse).toEqual(await expectedPulse(pool));
  });

  it("counts a rolled-up date's users from its rollup and its late rows, each user once whatever the tenant", async () => {
    const pool = gateway.db.pool;
    const date = addDays(await databaseToday(pool), -2);
    const [tenantA, tenantB] = [await createTenant(pool), await createTenant(pool)];
    const [first, second, late] = [
      await createUser(pool, { tenantId: tenantA }),
      await createUser(pool, { tenantId: tenantA }),
      await createUser(pool, { tenantId: tenantA }),
    ];
    await insertActivity(pool, [
      { tenantId: tenantA, userId: first.id, actionType: "login", createdAt: `${date}T00:00:00.000Z` },
      { tenantId: tenantA, userId: second.id, actionType: "search_executed", createdAt: `${date}T23:59:59.999Z` },
    ]);
    expect((await gateway.rollup.runNow(date)).status).toBe("succeeded");
    // Late: the first user again under another tenant (still one user), a new user by an unknown action type.
    await insertActivity(pool, [
      { tenantId: tenantB, userId: first.id, actionType: "login", createdAt: `${date}T12:00:00.000Z` },
      { tenantId: tenantA, userId: late.id, actionType: "LOGIN", createdAt: `${date}T23:59:59.999Z` },
      { tenantId: tenantA, userId: second.id, actionType: "login", createdAt: `${date}T00:00:00.000Z` },
    ]);
    const expected = await expectedPulse(pool);
    expect((await pulse()).body.data?.platformPulse).toEqual(expected);
    // The date's figure is the rollup's stored count: 70 more there is 10 more on the mean of 7 dates.
    await pool.query("UPDATE usage_metrics_daily_totals SET active_users = active_users + 70 WHERE date = $1", [date]);
    expect((await pulse()).body.data?.platformPulse.activeUsers7dAvg).toBeCloseTo(expected.activeUsers7dAvg + 10, 6);
    // Totals written by a version before active_users: the date's rows are counted instead.
    await pool.query("UPDATE usage_metrics_daily_totals SET active_users = NULL WHERE date = $1", [date]);
    expect((await pulse()).body.data?.platformPulse).toEqual(expected);
  });

  it.each([11, 29, 4242])(
    "equals plain SQL over the whole database after seedScenario(%i), rollups and late rows",
    async (seed) => {
      const pool = gateway.db.pool;
      await seedRolledUpScenario(pool, seed, (date) => gateway.rollup.runNow(date));
      const expected = await expectedPulse(pool);
      expect(expected.activeUsersToday).toBeGreaterThan(0);
      const { body, statements } = await pulse();
      expect(body).toEqual({ data: { platformPulse: expected } });
      expect(statements).toBe(1);
    },
  );

  it.each([3, 58])(
    "keeps its prospect counts equal to plain SQL through inserts, updates, deletes, compaction and a TRUNCATE (seed %i)",
    async (seed) => {
      const pool = gateway.db.pool;
      await churnProspects(pool, {
        seed,
        zones: ["UTC"],
        rollUp: async () => gateway.rollup.runNow(addDays(await databaseToday(pool), -1)),
        check: async (step) => {
          await expectCountsMaintained(pool);
          expect({ step, ...(await pulse()).body.data?.platformPulse }).toEqual({
            step,
            ...(await expectedPulse(pool)),
          });
        },
      });
    },
  );

  it("is for super admins: others FORBIDDEN, anonymous UNAUTHENTICATED", async () => {
    await expectRoles(gateway, PulseQuery, {}, { allowed: [Role.SUPER_ADMIN] });
    expect(errorCodes((await gateway.query(PulseQuery, {}, { viewer: superAdmin })).body)).toEqual([]);
  });
});
