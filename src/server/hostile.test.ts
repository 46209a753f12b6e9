import { randomUUID } from "node:crypto";
import { Role } from "../auth/role";
import { createUser, insertActivity, insertProspects, viewerWithoutRow } from "../test/factories";
import { startTestGateway, type TestGateway } from "../test/test-gateway";

/**
 * Hostile values for every argument of every query and mutation, inline and
 * as variables, against a production gateway. Each must get its exact error
 * code and HTTP status, leak nothing, and leave the gateway serving and the
 * tables as they were.
 *
 * Already covered by http.test.ts and not repeated here: syntax errors,
 * batched arrays, malformed JSON, content types, the body cap (413, so a
 * 100 KB string never reaches the parser: the strings here are 60 KB),
 * and the query limits (depth, 1,000 aliases of usageMetrics and
 * thousands of tokens -> QUERY_LIMIT_TOKENS, aliases, directive floods, cost);
 * cross-site requests by clients.test.ts and cors.test.ts.
 */

/** What a case must get: the HTTP status and the only error code (null: data and no errors). */
interface Expected {
  status: number;
  code: string | null;
}
const OK: Expected = { status: 200, code: null };
/** The resolver's own check (range, uuid format, future date): the operation ran, nothing was read or written. */
const OUT_OF_RANGE: Expected = { status: 200, code: "BAD_USER_INPUT" };
/** An inline literal that does not fit the argument's type. */
const INVALID: Expected = { status: 400, code: "GRAPHQL_VALIDATION_FAILED" };
/** A variable that does not coerce, or a literal our Date/DateTime scalar refuses. */
const REFUSED: Expected = { status: 400, code: "BAD_USER_INPUT" };

const SQL = ["'; DROP TABLE activity_log; --", '" OR 1=1 --', "\\x00"];
const LONG = "x".repeat(60 * 1024);
const UUID = "0b6f0c5e-2f1d-4c1a-9f3e-6a8d2b7c4e10";
/** The suite's tenant, known before the tables are built. */
const TENANT = randomUUID();
const UNICODE_UUID = "０b6f0c5e-2f1d-4c1a-9f3e-6a8d2b7c4e10";

/** A hostile value, written as a GraphQL literal and as a JSON variable (either may be absent). */
interface Value {
  label: string;
  literal?: string;
  variable?: unknown;
}
const str = (value: string): Value => ({
  label: JSON.stringify(value.slice(0, 40)),
  literal: JSON.stringify(value),
  variable: value,
});
const both = (label: string, literal: string, variable: unknown): Value => ({ label, literal, variable });

/** Int values; whether one is in range depends on the argument. */
const INTS = [2147483647, 2147483648, 1e308, -1, 0];
const WRONG_TYPES: Value[] = [
  both('"7"', '"7"', "7"),
  both("true", "true", true),
  both("null", "null", null),
  both("an object", "{ a: 1 }", { a: 1 }),
  both("a list", "[7]", [7]),
  both("7.5", "7.5", 7.5),
  ...SQL.map(str),
  str(LONG),
];

interface Argument {
  name: string;
  /** The operation with `$ARG` where the argument's value goes. */
  operation: string;
  token: "superAdmin" | "tenantAdmin";
  cases: Array<[Value, { inline: Expected; variable: Expected }]>;
}

const same = (expected: Expected) => ({ inline: expected, variable: expected });
const typed = { inline: INVALID, variable: REFUSED };

function intArgument(name: string, operation: string, valid: (n: number) => boolean): Argument {
  return {
    name,
    operation,
    token: "superAdmin",
    cases: [
      ...INTS.map((n): [Value, { inline: Expected; variable: Expected }] => {
        const value = both(String(n), String(n), n);
        if (!Number.isSafeInteger(n) || n > 2147483647) return [value, typed];
        return [value, same(valid(n) ? OK : OUT_OF_RANGE)];
      }),
      ...WRONG_TYPES.map((value): [Value, { inline: Expected; variable: Expected }] => [value, typed]),
    ],
  };
}

/** tenantId (ID, nullable): anything that is not a uuid is BAD_USER_INPUT from the resolver. */
function tenantIdArgument(name: string, operation: string, token: Argument["token"], foreign: Expected): Argument {
  const notUuid = same(OUT_OF_RANGE);
  return {
    name,
    operation,
    token,
    cases: [
      ...[...SQL, LONG, UNICODE_UUID, `${UUID}\n`, `${UUID}\u0000`, "not-a-uuid", ""].map(
        (value): [Value, { inline: Expected; variable: Expected }] => [str(value), notUuid],
      ),
      // ID takes an integer literal or variable as its decimal text, then the uuid check refuses it.
      [both("123", "123", 123), notUuid],
      [both("1e308", "1e308", 1e308), { inline: INVALID, variable: OUT_OF_RANGE }],
      [both("true", "true", true), typed],
      [both("an object", "{ a: 1 }", { a: 1 }), typed],
      [both("a list", '["x"]', ["x"]), typed],
      [both("null (all, or the admin's own tenant)", "null", null), same(OK)],
      [str(UUID), same(foreign)],
      [
        {
          label: "the tenant's uuid in upper case",
          literal: JSON.stringify(TENANT.toUpperCase()),
          variable: TENANT.toUpperCase(),
        },
        same(OK),
      ],
    ],
  };
}

function enumArgument(name: string, operation: string, valid: string, token: Argument["token"]): Argument {
  return {
    name,
    operation,
    token,
    cases: [
      [both(valid.toLowerCase(), valid.toLowerCase(), valid.toLowerCase()), typed],
      [both(`${valid}_NOPE`, `${valid}_NOPE`, `${valid}_NOPE`), typed],
      // A variable carries an enum value as a string; a string literal is not an enum literal.
      [both(`"${valid}" as a string`, JSON.stringify(valid), valid), { inline: INVALID, variable: OK }],
      [both("null", "null", null), typed],
      [both("7", "7", 7), typed],
      ...[...SQL, LONG].map((value): [Value, { inline: Expected; variable: Expected }] => [str(value), typed]),
    ],
  };
}

function scalarArgument(
  name: string,
  operation: string,
  token: Argument["token"],
  future: string,
  refused: string[],
): Argument {
  return {
    name,
    operation,
    token,
    cases: [
      ...[...refused, ...SQL, LONG].map((value): [Value, { inline: Expected; variable: Expected }] => [
        str(value),
        same(REFUSED),
      ]),
      // Our scalars check literals themselves (BAD_USER_INPUT), not graphql-js (GRAPHQL_VALIDATION_FAILED).
      [both("20260101", "20260101", 20260101), same(REFUSED)],
      [both("true", "true", true), same(REFUSED)],
      [both("an object", "{ a: 1 }", { a: 1 }), same(REFUSED)],
      [both("a list", '["2026-01-01"]', ["2026-01-01"]), same(REFUSED)],
      [str(future), same(OUT_OF_RANGE)],
    ],
  };
}

let gateway: TestGateway;
const tokens = { superAdmin: "", tenantAdmin: "" };
let tablesBefore: Record<string, number> = {};

beforeAll(async () => {
  gateway = await startTestGateway({ NODE_ENV: "production" });
  const { pool } = gateway.db;
  await pool.query("INSERT INTO tenants (id, name) VALUES ($1, 'Hostile')", [TENANT]);
  const tenantId = TENANT;
  const admin = await createUser(pool, { tenantId, role: Role.TENANT_ADMIN });
  const agent = await createUser(pool, { tenantId });
  const fiveDaysAgo = new Date(Date.now() - 5 * 86_400_000);
  await insertActivity(pool, [
    { tenantId, userId: admin.id, actionType: "login", createdAt: fiveDaysAgo },
    { tenantId, userId: agent.id, actionType: "search_executed", createdAt: fiveDaysAgo },
    { tenantId, userId: agent.id, actionType: "search_executed", createdAt: new Date() },
  ]);
  await insertProspects(pool, [
    {
      tenantId,
      userId: agent.id,
      enrichmentStatus: "failed",
      enrichmentSourceStatus: { exa: "failed" },
      updatedAt: new Date(),
    },
  ]);
  tokens.superAdmin = await gateway.token(viewerWithoutRow(Role.SUPER_ADMIN, null));
  tokens.tenantAdmin = await gateway.token(admin);
  tablesBefore = await rowCounts();
});
afterAll(() => gateway.stop());

async function rowCounts(): Promise<Record<string, number>> {
  const { rows } = await gateway.db.pool.query<{ name: string }>(
    "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
  );
  const counts: Record<string, number> = {};
  for (const { name } of rows)
    counts[name] = (await gateway.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name}"`)).rows[0].n;
  return counts;
}

async function post(body: unknown, token: string) {
  const response = await gateway.fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const json = JSON.parse(text) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] };
  return { status: response.status, text, json };
}

/** The body minus the client's own value, which error messages may quote back. */
function scrubbed(text: string, echo: unknown): string {
  if (typeof echo !== "string" || echo === "") return text;
  const once = JSON.stringify(echo).slice(1, -1);
  const twice = JSON.stringify(once).slice(1, -1);
  return [echo, once, twice].reduce((body, form) => body.split(form).join(""), text);
}

const LEAK = /\bSELECT\b|\bINSERT\b|prisma|pg_|activity_log|node_modules/i;

function expectAnswered(response: Awaited<ReturnType<typeof post>>, expected: Expected, echo: unknown) {
  const codes = (response.json.errors ?? []).map((error) => error.extensions?.code);
  expect({ status: response.status, codes }).toEqual({
    status: expected.status,
    codes: expected.code === null ? [] : [expected.code],
  });
  if (expected.code === null) expect(response.json.data).toBeTruthy();
  const body = scrubbed(response.text, echo);
  expect(body).not.toMatch(/\n\s+at |\\n\s+at /);
  expect(body).not.toMatch(/stacktrace/i);
  expect(body).not.toMatch(LEAK);
}

/** After every attack the gateway still serves: healthz, and a query that reads the database. */
afterEach(async () => {
  expect((await gateway.fetch("/healthz")).status).toBe(200);
  const alive = await post({ query: "query HostileAlive { funnel(days: 7) { stages { value } } }" }, tokens.superAdmin);
  expect(alive.status).toBe(200);
  expect(alive.json.errors).toBeUndefined();
});

const ARGUMENTS: Argument[] = [
  enumArgument(
    "usageMetrics(range)",
    "query HostileUsageRange($v: UsageRange!) { usageMetrics(range: $ARG) { range } }",
    "LAST_7_DAYS",
    "superAdmin",
  ),
  tenantIdArgument(
    "usageMetrics(tenantId), super admin",
    "query HostileUsageTenant($v: ID) { usageMetrics(tenantId: $ARG) { tenantId } }",
    "superAdmin",
    OK,
  ),
  tenantIdArgument(
    "usageMetrics(tenantId), tenant admin",
    "query HostileUsageOwnTenant($v: ID) { usageMetrics(tenantId: $ARG) { tenantId } }",
    "tenantAdmin",
    { status: 200, code: "FORBIDDEN" },
  ),
  intArgument(
    "enrichmentHealth(days)",
    "query HostileEnrichment($v: Int!) { enrichmentHealth(days: $ARG) { days } }",
    (n) => n >= 1 && n <= 90,
  ),
  intArgument(
    "funnel(days)",
    "query HostileFunnelDays($v: Int!) { funnel(days: $ARG) { days } }",
    (n) => n >= 1 && n <= 90,
  ),
  tenantIdArgument(
    "funnel(tenantId)",
    "query HostileFunnelTenant($v: ID) { funnel(tenantId: $ARG) { tenantId } }",
    "superAdmin",
    OK,
  ),
  intArgument(
    "errorFeed(limit)",
    "query HostileFeedLimit($v: Int!) { errorFeed(limit: $ARG) { total } }",
    (n) => n >= 1 && n <= 100,
  ),
  intArgument(
    "errorFeed(page)",
    "query HostileFeedPage($v: Int!) { errorFeed(page: $ARG) { total items { id } } }",
    (n) => n >= 1,
  ),
  scalarArgument(
    "runRollup(date)",
    "mutation HostileRollup($v: Date) { runRollup(date: $ARG) { status } }",
    "superAdmin",
    "9999-12-31",
    [
      "2026-02-30",
      "2026-13-01",
      "0000-00-00",
      "yesterday",
      "2026-1-1",
      "2026-01-01T00:00:00Z",
      "２０２６-01-01",
      "2026-01-01\n",
    ],
  ),
  enumArgument(
    "recordActivity(actionType)",
    "mutation HostileActionType($v: ActionType!) { recordActivity(actionType: $ARG) { id } }",
    "LOGIN",
    "tenantAdmin",
  ),
  scalarArgument(
    "recordActivity(occurredAt)",
    "mutation HostileOccurredAt($v: DateTime) { recordActivity(actionType: LOGIN, occurredAt: $ARG) { id } }",
    "tenantAdmin",
    "2999-01-01T00:00:00Z",
    [
      "2026-01-01T00:00:00",
      "2026-02-30T10:00:00Z",
      "2026-01-01T25:00:00Z",
      "2026-01-01",
      "yesterday",
      "0000-00-00T00:00:00Z",
      "2026-01-01T00:00:00Z\n",
    ],
  ),
];

// A valid value written as a string variable is data, not an attack: in mutations it would write a row.
const WRITES = new Set(["recordActivity(actionType)"]);

describe.each(ARGUMENTS)("$name", (argument) => {
  const rows = argument.cases.flatMap(([value, expected]) => [
    ...(value.literal !== undefined ? [{ via: "inline", value, expected: expected.inline }] : []),
    ...(value.variable !== undefined && !(WRITES.has(argument.name) && expected.variable === OK)
      ? [{ via: "variable", value, expected: expected.variable }]
      : []),
  ]);
  it.each(rows)("$via $value.label -> $expected.status $expected.code", async ({ via, value, expected }) => {
    const query =
      via === "inline"
        ? argument.operation.replace(/\(\$v: [^)]*\) /, " ").replace("$ARG", value.literal!)
        : argument.operation.replace("$ARG", "$v");
    const body = via === "inline" ? { query } : { query, variables: { v: value.variable } };
    expectAnswered(
      await post(body, tokens[argument.token]),
      expected,
      via === "inline" ? value.literal : value.variable,
    );
  });
});

describe("requests around the arguments", () => {
  const cases: Array<[string, unknown, Expected]> = [
    [
      "the same variable left out takes the default",
      { query: "query HostileNoDays($d: Int) { enrichmentHealth(days: $d) { days } }", variables: {} },
      OK,
    ],
    ["a duplicate argument", { query: "{ funnel(days: 1, days: 2) { days } }" }, INVALID],
    ["an unknown argument", { query: "{ funnel(weeks: 1) { days } }" }, INVALID],
    [
      "a fragment cycle",
      { query: "{ viewer { ...A } } fragment A on Viewer { id ...B } fragment B on Viewer { ...A }" },
      INVALID,
    ],
    [
      "5,000 undeclared variables are ignored",
      {
        query: "{ funnel { days } }",
        variables: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`v${i}`, i])),
      },
      OK,
    ],
    [
      "variables that are not an object",
      { query: "{ funnel { days } }", variables: "days=1" },
      { status: 400, code: "BAD_REQUEST" },
    ],
    ["a query that is not a string", { query: 7 }, { status: 400, code: "BAD_REQUEST" }],
    [
      "an operationName the document lacks",
      { query: "query A { funnel { days } }", operationName: "B" },
      { status: 400, code: "OPERATION_RESOLUTION_FAILURE" },
    ],
  ];
  it.each(cases)("%s", async (_name, body, expected) => {
    expectAnswered(await post(body, tokens.superAdmin), expected, undefined);
  });

  // graphql-js checks a nullable variable's null against a non-null argument only while
  // executing, with no code; formatError in src/errors.ts answers it BAD_USER_INPUT.
  it("a nullable variable, sent as null, for a non-null argument with a default", async () => {
    const body = {
      query: "query HostileNullDays($d: Int) { enrichmentHealth(days: $d) { days } }",
      variables: { d: null },
    };
    expectAnswered(await post(body, tokens.superAdmin), OUT_OF_RANGE, undefined);
  });
});

describe("after the suite", () => {
  it("no table lost or gained a row through the rejected requests", async () => {
    expect(await rowCounts()).toEqual(tablesBefore);
  });

  it("valid mutations still write, exactly their rows", async () => {
    const recorded = await post(
      { query: "mutation HostileValidRecord { recordActivity(actionType: LOGIN) { id } }" },
      tokens.tenantAdmin,
    );
    expectAnswered(recorded, OK, undefined);
    const fiveDaysAgo = new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10);
    const rolled = await post(
      {
        query: "mutation HostileValidRollup($d: Date) { runRollup(date: $d) { status rowsWritten } }",
        variables: { d: fiveDaysAgo },
      },
      tokens.superAdmin,
    );
    expectAnswered(rolled, OK, undefined);
    expect(rolled.json.data).toEqual({ runRollup: { status: "succeeded", rowsWritten: 2 } });
    const after = await rowCounts();
    const contract = ["tenants", "users", "prospects", "activity_log", "usage_metrics_daily", "rollup_runs"];
    expect(Object.fromEntries(contract.map((table) => [table, after[table]]))).toEqual({
      tenants: tablesBefore.tenants,
      users: tablesBefore.users,
      prospects: tablesBefore.prospects,
      activity_log: tablesBefore.activity_log + 1,
      // The rolled date's (tenant, user) pairs: the admin's login and the agent's search.
      usage_metrics_daily: tablesBefore.usage_metrics_daily + 2,
      rollup_runs: tablesBefore.rollup_runs + 1,
    });
  });
});
