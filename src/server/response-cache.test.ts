import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type FormattedExecutionResult } from "graphql";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { createTenant, createUser, insertActivity } from "../test/factories";
import { graphql } from "../test/gql";
import { useTestGateway } from "../test/test-gateway";

const CachedUsage = graphql(`
  query CachedUsage($tenantId: ID) {
    usageMetrics(range: LAST_7_DAYS, tenantId: $tenantId) {
      timeZone
      totals {
        searchesExecuted
      }
      freshness {
        asOf
      }
    }
  }
`);

const CachedViewer = graphql(`
  query CachedViewer {
    viewer {
      id
      role
      tenantId
    }
  }
`);

const CachedBadZone = graphql(`
  query CachedBadZone {
    usageMetrics(timeZone: "Mars/Olympus_Mons") {
      timeZone
    }
  }
`);

const CachedRecord = graphql(`
  mutation CachedRecord {
    recordActivity(actionType: SEARCH_EXECUTED) {
      id
    }
  }
`);

const CachedSetZone = graphql(`
  mutation CachedSetZone($timeZone: String) {
    setTenantTimeZone(timeZone: $timeZone) {
      timeZone
    }
  }
`);

interface Answer<TResult> {
  status: number;
  body: FormattedExecutionResult<TResult>;
  cacheControl: string | null;
  age: string | null;
  vary: string | null;
  statements: number;
}

// One request in flight per viewer and per tenant, and no queue: any second admission at once is refused.
const gateway = useTestGateway({
  CACHE_MAX_AGE_SECONDS: "30",
  VIEWER_MAX_REQUESTS: "1",
  TENANT_MAX_REQUESTS: "1",
  BUDGET_QUEUE_MS: "0",
});

/** POSTs the operation as `viewer`, with the request header `Cache-Control: cacheControl` when given. */
async function ask<TResult, TVariables>(
  viewer: Viewer,
  document: TypedDocumentNode<TResult, TVariables>,
  { variables, cacheControl }: { variables?: TVariables; cacheControl?: string } = {},
): Promise<Answer<TResult>> {
  const response = await gateway.fetch("/graphql", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await gateway.token(viewer)}`,
      ...(cacheControl === undefined ? {} : { "cache-control": cacheControl }),
    },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return {
    status: response.status,
    body: (await response.json()) as FormattedExecutionResult<TResult>,
    cacheControl: response.headers.get("cache-control"),
    age: response.headers.get("age"),
    vary: response.headers.get("vary"),
    statements: Number(response.headers.get("x-sql-statements")),
  };
}

const searches = (answer: Answer<{ usageMetrics: { totals: { searchesExecuted: number } } }>) =>
  answer.body.data?.usageMetrics.totals.searchesExecuted;

/** A tenant with an admin (a users row) and `count` searches an hour ago. */
async function tenantWithSearches(count: number): Promise<{ tenantId: string; admin: Viewer }> {
  const tenantId = await createTenant(gateway.db.pool);
  const admin = await createUser(gateway.db.pool, { tenantId, role: Role.TENANT_ADMIN });
  const createdAt = new Date(Date.now() - 3_600_000);
  await insertActivity(
    gateway.db.pool,
    Array.from({ length: count }, () => ({ tenantId, userId: admin.id, actionType: "search_executed", createdAt })),
  );
  return { tenantId, admin };
}

/** Its first matching sample's value, in the text of /metrics. */
function sample(metrics: string, name: string): number {
  const line = metrics.split("\n").find((candidate) => candidate.startsWith(`${name} `));
  return Number(line?.split(" ")[1]);
}

const seconds = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

it("answers only the same viewer from its cache: two tenant admins asking the same document get their own figures", async () => {
  const a = await tenantWithSearches(3);
  const b = await tenantWithSearches(5);
  const cacheControl = "max-age=30";
  const firstA = await ask(a.admin, CachedUsage, { cacheControl });
  const firstB = await ask(b.admin, CachedUsage, { cacheControl });
  const againA = await ask(a.admin, CachedUsage, { cacheControl });
  const againB = await ask(b.admin, CachedUsage, { cacheControl });
  expect([firstA, firstB, againA, againB].map(searches)).toEqual([3, 5, 3, 5]);
  expect([firstB.statements > 0, againA.statements, againB.statements]).toEqual([true, 0, 0]);
  expect(againA.body).toEqual(firstA.body);
  expect(againB.body).toEqual(firstB.body);
});

it("keeps a super admin's answer apart from a tenant admin's for the same document", async () => {
  const a = await tenantWithSearches(2);
  await tenantWithSearches(5);
  const superAdmin = await createUser(gateway.db.pool, { tenantId: null, role: Role.SUPER_ADMIN });
  const cacheControl = "max-age=30";
  const own = await ask(a.admin, CachedUsage, { cacheControl });
  const platform = await ask(superAdmin, CachedUsage, { cacheControl });
  const {
    rows: [all],
  } = await gateway.db.pool.query<{ searches: number }>(
    `SELECT count(*)::int AS searches FROM activity_log
      WHERE action_type = 'search_executed' AND created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') - interval '6 days'`,
  );
  expect([searches(own), searches(platform)]).toEqual([2, all.searches]);
  expect(all.searches).toBeGreaterThanOrEqual(7);
  const again = await Promise.all([a.admin, superAdmin].map((viewer) => ask(viewer, CachedUsage, { cacheControl })));
  expect(again.map((answer) => [searches(answer), answer.statements])).toEqual([
    [2, 0],
    [all.searches, 0],
  ]);
  // `viewer` answers about the user: each its own, the tenant admin's asked (and cached) first.
  const viewers = [];
  for (const viewer of [a.admin, superAdmin, a.admin])
    viewers.push((await ask(viewer, CachedViewer, { cacheControl })).body.data?.viewer);
  const tenantAdmin = { id: a.admin.id, role: "TENANT_ADMIN", tenantId: a.tenantId };
  expect(viewers).toEqual([tenantAdmin, { id: superAdmin.id, role: "SUPER_ADMIN", tenantId: null }, tenantAdmin]);
});

it("serves a cached answer within max-age as it was computed: the same body, its asOf the first computation's", async () => {
  const { admin } = await tenantWithSearches(1);
  const before = Date.now();
  const first = await ask(admin, CachedUsage, { cacheControl: "max-age=30" });
  const after = Date.now();
  expect(first.status).toBe(200);
  expect(first.cacheControl).toMatch(/^private, max-age=(29|30)$/);
  expect(first.vary).toMatch(/Authorization, Cache-Control/);
  const asOf = Date.parse(first.body.data!.usageMetrics.freshness.asOf);
  // The database's clock, read in the request: within it, give or take the clocks' rounding.
  expect(asOf).toBeGreaterThanOrEqual(before - 1_000);
  expect(asOf).toBeLessThanOrEqual(after + 1_000);
  await seconds(1_600);
  const cached = await ask(admin, CachedUsage, { cacheControl: "max-age=30" });
  expect(cached.body).toEqual(first.body);
  expect(cached.statements).toBe(0);
  const age = Number(cached.age);
  expect(age).toBeGreaterThanOrEqual(1);
  const left = Number(/^private, max-age=(\d+)$/.exec(cached.cacheControl ?? "")?.[1]);
  expect(left + age).toBeLessThanOrEqual(30);
  // An answer older than the client accepts is never served: max-age=2 has its own entry, computed now.
  const young = await ask(admin, CachedUsage, { cacheControl: "max-age=2" });
  expect(young.statements).toBeGreaterThan(0);
  expect(Date.parse(young.body.data!.usageMetrics.freshness.asOf)).toBeGreaterThan(asOf);
  // Which is cached in its turn, and gone once older than 2 s.
  expect((await ask(admin, CachedUsage, { cacheControl: "max-age=2" })).statements).toBe(0);
  await seconds(2_100);
  expect((await ask(admin, CachedUsage, { cacheControl: "max-age=2" })).statements).toBeGreaterThan(0);
});

it("computes every request without max-age (or with max-age=0, no-cache, no-store) and sends it no-store", async () => {
  const { tenantId, admin } = await tenantWithSearches(4);
  expect(searches(await ask(admin, CachedUsage, { cacheControl: "max-age=30" }))).toBe(4);
  // A write by the platform (not through this gateway): cached answers are up to 30 s old, exact ones see it.
  await insertActivity(gateway.db.pool, [
    { tenantId, userId: admin.id, actionType: "search_executed", createdAt: new Date(Date.now() - 60_000) },
  ]);
  const stale = await ask(admin, CachedUsage, { cacheControl: "max-age=30" });
  expect([searches(stale), stale.statements]).toEqual([4, 0]);
  for (const cacheControl of [undefined, "max-age=0", "no-cache", "no-store", "max-age=30, no-cache", "max-age=ten"]) {
    const exact = await ask(admin, CachedUsage, { cacheControl });
    expect({ cacheControl, searches: searches(exact), header: exact.cacheControl, age: exact.age }).toEqual({
      cacheControl,
      searches: 5,
      header: "no-store",
      age: null,
    });
    expect(exact.statements).toBeGreaterThan(0);
  }
});

it("never hides a viewer's own write from its next request, with max-age or without", async () => {
  const { admin } = await tenantWithSearches(2);
  const other = await createUser(gateway.db.pool, { tenantId: admin.tenantId, role: Role.TENANT_ADMIN });
  expect(searches(await ask(admin, CachedUsage, { cacheControl: "max-age=30" }))).toBe(2);
  expect(searches(await ask(other, CachedUsage, { cacheControl: "max-age=30" }))).toBe(2);
  const write = await ask(admin, CachedRecord, { cacheControl: "max-age=30" });
  expect([write.status, write.cacheControl, write.body.errors]).toEqual([200, "no-store", undefined]);
  const afterWrite = await ask(admin, CachedUsage, { cacheControl: "max-age=30" });
  expect([searches(afterWrite), afterWrite.statements > 0]).toEqual([3, true]);
  expect(searches(await ask(admin, CachedUsage))).toBe(3);
  // Cached again from there on; another viewer of the tenant accepted up to 30 s and keeps its answer meanwhile.
  expect(await ask(admin, CachedUsage, { cacheControl: "max-age=30" })).toMatchObject({ statements: 0 });
  expect(searches(await ask(other, CachedUsage, { cacheControl: "max-age=30" }))).toBe(2);
  expect(searches(await ask(other, CachedUsage))).toBe(3);
});

it("never caches a mutation: each one runs", async () => {
  const { admin } = await tenantWithSearches(0);
  for (let i = 0; i < 2; i++) {
    const write = await ask(admin, CachedRecord, { cacheControl: "max-age=30" });
    expect([write.status, write.cacheControl, write.age, write.statements > 0]).toEqual([200, "no-store", null, true]);
  }
  expect(searches(await ask(admin, CachedUsage))).toBe(2);
});

it("never caches an answer with errors", async () => {
  const { admin } = await tenantWithSearches(0);
  const before = await gateway.metrics();
  for (let i = 0; i < 2; i++) {
    const refused = await ask(admin, CachedBadZone, { cacheControl: "max-age=30" });
    expect([refused.body.errors?.[0]?.extensions?.code, refused.cacheControl, refused.age]).toEqual([
      "BAD_USER_INPUT",
      "no-store",
      null,
    ]);
  }
  const after = await gateway.metrics();
  expect(
    sample(after, "gateway_response_cache_misses_total") - sample(before, "gateway_response_cache_misses_total"),
  ).toBe(2);
  expect(sample(after, "gateway_response_cache_hits_total")).toBe(sample(before, "gateway_response_cache_hits_total"));
});

it("shows a tenant's new time zone to every viewer at once, cached answers or not", async () => {
  const a = await tenantWithSearches(1);
  const superAdmin = await createUser(gateway.db.pool, { tenantId: null, role: Role.SUPER_ADMIN });
  const cacheControl = "max-age=30";
  const zoneOf = async (viewer: Viewer) =>
    (await ask(viewer, CachedUsage, { cacheControl, variables: { tenantId: a.tenantId } })).body.data?.usageMetrics
      .timeZone;
  expect([await zoneOf(a.admin), await zoneOf(superAdmin)]).toEqual(["UTC", "UTC"]);
  const set = await ask(a.admin, CachedSetZone, { variables: { timeZone: "Asia/Kolkata" } });
  expect(set.body.data?.setTenantTimeZone.timeZone).toBe("Asia/Kolkata");
  expect([await zoneOf(a.admin), await zoneOf(superAdmin)]).toEqual(["Asia/Kolkata", "Asia/Kolkata"]);
});

it("answers from the cache without spending the budgets: more at once than they admit, none refused", async () => {
  const { admin } = await tenantWithSearches(1);
  expect((await ask(admin, CachedUsage, { cacheControl: "max-age=30" })).status).toBe(200);
  const burst = (cacheControl?: string) =>
    Promise.all(Array.from({ length: 12 }, () => ask(admin, CachedUsage, { cacheControl })));
  const hits = await burst("max-age=30");
  expect(hits.map((hit) => [hit.status, hit.statements])).toEqual(hits.map(() => [200, 0]));
  // The same burst computed: one request in flight per viewer, no queue, so most are refused.
  const computed = await burst();
  expect(computed.filter((answer) => answer.status === 429).length).toBeGreaterThan(0);
});

it("caps max-age at CACHE_MAX_AGE_SECONDS", async () => {
  const { admin } = await tenantWithSearches(1);
  const answer = await ask(admin, CachedUsage, { cacheControl: "max-age=86400" });
  expect(answer.cacheControl).toMatch(/^private, max-age=(29|30)$/);
});

it("shows its entries, bytes, hits and misses in /metrics", async () => {
  const { admin } = await tenantWithSearches(1);
  const before = await gateway.metrics();
  await ask(admin, CachedUsage, { cacheControl: "max-age=30" });
  await ask(admin, CachedUsage, { cacheControl: "max-age=30" });
  const after = await gateway.metrics();
  const change = (name: string) => sample(after, name) - sample(before, name);
  expect({
    hits: change("gateway_response_cache_hits_total"),
    misses: change("gateway_response_cache_misses_total"),
    entries: change("gateway_response_cache_entries"),
  }).toEqual({ hits: 1, misses: 1, entries: 1 });
  expect(change("gateway_response_cache_bytes")).toBeGreaterThan(100);
});
