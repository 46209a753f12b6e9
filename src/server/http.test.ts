import { getIntrospectionQuery } from "graphql";
import { Role } from "../auth/role";
import { viewerWithoutRow } from "../test/factories";
import { useTestGateway } from "../test/test-gateway";
import { QUERY_LIMITS } from "./limits";

const gateway = useTestGateway();
let superAdmin: string;
beforeAll(async () => {
  superAdmin = await gateway.token(viewerWithoutRow(Role.SUPER_ADMIN, null));
});

async function post(body: string, headers: Record<string, string> = {}) {
  const response = await gateway.fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${superAdmin}`, ...headers },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    text,
    json: safeJson(text),
    statements: Number(response.headers.get("x-sql-statements") ?? 0),
  };
}

type Answer = { errors?: { message: string; extensions?: { code?: string } }[]; data?: unknown };

function safeJson(text: string): Answer {
  try {
    return JSON.parse(text) as Answer;
  } catch {
    return {};
  }
}

/** After every attack the gateway still answers. */
afterEach(async () => {
  expect((await gateway.fetch("/healthz")).status).toBe(200);
});

describe("endpoints", () => {
  it("/healthz and /readyz answer 200 while the database is up", async () => {
    expect(await (await gateway.fetch("/healthz")).json()).toEqual({ status: "ok" });
    const ready = await gateway.fetch("/readyz");
    expect(ready.status).toBe(200);
  });

  it("serves GraphiQL to a browser from the gateway's own files, with no external URL", async () => {
    const page = await gateway.fetch("/graphql", { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("GraphiQL");
    expect(html).not.toMatch(/https?:\/\//);
    for (const [, asset] of html.matchAll(/(?:src|href)="([^"]+)"/g)) {
      if (asset.startsWith("data:")) continue;
      expect(asset).toMatch(/^\/graphql\/assets\//);
      expect((await gateway.fetch(asset)).status).toBe(200);
    }
    expect((await gateway.fetch("/graphql/assets/..%2Fpackage.json")).status).toBe(404);
  });

  it("serves Prometheus metrics: requests by operation and outcome, latency, statements, pool, rollup", async () => {
    await post(JSON.stringify({ query: "query MetricsProbe { apiQuota { status } }" }));
    await post(JSON.stringify({ query: "query MetricsProbe { apiQuota { nope } }" }));
    const text = await gateway.metrics();
    expect(text).toMatch(/gateway_graphql_requests_total\{operation="MetricsProbe",outcome="ok"\} 1/);
    expect(text).toMatch(/gateway_graphql_requests_total\{operation="anonymous",outcome="rejected"\} \d+/);
    expect(text).toMatch(/gateway_graphql_request_duration_seconds_bucket\{le="0.005",operation="MetricsProbe"\}/);
    expect(text).toMatch(/gateway_sql_statements_per_request_count \d+/);
    expect(text).toMatch(/gateway_db_pool_connections\{state="total"\} \d+/);
    // Set by the heal passes (no scheduler here): NaN until the first.
    expect(text).toMatch(/gateway_rollup_lag_days (-?\d+|Nan)/);
    expect(text).toMatch(/process_resident_memory_bytes \d+/);
  });

  it("answers unknown paths with 404", async () => {
    expect((await gateway.fetch("/nope")).status).toBe(404);
  });
});

describe("requests that are not valid GraphQL get HTTP 400", () => {
  it.each([
    ["a syntax error", JSON.stringify({ query: "{ viewer { id " }), "GRAPHQL_PARSE_FAILED"],
    ["an unknown field", JSON.stringify({ query: "{ viewer { nope } }" }), "GRAPHQL_VALIDATION_FAILED"],
    [
      "a variable of the wrong type",
      JSON.stringify({ query: "query($d: Int!) { enrichmentHealth(days: $d) { days } }", variables: { d: "x" } }),
      "BAD_USER_INPUT",
    ],
    ["no query", JSON.stringify({}), "BAD_REQUEST"],
    [
      "a batched array",
      JSON.stringify([{ query: "{ viewer { id } }" }, { query: "{ viewer { id } }" }]),
      "BAD_REQUEST",
    ],
    ["malformed JSON", "{ not json", "BAD_REQUEST"],
  ])("%s", async (_name, body, code) => {
    const response = await post(body);
    expect(response.status).toBe(400);
    expect(response.json.errors?.map((error) => error.extensions?.code)).toEqual([code]);
    expect(response.statements).toBe(0);
    expect(response.text).not.toMatch(/\n\s+at /);
  });

  it("refuses a body that is not JSON (415) and a 1 MB one over the size cap (413), with BAD_REQUEST", async () => {
    const plain = await post("query { viewer { id } }", { "content-type": "text/plain" });
    const huge = await post(JSON.stringify({ query: `{ viewer { id } } #${"x".repeat(1024 * 1024)}` }));
    for (const [response, status] of [
      [plain, 415],
      [huge, 413],
    ] as const) {
      expect(response.status).toBe(status);
      expect(response.json.errors?.map((error) => error.extensions?.code)).toEqual(["BAD_REQUEST"]);
      expect(response.statements).toBe(0);
    }
  });
});

describe("GET", () => {
  it("answers a GET query with no header but the token (bearer-only: no CSRF header needed)", async () => {
    const query = encodeURIComponent("{ apiQuota { status } }");
    const response = await gateway.fetch(`/graphql?query=${query}`, {
      headers: { authorization: `Bearer ${superAdmin}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { apiQuota: { status: "COMING_SOON" } } });
  });

  it("refuses a mutation over GET", async () => {
    const mutation = encodeURIComponent("mutation { runRollup { status } }");
    const response = await gateway.fetch(`/graphql?query=${mutation}`, {
      headers: { authorization: `Bearer ${superAdmin}` },
    });
    expect(response.status).toBe(405);
  });
});

describe("query limits reject before any SQL is sent", () => {
  it("let GraphiQL's own introspection query through", async () => {
    const response = await post(JSON.stringify({ query: getIntrospectionQuery() }));
    expect(response.status).toBe(200);
    expect(response.json.errors).toBeUndefined();
  });

  const cases: Array<[string, string, string]> = [
    [
      "depth",
      `{ __schema { types { fields { type ${"{ ofType ".repeat(QUERY_LIMITS.depth)}{ name }${" }".repeat(QUERY_LIMITS.depth)} } } } }`,
      "QUERY_LIMIT_DEPTH",
    ],
    [
      "aliases (1,000 of a heavy field)",
      `{ ${Array.from({ length: 1000 }, (_, i) => `a${i}:usageMetrics{range}`).join(" ")} }`,
      "QUERY_LIMIT_TOKENS",
    ],
    [
      "aliases",
      `{ ${Array.from({ length: QUERY_LIMITS.aliases + 1 }, (_, i) => `a${i}: viewer { id }`).join(" ")} }`,
      "QUERY_LIMIT_ALIASES",
    ],
    [
      "__typename aliases",
      `{ viewer { ${Array.from({ length: QUERY_LIMITS.aliases + 1 }, (_, i) => `t${i}: __typename`).join(" ")} } }`,
      "QUERY_LIMIT_ALIASES",
    ],
    [
      "directives",
      `{ viewer { id ${"@include(if: true) ".repeat(QUERY_LIMITS.directives + 1)} } }`,
      "QUERY_LIMIT_DIRECTIVES",
    ],
    ["a flood of 2,000 directives", `{ viewer { id ${"@skip(if: false) ".repeat(2000)} } }`, "QUERY_LIMIT_TOKENS"],
    ["tokens", `{ viewer { ${"id ".repeat(QUERY_LIMITS.tokens + 1)} } }`, "QUERY_LIMIT_TOKENS"],
    [
      "cost (six year-long usage windows: cost.test.ts has the model)",
      `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: usageMetrics(from: "2025-01-01", to: "2025-12-31") { range }`).join(" ")} }`,
      "QUERY_LIMIT_COST",
    ],
  ];

  it.each(cases)("%s", async (_name, query, code) => {
    const response = await post(JSON.stringify({ query }));
    expect(response.status).toBe(400);
    expect(response.json.errors?.map((error) => error.extensions?.code)).toContain(code);
    expect(response.statements).toBe(0);
  });
});
