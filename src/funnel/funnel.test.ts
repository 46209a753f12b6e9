import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { Role } from "../auth/role";
import { graphql } from "../test/gql";
import { createTenant, insertActivity, viewerWithoutRow, type ActivityRow } from "../test/factories";
import { addDays, databaseToday, prng, seedRolledUpScenario, seedScenario, type Scenario } from "../test/scenario";
import { errorCodes, expectRoles, useTestGateway } from "../test/test-gateway";

/** A funnel of one tenant given no timeZone first reads the tenant's default zone: one statement per request. */
const ZONE_LOOKUP = 1;

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

/** n / d rounded half away from zero to `decimals` decimals, in exact integer arithmetic (d > 0). */
function roundHalfAway(n: number, d: number, decimals: number): number {
  const scale = 10n ** BigInt(decimals);
  const magnitude = (2n * scale * BigInt(Math.abs(n)) + BigInt(d)) / (2n * BigInt(d));
  return (n < 0 ? -1 : 1) * (Number(magnitude) / Number(scale));
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
      conversionRate: previous === null || previous === 0 ? null : roundHalfAway(value, previous, 4),
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
    expect(statements).toBe(1 + ZONE_LOOKUP);
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

  describe.each([5, 61, 880])("after seedScenario(%i), a rollup of every third date, then late rows", (seed) => {
    let scenario: Scenario;
    beforeAll(async () => {
      const pool = gateway.db.pool;
      scenario = await seedRolledUpScenario(pool, seed, (date) => gateway.rollup.runNow(date));
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
        expect(statements).toBe(1 + (tenantId === null ? 0 : ZONE_LOOKUP));
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

const FunnelPeriodsQuery = graphql(`
  query FunnelPeriods($days: Int, $tenantId: ID, $mode: FunnelMode) {
    funnel(days: $days, tenantId: $tenantId, mode: $mode) {
      days
      tenantId
      mode
      stages {
        key
        stage
        value
        conversionRate
        previousValue
        change
        changePercent
      }
    }
  }
`);

const FunnelCurrentQuery = graphql(`
  query FunnelCurrent($tenantId: ID, $mode: FunnelMode) {
    funnel(tenantId: $tenantId, mode: $mode) {
      mode
      stages {
        key
        value
        conversionRate
      }
    }
  }
`);

const FunnelAliasesQuery = graphql(`
  query FunnelAliases($tenantId: ID, $mode: FunnelMode) {
    week: funnel(tenantId: $tenantId, mode: $mode) {
      stages {
        key
        value
        changePercent
      }
    }
    sameWeek: funnel(days: 7, tenantId: $tenantId, mode: $mode) {
      stages {
        change
      }
    }
    quarter: funnel(days: 90, tenantId: $tenantId, mode: $mode) {
      stages {
        key
        value
      }
    }
  }
`);

type Mode = "EVENTS" | "USERS";
const DAY_US = 86_400_000_000;

async function funnelPeriods(variables: { days?: number; tenantId?: string | null; mode?: Mode | null }) {
  return gateway.query(FunnelPeriodsQuery, variables, { viewer: superAdmin });
}

/** The whole expected response from each stage's figure in the window and in the window before it. */
function periodsResponse(days: number, tenantId: string | null, mode: Mode, values: number[], previous: number[]) {
  return {
    days,
    tenantId,
    mode,
    stages: STAGES.map(([key, stage], i) => {
      const change = values[i] - previous[i];
      return {
        key,
        stage,
        value: values[i],
        conversionRate: i === 0 || values[i - 1] === 0 ? null : roundHalfAway(values[i], values[i - 1], 4),
        previousValue: previous[i],
        change,
        changePercent: previous[i] === 0 ? null : roundHalfAway(100 * change, previous[i], 1),
      };
    }),
  };
}

/** Plain row counts per stage action over the dates [today - (2 * days - 1), today - days] and the window. */
async function eventCounts(pool: Pool, days: number, tenantId: string | null) {
  const today = await databaseToday(pool);
  const values: number[] = [];
  const previous: number[] = [];
  for (const [, , action] of STAGES) {
    const { rows } = await pool.query<{ value: number; previous: number }>(
      `SELECT count(*) FILTER (WHERE date BETWEEN $2::date AND $3::date)::int AS value,
              count(*) FILTER (WHERE date BETWEEN $4::date AND $5::date)::int AS previous
       FROM (SELECT (created_at AT TIME ZONE 'UTC')::date AS date FROM activity_log
             WHERE action_type = $1 AND ($6::uuid IS NULL OR tenant_id = $6::uuid)) r`,
      [action, addDays(today, -(days - 1)), today, addDays(today, -(2 * days - 1)), addDays(today, -days), tenantId],
    );
    values.push(rows[0].value);
    previous.push(rows[0].previous);
  }
  return { values, previous };
}

interface LoggedRow {
  tenantId: string;
  userId: string;
  actionType: string;
  /** created_at in whole microseconds since the epoch, as PostgreSQL stores it. */
  at: number;
}

async function loggedRows(pool: Pool): Promise<LoggedRow[]> {
  const { rows } = await pool.query<{ tenantId: string; userId: string; actionType: string; at: string }>(
    `SELECT tenant_id::text AS "tenantId", user_id::text AS "userId", action_type AS "actionType",
            (extract(epoch FROM created_at) * 1000000)::bigint::text AS at
     FROM activity_log`,
  );
  return rows.map((row) => ({ ...row, at: Number(row.at) }));
}

/**
 * Reference for mode USERS, by another route than the gateway's: each user's stage rows in [from, to) walked in
 * time order (at one instant, in stage order, so a tie counts as after); a row advances the user only when it is
 * the action of the stage after the one they are at.
 */
function usersReached(rows: LoggedRow[], from: number, to: number, tenantId: string | null): number[] {
  const byUser = new Map<string, Array<{ at: number; stage: number }>>();
  for (const row of rows) {
    const stage = STAGES.findIndex(([, , action]) => action === row.actionType);
    if (stage < 0 || row.at < from || row.at >= to) continue;
    if (tenantId !== null && row.tenantId !== tenantId.toLowerCase()) continue;
    byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), { at: row.at, stage }]);
  }
  const reached = STAGES.map(() => 0);
  for (const events of byUser.values()) {
    events.sort((a, b) => a.at - b.at || a.stage - b.stage);
    let next = 0;
    for (const event of events) if (event.stage === next) next += 1;
    for (let stage = 0; stage < next; stage += 1) reached[stage] += 1;
  }
  return reached;
}

async function expectedPeriods(pool: Pool, days: number, tenantId: string | null, mode: Mode) {
  if (mode === "EVENTS") {
    const { values, previous } = await eventCounts(pool, days, tenantId);
    return periodsResponse(days, tenantId, mode, values, previous);
  }
  const todayEnd = Date.parse(`${addDays(await databaseToday(pool), 1)}T00:00:00.000Z`) * 1000;
  const rows = await loggedRows(pool);
  const start = todayEnd - days * DAY_US;
  return periodsResponse(
    days,
    tenantId,
    mode,
    usersReached(rows, start, todayEnd, tenantId),
    usersReached(rows, start - days * DAY_US, start, tenantId),
  );
}

/**
 * Per user, stage actions mostly in funnel order, with steps of 0 (ties), 1 ms, hours and days, some backwards
 * (out of order), some in another tenant, some unknown action types; base instants on both UTC-midnight edges of
 * every window's first date, of the previous window's first date and of the dates just outside.
 */
async function seedSequences(pool: Pool, seed: number, tenantIds: string[]): Promise<void> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const todayStart = Date.parse(`${await databaseToday(pool)}T00:00:00.000Z`);
  const DAY = 86_400_000;
  const HOUR = 3_600_000;
  const edgeDays = [1, 7, 14, 90].flatMap((days) => [days - 1, days, 2 * days - 1, 2 * days]);
  const steps = [0, 0, 1, HOUR, 5 * HOUR, DAY, -1, -HOUR, -DAY];
  const rows: ActivityRow[] = [];
  for (let user = 0; user < 60; user += 1) {
    const userId = randomUUID();
    const home = pick(tenantIds);
    const day = random() < 0.6 ? pick(edgeDays) : Math.floor(random() * 181);
    let at = todayStart - day * DAY + pick([0, DAY - 1, 12 * HOUR, Math.floor(random() * DAY)]);
    for (let i = 0; i < 2 + Math.floor(random() * 9); i += 1) {
      const stage = random() < 0.75 ? Math.min(i, 3) : Math.floor(random() * 4);
      rows.push({
        tenantId: random() < 0.15 ? pick(tenantIds) : home,
        userId,
        actionType:
          random() < 0.08 ? pick(["Search_Executed", "PROFILE_VIEWED", "login", "csv_export"]) : STAGES[stage][2],
        createdAt: new Date(at),
      });
      at += pick(steps);
    }
  }
  await insertActivity(pool, rows);
}

describe("funnel modes and the previous period", () => {
  it("counts users who reached each stage at or after the previous one, in each window", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    const other = await createTenant(pool);
    const today = await databaseToday(pool);
    const rows: ActivityRow[] = [];
    const user = (steps: Array<[string, number, string, string?]>) => {
      const userId = randomUUID();
      for (const [actionType, back, time, tenant] of steps) {
        rows.push({ tenantId: tenant ?? tenantId, userId, actionType, createdAt: `${addDays(today, -back)}T${time}Z` });
      }
    };
    // Window: today - 6 .. today; previous window: today - 13 .. today - 7.
    user([
      ["search_executed", 2, "10:00:00.000"],
      ["profile_viewed", 2, "10:00:00.000"],
      ["profile_enriched", 1, "11:00:00.000"],
      ["csv_exported", 1, "11:00:00.000"],
      ["search_executed", 0, "09:00:00.000"],
    ]);
    // All four at one instant, written in reverse: ties count as after.
    user([
      ["csv_exported", 3, "08:00:00.000"],
      ["profile_enriched", 3, "08:00:00.000"],
      ["profile_viewed", 3, "08:00:00.000"],
      ["search_executed", 3, "08:00:00.000"],
    ]);
    // An export and a view before the search, then a view after it; the enrichment precedes that view.
    user([
      ["csv_exported", 3, "09:00:00.000"],
      ["profile_viewed", 3, "09:30:00.000"],
      ["search_executed", 3, "10:00:00.000"],
      ["profile_enriched", 3, "11:00:00.000"],
      ["profile_viewed", 3, "12:00:00.000"],
    ]);
    // A search on the previous window's last instant, a view on the window's first: no sequence crosses.
    user([
      ["search_executed", 7, "23:59:59.999"],
      ["profile_viewed", 6, "00:00:00.000"],
    ]);
    // A search on the window's first instant, an export on its last, no view between.
    user([
      ["search_executed", 6, "00:00:00.000"],
      ["csv_exported", 0, "23:59:59.999"],
    ]);
    // A search here, the view in another tenant: combined only without tenantId.
    user([
      ["search_executed", 1, "08:00:00.000"],
      ["profile_viewed", 1, "09:00:00.000", other],
    ]);
    // Unknown action types in between count nowhere, so the enrichment follows no view.
    user([
      ["search_executed", 2, "08:00:00.000"],
      ["PROFILE_VIEWED", 2, "09:00:00.000"],
      ["Search_Executed", 2, "09:30:00.000"],
      ["profile_enriched", 2, "10:00:00.000"],
    ]);
    // Previous window: a search the instant before it (outside), then a view and a search on its first instant.
    user([
      ["search_executed", 14, "23:59:59.999"],
      ["profile_viewed", 13, "00:00:00.000"],
      ["search_executed", 13, "00:00:00.000"],
    ]);
    user([
      ["search_executed", 10, "10:00:00.000"],
      ["profile_viewed", 10, "11:00:00.000"],
      ["profile_enriched", 9, "12:00:00.000"],
      ["csv_exported", 8, "12:00:00.000"],
    ]);
    user([
      ["csv_exported", 12, "09:00:00.000"],
      ["search_executed", 11, "10:00:00.000"],
      ["profile_viewed", 11, "11:00:00.000"],
      ["profile_enriched", 11, "12:00:00.000"],
    ]);
    user([
      ["search_executed", 9, "10:00:00.000"],
      ["profile_viewed", 9, "10:00:00.001"],
      ["profile_enriched", 9, "10:00:00.002"],
      ["search_executed", 9, "11:00:00.000"],
    ]);
    await insertActivity(pool, rows);

    const { body, statements } = await funnelPeriods({ tenantId, mode: "USERS" });
    expect(statements).toBe(2 + ZONE_LOOKUP);
    expect(body).toEqual({
      data: { funnel: periodsResponse(7, tenantId, "USERS", [6, 3, 2, 2], [5, 4, 3, 1]) },
    });
    expect(body.data?.funnel.stages.map((stage) => [stage.conversionRate, stage.change, stage.changePercent])).toEqual([
      [null, 1, 20],
      [0.5, -1, -25],
      [0.6667, -1, -33.3],
      [1, 1, 100],
    ]);
    expect(body.data?.funnel).toEqual(await expectedPeriods(pool, 7, tenantId, "USERS"));
    // The view in the other tenant alone follows no search there; as rows, it counts.
    expect((await funnelPeriods({ tenantId: other, mode: "USERS" })).body.data?.funnel).toEqual(
      periodsResponse(7, other, "USERS", [0, 0, 0, 0], [0, 0, 0, 0]),
    );
    expect((await funnelPeriods({ tenantId: other })).body.data?.funnel).toEqual(
      periodsResponse(7, other, "EVENTS", [0, 1, 0, 0], [0, 0, 0, 0]),
    );
    for (const mode of ["EVENTS", "USERS"] as const) {
      for (const tenant of [tenantId, null]) {
        const response = await funnelPeriods({ tenantId: tenant, mode });
        expect(response.body.data?.funnel).toEqual(await expectedPeriods(pool, 7, tenant, mode));
      }
    }
  });

  it("rounds changePercent half away from zero, null after a previous 0", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    const today = await databaseToday(pool);
    const rows = (actionType: string, back: number, n: number) =>
      Array.from({ length: n }, () => ({
        tenantId,
        userId: randomUUID(),
        actionType,
        createdAt: `${addDays(today, -back)}T00:00:00.000Z`,
      }));
    // -1 / 16 = -6.25% and +1 / 16 = +6.25%, a rise from 0, a fall to 0; the day before yesterday is outside both.
    await insertActivity(pool, [
      ...rows("search_executed", 1, 16),
      ...rows("search_executed", 0, 15),
      ...rows("profile_viewed", 1, 16),
      ...rows("profile_viewed", 0, 17),
      ...rows("profile_enriched", 0, 2),
      ...rows("csv_exported", 1, 3),
      ...rows("csv_exported", 2, 5),
    ]);
    const { body, statements } = await funnelPeriods({ days: 1, tenantId });
    expect(statements).toBe(2 + ZONE_LOOKUP);
    expect(body.data?.funnel).toEqual(periodsResponse(1, tenantId, "EVENTS", [15, 17, 2, 0], [16, 16, 0, 3]));
    expect(body.data?.funnel.stages.map((stage) => stage.changePercent)).toEqual([-6.3, 6.3, null, -100]);
    expect(body.data?.funnel).toEqual(await expectedPeriods(pool, 1, tenantId, "EVENTS"));
    // Every row is another user's: as users, only the searches open a funnel.
    expect((await funnelPeriods({ days: 1, tenantId, mode: "USERS" })).body.data?.funnel).toEqual(
      periodsResponse(1, tenantId, "USERS", [15, 0, 0, 0], [16, 0, 0, 0]),
    );
  });

  it("gives an empty tenant zeros in both modes, and defaults to EVENTS", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    for (const mode of ["EVENTS", "USERS"] as const) {
      const { body } = await funnelPeriods({ days: 30, tenantId, mode });
      expect(body).toEqual({ data: { funnel: periodsResponse(30, tenantId, mode, [0, 0, 0, 0], [0, 0, 0, 0]) } });
    }
    const { body } = await funnelPeriods({});
    expect(body.data?.funnel).toEqual(await expectedPeriods(pool, 7, null, "EVENTS"));
  });

  it("reads the window before only for funnels asking a previous-period field, once per funnel", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    await seedSequences(pool, 77, [tenantId]);
    for (const mode of ["EVENTS", "USERS"] as const) {
      const expected = await expectedPeriods(pool, 7, tenantId, mode);
      const figures = (...fields: Array<keyof (typeof expected.stages)[number]>) =>
        expected.stages.map((stage) => Object.fromEntries(fields.map((field) => [field, stage[field]])));
      expect(expected.stages.some((stage) => stage.change !== 0)).toBe(true);

      const plain = await gateway.query(FunnelCurrentQuery, { tenantId, mode }, { viewer: superAdmin });
      expect(plain.body).toEqual({ data: { funnel: { mode, stages: figures("key", "value", "conversionRate") } } });
      expect(plain.statements).toBe(1 + ZONE_LOOKUP);

      const periods = await funnelPeriods({ tenantId, mode });
      expect(periods.body).toEqual({ data: { funnel: expected } });
      expect(periods.statements).toBe(2 + ZONE_LOOKUP);

      // Two funnels over the same window share the window before's statement; a third asks for none of it.
      const aliases = await gateway.query(FunnelAliasesQuery, { tenantId, mode }, { viewer: superAdmin });
      expect(aliases.body).toEqual({
        data: {
          week: { stages: figures("key", "value", "changePercent") },
          sameWeek: { stages: figures("change") },
          quarter: {
            stages: (await expectedPeriods(pool, 90, tenantId, mode)).stages.map(({ key, value }) => ({ key, value })),
          },
        },
      });
      expect(aliases.statements).toBe(4 + ZONE_LOOKUP);
    }
  });

  describe.each([3, 404])("after seedScenario(%i) and generated sequences", (seed) => {
    let scenario: Scenario;
    beforeAll(async () => {
      scenario = await seedScenario(gateway.db.pool, seed);
      await seedSequences(gateway.db.pool, seed, [...scenario.tenantIds, scenario.danglingTenantId]);
    });

    it.each([1, 7, 14, 90])("equals the references in both modes, for days %i", async (days) => {
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
      for (const mode of ["EVENTS", "USERS"] as const) {
        for (const tenantId of tenants) {
          const expected = await expectedPeriods(pool, days, tenantId, mode);
          const { body, statements } = await funnelPeriods({ days, tenantId, mode });
          expect(body).toEqual({ data: { funnel: expected } });
          expect(statements).toBe(2 + (tenantId === null ? 0 : ZONE_LOOKUP));
          if (mode === "USERS") {
            expect(expected.stages.every((stage) => stage.conversionRate === null || stage.conversionRate <= 1)).toBe(
              true,
            );
          }
        }
      }
      const all = await expectedPeriods(pool, days, null, "USERS");
      if (days >= 7) expect(all.stages.every((stage) => stage.value > 0 && stage.previousValue > 0)).toBe(true);
    });
  });

  const bad: Array<[string, { days?: number; tenantId?: string; mode?: Mode | null }]> = [
    ["days 0 as users", { days: 0, mode: "USERS" }],
    ["days 91 as users", { days: 91, mode: "USERS" }],
    ["days 2^31 as users", { days: 2 ** 31, mode: "USERS" }],
    ["a tenantId that is not a uuid as users", { tenantId: "acme", mode: "USERS" }],
    ["a null mode", { mode: null }],
  ];
  it.each(bad)("refuses %s with BAD_USER_INPUT before any SQL", async (_name, variables) => {
    const { body, statements } = await funnelPeriods(variables);
    expect(body.data ?? null).toBeNull();
    expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
    expect(statements).toBe(0);
  });

  it("is for super admins in mode USERS too", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    await expectRoles(gateway, FunnelPeriodsQuery, { tenantId, mode: "USERS" }, { allowed: [Role.SUPER_ADMIN] });
  });
});
