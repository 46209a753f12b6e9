import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { Role } from "../auth/role";
import { graphql } from "../test/gql";
import { createTenant, insertActivity, viewerWithoutRow } from "../test/factories";
import { addDays, databaseToday, seedScenario, type Scenario } from "../test/scenario";
import { errorCodes, expectRoles, useTestGateway } from "../test/test-gateway";

const FunnelQuery = graphql(`
  query FunnelStages($days: Int, $tenantId: ID) {
    funnel(days: $days, tenantId: $tenantId) {
      days
      tenantId
      stages {
        key
        stage
        value
        conversionRate
      }
    }
  }
`);

const gateway = useTestGateway();

const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);

const STAGES = [
  ["SEARCHES", "Searches", "search_executed"],
  ["PROFILE_VIEWS", "Profile Views", "profile_viewed"],
  ["ENRICHMENTS", "Enrichments", "profile_enriched"],
  ["EXPORTS", "Exports", "csv_exported"],
] as const;

/** n / d rounded half away from zero to four decimals, in exact integer arithmetic (n >= 0, d > 0). */
function roundRate(n: number, d: number): number {
  return Number((20000n * BigInt(n) + BigInt(d)) / (2n * BigInt(d))) / 10000;
}

/** The whole expected response: one plain count per stage over the UTC dates of the window. */
async function expectedFunnel(pool: Pool, days: number, tenantId: string | null) {
  const today = await databaseToday(pool);
  const stages = [];
  let previous: number | null = null;
  for (const [key, stage, action] of STAGES) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM activity_log
       WHERE action_type = $1 AND (created_at AT TIME ZONE 'UTC')::date BETWEEN $2::date AND $3::date
         AND ($4::uuid IS NULL OR tenant_id = $4::uuid)`,
      [action, addDays(today, -(days - 1)), today, tenantId],
    );
    const value = rows[0].n;
    stages.push({
      key,
      stage,
      value,
      conversionRate: previous === null || previous === 0 ? null : roundRate(value, previous),
    });
    previous = value;
  }
  return { days, tenantId, stages };
}

async function funnel(variables: { days?: number; tenantId?: string | null }) {
  return gateway.query(FunnelQuery, variables, { viewer: superAdmin });
}

describe("funnel", () => {
  it("counts one tenant's stage actions on whole UTC dates and rounds half away from zero", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    const other = await createTenant(pool);
    const today = await databaseToday(pool);
    const user = randomUUID();
    const row = (actionType: string, back: number, time = "12:00:00.000Z", tenant = tenantId) => ({
      tenantId: tenant,
      userId: user,
      actionType,
      createdAt: `${addDays(today, -back)}T${time}`,
    });
    await insertActivity(pool, [
      // 3 searches, 2 views (0.6667 rounds up), 0 enrichments, 1 export (after a 0: null).
      row("search_executed", 0, "23:59:59.999Z"),
      row("search_executed", 6, "00:00:00.000Z"),
      row("search_executed", 3),
      row("search_executed", 7, "23:59:59.999Z"),
      row("search_executed", -1, "00:00:00.000Z"),
      row("profile_viewed", 1),
      row("profile_viewed", 2),
      row("PROFILE_VIEWED", 2),
      row("csv_exported", 0),
      row("login", 0),
      row("search_executed", 0, "12:00:00.000Z", other),
    ]);
    const { body, statements } = await funnel({ tenantId });
    expect(body).toEqual({
      data: {
        funnel: {
          days: 7,
          tenantId,
          stages: [
            { key: "SEARCHES", stage: "Searches", value: 3, conversionRate: null },
            { key: "PROFILE_VIEWS", stage: "Profile Views", value: 2, conversionRate: 0.6667 },
            { key: "ENRICHMENTS", stage: "Enrichments", value: 0, conversionRate: 0 },
            { key: "EXPORTS", stage: "Exports", value: 1, conversionRate: null },
          ],
        },
      },
    });
    expect(statements).toBe(1);
    expect(body.data?.funnel).toEqual(await expectedFunnel(pool, 7, tenantId));
    expect((await funnel({ days: 8, tenantId })).body.data?.funnel.stages[0].value).toBe(4);
  });

  it("rounds a rate whose fifth decimal is 5 away from zero", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    const today = await databaseToday(pool);
    // 1 / 16 = 0.0625 exactly at four decimals; 3 / 32 = 0.09375 -> 0.0938.
    const rows = (actionType: string, n: number) =>
      Array.from({ length: n }, () => ({
        tenantId,
        userId: randomUUID(),
        actionType,
        createdAt: `${today}T00:00:00.000Z`,
      }));
    await insertActivity(pool, [
      ...rows("search_executed", 32),
      ...rows("profile_viewed", 3),
      ...rows("profile_enriched", 3),
    ]);
    const { body } = await funnel({ days: 1, tenantId });
    expect(body.data?.funnel.stages.map((stage) => stage.conversionRate)).toEqual([null, 0.0938, 1, 0]);
  });

  describe.each([5, 61, 880])("after seedScenario(%i)", (seed) => {
    let scenario: Scenario;
    beforeAll(async () => {
      scenario = await seedScenario(gateway.db.pool, seed);
    });

    it.each([1, 7, 14, 90])("equals plain counts over all tenants and over each tenant, for days %i", async (days) => {
      const pool = gateway.db.pool;
      const tenants = [
        null,
        ...scenario.tenantIds,
        scenario.inactiveTenantId,
        scenario.danglingTenantId,
        scenario.emptyTenantId,
        randomUUID(),
        scenario.tenantIds[0].toUpperCase(),
      ];
      for (const tenantId of tenants) {
        const expected = await expectedFunnel(pool, days, tenantId);
        const { body, statements } = await funnel({ days, tenantId });
        expect(body).toEqual({ data: { funnel: expected } });
        expect(statements).toBe(1);
      }
      const all = await expectedFunnel(pool, days, null);
      if (days >= 7) expect(all.stages.every((stage) => stage.value > 0)).toBe(true);
    });
  });

  it("defaults to 7 days over all tenants", async () => {
    const { body } = await funnel({});
    expect(body.data?.funnel).toEqual(await expectedFunnel(gateway.db.pool, 7, null));
  });

  const bad: Array<[string, { days?: number; tenantId?: string }]> = [
    ["days 0", { days: 0 }],
    ["days 91", { days: 91 }],
    ["days -1", { days: -1 }],
    ["days 2147483647", { days: 2147483647 }],
    ["days 2^31", { days: 2 ** 31 }],
    ["a tenantId that is not a uuid", { tenantId: "acme" }],
    ["a uuid without its hyphens", { tenantId: "a0000000000040008000000000000001" }],
    ["a uuid with a trailing newline", { tenantId: `${randomUUID()}\n` }],
    ["SQL metacharacters", { tenantId: "'; DROP TABLE activity_log; --" }],
    ["a uuid followed by SQL", { tenantId: `${randomUUID()}' OR '1'='1` }],
    ["an empty tenantId", { tenantId: "" }],
  ];
  it.each(bad)("refuses %s with BAD_USER_INPUT before any SQL", async (_name, variables) => {
    const { body, statements } = await funnel(variables);
    expect(body.data ?? null).toBeNull();
    expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
    expect(statements).toBe(0);
  });

  it("is for super admins: others FORBIDDEN, anonymous UNAUTHENTICATED", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    await expectRoles(gateway, FunnelQuery, { tenantId }, { allowed: [Role.SUPER_ADMIN] });
  });
});
