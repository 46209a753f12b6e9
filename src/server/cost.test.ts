import { print } from "graphql";
import { QUESTIONS } from "../../bench/questions";
import { Role } from "../auth/role";
import { createTenant, createUser, viewerWithoutRow } from "../test/factories";
import { addDays, databaseToday } from "../test/scenario";
import { startTestGateway, type TestGateway } from "../test/test-gateway";
import { DASHBOARD_TABS } from "./graphiql";
import { QUERY_LIMITS } from "./limits";

/**
 * The query cost model (cost.ts) through HTTP: what a field reads grows with its window and its aliases; the
 * dashboards' queries, at their widest, fit the limit; the attack of issue 12 does not, and sends no SQL.
 */

let gateway: TestGateway;
const tokens = { superAdmin: "", tenantAdmin: "" };
let today = "";
/** The longest window the API accepts: 366 dates ending today. */
let yearAgo = "";

beforeAll(async () => {
  gateway = await startTestGateway();
  const { pool } = gateway.db;
  const tenantId = await createTenant(pool);
  tokens.tenantAdmin = await gateway.token(await createUser(pool, { tenantId, role: Role.TENANT_ADMIN }));
  tokens.superAdmin = await gateway.token(viewerWithoutRow(Role.SUPER_ADMIN, null));
  today = await databaseToday(pool);
  yearAgo = addDays(today, -365);
});
afterAll(() => gateway.stop());

interface Answer {
  status: number;
  codes: unknown[];
  cost: unknown;
  extensions: unknown;
  statements: number;
}

async function post(query: string, variables: Record<string, unknown>, token: string): Promise<Answer> {
  const response = await gateway.fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] };
  return {
    status: response.status,
    codes: (body.errors ?? []).map((error) => error.extensions?.code),
    cost: body.errors?.[0]?.extensions?.cost,
    extensions: body.errors?.[0]?.extensions,
    statements: Number(response.headers.get("x-sql-statements")),
  };
}

const ADMITTED = { status: 200, codes: [] };
const REFUSED = { status: 400, codes: ["QUERY_LIMIT_COST"], statements: 0 };
const verdict = ({ status, codes }: Answer) => ({ status, codes });

/** `count` aliases of usageMetrics over $from..$to, each selecting `selection`. */
function usageAliases(count: number, selection = "totals { searchesExecuted }"): string {
  const aliases = Array.from(
    { length: count },
    (_, i) => `u${i}: usageMetrics(from: $from, to: $to) { ${selection} }`,
  ).join("\n");
  return `query CostUsageAliases($from: Date!, $to: Date!) {\n${aliases}\n}`;
}

const EVERYTHING = `startDate daily { date searchesExecuted } buckets { periodStart searchesExecuted } totals { searchesExecuted }
  previousTotals { searchesExecuted } changes { searchesExecuted { current previous absolute percent } }
  userBreakdown { userId searchesExecuted } freshness { asOf liveDates missingDates }`;

describe("the attack of issue 12", () => {
  it("six year-long usageMetrics aliases are refused before any SQL", async () => {
    const answer = await post(usageAliases(6, EVERYTHING), { from: yearAgo, to: today }, tokens.tenantAdmin);
    expect(answer).toMatchObject(REFUSED);
    // Three statements over 366 dates and eight objects, six times; no `http` extension leaks.
    expect(answer.extensions).toMatchObject({
      code: "QUERY_LIMIT_COST",
      cost: 6 * (3 * 366 + 8),
      limit: QUERY_LIMITS.cost,
    });
    expect(answer.extensions).not.toHaveProperty("http");
  });

  it("twenty aliases of a 90-day usage are refused", async () => {
    const aliases = Array.from(
      { length: 20 },
      (_, i) => `u${i}: usageMetrics(range: LAST_90_DAYS) { totals { csvExports } }`,
    );
    const answer = await post(`query CostNinetyDays { ${aliases.join(" ")} }`, {}, tokens.tenantAdmin);
    // 90 dates and the totals object, twenty times.
    expect(answer).toMatchObject({ ...REFUSED, cost: 20 * (90 + 1) });
  });

  it("a fragment spread through aliases costs what it reads", async () => {
    const query = `query CostFragments($from: Date!, $to: Date!) {
      a: usageMetrics(from: $from, to: $to) { ...Wide } b: usageMetrics(from: $from, to: $to) { ...Wide }
    }
    fragment Wide on UsageMetrics { ... on UsageMetrics { previousTotals { csvExports } } userBreakdown { userId } }`;
    // Each alias: the window, the previous window and the breakdown's statement, plus two objects.
    const answer = await post(query, { from: yearAgo, to: today }, tokens.tenantAdmin);
    expect(answer).toMatchObject({ ...REFUSED, cost: 2 * (3 * 366 + 2) });
  });
});

describe("cost follows the dates read", () => {
  it("grows with the window: twenty 7-day aliases pass, the same at 366 days does not", async () => {
    const week = await post(usageAliases(20), { from: addDays(today, -6), to: today }, tokens.tenantAdmin);
    expect(verdict(week)).toEqual(ADMITTED);
    const year = await post(usageAliases(20), { from: yearAgo, to: today }, tokens.tenantAdmin);
    expect(year).toMatchObject({ ...REFUSED, cost: 20 * (366 + 1) });
  });

  it("multiplies with aliases: three year-long windows pass, a fourth does not", async () => {
    expect(verdict(await post(usageAliases(3), { from: yearAgo, to: today }, tokens.tenantAdmin))).toEqual(ADMITTED);
    const four = await post(usageAliases(4), { from: yearAgo, to: today }, tokens.tenantAdmin);
    expect(four).toMatchObject({ ...REFUSED, cost: 4 * (366 + 1) });
  });

  it("counts the previous window and the breakdown as statements of their own", async () => {
    // Two windows without them fit; with previousTotals (or changes: the same statement) they are twice as long.
    const variables = { from: yearAgo, to: today };
    expect(verdict(await post(usageAliases(2), variables, tokens.tenantAdmin))).toEqual(ADMITTED);
    const compared = await post(
      usageAliases(2, "changes { csvExports { percent } } previousTotals { csvExports }"),
      variables,
      tokens.tenantAdmin,
    );
    expect(compared).toMatchObject({ ...REFUSED, cost: 2 * (2 * 366 + 3) });
  });

  it("leaves a refused argument its own error: a 400-day window reads nothing", async () => {
    const answer = await post(usageAliases(6), { from: addDays(today, -399), to: today }, tokens.tenantAdmin);
    expect({ status: answer.status, codes: [...new Set(answer.codes)] }).toEqual({
      status: 200,
      codes: ["BAD_USER_INPUT"],
    });
    expect(answer.statements).toBe(0);
  });

  it("leaves variables that do not coerce to their own error", async () => {
    const answer = await post(usageAliases(6, EVERYTHING), { from: "2026-02-30", to: today }, tokens.tenantAdmin);
    expect(verdict(answer)).toEqual({ status: 400, codes: ["BAD_USER_INPUT"] });
    expect(answer.statements).toBe(0);
  });
});

describe("every real query fits", () => {
  it("any one usageMetrics over 366 dates, every field selected", async () => {
    const answer = await post(usageAliases(1, EVERYTHING), { from: yearAgo, to: today }, tokens.tenantAdmin);
    expect(verdict(answer)).toEqual(ADMITTED);
  });

  it.each(DASHBOARD_TABS.map((tab) => [/(query|mutation) (\w+)/.exec(tab.query)![2], tab] as const))(
    "GraphiQL's %s tab, with its variables and with a 366-day window where it takes one",
    async (_name, tab) => {
      expect(verdict(await post(tab.query, tab.variables ?? {}, tokens.superAdmin))).toEqual(ADMITTED);
      if (!/\$from: Date/.test(tab.query)) return;
      const { range: _range, ...others } = tab.variables ?? {};
      const widest = await post(tab.query, { ...others, from: yearAgo, to: today }, tokens.superAdmin);
      expect(verdict(widest)).toEqual(ADMITTED);
    },
  );

  it.each(QUESTIONS.map((question) => [question.key, question] as const))("the bench's %s", async (_key, question) => {
    const answer = await post(print(question.operation), question.variables, tokens[question.viewer]);
    expect(verdict(answer)).toEqual(ADMITTED);
  });

  it.each([
    ["daily over 366 dates", "from=FROM&to=TO"],
    ["weekly buckets over 366 dates", "from=FROM&to=TO&granularity=WEEK"],
    ["the error feed's largest page", "limit=100"],
  ])("the CSV export: %s", async (_name, parameters) => {
    const path = parameters.includes("limit") ? "/export/error-feed.csv" : "/export/usage.csv";
    const token = parameters.includes("limit") ? tokens.superAdmin : tokens.tenantAdmin;
    const response = await gateway.fetch(`${path}?${parameters.replace("FROM", yearAgo).replace("TO", today)}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(200);
  });
});
