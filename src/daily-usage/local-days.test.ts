/**
 * @jest-environment ./src/test/foreign-time-zone.environment.ts
 */
/*
 * Issue 16's oracles, in one cross-cutting file rather than one per feature: every query and both CSV exports are
 * checked against the same generated data (src/test/local-time-fixtures.ts), ten zones' worth of edges in one
 * database, so a zone's answers also meet every other zone's midnights, and the data (with the rollups it needs) is
 * seeded once instead of once per feature file. Each expected figure is plain SQL over activity_log or prospects
 * grouping by `(created_at AT TIME ZONE Z)::date` (`updated_at` for enrichment health and the error feed), summed
 * or walked in JS where the answer is a sum or a sequence; the gateway's own tables are never read for an expected
 * figure. The worker runs in Pacific/Honolulu (the docblock's environment), and on PostgreSQL the database's default
 * zone is Pacific/Honolulu too, so nothing may read the host's zone or the server's.
 */
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse as parseCsv } from "csv-parse/sync";
import { Client, type Pool } from "pg";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { viewerWithoutRow } from "../test/factories";
import { FOREIGN_HOST_TIME_ZONE } from "../test/foreign-time-zone.environment";
import {
  addLocalDays,
  LOCAL_TIME_ZONES,
  seedLocalTimeScenario,
  type LocalTimeScenario,
  type LocalTimeZone,
} from "../test/local-time-fixtures";
import { isObject, KNOWN_SOURCES } from "../test/scenario";
import { until } from "../test/until";
import { graphql } from "../test/gql";
import { errorCodes, useTestGateway, type GraphQLResponse } from "../test/test-gateway";

const SEED = 20261207;
const ZONES_AND_UTC: Array<LocalTimeZone | "UTC"> = [...LOCAL_TIME_ZONES, "UTC"];

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
const ZERO: Counts = Object.fromEntries(COUNTERS.map((key) => [key, 0])) as Counts;
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
/** A row's local date in zone $1: the rule, verbatim. */
const LOCAL_DATE = (column: string) => `(${column} AT TIME ZONE $1::text)::date`;

// ---------------------------------------------------------------------------------------------------------------
// Documents, each sent with `timeZone` and without (omitted, or null).

interface Fresh {
  liveDates: string[];
  missingDates: string[];
}
type UserCounts = { searches7d: number; enrichments7d: number; exports7d: number };
type Detail = { source: string; status: string; error: string | null; at: string | null };
type FailedItem = {
  id: string;
  fullName: string;
  userName: string | null;
  tenantId: string;
  tenantName: string | null;
  enrichmentStatus: string;
  sourceDetails: Detail[];
  updatedAt: string;
};
const LocalDaysUsage = graphql(`
  query LocalDaysUsage(
    $range: UsageRange
    $tenantId: ID
    $from: Date
    $to: Date
    $granularity: UsageGranularity
    $timeZone: String
  ) {
    usageMetrics(
      range: $range
      tenantId: $tenantId
      from: $from
      to: $to
      granularity: $granularity
      timeZone: $timeZone
    ) {
      range
      startDate
      endDate
      tenantId
      timeZone
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
        ...LocalDaysCounts
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
        ...LocalDaysCounts
      }
      changes {
        totalLogins {
          ...LocalDaysChange
        }
        searchesExecuted {
          ...LocalDaysChange
        }
        profilesViewed {
          ...LocalDaysChange
        }
        profilesEnriched {
          ...LocalDaysChange
        }
        csvExports {
          ...LocalDaysChange
        }
        listsCreated {
          ...LocalDaysChange
        }
        personasCreated {
          ...LocalDaysChange
        }
        lookalikeSearches {
          ...LocalDaysChange
        }
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
      freshness {
        liveDates
        missingDates
      }
    }
  }

  fragment LocalDaysCounts on UsageCounts {
    totalLogins
    searchesExecuted
    profilesViewed
    profilesEnriched
    csvExports
    listsCreated
    personasCreated
    lookalikeSearches
  }

  fragment LocalDaysChange on CounterChange {
    current
    previous
    absolute
    percent
  }
`);

const LocalDaysFunnel = graphql(`
  query LocalDaysFunnel($days: Int, $tenantId: ID, $mode: FunnelMode, $timeZone: String) {
    funnel(days: $days, tenantId: $tenantId, mode: $mode, timeZone: $timeZone) {
      days
      tenantId
      mode
      timeZone
      stages {
        key
        value
        conversionRate
        previousValue
        change
        changePercent
      }
      freshness {
        liveDates
        missingDates
      }
    }
  }
`);

const LocalDaysPulse = graphql(`
  query LocalDaysPulse($timeZone: String) {
    platformPulse(timeZone: $timeZone) {
      totalProspects
      enrichedProspects
      enrichmentCoverage
      enrichmentFailed
      activeUsersToday
      activeUsers7dAvg
      timeZone
      freshness {
        liveDates
        missingDates
      }
    }
  }
`);

const LocalDaysTenants = graphql(`
  query LocalDaysTenants($timeZone: String) {
    tenantActivity(timeZone: $timeZone) {
      id
      name
      userCount
      searches7d
      enrichments7d
      exports7d
      lastActive
      timeZone
      users {
        id
        fullName
        searches7d
        enrichments7d
        exports7d
      }
      freshness {
        liveDates
        missingDates
      }
    }
  }
`);

const LocalDaysSetZone = graphql(`
  mutation LocalDaysSetZone($tenantId: ID, $timeZone: String) {
    setTenantTimeZone(tenantId: $tenantId, timeZone: $timeZone) {
      tenantId
      timeZone
    }
  }
`);

const LocalDaysHealth = graphql(`
  query LocalDaysHealth($days: Int, $timeZone: String) {
    enrichmentHealth(days: $days, timeZone: $timeZone) {
      days
      timeZone
      series {
        date
        sources {
          source
          success
          failed
        }
      }
      freshness {
        liveDates
        missingDates
      }
    }
  }
`);

const LocalDaysFeed = graphql(`
  query LocalDaysFeed($limit: Int, $page: Int, $timeZone: String) {
    errorFeed(limit: $limit, page: $page, timeZone: $timeZone) {
      total
      page
      limit
      timeZone
      items {
        id
        fullName
        userName
        tenantId
        tenantName
        enrichmentStatus
        sourceDetails {
          source
          status
          error
          at
        }
        updatedAt
      }
    }
  }
`);

// ---------------------------------------------------------------------------------------------------------------
// The harness: one gateway, its database session in a foreign zone, the scenario seeded once.

const gateway = useTestGateway();
let pool: Pool;
let scenario: LocalTimeScenario;

beforeAll(async () => {
  pool = gateway.db.pool;
  await foreignServerTimeZone();
  scenario = await seedLocalTimeScenario(pool, SEED, (date) => gateway.rollup.runNow(date));
  const { rows } = await pool.query<{ activity: number; prospects: number }>(
    `SELECT (SELECT count(*) FROM activity_log)::int AS activity, (SELECT count(*) FROM prospects)::int AS prospects`,
  );
  console.info(
    `local-days seed ${SEED}: ${rows[0].activity} activity_log rows, ${rows[0].prospects} prospects, ` +
      `${scenario.rolledUp.length} dates rolled up before the late rows`,
  );
});

/**
 * The database server's zone is FOREIGN_HOST_TIME_ZONE too: on PostgreSQL the database's default, as a server's
 * `timezone` often is its host's (the connections open since the start are closed, so the pools reopen them under
 * it). The gateway keeps its own sessions in UTC whatever the server's zone (src/db/migrate.ts); PGlite's one session
 * is the gateway's own, so there the host's zone is what is foreign.
 */
async function foreignServerTimeZone(): Promise<void> {
  const database = gateway.config.database;
  if (database.kind === "postgres") {
    const client = new Client({ connectionString: database.directUrl });
    await client.connect();
    try {
      await client.query(`DO $$ BEGIN
        EXECUTE format('ALTER DATABASE %I SET timezone = %L', current_database(), '${FOREIGN_HOST_TIME_ZONE}');
      END $$`);
      await client.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
    } finally {
      await client.end();
    }
    // The pools drop a terminated connection when its error arrives: none is handed out dead.
    await until(
      "the gateway's pools to drop their connections",
      () => pool.totalCount + gateway.db.direct.totalCount === 0,
    );
  }
  await expectForeignZones();
}

/** The worker's zone, and on PostgreSQL the database's default zone, are FOREIGN_HOST_TIME_ZONE. */
async function expectForeignZones(): Promise<void> {
  const { rows } = await pool.query<{ zone: string | null }>(
    `SELECT (SELECT array_to_string(setconfig, ',') FROM pg_db_role_setting
              WHERE setrole = 0 AND setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database()))
            AS zone`,
  );
  expect({
    host: Intl.DateTimeFormat().resolvedOptions().timeZone,
    database: gateway.config.database.kind === "postgres" ? rows[0].zone : `TimeZone=${FOREIGN_HOST_TIME_ZONE}`,
  }).toEqual({ host: FOREIGN_HOST_TIME_ZONE, database: `TimeZone=${FOREIGN_HOST_TIME_ZONE}` });
}

async function localToday(zone: string): Promise<string> {
  const { rows } = await pool.query<{ today: string }>(
    `SELECT to_char((now() AT TIME ZONE $1::text)::date, 'YYYY-MM-DD') AS today`,
    [zone],
  );
  return rows[0].today;
}

/**
 * Runs `check` (it computes the oracle and asks the gateway) and, when the zone's date turned meanwhile (a local
 * midnight during the test), once more: both sides then agree on today.
 */
async function onOneLocalDay(zone: string, check: (today: string) => Promise<void>): Promise<void> {
  const today = await localToday(zone);
  try {
    await check(today);
  } catch (error) {
    if ((await localToday(zone)) === today) throw error;
    await check(await localToday(zone));
  }
}

async function ask<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  viewer: Viewer,
): Promise<TResult> {
  const { status, body } = await gateway.query(document, variables, { viewer });
  expect({ status, errors: errorCodes(body), messages: body.errors?.map((error) => error.message) }).toEqual({
    status: 200,
    errors: [],
    messages: undefined,
  });
  return body.data as TResult;
}

/** Dates from..to, both included. */
function datesOf(from: string, to: string): string[] {
  const dates: string[] = [];
  for (let date = from; date <= to; date = addLocalDays(date, 1)) dates.push(date);
  return dates;
}

/** n / d rounded half away from zero to `decimals` decimals, in exact integer arithmetic (d > 0). */
function roundHalfAway(n: number, d: number, decimals: number): number {
  const scale = 10n ** BigInt(decimals);
  const magnitude = (2n * scale * BigInt(Math.abs(n)) + BigInt(d)) / (2n * BigInt(d));
  const rounded = Number(magnitude) / Number(scale);
  return n < 0 && rounded !== 0 ? -rounded : rounded;
}

/** Code point order, as COLLATE "C" compares. */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/**
 * Freshness of a window: its dates only, oldest first, each once; today never missing; every local date holding
 * instants of the UTC date today (not rolled up: the rollup's dates are UTC dates) live, and with `allLive` (answers
 * read raw) every date of the window.
 */
async function expectFreshness(
  zone: string,
  freshness: Fresh,
  window: string[],
  today: string,
  allLive = false,
): Promise<void> {
  const { rows } = await pool.query<{ date: string }>(
    `SELECT DISTINCT to_char(${LOCAL_DATE("t")}, 'YYYY-MM-DD') AS date
       FROM unnest(ARRAY[((now() AT TIME ZONE 'UTC')::date)::timestamp AT TIME ZONE 'UTC', now()]) t`,
    [zone],
  );
  const unrolled = rows.map((row) => row.date).filter((date) => window.includes(date));
  const inWindow = (dates: string[]) => dates.every((date) => window.includes(date));
  const ascending = (dates: string[]) => dates.every((date, i) => i === 0 || dates[i - 1] < date);
  expect({
    zone,
    liveInWindow: inWindow(freshness.liveDates),
    liveAscending: ascending(freshness.liveDates),
    unrolledLive: unrolled.filter((date) => !freshness.liveDates.includes(date)),
    missingInWindow: inWindow(freshness.missingDates),
    missingAscending: ascending(freshness.missingDates),
    todayNotMissing: !freshness.missingDates.includes(today),
    ...(allLive ? { liveDates: freshness.liveDates } : {}),
  }).toEqual({
    zone,
    liveInWindow: true,
    liveAscending: true,
    unrolledLive: [],
    missingInWindow: true,
    missingAscending: true,
    todayNotMissing: true,
    ...(allLive ? { liveDates: window } : {}),
  });
}

// ---------------------------------------------------------------------------------------------------------------
// usageMetrics and usage.csv

type Granularity = "DAY" | "WEEK" | "MONTH";

/** The period of a granularity holding `date`, computed apart from SQL's date_trunc. */
function periodOf(date: string, granularity: Granularity): [string, string] {
  if (granularity === "DAY") return [date, date];
  if (granularity === "WEEK") {
    const monday = addLocalDays(date, -((new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7));
    return [monday, addLocalDays(monday, 6)];
  }
  const [year, month] = date.split("-").map(Number);
  return [`${date.slice(0, 7)}-01`, new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10)];
}

/** Per local date in zone, the eight counters over [from, to] of one tenant or all: one GROUP BY. */
async function countsPerLocalDate(
  zone: string,
  from: string,
  to: string,
  tenantId: string | null,
): Promise<Map<string, Counts>> {
  const { rows } = await pool.query<Counts & { date: string }>(
    `SELECT to_char(${LOCAL_DATE("a.created_at")}, 'YYYY-MM-DD') AS date, ${COUNTS}
       FROM activity_log a
      WHERE ${LOCAL_DATE("a.created_at")} BETWEEN $2::date AND $3::date AND ($4::uuid IS NULL OR a.tenant_id = $4::uuid)
      GROUP BY 1`,
    [zone, from, to, tenantId],
  );
  return new Map(rows.map(({ date, ...counts }) => [date, counts]));
}

function sumOver(perDate: Map<string, Counts>, dates: string[]): Counts {
  const sum = { ...ZERO };
  for (const date of dates) for (const key of COUNTERS) sum[key] += perDate.get(date)?.[key] ?? 0;
  return sum;
}

const total = (counts: Counts) => COUNTERS.reduce((sum, key) => sum + counts[key], 0);

/** The user breakdown over the local dates from..to: users of the tenant and anyone with a row in it then. */
async function breakdownOver(zone: string, from: string, to: string, tenantId: string) {
  const inWindow = `${LOCAL_DATE("a.created_at")} BETWEEN $2::date AND $3::date AND a.tenant_id = $4::uuid`;
  const { rows } = await pool.query<Counts & { userId: string; fullName: string | null }>(
    `SELECT ids.id::text AS "userId", users.full_name AS "fullName", ${COUNTS}
       FROM (SELECT id FROM users WHERE tenant_id = $4::uuid
             UNION SELECT a.user_id FROM activity_log a WHERE ${inWindow}) ids
       LEFT JOIN users ON users.id = ids.id
       LEFT JOIN activity_log a ON a.user_id = ids.id AND ${inWindow}
      GROUP BY ids.id, users.full_name`,
    [zone, from, to, tenantId],
  );
  return rows.sort((a, b) => total(b) - total(a) || byCodePoint(a.userId, b.userId));
}

type UsageWindow = {
  range?: "LAST_7_DAYS" | "LAST_30_DAYS" | "LAST_90_DAYS";
  from?: string;
  to?: string;
  granularity: Granularity;
};
const RANGE_DAYS = { LAST_7_DAYS: 7, LAST_30_DAYS: 30, LAST_90_DAYS: 90 };

/** The whole expected usageMetrics answer (but freshness) in zone, from activity_log and users only. */
async function expectedUsage(zone: string, today: string, window: UsageWindow, tenantId: string | null) {
  const endDate = window.to ?? today;
  const startDate = window.from ?? addLocalDays(today, -(RANGE_DAYS[window.range ?? "LAST_30_DAYS"] - 1));
  const dates = datesOf(startDate, endDate);
  const previousDates = datesOf(addLocalDays(startDate, -dates.length), addLocalDays(startDate, -1));
  const perDate = await countsPerLocalDate(zone, previousDates[0], endDate, tenantId);
  const periods: Array<{ periodStart: string; periodEnd: string; from: string; to: string }> = [];
  for (const date of dates) {
    const [periodStart, periodEnd] = periodOf(date, window.granularity);
    const last = periods[periods.length - 1];
    if (last?.periodStart === periodStart) last.to = date;
    else periods.push({ periodStart, periodEnd, from: date, to: date });
  }
  const totals = sumOver(perDate, dates);
  const previousTotals = sumOver(perDate, previousDates);
  return {
    range: window.range ?? "LAST_30_DAYS",
    startDate,
    endDate,
    tenantId,
    daily: dates.map((date) => ({ date, ...(perDate.get(date) ?? ZERO) })),
    totals,
    buckets: periods.map((period) => ({
      ...period,
      partial: period.from > period.periodStart || period.to < period.periodEnd || period.periodEnd >= today,
      ...sumOver(perDate, datesOf(period.from, period.to)),
    })),
    previousTotals,
    changes: Object.fromEntries(
      COUNTERS.map((key) => {
        const absolute = totals[key] - previousTotals[key];
        const percent = previousTotals[key] === 0 ? null : roundHalfAway(100 * absolute, previousTotals[key], 1);
        return [key, { current: totals[key], previous: previousTotals[key], absolute, percent }];
      }),
    ),
    userBreakdown: tenantId === null ? null : await breakdownOver(zone, startDate, endDate, tenantId),
  };
}

/** The windows of one zone: the presets, and from/to across its DST changes, a month's end and the year's. */
function usageWindows(zone: LocalTimeZone | "UTC", today: string): Array<[string, UsageWindow]> {
  const windows: Array<[string, UsageWindow]> = [
    ["LAST_7_DAYS by day", { range: "LAST_7_DAYS", granularity: "DAY" }],
    ["LAST_30_DAYS by week", { range: "LAST_30_DAYS", granularity: "WEEK" }],
    ["LAST_90_DAYS by month", { range: "LAST_90_DAYS", granularity: "MONTH" }],
    ["366 dates to today by month", { from: addLocalDays(today, -365), to: today, granularity: "MONTH" }],
  ];
  // Windows end today at the latest: early in a month or a year they end sooner, and still cross its start.
  const upToToday = (date: string) => (date < today ? date : today);
  const lastMonthEnd = addLocalDays(`${today.slice(0, 7)}-01`, -1);
  windows.push([
    `across the month end ${lastMonthEnd}`,
    { from: addLocalDays(lastMonthEnd, -2), to: upToToday(addLocalDays(lastMonthEnd, 2)), granularity: "MONTH" },
  ]);
  const yearEnd = `${Number(today.slice(0, 4)) - 1}-12-31`;
  windows.push([
    `across the year end ${yearEnd}`,
    { from: addLocalDays(yearEnd, -3), to: upToToday(addLocalDays(yearEnd, 4)), granularity: "WEEK" },
  ]);
  if (zone !== "UTC") {
    for (const change of scenario.edges[zone].changes) {
      const from = addLocalDays(change.localDate, -2);
      const to = addLocalDays(change.localDate, 2);
      if (from >= addLocalDays(today, -365) && to <= today)
        windows.push([`across the change at ${change.at.toISOString()}`, { from, to, granularity: "DAY" }]);
      // The three dates after the change: their previous period ends on the change's date.
      const after = { from: addLocalDays(change.localDate, 1), to: addLocalDays(change.localDate, 3) };
      if (after.from >= addLocalDays(today, -365) && after.to <= today)
        windows.push([`after the change at ${change.at.toISOString()}`, { ...after, granularity: "WEEK" }]);
    }
  }
  return windows;
}

/** The views of usage in a zone: all tenants, the zone's tenant (as super admin and as its admin), the edges. */
function usageViews(zone: LocalTimeZone): Array<[string, Viewer, string | undefined, string | null]> {
  const s = scenario;
  return [
    ["super admin, all tenants", s.superAdmin, undefined, null],
    ["super admin, the zone's tenant", s.superAdmin, s.tenantOf[zone], s.tenantOf[zone]],
    ["tenant admin, own tenant", s.adminOf[zone], undefined, s.tenantOf[zone]],
    ["super admin, a tenant id with no tenants row", s.superAdmin, s.danglingTenantId, s.danglingTenantId],
    ["super admin, the empty tenant", s.superAdmin, s.emptyTenantId, s.emptyTenantId],
  ];
}

async function checkUsage(zone: LocalTimeZone | "UTC", given: string | undefined): Promise<void> {
  const views = usageViews(zone === "UTC" ? "Asia/Kolkata" : zone);
  await onOneLocalDay(zone, async (today) => {
    for (const [windowName, window] of usageWindows(zone, today)) {
      // Every view on the last 7 days, the all-tenant view alone on 366 dates, both main views on the others.
      const count = window.range === "LAST_7_DAYS" ? views.length : windowName.startsWith("366") ? 1 : 2;
      for (const [viewName, viewer, tenantId, covered] of views.slice(0, count)) {
        const { freshness, ...answer } = (await ask(LocalDaysUsage, { ...window, tenantId, timeZone: given }, viewer))
          .usageMetrics;
        const expected = await expectedUsage(zone, today, window, covered);
        expect({ zone, windowName, viewName, answer }).toEqual({
          zone,
          windowName,
          viewName,
          answer: { ...expected, timeZone: given ?? "UTC" },
        });
        await expectFreshness(zone, freshness, datesOf(expected.startDate, expected.endDate), today);
      }
    }
  });
}

describe("usageMetrics in local days", () => {
  it("without timeZone is the UTC answer: the figures of plain SQL by UTC dates", async () => {
    await checkUsage("UTC", undefined);
  });

  it.each(LOCAL_TIME_ZONES)(
    "in %s equals plain SQL by local dates: presets, DST changes, month and year ends, buckets, previous period",
    async (zone) => {
      await checkUsage(zone, zone);
    },
  );

  // Old names PostgreSQL still lists (links in its time-zone database): the same offsets, the name as given.
  it.each([
    ["Asia/Calcutta", "Asia/Kolkata"],
    ["Asia/Katmandu", "Asia/Kathmandu"],
  ] as const)("in %s counts as in %s and says the name as given", async (given, zone) => {
    await onOneLocalDay(zone, async (today) => {
      const window: UsageWindow = { range: "LAST_90_DAYS", granularity: "MONTH" };
      const { freshness: _freshness, ...answer } = (
        await ask(LocalDaysUsage, { ...window, timeZone: given }, scenario.superAdmin)
      ).usageMetrics;
      expect(answer).toEqual({ ...(await expectedUsage(zone, today, window, null)), timeZone: given });
    });
  });
});

const DAILY_COLUMNS = ["date", ...COUNTERS];
const BUCKET_COLUMNS = ["periodStart", "periodEnd", "from", "to", "partial", ...COUNTERS];

async function download(path: string, viewer: Viewer): Promise<{ response: Response; rows: string[][] }> {
  const response = await gateway.fetch(path, { headers: { authorization: `Bearer ${await gateway.token(viewer)}` } });
  const text = await response.text();
  expect({ status: response.status, type: response.headers.get("content-type"), text: text.slice(0, 200) }).toEqual({
    status: 200,
    type: "text/csv; charset=utf-8",
    text: expect.any(String) as string,
  });
  return { response, rows: parseCsv(text, { record_delimiter: "\r\n" }) };
}

async function checkUsageCsv(zone: LocalTimeZone | "UTC", given: string | undefined): Promise<void> {
  await onOneLocalDay(zone, async (today) => {
    const admin = scenario.adminOf[zone === "UTC" ? "Asia/Kolkata" : zone];
    const zoneParameter = given === undefined ? "" : `&timeZone=${encodeURIComponent(given)}`;
    const daily = await expectedUsage(zone, today, { range: "LAST_30_DAYS", granularity: "DAY" }, admin.tenantId);
    const byDay = await download(`/export/usage.csv?range=LAST_30_DAYS${zoneParameter}`, admin);
    expect(byDay.rows).toEqual([
      DAILY_COLUMNS,
      ...daily.daily.map((day) => DAILY_COLUMNS.map((column) => String(day[column as keyof typeof day]))),
    ]);
    const window: UsageWindow = { from: addLocalDays(today, -100), to: today, granularity: "MONTH" };
    const monthly = await expectedUsage(zone, today, window, null);
    const byMonth = await download(
      `/export/usage.csv?from=${window.from}&to=${window.to}&granularity=MONTH${zoneParameter}`,
      scenario.superAdmin,
    );
    expect(byMonth.rows).toEqual([
      BUCKET_COLUMNS,
      ...monthly.buckets.map((bucket) => BUCKET_COLUMNS.map((column) => String(bucket[column as keyof typeof bucket]))),
    ]);
    expect({
      disposition: byMonth.response.headers.get("content-disposition"),
      zones: [byDay, byMonth].map(({ response }) => response.headers.get("x-time-zone")),
    }).toEqual({
      disposition: `attachment; filename="usage-${window.from}-${window.to}-month.csv"`,
      zones: [given ?? "UTC", given ?? "UTC"],
    });
  });
}

describe("usage.csv in local days", () => {
  it("without timeZone has the UTC dates and figures", async () => {
    await checkUsageCsv("UTC", undefined);
  });

  it.each(ZONES_AND_UTC)("with timeZone=%s has that zone's dates, figures and buckets", async (zone) => {
    await checkUsageCsv(zone, zone);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// funnel

const STAGES = [
  ["SEARCHES", "search_executed"],
  ["PROFILE_VIEWS", "profile_viewed"],
  ["ENRICHMENTS", "profile_enriched"],
  ["EXPORTS", "csv_exported"],
] as const;

interface StageRow {
  userId: string;
  tenantId: string;
  stage: number;
  /** created_at in microseconds since the epoch, as stored. */
  at: bigint;
  date: string;
}

/** Every stage row with its local date in zone. */
async function stageRows(zone: string): Promise<StageRow[]> {
  const { rows } = await pool.query<{ userId: string; tenantId: string; action: string; at: string; date: string }>(
    `SELECT a.user_id::text AS "userId", a.tenant_id::text AS "tenantId", a.action_type AS action,
            (extract(epoch FROM a.created_at) * 1000000)::bigint::text AS at,
            to_char(${LOCAL_DATE("a.created_at")}, 'YYYY-MM-DD') AS date
       FROM activity_log a WHERE a.action_type = ANY($2::text[])`,
    [zone, STAGES.map(([, action]) => action)],
  );
  return rows.map((row) => ({
    ...row,
    stage: STAGES.findIndex(([, action]) => action === row.action),
    at: BigInt(row.at),
  }));
}

/** Per stage, rows (EVENTS) or users who reached it in order (USERS) among the rows of local dates from..to. */
function stageValues(rows: StageRow[], from: string, to: string, tenantId: string | null, mode: string): number[] {
  const inWindow = rows.filter(
    (row) => row.date >= from && row.date <= to && (tenantId === null || row.tenantId === tenantId),
  );
  if (mode === "EVENTS") return STAGES.map((_, stage) => inWindow.filter((row) => row.stage === stage).length);
  const byUser = new Map<string, StageRow[]>();
  for (const row of inWindow) byUser.set(row.userId, [...(byUser.get(row.userId) ?? []), row]);
  const reached = STAGES.map(() => 0);
  for (const events of byUser.values()) {
    events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.stage - b.stage));
    let next = 0;
    for (const event of events) if (event.stage === next) next += 1;
    for (let stage = 0; stage < next; stage += 1) reached[stage] += 1;
  }
  return reached;
}

async function checkFunnel(zone: LocalTimeZone | "UTC", given: string | undefined): Promise<void> {
  const tenantOf = scenario.tenantOf[zone === "UTC" ? "Pacific/Chatham" : zone];
  await onOneLocalDay(zone, async (today) => {
    const rows = await stageRows(zone);
    for (const days of [1, 7, 90]) {
      for (const mode of ["EVENTS", "USERS"] as const) {
        const edges = days === 7 ? [scenario.danglingTenantId, scenario.emptyTenantId] : [];
        for (const tenantId of [null, tenantOf, ...edges]) {
          const start = addLocalDays(today, -(days - 1));
          const values = stageValues(rows, start, today, tenantId, mode);
          const previous = stageValues(rows, addLocalDays(start, -days), addLocalDays(start, -1), tenantId, mode);
          const { freshness, ...answer } = (
            await ask(LocalDaysFunnel, { days, mode, tenantId, timeZone: given }, scenario.superAdmin)
          ).funnel;
          expect({ zone, days, mode, tenantId, answer }).toEqual({
            zone,
            days,
            mode,
            tenantId,
            answer: {
              days,
              tenantId,
              mode,
              timeZone: given ?? "UTC",
              stages: STAGES.map(([key], i) => ({
                key,
                value: values[i],
                conversionRate: i === 0 || values[i - 1] === 0 ? null : roundHalfAway(values[i], values[i - 1], 4),
                previousValue: previous[i],
                change: values[i] - previous[i],
                changePercent:
                  previous[i] === 0 ? null : roundHalfAway(100 * (values[i] - previous[i]), previous[i], 1),
              })),
            },
          });
          await expectFreshness(zone, freshness, datesOf(start, today), today, mode === "USERS");
        }
      }
    }
  });
}

describe("funnel in local days", () => {
  it("without timeZone is the UTC answer", async () => {
    await checkFunnel("UTC", undefined);
  });

  it.each(LOCAL_TIME_ZONES)(
    "in %s counts events and users by local dates, this window and the previous one",
    async (zone) => {
      await checkFunnel(zone, zone);
    },
  );
});

// ---------------------------------------------------------------------------------------------------------------
// platformPulse

async function checkPulse(zone: LocalTimeZone | "UTC", given: string | undefined): Promise<void> {
  await onOneLocalDay(zone, async (today) => {
    const { rows: active } = await pool.query<{ date: string; users: number }>(
      `SELECT to_char(${LOCAL_DATE("created_at")}, 'YYYY-MM-DD') AS date, count(DISTINCT user_id)::int AS users
         FROM activity_log WHERE ${LOCAL_DATE("created_at")} BETWEEN $2::date - 7 AND $2::date GROUP BY 1`,
      [zone, today],
    );
    const activeOn = new Map(active.map((row) => [row.date, row.users]));
    const before = datesOf(addLocalDays(today, -7), addLocalDays(today, -1));
    const { rows } = await pool.query<{ total: number; enriched: number; failed: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE enrichment_status = 'complete')::int AS enriched,
              count(*) FILTER (WHERE enrichment_status = 'failed')::int AS failed FROM prospects`,
    );
    const { total: prospects, enriched, failed } = rows[0];
    const { freshness, ...answer } = (await ask(LocalDaysPulse, { timeZone: given }, scenario.superAdmin))
      .platformPulse;
    expect({ zone, answer }).toEqual({
      zone,
      answer: {
        totalProspects: prospects,
        enrichedProspects: enriched,
        enrichmentCoverage: prospects === 0 ? 0 : roundHalfAway(100 * enriched, prospects, 1),
        enrichmentFailed: failed,
        activeUsersToday: activeOn.get(today) ?? 0,
        activeUsers7dAvg: roundHalfAway(
          before.reduce((sum, date) => sum + (activeOn.get(date) ?? 0), 0),
          7,
          1,
        ),
        timeZone: given ?? "UTC",
      },
    });
    await expectFreshness(zone, freshness, datesOf(addLocalDays(today, -7), today), today);
  });
}

describe("platformPulse in local days", () => {
  it("without timeZone is the UTC answer", async () => {
    await checkPulse("UTC", undefined);
  });

  it.each(LOCAL_TIME_ZONES)("in %s counts today's active users and the 7-day mean by local dates", async (zone) => {
    await checkPulse(zone, zone);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// tenantActivity

const COUNTED: Record<string, keyof UserCounts> = {
  search_executed: "searches7d",
  profile_enriched: "enrichments7d",
  csv_exported: "exports7d",
};

async function expectedTenants(zone: string, today: string, given: string | undefined) {
  const zero = (): UserCounts => ({ searches7d: 0, enrichments7d: 0, exports7d: 0 });
  const { rows: counted } = await pool.query<{ tenantId: string; userId: string; action: string; n: number }>(
    `SELECT tenant_id::text AS "tenantId", user_id::text AS "userId", action_type AS action, count(*)::int AS n
       FROM activity_log WHERE ${LOCAL_DATE("created_at")} BETWEEN $2::date - 6 AND $2::date GROUP BY 1, 2, 3`,
    [zone, today],
  );
  const tenantCounts = new Map<string, UserCounts>();
  const userCounts = new Map<string, UserCounts>();
  for (const row of counted) {
    const field = COUNTED[row.action];
    if (!field) continue;
    for (const [map, key] of [
      [tenantCounts, row.tenantId],
      [userCounts, `${row.tenantId}/${row.userId}`],
    ] as const) {
      const counts = map.get(key) ?? zero();
      counts[field] += row.n;
      map.set(key, counts);
    }
  }
  const { rows: latest } = await pool.query<{ tenantId: string; latest: Date }>(
    `SELECT tenant_id::text AS "tenantId", max(created_at) AS latest FROM activity_log
      WHERE ${LOCAL_DATE("created_at")} BETWEEN $2::date - 89 AND $2::date GROUP BY 1`,
    [zone, today],
  );
  const lastActive = new Map(latest.map((row) => [row.tenantId, row.latest.toISOString()]));
  const { rows: tenants } = await pool.query<{ id: string; name: string }>(
    "SELECT id::text, name FROM tenants WHERE is_active",
  );
  const { rows: users } = await pool.query<{ id: string; tenantId: string; fullName: string | null }>(
    `SELECT id::text, tenant_id::text AS "tenantId", full_name AS "fullName" FROM users WHERE tenant_id IS NOT NULL`,
  );
  return tenants
    .map((tenant) => {
      const members = users
        .filter((user) => user.tenantId === tenant.id)
        .map((user) => ({
          id: user.id,
          fullName: user.fullName,
          ...(userCounts.get(`${tenant.id}/${user.id}`) ?? zero()),
        }))
        .sort((a, b) => b.searches7d - a.searches7d || byCodePoint(a.id, b.id));
      return {
        id: tenant.id,
        name: tenant.name,
        userCount: members.length,
        ...(tenantCounts.get(tenant.id) ?? zero()),
        lastActive: lastActive.get(tenant.id) ?? null,
        timeZone: given ?? "UTC",
        users: members,
      };
    })
    .sort((a, b) => b.searches7d - a.searches7d || byCodePoint(a.name, b.name) || byCodePoint(a.id, b.id));
}

async function checkTenants(zone: LocalTimeZone | "UTC", given: string | undefined): Promise<void> {
  await onOneLocalDay(zone, async (today) => {
    const answer = (await ask(LocalDaysTenants, { timeZone: given }, scenario.superAdmin)).tenantActivity;
    const expected = await expectedTenants(zone, today, given);
    expect({ zone, answer: answer.map(({ freshness: _freshness, ...tenant }) => tenant) }).toEqual({
      zone,
      answer: expected,
    });
    for (const tenant of answer)
      await expectFreshness(zone, tenant.freshness, datesOf(addLocalDays(today, -6), today), today);
    expect(expected.map((tenant) => tenant.id)).toEqual(
      expect.arrayContaining([...Object.values(scenario.tenantOf), scenario.emptyTenantId]),
    );
  });
}

describe("tenantActivity in local days", () => {
  it("without timeZone is the UTC answer", async () => {
    await checkTenants("UTC", undefined);
  });

  it.each(LOCAL_TIME_ZONES)("in %s counts 7 local dates and lastActive over 90, for every tenant", async (zone) => {
    await checkTenants(zone, zone);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// enrichmentHealth

async function checkHealth(zone: LocalTimeZone | "UTC", given: string | undefined): Promise<void> {
  await onOneLocalDay(zone, async (today) => {
    const { rows } = await pool.query<{ date: string; value: unknown }>(
      `SELECT to_char(${LOCAL_DATE("updated_at")}, 'YYYY-MM-DD') AS date, enrichment_source_status AS value
         FROM prospects WHERE ${LOCAL_DATE("updated_at")} BETWEEN $2::date - 89 AND $2::date`,
      [zone, today],
    );
    for (const days of [1, 7, 14, 90]) {
      const first = addLocalDays(today, -(days - 1));
      const counts = new Map<string, { success: number; failed: number }>();
      const seen = new Set<string>(KNOWN_SOURCES);
      for (const row of rows) {
        if (row.date < first || !isObject(row.value)) continue;
        for (const [source, entry] of Object.entries(row.value)) {
          seen.add(source);
          const status =
            typeof entry === "string"
              ? entry
              : isObject(entry) && typeof entry.status === "string"
                ? entry.status
                : null;
          const key = `${row.date}|${source}`;
          const count = counts.get(key) ?? { success: 0, failed: 0 };
          if (status === "complete") count.success += 1;
          if (status === "failed") count.failed += 1;
          counts.set(key, count);
        }
      }
      const sources = [
        ...KNOWN_SOURCES,
        ...[...seen].filter((source) => !KNOWN_SOURCES.includes(source)).sort(byCodePoint),
      ];
      const window = datesOf(first, today);
      const { freshness, ...answer } = (await ask(LocalDaysHealth, { days, timeZone: given }, scenario.superAdmin))
        .enrichmentHealth;
      expect({ zone, days, answer }).toEqual({
        zone,
        days,
        answer: {
          days,
          timeZone: given ?? "UTC",
          series: window.map((date) => ({
            date,
            sources: sources.map((source) => ({
              source,
              ...(counts.get(`${date}|${source}`) ?? { success: 0, failed: 0 }),
            })),
          })),
        },
      });
      await expectFreshness(zone, freshness, window, today, true);
    }
  });
}

describe("enrichmentHealth in local days", () => {
  it("without timeZone is the UTC answer", async () => {
    await checkHealth("UTC", undefined);
  });

  it.each(LOCAL_TIME_ZONES)("in %s counts both shapes by the local date of updated_at", async (zone) => {
    await checkHealth(zone, zone);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// errorFeed and error-feed.csv

/** The oracle's own reading of a valid `at` (as error-feed.test.ts): a real ISO-8601 instant with a zone. */
function readAt(value: unknown): string | null {
  const match =
    typeof value === "string"
      ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?(Z|[+-](\d{2}):(\d{2}))$/.exec(value)
      : null;
  if (!match) return null;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(match[i]));
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || Number(match[7] ?? 0) > 59) return null;
  if (match[9] !== "Z" && (Number(match[10]) > 15 || Number(match[11]) > 59)) return null;
  const instant = new Date(value as string);
  const utcYear = instant.getUTCFullYear();
  return utcYear >= 1000 && utcYear <= 9999 ? instant.toISOString() : null;
}

function sourceDetails(value: unknown): Detail[] {
  if (!isObject(value)) return [];
  const rank = (source: string) =>
    KNOWN_SOURCES.includes(source) ? KNOWN_SOURCES.indexOf(source) : KNOWN_SOURCES.length;
  return Object.entries(value)
    .sort(([a], [b]) => rank(a) - rank(b) || byCodePoint(a, b))
    .map(([source, entry]) => ({
      source,
      status:
        typeof entry === "string"
          ? entry
          : isObject(entry) && typeof entry.status === "string"
            ? entry.status
            : "unknown",
      error: isObject(entry) && typeof entry.error === "string" ? entry.error : null,
      at: isObject(entry) ? readAt(entry.at) : null,
    }));
}

/** Every failed prospect of the 7 local dates ending today in zone, newest first then id. */
async function failedProspects(zone: string, today: string): Promise<FailedItem[]> {
  const { rows } = await pool.query<{
    id: string;
    fullName: string;
    userName: string | null;
    tenantId: string;
    tenantName: string | null;
    enrichmentStatus: string;
    value: unknown;
    updatedAt: Date;
  }>(
    `SELECT p.id::text, p.full_name AS "fullName", u.full_name AS "userName", p.tenant_id::text AS "tenantId",
            t.name AS "tenantName", p.enrichment_status AS "enrichmentStatus", p.enrichment_source_status AS value,
            p.updated_at AS "updatedAt"
       FROM prospects p LEFT JOIN users u ON u.id = p.user_id LEFT JOIN tenants t ON t.id = p.tenant_id
      WHERE p.enrichment_status = 'failed' AND ${LOCAL_DATE("p.updated_at")} BETWEEN $2::date - 6 AND $2::date
      ORDER BY p.updated_at DESC, p.id`,
    [zone, today],
  );
  return rows.map(({ value, updatedAt, ...row }) => ({
    ...row,
    sourceDetails: sourceDetails(value),
    updatedAt: updatedAt.toISOString(),
  }));
}

async function checkFeed(zone: LocalTimeZone | "UTC", given: string | undefined): Promise<void> {
  await onOneLocalDay(zone, async (today) => {
    const all = await failedProspects(zone, today);
    expect(all.length).toBeGreaterThan(20);
    for (const [limit, page] of [
      [100, 1],
      [7, 1],
      [7, 2],
      [7, Math.ceil(all.length / 7)],
      [7, Math.ceil(all.length / 7) + 1],
    ]) {
      const answer = (await ask(LocalDaysFeed, { limit, page, timeZone: given }, scenario.superAdmin)).errorFeed;
      expect({ zone, limit, page, answer }).toEqual({
        zone,
        limit,
        page,
        answer: {
          total: all.length,
          page,
          limit,
          timeZone: given ?? "UTC",
          items: all.slice((page - 1) * limit, page * limit),
        },
      });
    }
  });
}

describe("errorFeed in local days", () => {
  it("without timeZone is the UTC answer", async () => {
    await checkFeed("UTC", undefined);
  });

  it.each(LOCAL_TIME_ZONES)("in %s holds the failed prospects of 7 local dates, paged", async (zone) => {
    await checkFeed(zone, zone);
  });
});

const FEED_COLUMNS = [
  "id",
  "fullName",
  "userName",
  "tenantId",
  "tenantName",
  "enrichmentStatus",
  "updatedAt",
  "sourceDetails",
];

async function checkFeedCsv(zone: LocalTimeZone | "UTC", given: string | undefined): Promise<void> {
  await onOneLocalDay(zone, async (today) => {
    const all = await failedProspects(zone, today);
    const zoneParameter = given === undefined ? "" : `&timeZone=${encodeURIComponent(given)}`;
    for (const page of [1, 2]) {
      const { response, rows } = await download(
        `/export/error-feed.csv?limit=10&page=${page}${zoneParameter}`,
        scenario.superAdmin,
      );
      expect({ total: response.headers.get("x-total-count"), zone: response.headers.get("x-time-zone") }).toEqual({
        total: String(all.length),
        zone: given ?? "UTC",
      });
      const [header, ...records] = rows;
      expect(header).toEqual(FEED_COLUMNS);
      expect(
        records.map(([id, fullName, userName, tenantId, tenantName, enrichmentStatus, updatedAt, details]) => ({
          id,
          fullName,
          userName: userName === "" ? null : userName,
          tenantId,
          tenantName: tenantName === "" ? null : tenantName,
          enrichmentStatus,
          sourceDetails: JSON.parse(details) as unknown,
          updatedAt,
        })),
      ).toEqual(all.slice((page - 1) * 10, page * 10));
    }
  });
}

describe("error-feed.csv in local days", () => {
  it("without timeZone has the UTC window", async () => {
    await checkFeedCsv("UTC", undefined);
  });

  it.each(ZONES_AND_UTC)("with timeZone=%s has that zone's 7 local dates", async (zone) => {
    await checkFeedCsv(zone, zone);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe("without timeZone", () => {
  /** The answer with timeZone omitted equals the one with "UTC" and the one with null, which says UTC. */
  const both = async <TResult, TVariables extends { timeZone?: string | null }>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    viewer: Viewer,
  ) => {
    const omitted = await ask(document, variables, viewer);
    const utc = await ask(document, { ...variables, timeZone: "UTC" }, viewer);
    const nulled = await ask(document, { ...variables, timeZone: null }, viewer);
    expect({ variables, omitted, nulled }).toEqual({ variables, omitted: utc, nulled: utc });
    expect(JSON.stringify(utc)).toContain('"timeZone":"UTC"');
  };

  it("usageMetrics answers exactly as with timeZone UTC or null: all tenants, one, its admin, a range, a window", async () => {
    const today = await localToday("UTC");
    for (const window of [
      { range: "LAST_90_DAYS", granularity: "WEEK" } as const,
      { from: addLocalDays(today, -365), to: today, granularity: "MONTH" } as const,
    ]) {
      await both(LocalDaysUsage, window, scenario.superAdmin);
      await both(LocalDaysUsage, { ...window, tenantId: scenario.tenantOf["Asia/Kolkata"] }, scenario.superAdmin);
      await both(LocalDaysUsage, window, scenario.adminOf["Asia/Kolkata"]);
    }
  });

  it("funnel, platformPulse and tenantActivity answer exactly as with timeZone UTC or null", async () => {
    for (const mode of ["EVENTS", "USERS"] as const)
      await both(LocalDaysFunnel, { days: 14, mode }, scenario.superAdmin);
    await both(LocalDaysPulse, {}, scenario.superAdmin);
    await both(LocalDaysTenants, {}, scenario.superAdmin);
  });

  it("enrichmentHealth and errorFeed answer exactly as with timeZone UTC or null", async () => {
    await both(LocalDaysHealth, { days: 90 }, scenario.superAdmin);
    await both(LocalDaysFeed, { limit: 100 }, scenario.superAdmin);
  });
});

// Last but one: it sets a default and clears it, so the tests above see none.
describe("a tenant's default zone", () => {
  it("is the zone of its admin's answers and exports and of a super admin's for it, never of another's", async () => {
    const zone = "Asia/Kathmandu";
    const tenantId = scenario.tenantOf[zone];
    const admin = scenario.adminOf[zone];
    const setZone = (timeZone: string | null) =>
      ask(LocalDaysSetZone, { tenantId, timeZone }, scenario.superAdmin).then((data) => data.setTenantTimeZone);
    expect(await setZone(zone)).toEqual({ tenantId, timeZone: zone });
    try {
      await onOneLocalDay(zone, async (today) => {
        const window: UsageWindow = { range: "LAST_30_DAYS", granularity: "WEEK" };
        const expected = await expectedUsage(zone, today, window, tenantId);
        for (const [name, viewer, variables] of [
          ["its admin", admin, window],
          ["a super admin for it", scenario.superAdmin, { ...window, tenantId }],
          ["its admin, timeZone null", admin, { ...window, timeZone: null }],
        ] as const) {
          const { freshness: _freshness, ...answer } = (await ask(LocalDaysUsage, variables, viewer)).usageMetrics;
          expect({ name, answer }).toEqual({ name, answer: { ...expected, timeZone: zone } });
        }
        const events = stageValues(await stageRows(zone), addLocalDays(today, -6), today, tenantId, "EVENTS");
        const funnel = (await ask(LocalDaysFunnel, { tenantId }, scenario.superAdmin)).funnel;
        expect({ timeZone: funnel.timeZone, values: funnel.stages.map((stage) => stage.value) }).toEqual({
          timeZone: zone,
          values: events,
        });
        const csv = await download("/export/usage.csv?range=LAST_30_DAYS", admin);
        expect({
          zone: csv.response.headers.get("x-time-zone"),
          dates: csv.rows.slice(1).map((row) => row[0]),
        }).toEqual({
          zone,
          dates: expected.daily.map((day) => day.date),
        });
      });
      // The given zone wins; the all-tenant view and another tenant's admin stay in UTC.
      const kolkata = (await ask(LocalDaysUsage, { timeZone: "Asia/Kolkata" }, admin)).usageMetrics;
      expect(kolkata.timeZone).toBe("Asia/Kolkata");
      const others = [
        (await ask(LocalDaysUsage, {}, scenario.superAdmin)).usageMetrics.timeZone,
        (await ask(LocalDaysUsage, {}, scenario.adminOf["Asia/Kolkata"])).usageMetrics.timeZone,
        (await ask(LocalDaysFunnel, {}, scenario.superAdmin)).funnel.timeZone,
      ];
      expect(others).toEqual(["UTC", "UTC", "UTC"]);
    } finally {
      expect(await setZone(null)).toEqual({ tenantId, timeZone: "UTC" });
    }
  });
});

describe("a timeZone that is no IANA Area/Location name", () => {
  const BAD = [
    "EST",
    "IST",
    "EST5EDT",
    "Etc/GMT+5",
    "posix/Asia/Kolkata",
    "US/Eastern",
    "asia/kolkata",
    "UTC+5",
    "+05:30",
    "GMT-3",
    "",
    " Asia/Kolkata",
    "Asia/Kolkata\n",
    "Asia/Atlantis",
    "x".repeat(10_000),
  ];
  const viewer = { viewer: viewerWithoutRow(Role.SUPER_ADMIN, null) };
  const queries: Array<[string, (timeZone: string) => Promise<GraphQLResponse<unknown>>]> = [
    ["usageMetrics", (timeZone) => gateway.query(LocalDaysUsage, { timeZone }, viewer)],
    ["funnel", (timeZone) => gateway.query(LocalDaysFunnel, { timeZone }, viewer)],
    ["platformPulse", (timeZone) => gateway.query(LocalDaysPulse, { timeZone }, viewer)],
    ["tenantActivity", (timeZone) => gateway.query(LocalDaysTenants, { timeZone }, viewer)],
    ["enrichmentHealth", (timeZone) => gateway.query(LocalDaysHealth, { timeZone }, viewer)],
    ["errorFeed", (timeZone) => gateway.query(LocalDaysFeed, { timeZone }, viewer)],
  ];
  it.each(queries)("is BAD_USER_INPUT on %s, with no data", async (_name, send) => {
    for (const timeZone of BAD) {
      const { body } = await send(timeZone);
      expect({ timeZone: timeZone.slice(0, 40), data: body.data ?? null, codes: errorCodes(body) }).toEqual({
        timeZone: timeZone.slice(0, 40),
        data: null,
        codes: ["BAD_USER_INPUT"],
      });
      expect(body.errors?.[0].message.length).toBeLessThan(300);
    }
  });

  it.each(["/export/usage.csv?range=LAST_7_DAYS", "/export/error-feed.csv?limit=5"])(
    "is a 400 BAD_USER_INPUT on %s",
    async (path) => {
      for (const timeZone of BAD) {
        const response = await gateway.fetch(`${path}&timeZone=${encodeURIComponent(timeZone)}`, {
          headers: { authorization: `Bearer ${await gateway.token(scenario.superAdmin)}` },
        });
        const text = await response.text();
        expect({ timeZone: timeZone.slice(0, 40), status: response.status, code: text.split(":")[0] }).toEqual({
          timeZone: timeZone.slice(0, 40),
          status: 400,
          code: "BAD_USER_INPUT",
        });
      }
    },
  );
});

const LocalDaysInstants = graphql(`
  query LocalDaysInstants {
    usageMetrics(range: LAST_7_DAYS) {
      freshness {
        asOf
      }
    }
    rollupStatus {
      recentRuns {
        date
        startedAt
      }
    }
  }
`);

describe("instants read on a server whose zone is not UTC", () => {
  it("are the instants stored: freshness.asOf is now, a run's startedAt is rollup_runs.started_at", async () => {
    const data = await ask(LocalDaysInstants, {}, scenario.superAdmin);
    const { rows } = await pool.query<{ startedAt: Date }>(
      `SELECT started_at AS "startedAt" FROM rollup_runs ORDER BY started_at DESC, id DESC LIMIT 1`,
    );
    expect({
      asOfSecondsAway: Math.round(Math.abs(Date.parse(data.usageMetrics.freshness.asOf) - Date.now()) / 60_000) * 60,
      startedAt: data.rollupStatus.recentRuns[0].startedAt,
    }).toEqual({ asOfSecondsAway: 0, startedAt: rows[0].startedAt.toISOString() });
  });
});

describe("the foreign zones", () => {
  // Last: nothing the file ran put the worker or the database back in UTC.
  it("held for the whole file, in the worker and the database's default", () => expectForeignZones());
});

describe("the fixtures", () => {
  it("stamp every zone's edges and the DST changes the windows cross", () => {
    for (const zone of LOCAL_TIME_ZONES) {
      const { changes, midnights } = scenario.edges[zone];
      const dst = [
        "America/New_York",
        "Europe/London",
        "Australia/Sydney",
        "Pacific/Chatham",
        "America/Santiago",
        "America/St_Johns",
      ].includes(zone);
      // A year and a month of history holds two changes of each DST zone, none of the others.
      expect({ zone, changes: changes.length >= 2 }).toEqual({ zone, changes: dst });
      expect(midnights.length).toBeGreaterThan(30);
    }
  });
});
