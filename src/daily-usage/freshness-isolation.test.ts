import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { createTenant, createUser, insertActivity, viewerWithoutRow, type ActivityRow } from "../test/factories";
import { graphql } from "../test/gql";
import { addDays, databaseToday, KNOWN_ACTIONS, prng } from "../test/scenario";
import { errorCodes, useTestGateway } from "../test/test-gateway";

const IsolationUsage = graphql(`
  query IsolationUsage($tenantId: ID, $range: UsageRange, $from: Date, $to: Date, $granularity: UsageGranularity) {
    usageMetrics(range: $range, tenantId: $tenantId, from: $from, to: $to, granularity: $granularity) {
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
      buckets {
        periodStart
        partial
        searchesExecuted
        csvExports
      }
      previousTotals {
        totalLogins
        searchesExecuted
      }
      userBreakdown {
        userId
        totalLogins
        searchesExecuted
        profilesEnriched
      }
      freshness {
        rolledUpThrough
        liveDates
        missingDates
      }
    }
  }
`);

const IsolationFunnel = graphql(`
  query IsolationFunnel($tenantId: ID) {
    funnel(days: 30, tenantId: $tenantId) {
      stages {
        key
        value
      }
      freshness {
        rolledUpThrough
        liveDates
        missingDates
      }
    }
  }
`);

const IsolationRollup = graphql(`
  mutation IsolationRollup($date: Date!) {
    runRollup(date: $date) {
      status
    }
  }
`);

const gateway = useTestGateway();
const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);
let today: string;
/** The database's today plus `days`. */
const d = (days: number) => addDays(today, days);
/** `days` of each of `from`..`to`, oldest first. */
const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => d(from + i));

interface Tenant {
  id: string;
  admin: Viewer;
  users: string[];
}
let a: Tenant;
let b: Tenant;

/** Activity of `tenant` on each date, seeded: 0 to 5 rows per user at any time of day, unknown actions too. */
function generated(seed: number, tenant: Tenant, dates: string[]): ActivityRow[] {
  const random = prng(seed);
  const actions = [...KNOWN_ACTIONS, "LOGIN"];
  return dates.flatMap((date) =>
    tenant.users.flatMap((userId) =>
      Array.from({ length: Math.floor(random() * 6) }, () => ({
        tenantId: tenant.id,
        userId,
        actionType: actions[Math.floor(random() * actions.length)],
        createdAt: new Date(Date.parse(`${date}T00:00:00.000Z`) + Math.floor(random() * 86_400_000)),
      })),
    ),
  );
}

async function newTenant(): Promise<Tenant> {
  const id = await createTenant(gateway.db.pool);
  const admin = await createUser(gateway.db.pool, { tenantId: id, role: Role.TENANT_ADMIN });
  const agents = [
    await createUser(gateway.db.pool, { tenantId: id }),
    await createUser(gateway.db.pool, { tenantId: id }),
  ];
  return { id, admin, users: [admin.id, ...agents.map((agent) => agent.id)] };
}

async function rollUp(dates: string[]) {
  for (const date of dates) {
    const { body } = await gateway.query(IsolationRollup, { date }, { viewer: superAdmin });
    expect(body.data?.runRollup.status).toBe("succeeded");
  }
}

/** The windows each view asks for: three ranges and a custom one, per week and per month. */
const windows = () => [
  { range: "LAST_7_DAYS" as const },
  { range: "LAST_30_DAYS" as const, granularity: "WEEK" as const },
  { range: "LAST_90_DAYS" as const, granularity: "MONTH" as const },
  { from: d(-75), to: d(-9), granularity: "WEEK" as const },
];

/** Usage over every window as `viewer` sees it (`tenantId` as asked), each checked against plain SQL. */
async function usageView(viewer: Viewer, tenantId: string | null) {
  const answers = [];
  for (const window of windows()) {
    const { body } = await gateway.query(IsolationUsage, { ...window, ...(tenantId ? { tenantId } : {}) }, { viewer });
    expect(errorCodes(body)).toEqual([]);
    const usage = body.data!.usageMetrics;
    const scope = viewer.role === Role.TENANT_ADMIN ? viewer.tenantId : tenantId;
    const plain = await plainDaily(scope, usage.startDate, usage.endDate);
    expect(usage.daily).toEqual(plain);
    expect(usage.totals).toEqual(sumOf(plain));
    answers.push(usage);
  }
  return answers;
}

/** Everything tenant A's admin sees, and the funnel of A alone as a super admin sees it. */
async function viewOfA() {
  const { body } = await gateway.query(IsolationFunnel, { tenantId: a.id }, { viewer: superAdmin });
  expect(errorCodes(body)).toEqual([]);
  return JSON.stringify({ usage: await usageView(a.admin, null), funnel: body.data!.funnel });
}

/** The usage part of a viewOfA. */
function usageOf(view: string): Awaited<ReturnType<typeof usageView>> {
  return (JSON.parse(view) as { usage: Awaited<ReturnType<typeof usageView>> }).usage;
}

const COUNTERS = [
  ["totalLogins", "login"],
  ["searchesExecuted", "search_executed"],
  ["profilesViewed", "profile_viewed"],
  ["profilesEnriched", "profile_enriched"],
  ["csvExports", "csv_exported"],
  ["listsCreated", "list_created"],
  ["personasCreated", "persona_created"],
  ["lookalikeSearches", "lookalike_search"],
] as const;
type Counts = Record<(typeof COUNTERS)[number][0], number>;

/** The oracle: per date of from..to, counts of the raw activity_log rows of `tenantId` (null: of every tenant). */
async function plainDaily(
  tenantId: string | null,
  from: string,
  to: string,
): Promise<Array<Counts & { date: string }>> {
  const counters = COUNTERS.map(
    ([name, action]) => `count(a.id) FILTER (WHERE a.action_type = '${action}')::int AS "${name}"`,
  );
  const { rows } = await gateway.db.pool.query<Counts & { date: string }>(
    `SELECT to_char(g.day, 'YYYY-MM-DD') AS date, ${counters.join(", ")}
       FROM generate_series($1::date::timestamp, $2::date::timestamp, interval '1 day') AS g(day)
       LEFT JOIN activity_log a ON a.created_at >= (g.day AT TIME ZONE 'UTC')
        AND a.created_at < ((g.day + interval '1 day') AT TIME ZONE 'UTC')
        AND ($3::uuid IS NULL OR a.tenant_id = $3::uuid)
      GROUP BY g.day ORDER BY g.day`,
    [from, to, tenantId],
  );
  return rows;
}

function sumOf(daily: Counts[]): Counts {
  return Object.fromEntries(COUNTERS.map(([name]) => [name, daily.reduce((sum, day) => sum + day[name], 0)])) as Counts;
}

/** The freshness of the 90-day answer of a view (the third window). */
const freshnessOf = (view: Awaited<ReturnType<typeof usageView>>) => view[2].freshness;

/** activity_log rows (unqualified) created on the UTC date $2. */
const ON_DATE = `created_at >= ($2::date::timestamp AT TIME ZONE 'UTC') AND created_at < (($2::date + 1)::timestamp AT TIME ZONE 'UTC')`;

async function marksOf(date: string): Promise<string[]> {
  const { rows } = await gateway.db.pool.query<{ tenant: string }>(
    "SELECT tenant_id::text AS tenant FROM usage_stale_dates WHERE date = $1::date ORDER BY tenant_id",
    [date],
  );
  return rows.map((row) => row.tenant);
}

// One story over one database: two tenants, both rolled up, then tenant B's rows are changed behind the gateway.
describe("freshness and figures of one tenant", () => {
  /** Never rolled up: d(-33) has rows of both tenants, d(-31) of B alone. */
  const unrolled = [-33, -31];
  let viewBefore: string;
  let viewOfBBefore: Awaited<ReturnType<typeof usageView>>;
  let allBefore: Awaited<ReturnType<typeof usageView>>;
  /** (date, B) pairs B's writes below touch on rolled-up dates. */
  let staleOfB: string[];

  beforeAll(async () => {
    today = await databaseToday(gateway.db.pool);
    a = await newTenant();
    b = await newTenant();
    const datesOfA = span(-45, 0).filter((date) => date !== d(-31));
    await insertActivity(gateway.db.pool, [...generated(12, a, datesOfA), ...generated(21, b, span(-45, 0))]);
    await rollUp(span(-45, -1).filter((date) => !unrolled.map(d).includes(date)));
    viewBefore = await viewOfA();
    viewOfBBefore = await usageView(b.admin, null);
    allBefore = await usageView(superAdmin, null);
  });

  it("before any change, gives both tenants the same live dates, and each the missing dates holding its rows", () => {
    const live = [...span(-89, -46), d(-33), d(-31), d(0)];
    expect(freshnessOf(usageOf(viewBefore))).toEqual({
      rolledUpThrough: d(-1),
      liveDates: live,
      missingDates: [d(-33)],
    });
    expect(freshnessOf(viewOfBBefore)).toEqual({
      rolledUpThrough: d(-1),
      liveDates: live,
      missingDates: [d(-33), d(-31)],
    });
    expect(freshnessOf(allBefore)).toEqual({ rolledUpThrough: d(-1), liveDates: live, missingDates: [d(-33), d(-31)] });
  });

  it("leaves tenant A's answers and freshness byte for byte as they were when B's rows are deleted, updated and added late", async () => {
    const pool = gateway.db.pool;
    const firstRowOf = async (date: string) =>
      (
        await pool.query<{ id: string }>(
          `SELECT id::text FROM activity_log WHERE tenant_id = $1 AND ${ON_DATE} ORDER BY id LIMIT 1`,
          [b.id, date],
        )
      ).rows[0].id;
    await pool.query(`DELETE FROM activity_log WHERE tenant_id = $1 AND ${ON_DATE}`, [b.id, d(-20)]);
    await pool.query("DELETE FROM activity_log WHERE id = $1", [await firstRowOf(d(-10))]);
    await pool.query("DELETE FROM activity_log WHERE id = $1", [await firstRowOf(d(-1))]);
    await pool.query(
      `UPDATE activity_log SET action_type = 'csv_exported'
        WHERE tenant_id = $1 AND ${ON_DATE}`,
      [b.id, d(-15)],
    );
    // A row moved from one date to another marks both.
    await pool.query(
      "UPDATE activity_log SET created_at = ($2::date + interval '13 hours') AT TIME ZONE 'UTC' WHERE id = $1",
      [await firstRowOf(d(-12)), d(-25)],
    );
    // Late rows: on a rolled-up date (its delta), a date never rolled up, and a date before any activity.
    await insertActivity(
      pool,
      [-18, -33, -70].map((days) => ({
        tenantId: b.id,
        userId: b.users[1],
        actionType: "search_executed",
        createdAt: `${d(days)}T08:00:00.000Z`,
      })),
    );
    staleOfB = [-25, -20, -15, -12, -10, -1].map(d);
    for (const date of staleOfB) expect(await marksOf(date)).toEqual([b.id]);

    expect(await viewOfA()).toBe(viewBefore);

    const live = [...span(-89, -46), d(-33), d(-31), d(0)];
    const viewOfB = await usageView(b.admin, null);
    expect(freshnessOf(viewOfB)).toEqual({
      rolledUpThrough: d(-2),
      liveDates: [...live, ...staleOfB].sort(),
      missingDates: [d(-70), d(-33), d(-31)],
    });
    expect(viewOfB[0].freshness.liveDates).toEqual([d(-1), d(0)]);
    const all = await usageView(superAdmin, null);
    expect(freshnessOf(all)).toEqual({
      rolledUpThrough: d(-2),
      liveDates: [...live, ...staleOfB].sort(),
      missingDates: [...span(-70, -46), d(-33), d(-31)],
    });
    // A super admin asking for A alone gets A's scope too.
    expect(JSON.stringify(await usageView(superAdmin, a.id))).toBe(JSON.stringify(usageOf(viewBefore)));
  });

  it("keeps A's answers unchanged once B's dates are rolled up again, and B's live dates are gone", async () => {
    // Not d(-70): rolling it up would change A's live dates, by the rollup's doing, not B's.
    await rollUp(staleOfB);
    for (const date of staleOfB) expect(await marksOf(date)).toEqual([]);
    expect(await viewOfA()).toBe(viewBefore);
    expect(freshnessOf(await usageView(b.admin, null))).toEqual({
      rolledUpThrough: d(-1),
      liveDates: [...span(-89, -46), d(-33), d(-31), d(0)],
      missingDates: [d(-70), d(-33), d(-31)],
    });
    await usageView(superAdmin, null);
  });

  it("marks both tenants when an UPDATE moves a row from A to B, and both stay exact", async () => {
    const date = d(-5);
    const { rows } = await gateway.db.pool.query<{ id: string }>(
      `SELECT id::text FROM activity_log WHERE tenant_id = $1 AND ${ON_DATE} AND action_type = ANY ($3) ORDER BY id LIMIT 1`,
      [a.id, date, KNOWN_ACTIONS],
    );
    await gateway.db.pool.query("UPDATE activity_log SET tenant_id = $2 WHERE id = $1", [rows[0].id, b.id]);
    expect(await marksOf(date)).toEqual([a.id, b.id].sort());
    for (const view of [await usageView(a.admin, null), await usageView(b.admin, null)])
      expect(view[1].freshness.liveDates).toEqual([date, d(0)]);
    await usageView(superAdmin, null);
    expect(await viewOfA()).not.toBe(viewBefore);
  });
});
