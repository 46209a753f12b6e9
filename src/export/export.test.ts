import { parse } from "csv-parse/sync";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { createTenant, createUser, insertActivity, insertProspects, viewerWithoutRow } from "../test/factories";
import { graphql } from "../test/gql";
import type { UsageForExportQueryVariables } from "../test/gql/graphql";
import { addDays, databaseToday, KNOWN_ACTIONS } from "../test/scenario";
import { useTestGateway } from "../test/test-gateway";
import { databaseTodayIn, zoneEdges } from "../test/zone-edges";

const UsageForExport = graphql(`
  query UsageForExport($range: UsageRange, $tenantId: ID, $from: Date, $to: Date, $granularity: UsageGranularity) {
    usageMetrics(range: $range, tenantId: $tenantId, from: $from, to: $to, granularity: $granularity) {
      startDate
      endDate
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
    }
  }
`);

const ErrorFeedForExport = graphql(`
  query ErrorFeedForExport($limit: Int, $page: Int, $timeZone: String) {
    errorFeed(limit: $limit, page: $page, timeZone: $timeZone) {
      total
      page
      timeZone
      items {
        id
        fullName
        userName
        tenantId
        tenantName
        enrichmentStatus
        updatedAt
        sourceDetails {
          source
          status
          error
          at
        }
      }
    }
  }
`);

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

const DAILY_COLUMNS = ["date", ...COUNTERS] as const;
const BUCKET_COLUMNS = ["periodStart", "periodEnd", "from", "to", "partial", ...COUNTERS] as const;

const ERROR_FEED_COLUMNS = [
  "id",
  "fullName",
  "userName",
  "tenantId",
  "tenantName",
  "enrichmentStatus",
  "updatedAt",
  "sourceDetails",
];

const gateway = useTestGateway();
const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);

async function download(path: string, viewer?: Viewer): Promise<Response> {
  const headers: Record<string, string> = viewer ? { authorization: `Bearer ${await gateway.token(viewer)}` } : {};
  return gateway.fetch(path, { headers });
}

/** The CSV as records of strings, after checking it is a CSV attachment with the expected header line. */
async function csvOf(response: Response, columns: readonly string[]): Promise<{ filename: string; rows: string[][] }> {
  const text = await response.text();
  expect({ status: response.status, type: response.headers.get("content-type") }).toEqual({
    status: 200,
    type: "text/csv; charset=utf-8",
  });
  const [header, ...rows] = parse(text, { record_delimiter: "\r\n" });
  expect(header).toEqual(columns);
  const disposition = /^attachment; filename="([^"]+)"$/.exec(response.headers.get("content-disposition") ?? "");
  return { filename: disposition?.[1] ?? "", rows };
}

/** What a spreadsheet should see for a GraphQL value: null is an empty cell, formula-like text is defused. */
function cell(value: string | number | boolean | null): string {
  if (value === null) return "";
  const text = String(value);
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One line `CODE: reason`, in text/plain, and the gateway still answers afterwards. */
async function expectFailure(response: Response, status: number, code: string, reason: RegExp): Promise<void> {
  const body = await response.text();
  expect({ status: response.status, type: response.headers.get("content-type") }).toEqual({
    status,
    type: "text/plain; charset=utf-8",
  });
  expect(body).toMatch(new RegExp(`^${code}: [^\\n]+\\n$`));
  expect(body).toMatch(reason);
  expect(body).not.toMatch(/\bat .+:\d+:\d+/);
  expect((await gateway.fetch("/healthz")).status).toBe(200);
  expect((await download("/export/error-feed.csv?limit=1", superAdmin)).status).toBe(200);
}

describe("GET /export/usage.csv", () => {
  let tenantId: string;
  let otherTenantId: string;
  let admin: Viewer;
  beforeAll(async () => {
    tenantId = await createTenant(gateway.db.pool);
    otherTenantId = await createTenant(gateway.db.pool);
    admin = await createUser(gateway.db.pool, { tenantId, role: Role.TENANT_ADMIN });
    const agent = await createUser(gateway.db.pool, { tenantId, role: Role.AGENT });
    const today = await databaseToday(gateway.db.pool);
    // Every counted action on several dates, the window's first date included, plus an unknown type.
    await insertActivity(
      gateway.db.pool,
      [0, 1, 6, 29, 30].flatMap((daysAgo, i) =>
        [...KNOWN_ACTIONS, "LOGIN"].flatMap((actionType, j) =>
          Array.from({ length: (i + j) % 3 }, () => ({
            tenantId: j % 2 === 0 ? tenantId : otherTenantId,
            userId: j % 2 === 0 ? admin.id : agent.id,
            actionType,
            createdAt: `${addDays(today, -daysAgo)}T${daysAgo === 0 ? "00:00:00.000" : "23:59:59.999"}Z`,
          })),
        ),
      ),
    );
  });

  /** The export with these parameters against usageMetrics with the same arguments. */
  async function expectSameAsGraphQL(viewer: Viewer, parameters: UsageForExportQueryVariables): Promise<void> {
    const { body } = await gateway.query(UsageForExport, parameters, { viewer });
    const usage = body.data!.usageMetrics;
    const query = new URLSearchParams(parameters as Record<string, string>).toString();
    const response = await download(`/export/usage.csv?${query}`, viewer);
    const granularity = parameters.granularity?.toLowerCase();
    if (granularity) {
      const { filename, rows } = await csvOf(response, BUCKET_COLUMNS);
      expect(filename).toBe(`usage-${usage.startDate}-${usage.endDate}-${granularity}.csv`);
      expect(rows).toEqual(usage.buckets.map((bucket) => BUCKET_COLUMNS.map((column) => cell(bucket[column]))));
    } else {
      const { filename, rows } = await csvOf(response, DAILY_COLUMNS);
      expect(filename).toBe(`usage-${usage.startDate}-${usage.endDate}.csv`);
      expect(rows).toEqual(usage.daily.map((day) => DAILY_COLUMNS.map((column) => cell(day[column]))));
    }
    expect(usage.daily.some((day) => COUNTERS.some((counter) => day[counter] > 0))).toBe(true);
  }

  it("has the rows of usageMetrics for a tenant admin (their own tenant, asked or not), default range 30 days", async () => {
    await expectSameAsGraphQL(admin, {});
    await expectSameAsGraphQL(admin, { range: "LAST_7_DAYS", tenantId });
    await expectSameAsGraphQL(admin, { tenantId: tenantId.toUpperCase(), range: "LAST_90_DAYS" });
  });

  it("has the rows of usageMetrics for a super admin, all tenants or one", async () => {
    await expectSameAsGraphQL(superAdmin, { range: "LAST_30_DAYS" });
    await expectSameAsGraphQL(superAdmin, { range: "LAST_90_DAYS" });
    await expectSameAsGraphQL(superAdmin, { range: "LAST_7_DAYS", tenantId: otherTenantId });
  });

  it("passes from, to and granularity through: one row per date, or per period with granularity", async () => {
    const today = await databaseToday(gateway.db.pool);
    const from = addDays(today, -40);
    await expectSameAsGraphQL(admin, { from, to: today });
    await expectSameAsGraphQL(superAdmin, { from, to: addDays(today, -1), granularity: "WEEK" });
    await expectSameAsGraphQL(superAdmin, { from, to: today, granularity: "MONTH", tenantId });
    await expectSameAsGraphQL(admin, { range: "LAST_7_DAYS", granularity: "DAY" });
    await expectSameAsGraphQL(admin, { granularity: "WEEK" });
  });

  it("is refused as usageMetrics is: 401 anonymous, 403 agents, assistants and another tenant's admin", async () => {
    await expectFailure(await download("/export/usage.csv"), 401, "UNAUTHENTICATED", /Bearer/);
    for (const role of [Role.AGENT, Role.ASSISTANT]) {
      await expectFailure(await download("/export/usage.csv", viewerWithoutRow(role, tenantId)), 403, "FORBIDDEN", /./);
    }
    await expectFailure(
      await download(`/export/usage.csv?tenantId=${otherTenantId}`, admin),
      403,
      "FORBIDDEN",
      /own tenant/,
    );
    const tampered = await gateway.token(admin).then((token) => `${token.slice(0, -4)}AAAA`);
    await expectFailure(
      await gateway.fetch("/export/usage.csv", { headers: { authorization: `Bearer ${tampered}` } }),
      401,
      "UNAUTHENTICATED",
      /./,
    );
  });

  it("answers 400 with a one-line reason for bad arguments", async () => {
    await expectFailure(await download("/export/usage.csv?range=FOO", admin), 400, "BAD_USER_INPUT", /"FOO"/);
    await expectFailure(await download("/export/usage.csv?range=", admin), 400, "BAD_USER_INPUT", /UsageRange/);
    await expectFailure(
      await download("/export/usage.csv?tenantId=not-a-uuid", superAdmin),
      400,
      "BAD_USER_INPUT",
      /tenantId must be a uuid/,
    );
    await expectFailure(await download("/export/usage.csv?granularity=YEAR", admin), 400, "BAD_USER_INPUT", /"YEAR"/);
    await expectFailure(await download("/export/usage.csv?from=2026-02-30", admin), 400, "BAD_USER_INPUT", /from/);
    await expectFailure(
      await download("/export/usage.csv?range=LAST_7_DAYS&from=2026-11-01&to=2026-11-02", admin),
      400,
      "BAD_USER_INPUT",
      /range/,
    );
    await expectFailure(
      await download("/export/usage.csv?days=7", admin),
      400,
      "BAD_USER_INPUT",
      /unknown parameter days; this export takes range, tenantId, from, to, granularity/,
    );
    await expectFailure(
      await download("/export/usage.csv?range=LAST_7_DAYS&range=LAST_30_DAYS", admin),
      400,
      "BAD_USER_INPUT",
      /range must be given at most once/,
    );
    // Checked before the token: like a variable GraphQL cannot coerce.
    await expectFailure(await download("/export/usage.csv?__proto__=1"), 400, "BAD_USER_INPUT", /__proto__/);
  });
});

describe("GET /export/error-feed.csv", () => {
  const awkward = [
    "Smith, John",
    'Dwayne "The Rock" Johnson',
    "Line one\nline two",
    "Carriage\r\nreturn",
    '=HYPERLINK("http://evil.example","click")',
    "+1 555 0100",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTabbed",
    "Ünïcödé 名前",
    "",
  ];

  beforeAll(async () => {
    const pool = gateway.db.pool;
    const today = await databaseToday(pool);
    const tenantId = await createTenant(pool, { name: 'Tenant "Quoted", Inc.' });
    const user = await createUser(pool, { tenantId, fullName: "=cmd|' /C calc'!A0" });
    await insertProspects(
      pool,
      awkward.map((fullName, i) => ({
        tenantId: i % 3 === 0 ? tenantId : "00000000-0000-4000-8000-00000000dead",
        userId: i % 2 === 0 ? user.id : null,
        fullName,
        enrichmentStatus: "failed",
        enrichmentSourceStatus:
          i % 4 === 0
            ? {
                contactout: "complete",
                exa: { status: "failed", error: 'a;b:c, "d"\nnext', at: "2026-02-25T10:00:00Z" },
                "odd: source; name": 42,
              }
            : i % 4 === 1
              ? null
              : { claude: { status: "failed", error: "=1+1" } },
        // Ties on updatedAt (ordered by id) and the first date of the window.
        updatedAt: i < 4 ? `${today}T08:00:00.000Z` : `${addDays(today, -6)}T00:00:00.000Z`,
      })),
    );
  });

  async function expectSameAsGraphQL(
    limit: number | undefined,
    page: number | undefined,
    query: string,
    timeZone?: string,
  ) {
    const { body } = await gateway.query(ErrorFeedForExport, { limit, page, timeZone }, { viewer: superAdmin });
    const feed = body.data!.errorFeed;
    const response = await download(`/export/error-feed.csv${query}`, superAdmin);
    expect(response.headers.get("x-total-count")).toBe(String(feed.total));
    expect(response.headers.get("x-time-zone")).toBe(timeZone ?? "UTC");
    const { filename, rows } = await csvOf(response, ERROR_FEED_COLUMNS);
    expect(filename).toBe(`error-feed-page-${feed.page}.csv`);
    expect(rows.map((row) => row.slice(0, -1))).toEqual(
      feed.items.map((item) =>
        [
          item.id,
          item.fullName,
          item.userName,
          item.tenantId,
          item.tenantName,
          item.enrichmentStatus,
          item.updatedAt,
        ].map(cell),
      ),
    );
    expect(rows.map((row) => JSON.parse(row[row.length - 1]) as unknown)).toEqual(
      feed.items.map((item) => item.sourceDetails),
    );
    return feed;
  }

  it("has the rows of errorFeed, names with commas, quotes, newlines and formulas intact (formulas defused)", async () => {
    const feed = await expectSameAsGraphQL(undefined, undefined, "");
    expect(feed.items.map((item) => item.fullName).sort()).toEqual([...awkward].sort());
    const { rows } = await csvOf(await download("/export/error-feed.csv", superAdmin), ERROR_FEED_COLUMNS);
    expect(rows.map((row) => row[1])).toEqual(
      expect.arrayContaining(["Smith, John", "Line one\nline two", `'=HYPERLINK("http://evil.example","click")`, ""]),
    );
    expect(rows.map((row) => row[2])).toContain(`'=cmd|' /C calc'!A0`);
  });

  it("pages as errorFeed does", async () => {
    await expectSameAsGraphQL(3, 1, "?limit=3");
    await expectSameAsGraphQL(3, 2, "?limit=3&page=2");
    await expectSameAsGraphQL(100, 1, "?limit=100&page=1");
    const past = await expectSameAsGraphQL(50, 9, "?page=9");
    expect(past.items).toEqual([]);
  });

  it("takes timeZone as errorFeed does: the 7 dates ending today there", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    const zone = "Asia/Kathmandu";
    const first = addDays(await databaseTodayIn(pool, zone), -6);
    // A second before, at and a second after the local midnight that begins the window (+05:45: 18:15 UTC).
    const edges = await zoneEdges(pool, zone, first, first);
    expect(edges).toHaveLength(3);
    const [outside, midnight, inside] = await insertProspects(
      pool,
      edges.map((updatedAt) => ({
        tenantId,
        userId: null,
        enrichmentStatus: "failed",
        enrichmentSourceStatus: { exa: "failed" },
        updatedAt,
      })),
    );
    const feed = await expectSameAsGraphQL(100, 1, `?limit=100&timeZone=${encodeURIComponent(zone)}`, zone);
    expect(feed.items.map((item) => item.id)).toEqual(expect.arrayContaining([midnight, inside]));
    expect(feed.items.map((item) => item.id)).not.toContain(outside);
    // Not given: errorFeed's UTC answer.
    await expectSameAsGraphQL(100, 1, "?limit=100");
  });

  it("is for super admins only: 401 anonymous, 403 for every other role", async () => {
    await expectFailure(await download("/export/error-feed.csv"), 401, "UNAUTHENTICATED", /Bearer/);
    for (const role of [Role.AGENT, Role.ASSISTANT, Role.TENANT_ADMIN]) {
      const viewer = viewerWithoutRow(role, "00000000-0000-4000-8000-000000000001");
      await expectFailure(await download("/export/error-feed.csv", viewer), 403, "FORBIDDEN", /./);
    }
  });

  it("answers 400 with a one-line reason for bad arguments", async () => {
    const cases: Array<[string, RegExp]> = [
      ["limit=0", /limit must be 1 to 100; got 0/],
      ["limit=101", /limit must be 1 to 100; got 101/],
      ["page=0", /page must be 1 or more; got 0/],
      ["limit=abc", /Int cannot represent non-integer value: "abc"/],
      ["limit=1.5", /Int cannot represent non-integer value: "1.5"/],
      ["page=99999999999", /Int cannot represent non 32-bit signed integer value/],
      ["limit=10&offset=3", /unknown parameter offset; this export takes limit, page, timeZone/],
      ["timeZone=EST", /EST/],
      ["timeZone=%2B05%3A30", /\+05:30/],
      ["timeZone=", /time ?zone/i],
      ["timeZone=UTC&timeZone=Asia%2FKolkata", /timeZone must be given at most once/],
    ];
    for (const [query, reason] of cases) {
      await expectFailure(await download(`/export/error-feed.csv?${query}`, superAdmin), 400, "BAD_USER_INPUT", reason);
    }
  });
});

describe("/export/", () => {
  it("knows only its exports and GET", async () => {
    await expectFailure(await download("/export/users.csv", superAdmin), 404, "NOT_FOUND", /\/export\/usage\.csv/);
    const post = await gateway.fetch("/export/usage.csv", { method: "POST" });
    expect(post.headers.get("allow")).toBe("GET");
    await expectFailure(post, 405, "METHOD_NOT_ALLOWED", /GET/);
  });
});
