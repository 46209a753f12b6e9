import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../test/chromium";
import { createTenant, createUser } from "../test/factories";
import { startTestGateway, type TestGateway } from "../test/test-gateway";

// Pages on two other origins (other ports) call the gateway from Chromium: one is in CORS_ORIGINS, one is not.

/** A site of its own: one empty page, on a free port. */
async function startSite(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end("<!doctype html><title>dashboard</title>");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let browser: Browser;
let gateway: TestGateway;
let allowed: { origin: string; server: Server };
let other: { origin: string; server: Server };
beforeAll(async () => {
  [browser, allowed, other] = await Promise.all([launchChromium(), startSite(), startSite()]);
  gateway = await startTestGateway({ CORS_ORIGINS: `https://dashboards.example.test, ${allowed.origin}` });
});
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
  for (const site of [allowed, other]) site?.server.close();
});

/** What the page's own script gets from calling the gateway with a bearer token: the answer, or the browser's error. */
async function callFrom(
  site: { origin: string },
  request: { method: "GET" | "POST"; query: string; token: string; cacheControl?: string },
): Promise<{ status: number; requestId: string | null; age: string | null; body: unknown } | { refused: string }> {
  const page: Page = await browser.newPage();
  try {
    await page.goto(site.origin);
    return await page.evaluate(
      async ({ endpoint, method, query, token, cacheControl }) => {
        const headers: Record<string, string> = { authorization: `Bearer ${token}` };
        if (cacheControl) headers["cache-control"] = cacheControl;
        let url = endpoint;
        let body: string | undefined;
        if (method === "GET") url += `?query=${encodeURIComponent(query)}`;
        else [headers["content-type"], body] = ["application/json", JSON.stringify({ query })];
        try {
          const response = await fetch(url, { method, headers, body });
          return {
            status: response.status,
            requestId: response.headers.get("x-request-id"),
            age: response.headers.get("age"),
            body: await response.json(),
          };
        } catch (error) {
          return { refused: String(error) };
        }
      },
      { endpoint: `http://127.0.0.1:${gateway.port}/graphql`, ...request },
    );
  } finally {
    await page.close();
  }
}

async function agent(): Promise<{ id: string; token: string }> {
  const user = await createUser(gateway.db.pool, { tenantId: await createTenant(gateway.db.pool) });
  return { id: user.id, token: await gateway.token(user) };
}

const activityOf = async (userId: string) =>
  (
    await gateway.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM activity_log WHERE user_id = $1", [
      userId,
    ])
  ).rows[0].n;

const RECORD = "mutation { recordActivity(actionType: SEARCH_EXECUTED) { userId } }";

it("a page on an allowed origin queries (GET and POST) and records with its token, and reads the exposed headers", async () => {
  const viewer = await agent();
  for (const method of ["GET", "POST"] as const) {
    const answer = await callFrom(allowed, { method, query: "{ viewer { id } }", token: viewer.token });
    expect(answer).toEqual({
      status: 200,
      requestId: expect.any(String) as string,
      age: null,
      body: { data: { viewer: { id: viewer.id } } },
    });
  }
  // A cacheable answer (src/server/response-cache.ts): the page may send Cache-Control and read Age.
  const ask = () =>
    callFrom(allowed, { method: "POST", query: "{ viewer { id } }", token: viewer.token, cacheControl: "max-age=30" });
  await ask();
  await new Promise((resolve) => setTimeout(resolve, 1_600));
  expect(await ask()).toMatchObject({ status: 200, age: expect.stringMatching(/^[1-9]/) as string });
  const recorded = await callFrom(allowed, { method: "POST", query: RECORD, token: viewer.token });
  expect(recorded).toMatchObject({ status: 200, body: { data: { recordActivity: { userId: viewer.id } } } });
  expect(await activityOf(viewer.id)).toBe(1);
});

it("a page on any other origin is refused by the browser: no answer to read, and its mutation never sent", async () => {
  const viewer = await agent();
  for (const [method, query] of [
    ["GET", "{ viewer { id } }"],
    ["POST", "{ viewer { id } }"],
    ["POST", RECORD],
  ] as const) {
    expect(await callFrom(other, { method, query, token: viewer.token })).toEqual({
      refused: expect.stringContaining("Failed to fetch") as string,
    });
  }
  expect(await activityOf(viewer.id)).toBe(0);
});

it("preflights are answered; only an allowed origin is allowed, with the methods and headers the API takes", async () => {
  const preflight = (origin: string) =>
    gateway.fetch("/graphql", {
      method: "OPTIONS",
      headers: {
        origin,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
  const yes = await preflight(allowed.origin);
  expect({
    status: yes.status,
    origin: yes.headers.get("access-control-allow-origin"),
    methods: yes.headers.get("access-control-allow-methods"),
    headers: yes.headers.get("access-control-allow-headers"),
    credentials: yes.headers.get("access-control-allow-credentials"),
    vary: yes.headers.get("vary"),
  }).toEqual({
    status: 204,
    origin: allowed.origin,
    methods: "GET,POST",
    headers: "authorization,content-type,x-request-id,cache-control",
    credentials: null,
    vary: "Origin",
  });
  const no = await preflight(other.origin);
  expect({ status: no.status, origin: no.headers.get("access-control-allow-origin") }).toEqual({
    status: 204,
    origin: null,
  });
});
