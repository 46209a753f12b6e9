import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { createTenant, createUser, insertActivity, viewerWithoutRow, type ActivityRow } from "../test/factories";
import { graphql } from "../test/gql";
import type { UsageGranularity, UsageRange } from "../test/gql/graphql";
import { addDays, databaseToday, KNOWN_ACTIONS, seedScenario, type Scenario } from "../test/scenario";
import { errorCodes, useTestGateway } from "../test/test-gateway";

const UsagePeriods = graphql(`
  query UsagePeriods(
    $range: UsageRange
    $tenantId: ID
    $from: Date
    $to: Date
    $granularity: UsageGranularity
    $breakdown: Boolean!
  ) {
    usageMetrics(range: $range, tenantId: $tenantId, from: $from, to: $to, granularity: $granularity) {
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
        ...UsagePeriodsCounts
      }
      buckets {
        periodStart
        periodEnd
        from
        to
        partial
        totalLogins
        searchesExecuted
        profilesViewed
        profilesEnriched
        csvExports
        listsCreated
        personasCreated
        lookalikeSearches
      }
      previousTotals {
        ...UsagePeriodsCounts
      }
      changes {
        totalLogins {
          ...UsagePeriodsChange
        }
        searchesExecuted {
          ...UsagePeriodsChange
        }
        profilesViewed {
          ...UsagePeriodsChange
        }
        profilesEnriched {
          ...UsagePeriodsChange
        }
        csvExports {
          ...UsagePeriodsChange
        }
        listsCreated {
          ...UsagePeriodsChange
        }
        personasCreated {
          ...UsagePeriodsChange
        }
        lookalikeSearches {
          ...UsagePeriodsChange
        }
      }
      userBreakdown @include(if: $breakdown) {
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

  fragment UsagePeriodsCounts on UsageCounts {
    totalLogins
    searchesExecuted
    profilesViewed
    profilesEnriched
    csvExports
    listsCreated
    personasCreated
    lookalikeSearches
  }

  fragment UsagePeriodsChange on CounterChange {
    current
    previous
    absolute
    percent
  }
`);

/** The contract's fields only, with and without the new arguments. */
const UsagePeriodsContract = graphql(`
  query UsagePeriodsContract($range: UsageRange!, $tenantId: ID, $granularity: UsageGranularity) {
    usageMetrics(range: $range, tenantId: $tenantId, granularity: $granularity) {
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
        totalLogins
        lookalikeSearches
      }
    }
  }
`);

/** totals with or without previousTotals and changes, to count what each costs. */
const UsagePeriodsComparison = graphql(`
  query UsagePeriodsComparison(
    $range: UsageRange
    $from: Date
    $to: Date
    $granularity: UsageGranularity
    $previous: Boolean!
    $changes: Boolean!
  ) {
    usageMetrics(range: $range, from: $from, to: $to, granularity: $granularity) {
      totals {
        totalLogins
        csvExports
      }
      previousTotals @include(if: $previous) {
        totalLogins
        csvExports
      }
      changes @include(if: $changes) {
        totalLogins {
          current
          previous
          absolute
          percent
        }
        csvExports {
          current
          previous
          absolute
          percent
        }
      }
    }
  }
`);

const UsagePeriodsLiteralRange = graphql(`
  query UsagePeriodsLiteralRange($from: Date, $to: Date) {
    usageMetrics(range: LAST_30_DAYS, from: $from, to: $to) {
      startDate
    }
  }
`);

const UsagePeriodsRunRollup = graphql(`
  mutation UsagePeriodsRunRollup($date: Date) {
    runRollup(date: $date) {
      status
    }
  }
`);

/** The oracle's counts: plain FILTERs over activity_log rows, written apart from the production query. */
const COUNTS = `
  count(a.*) FILTER (WHERE a.action_type = 'login')::int AS "totalLogins",
  count(a.*) FILTER (WHERE a.action_type = 'search_executed')::int AS "searchesExecuted",
  count(a.*) FILTER (WHERE a.action_type = 'profile_viewed')::int AS "profilesViewed",
  count(a.*) FILTER (WHERE a.action_type = 'profile_enriched')::int AS "profilesEnriched",
  count(a.*) FILTER (WHERE a.action_type = 'csv_exported')::int AS "csvExports",
  count(a.*) FILTER (WHERE a.action_type = 'list_created')::int AS "listsCreated",
  count(a.*) FILTER (WHERE a.action_type = 'persona_created')::int AS "personasCreated",
  count(a.*) FILTER (WHERE a.action_type = 'lookalike_search')::int AS "lookalikeSearches"`;
const COUNTERS = [
  "totalLogins",
  "searchesExecuted",
  "profilesViewed",
  "profilesEnriched",
  "csvExports",
  "listsCreated",
  "personasCreated",
  "lookalikeSearches",
] as const;
type Counts = Record<(typeof COUNTERS)[number], number>;
const sumOf = (counts: Counts) => COUNTERS.reduce((sum, key) => sum + counts[key], 0);
const DAY = 86_400_000;

const gateway = useTestGateway();
let pool: Pool;
let today: string;
const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);
beforeAll(async () => {
  pool = gateway.db.pool;
  today = await databaseToday(pool);
});

/** Dates from..to, both included. */
function datesOf(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** The whole period of a granularity that holds `date`, computed apart from SQL's date_trunc. */
function periodOf(date: string, granularity: UsageGranularity): [string, string] {
  if (granularity === "DAY") return [date, date];
  if (granularity === "WEEK") {
    const monday = addDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
    return [monday, addDays(monday, 6)];
  }
  const [year, month] = date.split("-").map(Number);
  return [`${date.slice(0, 7)}-01`, new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10)];
}

/** The counts of activity_log rows stamped on each [from, to] of dates (UTC), one query for all of them. */
async function countsOver(spans: Array<[string, string]>, tenantId: string | null): Promise<Counts[]> {
  const { rows } = await pool.query<Counts & { i: number }>(
    `SELECT s.i, ${COUNTS}
       FROM unnest($1::date[], $2::date[]) WITH ORDINALITY AS s(f, t, i)
       LEFT JOIN activity_log a
         ON a.created_at >= s.f::timestamp AT TIME ZONE 'UTC'
        AND a.created_at < (s.t + 1)::timestamp AT TIME ZONE 'UTC'
        AND ($3::uuid IS NULL OR a.tenant_id = $3::uuid)
      GROUP BY s.i ORDER BY s.i`,
    [spans.map(([from]) => from), spans.map(([, to]) => to), tenantId],
  );
  return rows.map(({ i: _i, ...counts }) => counts);
}

/** 100 * absolute / previous to one decimal, half away from zero, in integers (no float rounding). */
function percentOf(absolute: number, previous: number): number | null {
  if (previous === 0) return null;
  const tenths = Math.floor((Math.abs(absolute) * 2000 + previous) / (2 * previous));
  return tenths === 0 ? 0 : (Math.sign(absolute) * tenths) / 10;
}

/** The user breakdown over [from, to], from activity_log and users only. */
async function breakdownOver(from: string, to: string, tenantId: string) {
  const inWindow = `a.created_at >= $1::date::timestamp AT TIME ZONE 'UTC'
    AND a.created_at < ($2::date + 1)::timestamp AT TIME ZONE 'UTC' AND a.tenant_id = $3::uuid`;
  const { rows } = await pool.query<Counts & { userId: string; fullName: string | null }>(
    `SELECT ids.id::text AS "userId", users.full_name AS "fullName", ${COUNTS}
       FROM (SELECT id FROM users WHERE tenant_id = $3::uuid
             UNION SELECT a.user_id FROM activity_log a WHERE ${inWindow}) ids
       LEFT JOIN users ON users.id = ids.id
       LEFT JOIN activity_log a ON a.user_id = ids.id AND ${inWindow}
      GROUP BY ids.id, users.full_name`,
    [from, to, tenantId],
  );
  return rows.sort((a, b) => sumOf(b) - sumOf(a) || (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
}

/** The whole expected answer for the window from..to. */
async function expectedPeriods(
  { from, to, granularity, range = "LAST_30_DAYS" }: Window & { range?: UsageRange },
  tenantId: string | null,
  breakdown = false,
) {
  const dates = datesOf(from, to);
  const periods: Array<{ periodStart: string; periodEnd: string; from: string; to: string }> = [];
  for (const date of dates) {
    const [periodStart, periodEnd] = periodOf(date, granularity);
    const last = periods[periods.length - 1];
    if (last?.periodStart === periodStart) last.to = date;
    else periods.push({ periodStart, periodEnd, from: date, to: date });
  }
  const length = dates.length;
  const [totals, previousTotals, ...rest] = await countsOver(
    [
      [from, to],
      [addDays(from, -length), addDays(from, -1)],
      ...dates.map((date): [string, string] => [date, date]),
      ...periods.map((period): [string, string] => [period.from, period.to]),
    ],
    tenantId,
  );
  const daily = dates.map((date, i) => ({ date, ...rest[i] }));
  const buckets = periods.map((period, i) => ({
    ...period,
    partial: period.from > period.periodStart || period.to < period.periodEnd || period.periodEnd >= today,
    ...rest[length + i],
  }));
  const changes = Object.fromEntries(
    COUNTERS.map((key) => {
      const absolute = totals[key] - previousTotals[key];
      const change = { current: totals[key], previous: previousTotals[key], absolute };
      return [key, { ...change, percent: percentOf(absolute, previousTotals[key]) }];
    }),
  );
  return {
    data: {
      usageMetrics: {
        range,
        startDate: from,
        endDate: to,
        tenantId,
        daily,
        totals,
        buckets,
        previousTotals,
        changes,
        ...(breakdown ? { userBreakdown: tenantId === null ? null : await breakdownOver(from, to, tenantId) } : {}),
      },
    },
  };
}

interface Window {
  from: string;
  to: string;
  granularity: UsageGranularity;
}

async function periods(viewer: Viewer, window: Window, tenantId?: string, breakdown = false) {
  const { status, body } = await gateway.query(UsagePeriods, { ...window, tenantId, breakdown }, { viewer });
  expect({ status, errors: errorCodes(body) }).toEqual({ status: 200, errors: [] });
  return body;
}

async function runRollup(dates: string[]): Promise<void> {
  for (const date of dates) {
    const { body } = await gateway.query(UsagePeriodsRunRollup, { date }, { viewer: superAdmin });
    expect(body).toEqual({ data: { runRollup: { status: "succeeded" } } });
  }
}

/**
 * A tenant with an admin, a second user and, on each given date, every action
 * (and an unknown one) at 00:00:00.000 and at 23:59:59.999 UTC.
 */
async function tenantWithActivity(dates: string[]) {
  const tenantId = await createTenant(pool);
  const admin = await createUser(pool, { tenantId, role: Role.TENANT_ADMIN });
  const agent = await createUser(pool, { tenantId });
  const rows: ActivityRow[] = dates.flatMap((date, i) =>
    [...KNOWN_ACTIONS.slice(0, 1 + (i % KNOWN_ACTIONS.length)), "LOGIN"].flatMap((actionType) => [
      { tenantId, userId: admin.id, actionType, createdAt: `${date}T00:00:00.000Z` },
      { tenantId, userId: i % 3 === 0 ? randomUUID() : agent.id, actionType, createdAt: `${date}T23:59:59.999Z` },
    ]),
  );
  await insertActivity(pool, rows);
  return { tenantId, admin };
}

// First in the file: the pool's statement tally over-counts once a client has been checked out twice (runRollup
// does), as pg-pool replaces the counting release() wrapper of src/db/pool.ts on each checkout.
describe("statements per request", () => {
  it("are one for the contract's fields, plus one for previousTotals, changes or both", async () => {
    const { admin } = await tenantWithActivity([addDays(today, -100), addDays(today, -1)]);
    // The contract's query: the tenant's default zone (issue 16), the window's statement and the breakdown's.
    const contract = await gateway.query(UsagePeriodsContract, { range: "LAST_90_DAYS" }, { viewer: admin });
    expect({ codes: errorCodes(contract.body), statements: contract.statements }).toEqual({ codes: [], statements: 3 });
    const windows = [
      { range: "LAST_90_DAYS" as const },
      { range: "LAST_7_DAYS" as const, granularity: "WEEK" as const },
      { from: "2020-12-01", to: "2021-01-31", granularity: "MONTH" as const },
    ];
    for (const window of windows) {
      const answers = [];
      for (const [previous, changes, statements] of [
        [false, false, 2],
        [true, false, 3],
        [false, true, 3],
        [true, true, 3],
      ] as const) {
        const answer = await gateway.query(UsagePeriodsComparison, { ...window, previous, changes }, { viewer: admin });
        expect({ window, previous, changes, codes: errorCodes(answer.body), statements: answer.statements }).toEqual({
          window,
          previous,
          changes,
          codes: [],
          statements,
        });
        answers.push(answer.body.data?.usageMetrics);
      }
      // Each field answers alone as together, and changes compare with the answer's own totals.
      const [plain, previousOnly, changesOnly, both] = answers;
      expect(both).toEqual({ ...plain, ...previousOnly, ...changesOnly });
      expect(both?.changes?.totalLogins).toMatchObject({
        current: both?.totals.totalLogins,
        previous: both?.previousTotals?.totalLogins,
      });
    }
  });

  // An answer of one tenant given no timeZone also reads the tenant's default zone (issue 16): one more.
  it("are one for daily, totals and buckets, one for previousTotals and changes, and one for the breakdown", async () => {
    const { tenantId, admin } = await tenantWithActivity(["2021-01-01", addDays(today, -1)]);
    const windows = [
      { from: "2020-12-01", to: "2021-01-31", granularity: "WEEK" as const },
      { range: "LAST_90_DAYS" as const, granularity: "MONTH" as const },
    ];
    for (const window of windows) {
      for (const [viewer, asked, breakdown, statements] of [
        [superAdmin, undefined, true, 2],
        [superAdmin, tenantId, false, 3],
        [superAdmin, tenantId, true, 4],
        [admin, undefined, true, 4],
      ] as const) {
        const answer = await gateway.query(UsagePeriods, { ...window, tenantId: asked, breakdown }, { viewer });
        expect({ window, asked, breakdown, codes: errorCodes(answer.body), statements: answer.statements }).toEqual({
          window,
          asked,
          breakdown,
          codes: [],
          statements,
        });
      }
    }
  });
});

describe("custom windows on fixed past dates", () => {
  // Dense activity from 2019-12-20 to 2021-03-20: every window below and its previous window have rows.
  const ACTIVE = datesOf("2019-12-20", "2021-03-20");
  let tenantId: string;
  let admin: Viewer;
  beforeAll(async () => {
    ({ tenantId, admin } = await tenantWithActivity(ACTIVE));
    // About a third of the dates rolled up, the rest read raw; in runs of consecutive dates so windows mix both.
    await runRollup(ACTIVE.filter((_, i) => i % 9 < 3));
  });

  const windows: Array<[string, Window]> = [
    ["ISO week 53 of 2020, exactly", { from: "2020-12-28", to: "2021-01-03", granularity: "WEEK" }],
    ["a week cut at both ends, across the year", { from: "2020-12-30", to: "2021-01-05", granularity: "WEEK" }],
    ["weeks across month and year ends", { from: "2020-11-25", to: "2021-02-09", granularity: "WEEK" }],
    ["months across the year end, cut at both ends", { from: "2020-11-15", to: "2021-02-10", granularity: "MONTH" }],
    ["whole months across the year end", { from: "2020-12-01", to: "2021-01-31", granularity: "MONTH" }],
    ["days across a month end", { from: "2021-01-25", to: "2021-02-05", granularity: "DAY" }],
    ["a leap February by months", { from: "2020-02-01", to: "2020-03-31", granularity: "MONTH" }],
    ["one date", { from: "2021-01-01", to: "2021-01-01", granularity: "WEEK" }],
    ["366 dates (a leap year) by months", { from: "2020-01-01", to: "2020-12-31", granularity: "MONTH" }],
    ["366 dates by weeks, starting on a Sunday", { from: "2020-03-01", to: "2021-03-01", granularity: "WEEK" }],
  ];

  it.each(windows)("%s: answers as plain SQL over activity_log, for each view", async (_name, window) => {
    expect(await periods(admin, window, undefined, true)).toEqual(await expectedPeriods(window, tenantId, true));
    expect(await periods(superAdmin, window, tenantId, true)).toEqual(await expectedPeriods(window, tenantId, true));
    expect(await periods(superAdmin, window, undefined, true)).toEqual(await expectedPeriods(window, null, true));
  });

  it("gives ISO week 53 of 2020 as one whole, past week, and cut weeks as partial", async () => {
    const week53 = await periods(admin, { from: "2020-12-28", to: "2021-01-03", granularity: "WEEK" });
    expect(
      week53.data?.usageMetrics.buckets.map(({ periodStart, periodEnd, from, to, partial }) => ({
        periodStart,
        periodEnd,
        from,
        to,
        partial,
      })),
    ).toEqual([
      { periodStart: "2020-12-28", periodEnd: "2021-01-03", from: "2020-12-28", to: "2021-01-03", partial: false },
    ]);
    const cut = await periods(admin, { from: "2020-12-30", to: "2021-01-05", granularity: "WEEK" });
    expect(
      cut.data?.usageMetrics.buckets.map(({ periodStart, from, to, partial }) => [periodStart, from, to, partial]),
    ).toEqual([
      ["2020-12-28", "2020-12-30", "2021-01-03", true],
      ["2021-01-04", "2021-01-04", "2021-01-05", true],
    ]);
    const months = await periods(admin, { from: "2020-11-15", to: "2021-02-10", granularity: "MONTH" });
    expect(
      months.data?.usageMetrics.buckets.map(({ periodStart, periodEnd, partial }) => [periodStart, periodEnd, partial]),
    ).toEqual([
      ["2020-11-01", "2020-11-30", true],
      ["2020-12-01", "2020-12-31", false],
      ["2021-01-01", "2021-01-31", false],
      ["2021-02-01", "2021-02-28", true],
    ]);
    // daily stays per date whatever the granularity.
    expect(months.data?.usageMetrics.daily).toHaveLength(88);
  });

  it("reads the rolled-up dates from the rollup (doctored rows show) and the others raw", async () => {
    const window: Window = { from: "2020-12-28", to: "2021-01-03", granularity: "WEEK" };
    const rolled = ACTIVE.filter((_, i) => i % 9 < 3).filter((date) => date >= window.from && date <= window.to);
    const previousRolled = ACTIVE.filter((_, i) => i % 9 < 3).filter(
      (date) => date >= "2020-12-21" && date < window.from,
    );
    expect(rolled.length).toBeGreaterThan(0);
    expect(rolled.length).toBeLessThan(7);
    expect(previousRolled.length).toBeGreaterThan(0);
    const expected = await expectedPeriods(window, tenantId);
    // The tenant's series reads its per-tenant totals, the breakdown its users' rows: both are doctored.
    const doctor = async (delta: number, dates: string[]) => {
      await pool.query(
        "UPDATE usage_metrics_daily SET csv_exports = csv_exports + $1 WHERE tenant_id = $2 AND user_id = $3 AND date = ANY($4::date[])",
        [delta, tenantId, admin.id, dates],
      );
      await pool.query(
        "UPDATE usage_metrics_daily_tenant_totals SET csv_exports = csv_exports + $1 WHERE tenant_id = $2 AND date = ANY($3::date[])",
        [delta, tenantId, dates],
      );
    };
    await doctor(1000, [rolled[0], previousRolled[0]]);
    try {
      const answer = (await periods(admin, window)).data?.usageMetrics;
      const usage = expected.data.usageMetrics;
      expect(answer?.totals.csvExports).toBe(usage.totals.csvExports + 1000);
      expect(answer?.previousTotals.csvExports).toBe(usage.previousTotals.csvExports + 1000);
      expect(answer?.buckets[0].csvExports).toBe(usage.buckets[0].csvExports + 1000);
      expect(answer?.daily.find((day) => day.date === rolled[0])?.csvExports).toBe(
        (usage.daily.find((day) => day.date === rolled[0])?.csvExports as number) + 1000,
      );
    } finally {
      await doctor(-1000, [rolled[0], previousRolled[0]]);
    }
    expect(await periods(admin, window)).toEqual(expected);
  });

  it("counts rows at UTC midnight on the window's edges and not the ones just outside", async () => {
    const edgeTenant = await createTenant(pool);
    const user = await createUser(pool, { tenantId: edgeTenant, role: Role.TENANT_ADMIN });
    const at = (createdAt: string, actionType = "search_executed") => ({
      tenantId: edgeTenant,
      userId: user.id,
      actionType,
      createdAt,
    });
    await insertActivity(pool, [
      at("2020-12-27T23:59:59.999Z", "login"),
      at("2020-12-28T00:00:00.000Z"),
      at("2021-01-03T23:59:59.999Z"),
      at("2021-01-04T00:00:00.000Z", "csv_exported"),
      at("2020-12-21T00:00:00.000Z", "login"),
      at("2020-12-20T23:59:59.999Z", "csv_exported"),
    ]);
    await runRollup(["2020-12-28"]);
    const window: Window = { from: "2020-12-28", to: "2021-01-03", granularity: "DAY" };
    const answer = await periods(user, window, undefined, true);
    expect(answer).toEqual(await expectedPeriods(window, edgeTenant, true));
    const usage = answer.data?.usageMetrics;
    expect(usage?.totals).toMatchObject({ searchesExecuted: 2, totalLogins: 0, csvExports: 0 });
    expect(usage?.previousTotals).toMatchObject({ searchesExecuted: 0, totalLogins: 2, csvExports: 0 });
    expect(usage?.daily[0].searchesExecuted).toBe(1);
    expect(usage?.daily[6].searchesExecuted).toBe(1);
  });
});

describe("changes", () => {
  it("compares each counter with the previous window: negative, null when previous is 0, halves away from zero", async () => {
    const tenantId = await createTenant(pool);
    const admin = await createUser(pool, { tenantId, role: Role.TENANT_ADMIN });
    // Window 2021-03-08..14, previous window 2021-03-01..07; [previous, current] per action.
    const plan: Array<[string, number, number]> = [
      ["login", 3, 1],
      ["search_executed", 0, 5],
      ["profile_viewed", 8, 9],
      ["profile_enriched", 16, 17],
      ["csv_exported", 16, 15],
      ["list_created", 0, 0],
      ["persona_created", 3, 3],
      ["lookalike_search", 2, 0],
    ];
    const rows: ActivityRow[] = plan.flatMap(([actionType, previous, current]) => [
      ...Array.from({ length: previous }, (_, i) => ({
        tenantId,
        userId: admin.id,
        actionType,
        createdAt: new Date(Date.parse("2021-03-01T00:00:00.000Z") + (i * 7 * DAY) / previous),
      })),
      ...Array.from({ length: current }, (_, i) => ({
        tenantId,
        userId: admin.id,
        actionType,
        createdAt: new Date(Date.parse("2021-03-15T00:00:00.000Z") - 1 - (i * 7 * DAY) / current),
      })),
    ]);
    await insertActivity(pool, rows);
    await runRollup(["2021-03-01", "2021-03-02", "2021-03-09", "2021-03-14"]);
    const window: Window = { from: "2021-03-08", to: "2021-03-14", granularity: "WEEK" };
    const answer = await periods(admin, window);
    expect(answer).toEqual(await expectedPeriods(window, tenantId));
    const percents = Object.fromEntries(
      Object.entries(answer.data?.usageMetrics.changes ?? {}).map(([key, change]) => [
        key,
        [change.absolute, change.percent],
      ]),
    );
    expect(percents).toEqual({
      totalLogins: [-2, -66.7],
      searchesExecuted: [5, null],
      profilesViewed: [1, 12.5],
      profilesEnriched: [1, 6.3],
      csvExports: [-1, -6.3],
      listsCreated: [0, null],
      personasCreated: [0, 0],
      lookalikeSearches: [-2, -100],
    });
  });

  it("has zeros for a previous window before any data, even one before year 1", async () => {
    const { tenantId, admin } = await tenantWithActivity(["2019-06-10", "2019-06-11"]);
    const window: Window = { from: "2019-06-10", to: "2019-06-14", granularity: "MONTH" };
    const answer = await periods(admin, window);
    expect(answer).toEqual(await expectedPeriods(window, tenantId));
    expect(sumOf(answer.data?.usageMetrics.previousTotals as Counts)).toBe(0);
    expect(answer.data?.usageMetrics.changes.totalLogins).toEqual({
      current: 4,
      previous: 0,
      absolute: 4,
      percent: null,
    });

    const first = await periods(admin, { from: "0001-01-01", to: "0001-01-03", granularity: "WEEK" });
    expect(first.data?.usageMetrics).toMatchObject({ startDate: "0001-01-01", endDate: "0001-01-03" });
    expect(first.data?.usageMetrics.daily.map((day) => day.date)).toEqual(["0001-01-01", "0001-01-02", "0001-01-03"]);
    expect(sumOf(first.data?.usageMetrics.previousTotals as Counts)).toBe(0);
  });
});

describe("windows ending today", () => {
  it("mark the current week and month partial, and only today among dates", async () => {
    const { tenantId, admin } = await tenantWithActivity(datesOf(addDays(today, -70), today));
    await runRollup(datesOf(addDays(today, -20), addDays(today, -10)));
    for (const granularity of ["DAY", "WEEK", "MONTH"] as const) {
      const window: Window = { from: addDays(today, -60), to: today, granularity };
      const answer = await periods(admin, window, undefined, true);
      expect(answer).toEqual(await expectedPeriods(window, tenantId, true));
      const buckets = answer.data?.usageMetrics.buckets ?? [];
      expect(buckets[buckets.length - 1]).toMatchObject({ to: today, partial: true });
      if (granularity === "DAY") expect(buckets.filter((bucket) => bucket.partial)).toHaveLength(1);
    }
  });

  it("with DAY and a preset range, answer the contract's fields as without granularity", async () => {
    const { tenantId, admin } = await tenantWithActivity(datesOf(addDays(today, -100), today));
    await runRollup([addDays(today, -5), addDays(today, -35), addDays(today, -95)]);
    for (const range of ["LAST_7_DAYS", "LAST_30_DAYS", "LAST_90_DAYS"] as const) {
      const without = await gateway.query(UsagePeriodsContract, { range }, { viewer: admin });
      const withDay = await gateway.query(UsagePeriodsContract, { range, granularity: "DAY" }, { viewer: admin });
      expect(errorCodes(without.body)).toEqual([]);
      expect(withDay.body).toEqual(without.body);
      expect(JSON.stringify(withDay.body)).toBe(JSON.stringify(without.body));
      // The new fields for a preset range: buckets are daily, the previous window the N dates before.
      const days = { LAST_7_DAYS: 7, LAST_30_DAYS: 30, LAST_90_DAYS: 90 }[range];
      const window: Window = { from: addDays(today, -(days - 1)), to: today, granularity: "DAY" };
      const { body } = await gateway.query(UsagePeriods, { range, breakdown: false }, { viewer: admin });
      expect(body).toEqual(await expectedPeriods({ ...window, range }, tenantId));
      const usage = body.data?.usageMetrics;
      expect(
        usage?.buckets.map(({ from, to, periodStart, periodEnd, partial: _partial, ...counts }) => {
          expect([to, periodStart, periodEnd]).toEqual([from, from, from]);
          return { date: from, ...counts };
        }),
      ).toEqual(usage?.daily);
    }
  });
});

describe.each([7, 20261201])("the generated scenario of seed %i", (seed) => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await seedScenario(pool, seed);
    await runRollup(datesOf(addDays(today, -95), addDays(today, -1)).filter((_, i) => i % 4 !== 1));
  });

  it("answers custom windows across month ends in every granularity as plain SQL", async () => {
    const views: Array<[Viewer, string | undefined, string | null]> = [
      [scenario.superAdmin, undefined, null],
      [scenario.superAdmin, scenario.tenantIds[0], scenario.tenantIds[0]],
      [scenario.superAdmin, scenario.danglingTenantId, scenario.danglingTenantId],
      [scenario.adminOf[scenario.tenantIds[1]], undefined, scenario.tenantIds[1]],
      [scenario.superAdmin, scenario.emptyTenantId, scenario.emptyTenantId],
    ];
    const spans: Array<[number, number]> = [
      [-89, 0],
      [-47, -8],
      [-29, -29],
      [-7, -1],
    ];
    for (const [start, end] of spans) {
      for (const granularity of ["DAY", "WEEK", "MONTH"] as const) {
        const window: Window = { from: addDays(today, start), to: addDays(today, end), granularity };
        for (const [viewer, tenantId, covered] of views) {
          expect({ window, covered, answer: await periods(viewer, window, tenantId, true) }).toEqual({
            window,
            covered,
            answer: await expectedPeriods(window, covered, true),
          });
        }
      }
    }
  });
});

describe("arguments", () => {
  const bad = (message: string) => ({ data: null, codes: ["BAD_USER_INPUT"], message });

  it.each([
    ["from alone", { from: "2021-01-01" }, true],
    ["to alone", { to: "2021-01-01" }, true],
    ["from after to", { from: "2021-01-02", to: "2021-01-01" }, true],
    ["367 dates", { from: "2020-01-01", to: "2021-01-01" }, true],
    ["367 dates ending today", { from: "today-366", to: "today" }, true],
    ["range with from and to", { range: "LAST_7_DAYS", from: "2021-01-01", to: "2021-01-02" }, true],
    ["range with from alone", { range: "LAST_7_DAYS", from: "2021-01-01" }, true],
    ["an impossible date", { from: "2021-02-29", to: "2021-03-01" }, true],
    ["to after today", { from: "today-3", to: "today+1" }, false],
    ["from and to after today", { from: "today+1", to: "today+2" }, false],
  ] as const)("refuses %s with BAD_USER_INPUT", async (_name, args, beforeSql) => {
    const resolve = (value?: string) => {
      const relative = value?.match(/^today([+-]\d+)?$/);
      return relative ? addDays(today, Number(relative[1] ?? 0)) : value;
    };
    const variables = {
      ...args,
      from: resolve("from" in args ? args.from : undefined),
      to: resolve("to" in args ? args.to : undefined),
      breakdown: true,
    };
    for (const viewer of [superAdmin, viewerWithoutRow(Role.TENANT_ADMIN, randomUUID())]) {
      const answer = await gateway.query(UsagePeriods, variables, { viewer });
      expect({
        data: answer.body.data ?? null,
        codes: errorCodes(answer.body),
        message: answer.body.errors?.[0].message,
      }).toEqual(bad(expect.any(String) as string));
      expect(answer.body.errors?.[0].message).not.toMatch(/\n/);
      // Only "after today" needs the database (its today); the rest are refused before any SQL.
      expect(answer.statements === 0).toBe(beforeSql);
    }
  });

  it("refuses a literal range with from and to, and takes a range variable left unsent as the default", async () => {
    const literal = await gateway.query(
      UsagePeriodsLiteralRange,
      { from: "2021-01-01", to: "2021-01-02" },
      { viewer: superAdmin },
    );
    expect(errorCodes(literal.body)).toEqual(["BAD_USER_INPUT"]);
    const alone = await gateway.query(UsagePeriodsLiteralRange, {}, { viewer: superAdmin });
    expect(alone.body).toEqual({ data: { usageMetrics: { startDate: addDays(today, -29) } } });

    const window: Window = { from: "2021-01-01", to: "2021-01-02", granularity: "DAY" };
    expect(await periods(superAdmin, window)).toEqual(await expectedPeriods(window, null));
  });

  it("accepts a window ending today and one of 366 dates; null granularity is DAY", async () => {
    const window: Window = { from: addDays(today, -365), to: today, granularity: "WEEK" };
    expect(await periods(superAdmin, window)).toEqual(await expectedPeriods(window, null));
    const nullGranularity = await gateway.query(
      UsagePeriods,
      { from: addDays(today, -3), to: today, granularity: null, breakdown: false },
      { viewer: superAdmin },
    );
    expect(nullGranularity.body).toEqual(
      await expectedPeriods({ from: addDays(today, -3), to: today, granularity: "DAY" }, null),
    );
  });

  it("keeps a tenant admin to their own tenant with from and to", async () => {
    const own = await tenantWithActivity(["2021-01-01"]);
    const other = await tenantWithActivity(["2021-01-01"]);
    const window: Window = { from: "2020-12-31", to: "2021-01-02", granularity: "WEEK" };
    const forbidden = await gateway.query(
      UsagePeriods,
      { ...window, tenantId: other.tenantId, breakdown: true },
      { viewer: own.admin },
    );
    expect({
      data: forbidden.body.data ?? null,
      codes: errorCodes(forbidden.body),
      statements: forbidden.statements,
    }).toEqual({ data: null, codes: ["FORBIDDEN"], statements: 0 });
    expect(await periods(own.admin, window, own.tenantId, true)).toEqual(
      await expectedPeriods(window, own.tenantId, true),
    );
    expect(await periods(own.admin, window, undefined, true)).toEqual(
      await expectedPeriods(window, own.tenantId, true),
    );
  });
});
