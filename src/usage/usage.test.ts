import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { createTenant, createUser, insertActivity, viewerWithoutRow, type ActivityRow } from "../test/factories";
import { graphql } from "../test/gql";
import type { UsageRange } from "../test/gql/graphql";
import { addDays, databaseToday, KNOWN_ACTIONS, seedScenario, type Scenario } from "../test/scenario";
import { errorCodes, expectRoles, useTestGateway } from "../test/test-gateway";

const UsageMetricsFull = graphql(`
  query UsageMetricsFull($range: UsageRange!, $tenantId: ID) {
    usageMetrics(range: $range, tenantId: $tenantId) {
      range
      startDate
      endDate
      tenantId
      daily {
        date
        totalLogins
        searchesExecuted
        profilesViewed
        profilesEnriched
        csvExports
        listsCreated
        personasCreated
        lookalikeSearches
      }
      totals {
        totalLogins
        searchesExecuted
        profilesViewed
        profilesEnriched
        csvExports
        listsCreated
        personasCreated
        lookalikeSearches
      }
      userBreakdown {
        userId
        fullName
        totalLogins
        searchesExecuted
        profilesViewed
        profilesEnriched
        csvExports
        listsCreated
        personasCreated
        lookalikeSearches
      }
    }
  }
`);

const UsageMetricsTotals = graphql(`
  query UsageMetricsTotals($tenantId: ID) {
    usageMetrics(tenantId: $tenantId) {
      range
      startDate
      endDate
      totals {
        searchesExecuted
      }
    }
  }
`);

const RANGES: Array<[UsageRange, number]> = [
  ["LAST_7_DAYS", 7],
  ["LAST_30_DAYS", 30],
  ["LAST_90_DAYS", 90],
];
const SEEDS = [1, 42, 20261201];

/** The oracle's counts: plain FILTERs over activity_log rows, written apart from the production query. */
const COUNTS = `
  count(*) FILTER (WHERE action_type = 'login')::int AS "totalLogins",
  count(*) FILTER (WHERE action_type = 'search_executed')::int AS "searchesExecuted",
  count(*) FILTER (WHERE action_type = 'profile_viewed')::int AS "profilesViewed",
  count(*) FILTER (WHERE action_type = 'profile_enriched')::int AS "profilesEnriched",
  count(*) FILTER (WHERE action_type = 'csv_exported')::int AS "csvExports",
  count(*) FILTER (WHERE action_type = 'list_created')::int AS "listsCreated",
  count(*) FILTER (WHERE action_type = 'persona_created')::int AS "personasCreated",
  count(*) FILTER (WHERE action_type = 'lookalike_search')::int AS "lookalikeSearches"`;
const ZERO = {
  totalLogins: 0,
  searchesExecuted: 0,
  profilesViewed: 0,
  profilesEnriched: 0,
  csvExports: 0,
  listsCreated: 0,
  personasCreated: 0,
  lookalikeSearches: 0,
};
type Counts = typeof ZERO;
const sumOf = (counts: Counts) => (Object.keys(ZERO) as Array<keyof Counts>).reduce((sum, key) => sum + counts[key], 0);

const gateway = useTestGateway();
let pool: Pool;
beforeAll(() => {
  pool = gateway.db.pool;
});

/** The whole expected usageMetrics answer, from activity_log and users only. */
async function expectedUsage(range: UsageRange, days: number, tenantId: string | null) {
  const endDate = await databaseToday(pool);
  const startDate = addDays(endDate, -(days - 1));
  const inWindow = `(created_at AT TIME ZONE 'UTC')::date BETWEEN $1::date AND $2::date AND ($3::uuid IS NULL OR tenant_id = $3::uuid)`;
  const params = [startDate, endDate, tenantId];
  const perDate = await pool.query<Counts & { date: string }>(
    `SELECT to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS date, ${COUNTS}
       FROM activity_log WHERE ${inWindow} GROUP BY 1`,
    params,
  );
  const byDate = new Map(perDate.rows.map(({ date, ...counts }) => [date, counts]));
  const daily = Array.from({ length: days }, (_, i) => addDays(startDate, i)).map((date) => ({
    date,
    ...(byDate.get(date) ?? ZERO),
  }));
  const totals = (await pool.query<Counts>(`SELECT ${COUNTS} FROM activity_log WHERE ${inWindow}`, params)).rows[0];
  let userBreakdown = null;
  if (tenantId !== null) {
    const { rows } = await pool.query<Counts & { userId: string; fullName: string | null }>(
      `SELECT ids.id::text AS "userId", users.full_name AS "fullName", ${COUNTS}
         FROM (SELECT id FROM users WHERE tenant_id = $3::uuid
               UNION SELECT user_id FROM activity_log WHERE ${inWindow}) ids
         LEFT JOIN users ON users.id = ids.id
         LEFT JOIN (SELECT * FROM activity_log WHERE ${inWindow}) a ON a.user_id = ids.id
        GROUP BY ids.id, users.full_name`,
      params,
    );
    userBreakdown = rows.sort(
      (a, b) => sumOf(b) - sumOf(a) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0),
    );
  }
  return { data: { usageMetrics: { range, startDate, endDate, tenantId, daily, totals, userBreakdown } } };
}

async function usage(viewer: Viewer, range: UsageRange, tenantId?: string) {
  const { status, body } = await gateway.query(UsageMetricsFull, { range, tenantId }, { viewer });
  expect(status).toBe(200);
  return body;
}

/**
 * What a rollup run leaves for these dates, by plain SQL (the rollup feature
 * is not used): their rows and both kinds of totals rows rewritten from activity_log,
 * their stale marks and deltas deleted in the same transaction, and a run
 * that absorbed them.
 */
async function rollUp(dates: string[], status = "succeeded"): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("DELETE FROM usage_metrics_daily WHERE date = ANY($1::date[])", [dates]);
    await client.query(
      `INSERT INTO usage_metrics_daily (date, tenant_id, user_id, total_logins, searches_executed, profiles_viewed,
              profiles_enriched, csv_exports, lists_created, personas_created, lookalike_searches)
       SELECT (created_at AT TIME ZONE 'UTC')::date, tenant_id, user_id, ${COUNTS}
         FROM activity_log WHERE (created_at AT TIME ZONE 'UTC')::date = ANY($1::date[])
        GROUP BY 1, 2, 3`,
      [dates],
    );
    await client.query("DELETE FROM usage_metrics_daily_tenant_totals WHERE date = ANY($1::date[])", [dates]);
    await client.query(
      `INSERT INTO usage_metrics_daily_tenant_totals (tenant_id, date, total_logins, searches_executed, profiles_viewed,
              profiles_enriched, csv_exports, lists_created, personas_created, lookalike_searches)
       SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date, ${COUNTS}
         FROM activity_log WHERE (created_at AT TIME ZONE 'UTC')::date = ANY($1::date[])
        GROUP BY 1, 2`,
      [dates],
    );
    await client.query("DELETE FROM usage_metrics_daily_totals WHERE date = ANY($1::date[])", [dates]);
    await client.query(
      `INSERT INTO usage_metrics_daily_totals (date, total_logins, searches_executed, profiles_viewed,
              profiles_enriched, csv_exports, lists_created, personas_created, lookalike_searches)
       SELECT (created_at AT TIME ZONE 'UTC')::date, ${COUNTS}
         FROM activity_log WHERE (created_at AT TIME ZONE 'UTC')::date = ANY($1::date[])
        GROUP BY 1`,
      [dates],
    );
    await client.query("DELETE FROM usage_stale_dates WHERE date = ANY($1::date[])", [dates]);
    // A failed run rolls back, its deltas with it.
    await client.query("DELETE FROM usage_deltas WHERE date = ANY($1::date[]) AND $2 = 'succeeded'", [dates, status]);
    // No quarter-hour rows: these tests read whole UTC dates, which never read them.
    await client.query(
      `INSERT INTO rollup_runs (date, status, started_at, finished_at, trigger, consumed_deltas, wrote_quarters)
       SELECT d, $2, now(), now(), 'manual', $2 = 'succeeded', $2 = 'succeeded' FROM unnest($1::date[]) d`,
      [dates, status],
    );
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

/** A tenant with an admin and activity of every kind (and an unknown one) at both edges of each given date. */
async function tenantWithActivity(dates: string[]) {
  const tenantId = await createTenant(pool);
  const admin = await createUser(pool, { tenantId, role: Role.TENANT_ADMIN });
  const rows: ActivityRow[] = dates.flatMap((date) =>
    [...KNOWN_ACTIONS, "LOGIN"].flatMap((actionType) => [
      { tenantId, userId: admin.id, actionType, createdAt: `${date}T00:00:00.000Z` },
      { tenantId, userId: randomUUID(), actionType, createdAt: `${date}T23:59:59.999Z` },
    ]),
  );
  await insertActivity(pool, rows);
  return { tenantId, admin };
}

describe("statements per request", () => {
  it("do not grow with tenants (all-tenant view) nor with users (one tenant's breakdown)", async () => {
    const today = await databaseToday(pool);
    const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);
    const measure = async (tenantId: string) => ({
      allTenants: (await gateway.query(UsageMetricsFull, { range: "LAST_90_DAYS" }, { viewer: superAdmin })).statements,
      oneTenant: (await gateway.query(UsageMetricsFull, { range: "LAST_90_DAYS", tenantId }, { viewer: superAdmin }))
        .statements,
      oneTenantTotalsOnly: (await gateway.query(UsageMetricsTotals, { tenantId }, { viewer: superAdmin })).statements,
    });
    const addTenants = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        const tenantId = await createTenant(pool);
        const user = await createUser(pool, { tenantId });
        await insertActivity(pool, [
          { tenantId, userId: user.id, actionType: "login", createdAt: `${addDays(today, -i)}T12:00:00Z` },
        ]);
      }
    };
    const addUsers = async (tenantId: string, count: number) => {
      for (let i = 0; i < count; i += 1) {
        const user = await createUser(pool, { tenantId });
        await insertActivity(pool, [
          { tenantId, userId: user.id, actionType: "search_executed", createdAt: `${today}T00:00:00Z` },
        ]);
      }
    };

    await addTenants(2);
    const tenantId = await createTenant(pool);
    await addUsers(tenantId, 3);
    expect(Number((await pool.query<{ count: string }>("SELECT count(*) FROM tenants")).rows[0].count)).toBe(3);
    const small = await measure(tenantId);

    await addTenants(57);
    await addUsers(tenantId, 57);
    expect(Number((await pool.query<{ count: string }>("SELECT count(*) FROM tenants")).rows[0].count)).toBe(60);
    const { body } = await gateway.query(UsageMetricsFull, { range: "LAST_7_DAYS", tenantId }, { viewer: superAdmin });
    expect(body.data?.usageMetrics.userBreakdown).toHaveLength(60);
    const large = await measure(tenantId);

    console.info(
      `usage.test statements, 3 tenants / 3 users: ${JSON.stringify(small)}; 60 / 60: ${JSON.stringify(large)}`,
    );
    expect(large).toEqual(small);
    // One statement for the window (previousTotals and changes, not asked for, cost none); the breakdown costs
    // its own only when it is asked for; an answer of one tenant reads its default zone first.
    expect(small).toEqual({ allTenants: 1, oneTenant: 3, oneTenantTotalsOnly: 2 });
  });
});

describe("auth and arguments", () => {
  it("is for tenant and super admins: agents and assistants FORBIDDEN, anonymous UNAUTHENTICATED", async () => {
    const tenantId = await createTenant(pool);
    await expectRoles(
      gateway,
      UsageMetricsFull,
      { range: "LAST_7_DAYS", tenantId },
      {
        allowed: [Role.TENANT_ADMIN, Role.SUPER_ADMIN],
      },
    );
  });

  it("keeps a tenant admin to their own tenant", async () => {
    const own = await createTenant(pool);
    const other = await createTenant(pool);
    const admin = await createUser(pool, { tenantId: own, role: Role.TENANT_ADMIN });
    const { body, statements } = await gateway.query(
      UsageMetricsFull,
      { range: "LAST_7_DAYS", tenantId: other },
      { viewer: admin },
    );
    expect(body.data ?? null).toBeNull();
    expect(errorCodes(body)).toEqual(["FORBIDDEN"]);
    expect(statements).toBe(0);

    for (const tenantId of [own, own.toUpperCase()]) {
      const answer = await usage(admin, "LAST_7_DAYS", tenantId);
      expect(errorCodes(answer)).toEqual([]);
      expect(answer.data?.usageMetrics.tenantId).toBe(own);
    }
    const stateless = viewerWithoutRow(Role.TENANT_ADMIN, null);
    expect(
      errorCodes((await gateway.query(UsageMetricsFull, { range: "LAST_7_DAYS" }, { viewer: stateless })).body),
    ).toEqual(["FORBIDDEN"]);
  });

  it.each([
    "not-a-uuid",
    "",
    "1234",
    "0e6f1ddb5d4a4d0f9d1ea8bd2dc5f5a1",
    "{0e6f1ddb-5d4a-4d0f-9d1e-a8bd2dc5f5a1}",
    "0e6f1ddb-5d4a-4d0f-9d1e-a8bd2dc5f5a1 ",
    "0e6f1ddb-5d4a-4d0f-9d1e-a8bd2dc5f5ag",
  ])("refuses tenantId %j with BAD_USER_INPUT before any SQL", async (tenantId) => {
    for (const viewer of [
      viewerWithoutRow(Role.SUPER_ADMIN, null),
      viewerWithoutRow(Role.TENANT_ADMIN, randomUUID()),
    ]) {
      const { body, statements } = await gateway.query(
        UsageMetricsFull,
        { range: "LAST_30_DAYS", tenantId },
        { viewer },
      );
      expect(body.data ?? null).toBeNull();
      expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
      expect(statements).toBe(0);
    }
  });

  it("defaults to the last 30 days", async () => {
    const { body } = await gateway.query(UsageMetricsTotals, {}, { viewer: viewerWithoutRow(Role.SUPER_ADMIN, null) });
    const today = await databaseToday(pool);
    expect(body.data?.usageMetrics).toMatchObject({
      range: "LAST_30_DAYS",
      startDate: addDays(today, -29),
      endDate: today,
    });
  });
});

describe.each(SEEDS)("the generated scenario of seed %i", (seed) => {
  let scenario: Scenario;
  beforeAll(async () => {
    const before = Number((await pool.query<{ count: string }>("SELECT count(*) FROM activity_log")).rows[0].count);
    scenario = await seedScenario(pool, seed);
    const after = Number((await pool.query<{ count: string }>("SELECT count(*) FROM activity_log")).rows[0].count);
    console.info(`usage.test seed ${seed}: ${after - before} activity_log rows (${after} in the database)`);
  });

  const views = (s: Scenario): Array<[string, Viewer, string | undefined, string | null]> => [
    ["super admin, all tenants", s.superAdmin, undefined, null],
    ["super admin, one tenant", s.superAdmin, s.tenantIds[0], s.tenantIds[0]],
    ["super admin, a tenant id with no tenants row", s.superAdmin, s.danglingTenantId, s.danglingTenantId],
    ["tenant admin, own tenant", s.adminOf[s.tenantIds[1]], undefined, s.tenantIds[1]],
    ["tenant admin, own tenant passed explicitly", s.adminOf[s.tenantIds[2]], s.tenantIds[2], s.tenantIds[2]],
    ["tenant admin of the inactive tenant", s.adminOf[s.inactiveTenantId], undefined, s.inactiveTenantId],
    ["super admin, the tenant with no users", s.superAdmin, s.emptyTenantId, s.emptyTenantId],
  ];

  const expectEveryViewToMatch = async () => {
    for (const [range, days] of RANGES) {
      for (const [name, viewer, tenantId, covered] of views(scenario)) {
        const expected = await expectedUsage(range, days, covered);
        expect({ name, range, answer: await usage(viewer, range, tenantId) }).toEqual({
          name,
          range,
          answer: expected,
        });
      }
    }
  };

  it("answers every range and view exactly as plain SQL over the raw rows", async () => {
    await expectEveryViewToMatch();
    // The edges the oracle must have met: users gone from users, and activity of a tenant with no row.
    const ninety = await expectedUsage("LAST_90_DAYS", 90, scenario.danglingTenantId);
    expect(ninety.data.usageMetrics.userBreakdown?.some((user) => user.fullName === null)).toBe(true);
    expect(sumOf(ninety.data.usageMetrics.totals)).toBeGreaterThan(0);
  });

  it("answers the same once most dates are rolled up (the rest raw, in one statement)", async () => {
    const today = scenario.today;
    const rolled = Array.from({ length: 100 }, (_, i) => addDays(today, -(i + 1))).filter((_, i) => i % 7 !== 3);
    await rollUp(rolled);
    const { rows } = await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM usage_metrics_daily");
    expect(rows[0].n).toBeGreaterThan(0);
    await expectEveryViewToMatch();
  });

  it("answers the same when the dates never rolled up predate the delta trigger (counted from activity_log)", async () => {
    const { rows } = await pool.query<{ since: string }>("SELECT since::text FROM usage_deltas_origin");
    await pool.query("UPDATE usage_deltas_origin SET since = 'infinity'");
    try {
      await expectEveryViewToMatch();
    } finally {
      await pool.query("UPDATE usage_deltas_origin SET since = $1::date", [rows[0].since]);
    }
  });
});

describe("rolled-up dates", () => {
  it("are read from usage_metrics_daily while clean, plus the deltas of late rows from the very next request", async () => {
    const today = await databaseToday(pool);
    const dates = [-21, -20, -19].map((days) => addDays(today, days));
    const lateDate = dates[1];
    const { tenantId, admin } = await tenantWithActivity(dates);
    await rollUp(dates);
    const raw = await expectedUsage("LAST_30_DAYS", 30, tenantId);
    expect(await usage(admin, "LAST_30_DAYS")).toEqual(raw);
    const searchesOn = (body: Awaited<ReturnType<typeof usage>>, date: string) =>
      body.data?.usageMetrics.daily.find((day) => day.date === date)?.searchesExecuted;
    const before = searchesOn(raw, lateDate) as number;
    expect(before).toBe(2);

    // While the date is clean its rollup is what is served: doctored figures show (the tenant's series reads its
    // per-tenant totals, the breakdown its users' rows).
    const doctorTenant = async (delta: number) => {
      await pool.query(
        "UPDATE usage_metrics_daily SET searches_executed = searches_executed + $3 WHERE user_id = $1 AND date = $2",
        [admin.id, lateDate, delta],
      );
      await pool.query(
        "UPDATE usage_metrics_daily_tenant_totals SET searches_executed = searches_executed + $3 WHERE tenant_id = $1 AND date = $2",
        [tenantId, lateDate, delta],
      );
    };
    await doctorTenant(1000);
    expect(searchesOn(await usage(admin, "LAST_30_DAYS"), lateDate)).toBe(before + 1000);
    // The all-tenant view reads the date's totals row: doctored there, it shows too.
    const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);
    const allBefore = searchesOn(await expectedUsage("LAST_30_DAYS", 30, null), lateDate) as number;
    expect(searchesOn(await usage(superAdmin, "LAST_30_DAYS"), lateDate)).toBe(allBefore);
    await pool.query(
      "UPDATE usage_metrics_daily_totals SET searches_executed = searches_executed + 1000 WHERE date = $1",
      [lateDate],
    );
    expect(searchesOn(await usage(superAdmin, "LAST_30_DAYS"), lateDate)).toBe(allBefore + 1000);

    // A late row appends a delta, served on top of the (still doctored) rollup: no raw read.
    await insertActivity(pool, [
      { tenantId, userId: admin.id, actionType: "search_executed", createdAt: `${lateDate}T12:00:00.000Z` },
    ]);
    expect(searchesOn(await usage(admin, "LAST_30_DAYS"), lateDate)).toBe(before + 1000 + 1);
    expect(searchesOn(await usage(superAdmin, "LAST_30_DAYS"), lateDate)).toBe(allBefore + 1000 + 1);
    await doctorTenant(-1000);
    await pool.query(
      "UPDATE usage_metrics_daily_totals SET searches_executed = searches_executed - 1000 WHERE date = $1",
      [lateDate],
    );
    const afterLate = await usage(admin, "LAST_30_DAYS");
    expect(searchesOn(afterLate, lateDate)).toBe(before + 1);
    expect(afterLate).toEqual(await expectedUsage("LAST_30_DAYS", 30, tenantId));
    const allAfterLate = await usage(superAdmin, "LAST_30_DAYS");
    expect(searchesOn(allAfterLate, lateDate)).toBe(allBefore + 1);
    expect(allAfterLate).toEqual(await expectedUsage("LAST_30_DAYS", 30, null));
  });

  it("are raw when usage_metrics_daily holds wrong numbers and the date is stale, or its runs did not succeed", async () => {
    const today = await databaseToday(pool);
    const dates = [-40, -39].map((days) => addDays(today, days));
    const { tenantId, admin } = await tenantWithActivity(dates);
    // Only unsuccessful runs for dates[0] (earlier tests may have rolled it up).
    await pool.query("DELETE FROM rollup_runs WHERE date = $1", [dates[0]]);
    await rollUp([dates[0]], "failed");
    await rollUp([dates[1]]);
    const wrong = `UPDATE usage_metrics_daily SET total_logins = 777, lookalike_searches = 0 WHERE tenant_id = $1 AND date = $2`;
    const wrongTotals = `UPDATE usage_metrics_daily_totals SET total_logins = 777, lookalike_searches = 0 WHERE date = $1`;
    const wrongTenantTotals = `UPDATE usage_metrics_daily_tenant_totals SET total_logins = 777, lookalike_searches = 0 WHERE tenant_id = $1 AND date = $2`;
    for (const date of dates) {
      await pool.query(wrong, [tenantId, date]);
      await pool.query(wrongTotals, [date]);
      await pool.query(wrongTenantTotals, [tenantId, date]);
    }
    const { rows: doctored } = await pool.query(
      "SELECT 1 FROM usage_metrics_daily_totals WHERE date = ANY($1::date[])",
      [dates],
    );
    expect(doctored).toHaveLength(2);
    await pool.query(
      "INSERT INTO rollup_runs (date, status, started_at, trigger) VALUES ($1, 'running', now(), 'manual')",
      [dates[0]],
    );
    await pool.query("INSERT INTO usage_stale_dates (date, tenant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [
      dates[1],
      tenantId,
    ]);
    const expected = await expectedUsage("LAST_90_DAYS", 90, tenantId);
    expect(expected.data.usageMetrics.totals.totalLogins).toBe(4);
    expect(await usage(admin, "LAST_90_DAYS")).toEqual(expected);
    expect(await usage(viewerWithoutRow(Role.SUPER_ADMIN, null), "LAST_90_DAYS")).toEqual(
      await expectedUsage("LAST_90_DAYS", 90, null),
    );
  });

  it("equal plain SQL once inserts for them, racing with requests, have settled", async () => {
    const today = await databaseToday(pool);
    const dates = [-14, -13, -12, -11, -10].map((days) => addDays(today, days));
    const { tenantId, admin } = await tenantWithActivity(dates);
    await rollUp(dates);
    const before = await expectedUsage("LAST_30_DAYS", 30, tenantId);
    const writes = Array.from({ length: 10 }, (_, i) =>
      insertActivity(pool, [
        {
          tenantId,
          userId: admin.id,
          actionType: "profile_viewed",
          createdAt: `${dates[i % dates.length]}T0${i % 10}:30:00.000Z`,
        },
        {
          tenantId,
          userId: randomUUID(),
          actionType: "profile_viewed",
          createdAt: `${dates[(i + 2) % dates.length]}T23:59:59.999Z`,
        },
      ]),
    );
    const reads = Array.from({ length: 10 }, () => usage(admin, "LAST_30_DAYS"));
    const [answers] = await Promise.all([Promise.all(reads), Promise.all(writes)]);
    const after = await expectedUsage("LAST_30_DAYS", 30, tenantId);
    expect(after.data.usageMetrics.totals.profilesViewed).toBe(before.data.usageMetrics.totals.profilesViewed + 20);
    // Mid-race answers are some state between the two, date by date.
    for (const answer of answers) {
      expect(errorCodes(answer)).toEqual([]);
      answer.data?.usageMetrics.daily.forEach((day, i) => {
        expect(day.profilesViewed).toBeGreaterThanOrEqual(before.data.usageMetrics.daily[i].profilesViewed);
        expect(day.profilesViewed).toBeLessThanOrEqual(after.data.usageMetrics.daily[i].profilesViewed);
      });
    }
    expect(await usage(admin, "LAST_30_DAYS")).toEqual(after);
  });
});
