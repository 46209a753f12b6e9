import { randomUUID } from "node:crypto";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print } from "graphql";
import { Client } from "pg";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { createTenant, createUser, viewerWithoutRow } from "../test/factories";
import { graphql } from "../test/gql";
import { serverUrl } from "../test/test-database";
import {
  errorCodes,
  startTestGateway,
  useTestGateway,
  type GraphQLResponse,
  type TestGateway,
} from "../test/test-gateway";
import { until } from "../test/until";

const BudgetUsage = graphql(`
  query BudgetUsage($range: UsageRange) {
    usageMetrics(range: $range) {
      totals {
        searchesExecuted
      }
    }
  }
`);

/** The heaviest usage question the cost limit admits: the longest window, its previous period and every user. */
const BudgetHeavyUsage = graphql(`
  query BudgetHeavyUsage($from: Date!, $to: Date!) {
    usageMetrics(from: $from, to: $to) {
      totals {
        searchesExecuted
      }
      previousTotals {
        searchesExecuted
      }
      changes {
        searchesExecuted {
          percent
        }
      }
      userBreakdown {
        userId
        searchesExecuted
      }
    }
  }
`);

const BudgetPulse = graphql(`
  query BudgetPulse {
    platformPulse {
      totalProspects
      activeUsersToday
    }
  }
`);

const BudgetTenants = graphql(`
  query BudgetTenants {
    tenantActivity {
      id
      searches7d
    }
  }
`);

const BudgetHealth = graphql(`
  query BudgetHealth {
    enrichmentHealth {
      days
      series {
        date
      }
    }
  }
`);

const BudgetFunnel = graphql(`
  query BudgetFunnel {
    funnel {
      stages {
        value
      }
    }
  }
`);

const BudgetErrorFeed = graphql(`
  query BudgetErrorFeed {
    errorFeed(limit: 10) {
      total
    }
  }
`);

const BudgetRollupStatus = graphql(`
  query BudgetRollupStatus {
    rollupStatus {
      lastRolledUpDate
    }
  }
`);

const BudgetQuota = graphql(`
  query BudgetQuota {
    apiQuota {
      status
    }
  }
`);

const BudgetViewer = graphql(`
  query BudgetViewer {
    viewer {
      id
      fullName
    }
  }
`);

const BudgetRecord = graphql(`
  mutation BudgetRecord {
    recordActivity(actionType: SEARCH_EXECUTED) {
      id
    }
  }
`);

const BudgetRecordTwice = graphql(`
  mutation BudgetRecordTwice {
    first: recordActivity(actionType: SEARCH_EXECUTED) {
      id
    }
    second: recordActivity(actionType: CSV_EXPORTED) {
      id
    }
  }
`);

const onPostgres = serverUrl ? describe : describe.skip;

function isoDate(daysAgo: number): string {
  return new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/** The marker src/db/pool.ts puts in front of an owner's statements, as pg_stat_activity shows them. */
function statementsOf(owner: string): string {
  return `/* ${owner} */%`;
}

/** POSTs an operation as a browser would, for what `TestGateway.query` does not show: headers, and leaving early. */
async function post<TResult, TVariables>(
  gateway: TestGateway,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  viewer: Viewer,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(`http://127.0.0.1:${gateway.port}/graphql`, {
    method: "POST",
    signal,
    headers: { "content-type": "application/json", authorization: `Bearer ${await gateway.token(viewer)}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
}

async function activeStatements(direct: Client, owner: string): Promise<number> {
  const { rows } = await direct.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1",
    [statementsOf(owner)],
  );
  return rows[0].n;
}

describe("budgets", () => {
  const gateway = useTestGateway({ RECORD_ACTIVITY_PER_MINUTE: "3" });

  it("admits a dashboard's panels sent at once, a super admin's ten and a tenant admin's eight", async () => {
    const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);
    const tenantAdmin = viewerWithoutRow(Role.TENANT_ADMIN, randomUUID());
    const panels = await Promise.all([
      gateway.query(BudgetPulse, {}, { viewer: superAdmin }),
      gateway.query(BudgetTenants, {}, { viewer: superAdmin }),
      gateway.query(BudgetHealth, {}, { viewer: superAdmin }),
      gateway.query(BudgetFunnel, {}, { viewer: superAdmin }),
      gateway.query(BudgetErrorFeed, {}, { viewer: superAdmin }),
      gateway.query(BudgetRollupStatus, {}, { viewer: superAdmin }),
      gateway.query(BudgetQuota, {}, { viewer: superAdmin }),
      gateway.query(BudgetViewer, {}, { viewer: superAdmin }),
      gateway.query(BudgetUsage, { range: "LAST_7_DAYS" }, { viewer: superAdmin }),
      gateway.query(BudgetUsage, { range: "LAST_30_DAYS" }, { viewer: superAdmin }),
      ...(["LAST_7_DAYS", "LAST_30_DAYS", "LAST_90_DAYS", "LAST_7_DAYS"] as const).map((range) =>
        gateway.query(BudgetUsage, { range }, { viewer: tenantAdmin }),
      ),
      ...[90, 180, 365, 30].map((days) =>
        gateway.query(BudgetHeavyUsage, { from: isoDate(days), to: isoDate(0) }, { viewer: tenantAdmin }),
      ),
    ]);
    expect(panels.map(({ status, body }) => ({ status, codes: errorCodes(body) }))).toEqual(
      panels.map(() => ({ status: 200, codes: [] })),
    );
  });

  it("refuses recordActivity over the viewer's per-minute limit with 429, RATE_LIMITED and nothing written", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const agent = await createUser(gateway.db.pool, { tenantId });
    // Another viewer has a budget of its own. Its success also makes the operation's name a label in /metrics.
    const other = await createUser(gateway.db.pool, { tenantId });
    expect((await gateway.query(BudgetRecordTwice, {}, { viewer: other })).body.errors).toBeUndefined();
    for (let call = 0; call < 2; call += 1) {
      expect((await gateway.query(BudgetRecord, {}, { viewer: agent })).body.errors).toBeUndefined();
    }
    // Two more in one operation would make four: refused whole, neither written.
    const response = await post(gateway, BudgetRecordTwice, {}, agent);
    const body = (await response.json()) as { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }> };
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(response.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(response.headers.get("ratelimit-policy")).toBe('"record-activity";q=3;w=60');
    expect(response.headers.get("ratelimit")).toMatch(/^"record-activity";r=0;t=\d+$/);
    expect(response.headers.get("x-sql-statements")).toBe("0");
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions).toEqual({
      code: "RATE_LIMITED",
      retryAfter: Number(response.headers.get("retry-after")),
      requestId: response.headers.get("x-request-id"),
    });
    expect(JSON.stringify(body)).not.toMatch(/stack|at .*\.ts/);

    // The third call of the minute is still allowed; the fourth is not.
    expect((await gateway.query(BudgetRecord, {}, { viewer: agent })).body.errors).toBeUndefined();
    const fourth = await gateway.query(BudgetRecordTwice, {}, { viewer: agent });
    expect({ status: fourth.status, codes: errorCodes(fourth.body), data: fourth.body.data }).toEqual({
      status: 429,
      codes: ["RATE_LIMITED"],
      data: undefined,
    });

    const metrics = await gateway.metrics();
    expect(metrics).toMatch(/gateway_graphql_requests_total\{operation="BudgetRecordTwice",outcome="rejected"\} 2/);
  });

  it("answers /healthz without the database and /readyz from it", async () => {
    expect((await gateway.fetch("/healthz")).status).toBe(200);
    expect((await gateway.fetch("/readyz")).status).toBe(200);
  });
});

onPostgres("budgets on PostgreSQL", () => {
  describe("a tenant flooding the API with its heaviest requests", () => {
    // A lower share of database time than the default, so the flood reaches it within the test's few seconds.
    const gateway = useTestGateway({ TENANT_DB_SECONDS_PER_MINUTE: "4" });
    let direct: Client;
    let tenantA: string;
    let tenantB: string;
    let adminsA: Viewer[];
    let adminB: Viewer;

    beforeAll(async () => {
      direct = new Client({
        connectionString: gateway.config.database.kind === "postgres" ? gateway.config.database.url : "",
      });
      // The gateway's afterAll drops the database, which ends this connection too.
      direct.on("error", () => undefined);
      await direct.connect();
      tenantA = await createTenant(direct);
      tenantB = await createTenant(direct);
      adminsA = [
        await createUser(direct, { tenantId: tenantA, role: Role.TENANT_ADMIN }),
        await createUser(direct, { tenantId: tenantA, role: Role.TENANT_ADMIN }),
      ];
      adminB = await createUser(direct, { tenantId: tenantB, role: Role.TENANT_ADMIN });
      // A year of A's activity, 300 users, then one row a date updated: every date of A is read from its raw rows.
      await direct.query(
        `INSERT INTO activity_log (tenant_id, user_id, action_type, created_at)
         SELECT $1::uuid, ('00000000-0000-4000-8000-' || lpad((i % 300)::text, 12, '0'))::uuid,
                (ARRAY['login', 'search_executed', 'profile_viewed', 'csv_exported'])[1 + i % 4],
                now() - make_interval(secs => (i * 157) % (365 * 86400))
           FROM generate_series(1, 200000) AS i`,
        [tenantA],
      );
      await direct.query(
        `UPDATE activity_log SET metadata = '{}'::jsonb
          WHERE id IN (SELECT min(id) FROM activity_log WHERE tenant_id = $1 GROUP BY created_at::date)`,
        [tenantA],
      );
      await createUser(direct, { tenantId: tenantB });
    });
    afterAll(() => direct?.end());

    it("leaves the other tenant untouched: no error for B, /readyz 200, A bounded in flight and refused with 429", async () => {
      const deadline = Date.now() + 8_000;
      let maxInFlightA = 0;
      const sampling = (async () => {
        while (Date.now() < deadline) {
          maxInFlightA = Math.max(maxInFlightA, await activeStatements(direct, `tenant:${tenantA}`));
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const attack = Array.from({ length: 10 }, async (_, i) => {
        const outcomes: Array<{ status: number; codes: unknown[] }> = [];
        while (Date.now() < deadline) {
          const { status, body } = await gateway.query(
            BudgetHeavyUsage,
            { from: isoDate(365), to: isoDate(0) },
            { viewer: adminsA[i % 2] },
          );
          outcomes.push({ status, codes: errorCodes(body) });
          if (status === 429) await new Promise((resolve) => setTimeout(resolve, 100));
        }
        return outcomes;
      });
      const tenantBAsks = (async () => {
        const answers: Array<{ status: number; codes: unknown[]; data: boolean }> = [];
        while (Date.now() < deadline) {
          for (const range of ["LAST_7_DAYS", "LAST_30_DAYS"] as const) {
            const { status, body } = await gateway.query(BudgetUsage, { range }, { viewer: adminB });
            answers.push({ status, codes: errorCodes(body), data: body.data?.usageMetrics !== undefined });
          }
        }
        return answers;
      })();
      const readiness = (async () => {
        const statuses: number[] = [];
        while (Date.now() < deadline) {
          statuses.push((await gateway.fetch("/readyz")).status);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        return statuses;
      })();

      const outcomesA = (await Promise.all(attack)).flat();
      const answersB = await tenantBAsks;
      const readyStatuses = await readiness;
      await sampling;

      expect(answersB.length).toBeGreaterThan(0);
      expect(answersB.filter((answer) => answer.status !== 200 || answer.codes.length > 0 || !answer.data)).toEqual([]);
      expect(readyStatuses.length).toBeGreaterThan(0);
      expect(readyStatuses.filter((status) => status !== 200)).toEqual([]);
      expect(maxInFlightA).toBeGreaterThan(0);
      expect(maxInFlightA).toBeLessThanOrEqual(gateway.config.budget.tenantStatements);
      const kinds = new Set(outcomesA.map(({ status, codes }) => `${status} ${codes.join(",")}`));
      expect([...kinds].filter((kind) => !["200 ", "429 RATE_LIMITED", "400 QUERY_LIMIT_COST"].includes(kind))).toEqual(
        [],
      );
      expect(kinds).toContain("429 RATE_LIMITED");

      // Over its share for the rest of the minute, A is refused before its query is even parsed; B is not.
      const unparsable = async (viewer: Viewer) => {
        const response = await gateway.fetch("/graphql", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${await gateway.token(viewer)}` },
          body: JSON.stringify({ query: "{ usageMetrics(" }),
        });
        const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
        return {
          status: response.status,
          code: body.errors[0].extensions.code,
          policy: response.headers.get("ratelimit"),
        };
      };
      expect(await unparsable(adminsA[0])).toEqual({
        status: 429,
        code: "RATE_LIMITED",
        policy: expect.stringMatching(/^"database-time";r=0;t=\d+$/) as string,
      });
      expect(await unparsable(adminB)).toEqual({ status: 400, code: "GRAPHQL_PARSE_FAILED", policy: null });
    });
  });

  describe("statements held up in PostgreSQL", () => {
    let gateway: TestGateway;
    let direct: Client;
    let locker: Client;

    beforeAll(async () => {
      gateway = await startTestGateway({ DB_POOL_MAX: "2", VIEWER_MAX_REQUESTS: "1", BUDGET_QUEUE_MS: "300" });
      const url = gateway.config.database.kind === "postgres" ? gateway.config.database.url : "";
      direct = new Client({ connectionString: url });
      locker = new Client({ connectionString: url });
      await direct.connect();
      await locker.connect();
    });
    afterAll(async () => {
      await locker?.end();
      await direct?.end();
      await gateway?.stop();
    });

    /** Every usageMetrics statement reads these tables (which source a date has): while locked, they wait in PostgreSQL, active. */
    async function holdLock(): Promise<() => Promise<void>> {
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE usage_stale_dates, rollup_runs, usage_deltas_origin IN ACCESS EXCLUSIVE MODE");
      return async () => void (await locker.query("ROLLBACK"));
    }

    it("cancels the statement of a client that leaves, and its budget counts it until PostgreSQL has stopped", async () => {
      const tenantId = randomUUID();
      const admin = viewerWithoutRow(Role.TENANT_ADMIN, tenantId);
      const release = await holdLock();
      try {
        const leaving = new AbortController();
        const request = post(gateway, BudgetUsage, { range: "LAST_30_DAYS" }, admin, leaving.signal).catch(
          (error: Error) => error,
        );
        await until(
          "the request's statement runs",
          async () => (await activeStatements(direct, `tenant:${tenantId}`)) === 1,
        );
        leaving.abort();
        expect(await request).toHaveProperty("name", "AbortError");
        await until(
          "the statement is cancelled",
          async () => (await activeStatements(direct, `tenant:${tenantId}`)) === 0,
          10_000,
        );
        // Firing and leaving cannot get around the budget: each statement holds its permit until cancelled.
        const fired = Array.from({ length: 8 }, async () => {
          const client = new AbortController();
          const viewer = viewerWithoutRow(Role.TENANT_ADMIN, tenantId);
          const answer = post(gateway, BudgetUsage, { range: "LAST_7_DAYS" }, viewer, client.signal).catch(
            (error: Error) => error,
          );
          await new Promise((resolve) => setTimeout(resolve, 100));
          client.abort();
          return answer;
        });
        let most = 0;
        const watching = Date.now() + 1_000;
        while (Date.now() < watching) most = Math.max(most, await activeStatements(direct, `tenant:${tenantId}`));
        await Promise.all(fired);
        expect(most).toBeLessThanOrEqual(gateway.config.budget.tenantStatements);
        await until(
          "the fired statements are cancelled",
          async () => (await activeStatements(direct, `tenant:${tenantId}`)) === 0,
          10_000,
        );
      } finally {
        await release();
      }
      const after = await gateway.query(BudgetUsage, { range: "LAST_7_DAYS" }, { viewer: admin });
      expect({ status: after.status, codes: errorCodes(after.body) }).toEqual({ status: 200, codes: [] });
    });

    it("keeps /readyz 200 while the pool is full, and queues a viewer's second request, then refuses it with 429", async () => {
      const admins = [randomUUID(), randomUUID(), randomUUID()].map((tenantId) =>
        viewerWithoutRow(Role.TENANT_ADMIN, tenantId),
      );
      const release = await holdLock();
      // Three tenants' statements for a pool of two: both connections wait on the lock and one statement waits for them.
      const held = admins.map((admin) => gateway.query(BudgetUsage, { range: "LAST_7_DAYS" }, { viewer: admin }));
      try {
        await until("the pool is full", async () => {
          let active = 0;
          for (const admin of admins) active += await activeStatements(direct, `tenant:${admin.tenantId}`);
          return active === 2;
        });
        expect((await gateway.fetch("/readyz")).status).toBe(200);
        expect((await gateway.fetch("/healthz")).status).toBe(200);

        const second = await gateway.query(BudgetUsage, { range: "LAST_30_DAYS" }, { viewer: admins[0] });
        expect({ status: second.status, codes: errorCodes(second.body), statements: second.statements }).toEqual({
          status: 429,
          codes: ["RATE_LIMITED"],
          statements: 0,
        });
        const csv = await gateway.fetch("/export/usage.csv?range=LAST_7_DAYS", {
          headers: { authorization: `Bearer ${await gateway.token(admins[0])}` },
        });
        expect({
          status: csv.status,
          retryAfter: csv.headers.get("retry-after"),
          policy: csv.headers.get("ratelimit-policy"),
          code: (await csv.text()).split(":")[0],
        }).toEqual({ status: 429, retryAfter: "1", policy: '"concurrency";q=1', code: "RATE_LIMITED" });
      } finally {
        await release();
      }
      const answers = await Promise.all(held);
      expect(answers.map(({ status, body }) => ({ status, codes: errorCodes(body) }))).toEqual(
        admins.map(() => ({ status: 200, codes: [] })),
      );
    });

    it("runs one of a tenant's heaviest requests at a time, refusing another with 429 while its cheap panels wait their turn", async () => {
      const tenantId = randomUUID();
      const [first, second, third] = [0, 1, 2].map(() => viewerWithoutRow(Role.TENANT_ADMIN, tenantId));
      const year = { from: isoDate(365), to: isoDate(0) };
      const release = await holdLock();
      let heavy: Promise<GraphQLResponse<unknown>> | undefined;
      let cheap: Promise<GraphQLResponse<unknown>> | undefined;
      try {
        heavy = gateway.query(BudgetHeavyUsage, year, { viewer: first });
        await until(
          "the heavy request's statements run",
          async () => (await activeStatements(direct, `tenant:${tenantId}`)) > 0,
        );
        // Another viewer of the tenant: under its own request budget, over the tenant's cost in flight.
        const refused = await post(gateway, BudgetHeavyUsage, year, second);
        expect({
          status: refused.status,
          policy: refused.headers.get("ratelimit-policy"),
          codes: errorCodes((await refused.json()) as GraphQLResponse<unknown>["body"]),
          statements: refused.headers.get("x-sql-statements"),
        }).toEqual({
          status: 429,
          policy: `"cost-in-flight";q=${gateway.config.budget.tenantCostInFlight}`,
          codes: ["RATE_LIMITED"],
          statements: "0",
        });
        // A cheap one fits beside it: admitted, it waits for a statement permit past BUDGET_QUEUE_MS, never refused.
        cheap = gateway.query(BudgetUsage, { range: "LAST_7_DAYS" }, { viewer: third });
        await new Promise((resolve) => setTimeout(resolve, 2 * gateway.config.budget.queueMs));
      } finally {
        await release();
      }
      const answers = await Promise.all([heavy, cheap]);
      expect(answers.map((answer) => ({ status: answer?.status, codes: answer && errorCodes(answer.body) }))).toEqual([
        { status: 200, codes: [] },
        { status: 200, codes: [] },
      ]);
    });
  });
});
