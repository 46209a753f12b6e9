import { Role } from "../auth/role";
import { viewerWithoutRow } from "../test/factories";
import { seedScenario } from "../test/scenario";
import { useTestGateway } from "../test/test-gateway";

// Production: armor's plugins and the masking of unknown errors run on every answer, as in a deployment.
const gateway = useTestGateway({ NODE_ENV: "production" });

const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);

/** The request sent `times` times; each answer's status and body, the request id left out (it differs by design). */
async function sentRepeatedly(body: object, times = 4) {
  const token = await gateway.token(superAdmin);
  const answers: { status: number; body: unknown }[] = [];
  for (let i = 0; i < times; i += 1) {
    const response = await gateway.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    const text = (await response.text()).replace(/"requestId":"[0-9a-f-]+"/g, '"requestId":"…"');
    answers.push({ status: response.status, body: JSON.parse(text) });
  }
  return answers;
}

/** A document's first answer (graphql-js) and its later ones (compiled from the second run on) are the same. */
async function expectSameOnceHot(body: object, expected: { status: number; codes: string[] }) {
  const [first, ...later] = await sentRepeatedly(body);
  const codes = ((first.body as { errors?: { extensions: { code: string } }[] }).errors ?? []).map(
    (error) => error.extensions.code,
  );
  expect({ status: first.status, codes }).toEqual(expected);
  for (const answer of later) expect(answer).toEqual(first);
}

describe("a document that turns hot (compiled with graphql-jit) answers as it did before", () => {
  beforeAll(async () => {
    await seedScenario(gateway.db.pool, 77);
  });

  it("the dashboards' data, nested lists and custom scalars included", async () => {
    const query = `query Hot {
      tenantActivity { id name searches7d lastActive users { id fullName searches7d exports7d } }
      errorFeed(limit: 20) { total items { id userName tenantName updatedAt sourceDetails { source status error at } } }
      usageMetrics(range: LAST_7_DAYS) { startDate endDate daily { date totalLogins } totals { csvExports } }
      platformPulse { totalProspects activeUsers7dAvg enrichmentCoverage }
    }`;
    await expectSameOnceHot({ query }, { status: 200, codes: [] });
    const [answer] = await sentRepeatedly({ query }, 1);
    expect((answer.body as { data: { tenantActivity: unknown[] } }).data.tenantActivity.length).toBeGreaterThan(0);
  });

  it.each([
    ["a resolver's BAD_USER_INPUT", { query: "query Hot { errorFeed(limit: 0) { total } }" }, 200, "BAD_USER_INPUT"],
    [
      "a variable of the wrong type",
      { query: "query Hot($d: Int!) { funnel(days: $d) { days } }", variables: { d: "seven" } },
      400,
      "BAD_USER_INPUT",
    ],
    [
      "a nullable variable sent as null for a non-null argument with a default",
      { query: "query Hot($m: FunnelMode) { funnel(days: 7, mode: $m) { days } }", variables: { m: null } },
      200,
      "BAD_USER_INPUT",
    ],
    [
      "an operationName the document lacks",
      { query: "query Hot { funnel { days } }", operationName: "Cold" },
      400,
      "OPERATION_RESOLUTION_FAILURE",
    ],
  ])("%s", async (_name, body, status, code) => {
    await expectSameOnceHot(body, { status, codes: [code] });
  });

  /** The executions counted in /metrics since `before`, by engine. */
  async function executionsSince(before?: { compiled: number; graphqlJs: number }) {
    const text = await gateway.metrics();
    const count = (executor: string) =>
      Number(new RegExp(`gateway_graphql_executions_total\\{executor="${executor}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    return {
      compiled: count("compiled") - (before?.compiled ?? 0),
      graphqlJs: count("graphql-js") - (before?.graphqlJs ?? 0),
    };
  }

  it("runs a document on graphql-js once, compiled from then on", async () => {
    const before = await executionsSince();
    await sentRepeatedly({ query: "query CountedOnceHot { funnel(days: 3) { days } }" });
    expect(await executionsSince(before)).toEqual({ compiled: 3, graphqlJs: 1 });
  });

  it("remembers 200 documents: one unused while 200 others ran starts again on graphql-js", async () => {
    const evicted = { query: "query Evicted { funnel(days: 5) { days } }" };
    await sentRepeatedly(evicted, 2);
    for (let i = 0; i < 200; i += 1) await sentRepeatedly({ query: `query Other${i} { funnel(days: 5) { days } }` }, 1);
    const before = await executionsSince();
    await sentRepeatedly(evicted, 2);
    expect(await executionsSince(before)).toEqual({ compiled: 1, graphqlJs: 1 });
  });

  it("a document with two operations runs the one named, hot or not", async () => {
    const query = "query A { funnel(days: 7) { days } } query B { funnel(days: 30) { days } }";
    const [a, b] = [
      await sentRepeatedly({ query, operationName: "A" }),
      await sentRepeatedly({ query, operationName: "B" }),
    ];
    expect(a.map((answer) => answer.body)).toEqual(Array(4).fill({ data: { funnel: { days: 7 } } }));
    expect(b.map((answer) => answer.body)).toEqual(Array(4).fill({ data: { funnel: { days: 30 } } }));
  });
});
