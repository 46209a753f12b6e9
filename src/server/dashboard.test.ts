import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import AxeBuilder from "@axe-core/playwright";
import type { Browser, Locator, Page } from "playwright-core";
import { Role } from "../auth/role";
import { COUNTERS } from "../../web/src/counters";
import { launchChromium } from "../test/chromium";
import { viewerWithoutRow } from "../test/factories";
import { graphql } from "../test/gql";
import { seedScenario, type Scenario } from "../test/scenario";
import { startTestGateway, useTestGateway, type TestGateway } from "../test/test-gateway";
import { PAGE_HEADERS } from "./graphiql";

const ROOT = path.join(__dirname, "../..");
/** Screenshots to look at, never committed (.gitignore). */
const ARTIFACTS = path.join(ROOT, "artifacts/dashboard");
const WIDTHS = [1280, 390];

// The oracles: the API's answers, asked here with the same token and arguments as the page.
const PulseOracle = graphql(`
  query DashboardPagePulse {
    platformPulse {
      totalProspects
      enrichedProspects
      enrichmentCoverage
      enrichmentFailed
      activeUsersToday
      activeUsers7dAvg
    }
  }
`);

const UsageOracle = graphql(`
  query DashboardPageUsage($range: UsageRange, $granularity: UsageGranularity, $timeZone: String, $tenantId: ID) {
    usageMetrics(range: $range, granularity: $granularity, timeZone: $timeZone, tenantId: $tenantId) {
      buckets {
        periodStart
      }
      changes {
        totalLogins {
          ...DashboardPageChange
        }
        searchesExecuted {
          ...DashboardPageChange
        }
        profilesViewed {
          ...DashboardPageChange
        }
        profilesEnriched {
          ...DashboardPageChange
        }
        csvExports {
          ...DashboardPageChange
        }
        listsCreated {
          ...DashboardPageChange
        }
        personasCreated {
          ...DashboardPageChange
        }
        lookalikeSearches {
          ...DashboardPageChange
        }
      }
      userBreakdown {
        userId
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

  fragment DashboardPageChange on CounterChange {
    current
    absolute
    percent
  }
`);

const HealthOracle = graphql(`
  query DashboardPageHealth($feedPage: Int!) {
    tenantActivity {
      id
      searches7d
      enrichments7d
      exports7d
      userCount
      users {
        id
        searches7d
        enrichments7d
        exports7d
      }
    }
    enrichmentHealth(days: 14) {
      series {
        date
        sources {
          source
          success
          failed
        }
      }
    }
    funnel(days: 7, mode: USERS) {
      stages {
        key
        value
      }
    }
    errorFeed(page: $feedPage, limit: 10) {
      total
      items {
        id
        sourceDetails {
          source
        }
      }
    }
    rollupStatus {
      lastRolledUpDate
      missingDates
    }
  }
`);

const gateway = useTestGateway();
let browser: Browser;
let scenario: Scenario;
/** The embedded development demo (the file's gateway when the run is embedded), and a production one. */
let embedded: TestGateway;
let production: TestGateway;
const started: TestGateway[] = [];
beforeAll(async () => {
  // The bundle, as `npm run build` makes it (skipped when its inputs are unchanged).
  execFileSync(process.execPath, [path.join(ROOT, "scripts/build-web.js")], { stdio: "inherit" });
  mkdirSync(ARTIFACTS, { recursive: true });
  const start = async (env: Record<string, string>) => started[started.push(await startTestGateway(env)) - 1];
  [browser, scenario, embedded, production] = await Promise.all([
    launchChromium(),
    seedScenario(gateway.db.pool, 18),
    gateway.config.database.kind === "embedded" ? gateway : start({ DATABASE_URL: "" }),
    start({ NODE_ENV: "production" }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(started.map((other) => other.stop()));
});

/** What a page did that it must not: requests off this gateway, console errors, uncaught exceptions. */
interface Watched {
  page: Page;
  outside: string[];
  errors: string[];
}

async function openDashboard(target: TestGateway, width = 1280): Promise<Watched> {
  // A context of its own (fresh session storage), as axe needs.
  const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
  const base = `http://127.0.0.1:${target.port}/`;
  const watched: Watched = { page, outside: [], errors: [] };
  page.on("request", (request) => {
    if (!request.url().startsWith(base) && !request.url().startsWith("data:")) watched.outside.push(request.url());
  });
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") watched.errors.push(message.text());
  });
  page.on("pageerror", (error) => watched.errors.push(error.message));
  await page.goto(`${base}dashboard`);
  return watched;
}

async function signInWith(page: Page, token: string): Promise<void> {
  await page.getByLabel("Access token").fill(token);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

/** Waits for a panel's answer: its freshness line shows and it is not fetching. */
async function settled(page: Page, panel: string): Promise<void> {
  await page.locator(`[data-testid="${panel}"][aria-busy="false"] [data-testid="freshness"]`).waitFor();
}

/** The first number in a text as the page shows it ("1,234 enriched", "15.9%", "7-day average 4.1"). */
const number = (text: string) => Number((/-?\d[\d,]*(\.\d+)?/.exec(text)?.[0] ?? "").replace(/,/g, ""));

/** The page's screenshots at both widths, its accessibility check, and what it must not have done. */
async function checkPage({ page, outside, errors }: Watched, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(ARTIFACTS, `${name}-${width}.png`), fullPage: true });
  }
  const { violations } = await new AxeBuilder({ page }).analyze();
  const serious = violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect({ serious, outside, errors }).toEqual({ serious: [], outside: [], errors: [] });
}

async function expectUsageAsApi(
  page: Page,
  token: string,
  variables: { range?: "LAST_7_DAYS"; granularity?: "WEEK"; timeZone?: string; tenantId?: string },
) {
  await settled(page, "usage");
  const { body } = await gateway.query(UsageOracle, variables, { token });
  const usage = body.data!.usageMetrics;
  for (const [counter] of COUNTERS) {
    const card = page.getByTestId(`usage-total-${counter}`);
    const change = usage.changes[counter];
    const [, absolute, percent] =
      /^([+-]?[\d,]+)(?: \(([+-]?[\d.,]+)%\))? vs/.exec(await card.getByTestId("change").innerText()) ?? [];
    expect({
      counter,
      value: number(await card.getByTestId("value").innerText()),
      absolute: number(absolute),
      percent: percent === undefined ? null : number(percent),
    }).toEqual({ counter, value: change.current, absolute: change.absolute, percent: change.percent });
  }
  expect(await page.locator("#usage figure svg.recharts-surface").count()).toBe(COUNTERS.length);
  if (usage.userBreakdown === null) {
    expect(await page.getByTestId("user-breakdown").count()).toBe(0);
    return;
  }
  // The suite's types have no DOM: the rows' few members are named here.
  type Row = { getAttribute(name: string): string | null; querySelectorAll(selector: string): Iterable<Cell> };
  type Cell = { dataset: { counter?: string }; textContent: string | null };
  const rows = await page
    .getByTestId("user-breakdown")
    .locator("tbody tr")
    .evaluateAll((trs) =>
      (trs as unknown as Row[]).map((tr) => ({
        userId: tr.getAttribute("data-user-id"),
        counts: Object.fromEntries(
          [...tr.querySelectorAll("td")].map((td): [string, number] => [
            td.dataset.counter ?? "",
            Number(td.textContent?.replace(/,/g, "")),
          ]),
        ),
      })),
    );
  const expected = usage.userBreakdown.map(({ userId, ...counts }) => ({ userId, counts }));
  const byUser = (a: { userId: string | null }, b: { userId: string | null }) =>
    (a.userId ?? "").localeCompare(b.userId ?? "");
  expect(rows.sort(byUser)).toEqual(expected.sort(byUser));
}

it("serves the page and its files under GraphiQL's security headers; the JavaScript is under 350 KB gzipped", async () => {
  const page = await gateway.fetch("/dashboard");
  expect(page.status).toBe(200);
  for (const [name, value] of Object.entries(PAGE_HEADERS))
    expect([name, page.headers.get(name)]).toEqual([name, value]);
  const html = await page.text();
  for (const file of html.match(/\/dashboard\/assets\/[\w.]+/g) ?? []) {
    const response = await gateway.fetch(file);
    expect([file, response.status, response.headers.get("x-content-type-options")]).toEqual([file, 200, "nosniff"]);
  }
  for (const name of ["../package.json", "index.html", "__proto__", ".inputs-sha256"]) {
    expect([name, (await gateway.fetch(`/dashboard/assets/${name}`)).status]).toEqual([name, 404]);
  }
  const script = readFileSync(path.join(ROOT, "web-dist/app.js"));
  expect(gzipSync(script).length).toBeLessThan(350 * 1024);
});

it("offers the demo users' sign-in only in the embedded demo, to a browser on the same machine", async () => {
  const demoUsers = async (target: TestGateway, headers: Record<string, string> = {}) => {
    const html = await (await target.fetch("/dashboard", { headers })).text();
    const [, json] = /<script type="application\/json" id="dashboard-options">(.*?)<\/script>/s.exec(html) ?? [];
    return (JSON.parse(json) as { demoUsers: { role: string }[] }).demoUsers.map((user) => user.role);
  };
  expect(await demoUsers(production)).toEqual([]);
  if (gateway !== embedded) expect(await demoUsers(gateway)).toEqual([]);
  expect(await demoUsers(embedded)).toEqual([Role.SUPER_ADMIN, Role.TENANT_ADMIN, Role.AGENT, Role.ASSISTANT]);
  expect(await demoUsers(embedded, { "x-forwarded-for": "203.0.113.9" })).toEqual([]);

  const watched = await openDashboard(embedded);
  await checkPage(watched, "sign-in");
  await watched.page.getByRole("button", { name: /^Tenant admin:/ }).click();
  await settled(watched.page, "usage");
  expect(await watched.page.getByTestId("pulse").count()).toBe(0);
  await watched.page.context().close();
});

it("shows a super admin the platform pulse and all tenants' usage, as the API answers them, for each range", async () => {
  const token = await gateway.token(scenario.superAdmin);
  const watched = await openDashboard(gateway);
  const { page } = watched;
  await signInWith(page, token);
  await settled(page, "pulse");
  const pulse = (await gateway.query(PulseOracle, {}, { token })).body.data!.platformPulse;
  const card = (name: string) => page.getByTestId(`pulse-${name}`);
  expect({
    totalProspects: number(await card("total-prospects").getByTestId("value").innerText()),
    enrichedProspects: number(await card("total-prospects").locator(".card-detail").innerText()),
    enrichmentCoverage: number(await card("coverage").getByTestId("value").innerText()),
    enrichmentFailed: number(await card("failed").getByTestId("value").innerText()),
    activeUsersToday: number(await card("active-users").getByTestId("value").innerText()),
    activeUsers7dAvg: number((await card("active-users").locator(".card-detail").innerText()).replace(/^7-day/, "")),
  }).toEqual(pulse);

  await expectUsageAsApi(page, token, {});
  await checkPage(watched, "super-admin");

  await page.getByRole("button", { name: "7 days" }).click();
  await page.getByLabel("Granularity").selectOption("WEEK");
  expect(await page.getByRole("button", { name: "7 days" }).getAttribute("aria-pressed")).toBe("true");
  await page.locator('[data-testid="usage"][aria-busy="true"]').waitFor({ state: "detached" });
  await expectUsageAsApi(page, token, { range: "LAST_7_DAYS", granularity: "WEEK" });
  await page.getByLabel("Time zone").selectOption("Asia/Kolkata");
  await page.locator('[data-testid="usage"][aria-busy="true"]').waitFor({ state: "detached" });
  await expect(page.getByTestId("usage-window").innerText()).resolves.toContain("(Asia/Kolkata)");
  await expectUsageAsApi(page, token, { range: "LAST_7_DAYS", granularity: "WEEK", timeZone: "Asia/Kolkata" });
  // One tenant, picked from the tenant activity panel's answer: its user breakdown shows.
  const tenantId = scenario.tenantIds[0];
  await page.getByLabel("Tenant", { exact: true }).selectOption(tenantId);
  await page.locator('[data-testid="usage"][aria-busy="true"]').waitFor({ state: "detached" });
  await page.getByTestId("user-breakdown").waitFor();
  await expectUsageAsApi(page, token, {
    range: "LAST_7_DAYS",
    granularity: "WEEK",
    timeZone: "Asia/Kolkata",
    tenantId,
  });

  // Refresh asks the API again.
  const asked = page.waitForRequest((request) => request.postData()?.includes("WebPulse") ?? false);
  await page.getByTestId("pulse").getByRole("button", { name: "Refresh" }).click();
  await asked;
  await settled(page, "pulse");
  expect({ outside: watched.outside, errors: watched.errors }).toEqual({ outside: [], errors: [] });
  await page.context().close();
});

it("shows a super admin the health panels as the API answers them: heatmap rows open, days and modes, error feed pages", async () => {
  const token = await gateway.token(scenario.superAdmin);
  const watched = await openDashboard(gateway);
  const { page } = watched;
  await signInWith(page, token);
  for (const panel of ["tenants", "enrichment", "funnel", "error-feed", "rollup", "quota"]) await settled(page, panel);
  await page.getByRole("button", { name: "Users", exact: true }).click();
  await page.locator('[data-testid="funnel"][aria-busy="true"]').waitFor({ state: "detached" });
  await settled(page, "funnel");
  const api = (await gateway.query(HealthOracle, { feedPage: 1 }, { token })).body.data!;

  // A cell's counters, as a row of the heatmap shows them.
  const countsOf = async (row: Locator) => ({
    searches7d: number(await row.locator('[data-counter="searches7d"]').innerText()),
    enrichments7d: number(await row.locator('[data-counter="enrichments7d"]').innerText()),
    exports7d: number(await row.locator('[data-counter="exports7d"]').innerText()),
  });
  const heatmap = page.getByTestId("tenant-heatmap");
  for (const tenant of api.tenantActivity) {
    const row = heatmap.locator(`tr[data-tenant-id="${tenant.id}"]`);
    expect({
      id: tenant.id,
      ...(await countsOf(row)),
      userCount: number(await row.locator('[data-counter="userCount"]').innerText()),
    }).toEqual({
      id: tenant.id,
      searches7d: tenant.searches7d,
      enrichments7d: tenant.enrichments7d,
      exports7d: tenant.exports7d,
      userCount: tenant.userCount,
    });
  }
  const busiest = api.tenantActivity[0];
  // Rows open from the keyboard too.
  await heatmap.locator(`tr[data-tenant-id="${busiest.id}"] button`).focus();
  await page.keyboard.press("Enter");
  for (const user of busiest.users) {
    expect({ id: user.id, ...(await countsOf(heatmap.locator(`tr[data-user-id="${user.id}"]`))) }).toEqual(user);
  }

  await page.getByTestId("enrichment").getByText("As a table").click();
  for (const day of api.enrichmentHealth.series) {
    const cells = page.getByTestId("enrichment-table").locator(`tr[data-date="${day.date}"] td`);
    const shown = (await cells.allInnerTexts()).map((text) => text.split(" / ").map(number));
    expect({ date: day.date, shown }).toEqual({ date: day.date, shown: day.sources.map((s) => [s.success, s.failed]) });
  }

  const stages = await page
    .locator("#funnel li")
    .evaluateAll((items) =>
      (items as unknown as { dataset: { stage?: string }; textContent: string | null }[]).map(
        (item) => item.dataset.stage,
      ),
    );
  expect(stages).toEqual(api.funnel.stages.map((stage) => stage.key));
  for (const stage of api.funnel.stages) {
    expect([
      stage.key,
      number(await page.locator(`#funnel li[data-stage="${stage.key}"] [data-testid="value"]`).innerText()),
    ]).toEqual([stage.key, stage.value]);
  }

  const feedIds = () =>
    page
      .getByTestId("error-feed-table")
      .locator("tbody tr[data-id]")
      .evaluateAll((rows) =>
        (rows as unknown as { getAttribute(name: string): string | null }[]).map((row) => row.getAttribute("data-id")),
      );
  expect(await feedIds()).toEqual(api.errorFeed.items.map((item) => item.id));
  const first = api.errorFeed.items[0];
  if (first) {
    await page.getByTestId("error-feed-table").locator(`tr[data-id="${first.id}"] button`).focus();
    await page.keyboard.press("Space");
    expect(await page.getByTestId("error-feed-table").locator("tr[data-source]").count()).toBe(
      first.sourceDetails.length,
    );
  }
  if (api.errorFeed.total > 10) {
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByTestId("error-feed").getByTestId("page").filter({ hasText: "2" }).waitFor();
    await settled(page, "error-feed");
    const second = (await gateway.query(HealthOracle, { feedPage: 2 }, { token })).body.data!.errorFeed;
    expect(await feedIds()).toEqual(second.items.map((item) => item.id));
  }

  expect(await page.getByTestId("last-date").innerText()).toBe(api.rollupStatus.lastRolledUpDate ?? "never");

  // The CSV download is the gateway's export, sent with the signed-in token.
  const downloaded = page.waitForEvent("download");
  await page.getByRole("button", { name: /^Download CSV/ }).click();
  const csv = readFileSync(await (await downloaded).path(), "utf8");
  const exported = await gateway.fetch("/export/error-feed.csv", { headers: { authorization: `Bearer ${token}` } });
  expect(csv).toBe(await exported.text());
  await checkPage(watched, "super-admin-health");
  await page.context().close();
});

it("shows a tenant admin their tenant's usage and user breakdown, as the API answers them, and no platform panels", async () => {
  const tenantId = scenario.tenantIds[0];
  const token = await gateway.token(scenario.adminOf[tenantId]);
  const watched = await openDashboard(gateway);
  await signInWith(watched.page, token);
  await expectUsageAsApi(watched.page, token, {});
  expect(await watched.page.getByTestId("pulse").count()).toBe(0);
  // Sorting the table by a counter orders the rows by it, largest first.
  await watched.page.getByRole("button", { name: "Logins" }).click();
  const logins = await watched.page
    .getByTestId("user-breakdown")
    .locator('tbody td[data-counter="totalLogins"]')
    .allInnerTexts();
  expect(logins.map(number)).toEqual(logins.map(number).sort((a, b) => b - a));
  await checkPage(watched, "tenant-admin");
  await watched.page.context().close();
});

it("shows agents and assistants a page saying they have no analytics access (the API's FORBIDDEN)", async () => {
  for (const role of [Role.AGENT, Role.ASSISTANT]) {
    const watched = await openDashboard(gateway);
    await signInWith(watched.page, await gateway.token(viewerWithoutRow(role, scenario.tenantIds[0])));
    await watched.page.getByRole("heading", { name: "No analytics access" }).waitFor();
    // The API refused the usage request with FORBIDDEN, which the page reports as such, not as a panel error.
    if (role === Role.AGENT) {
      await checkPage(watched, "no-access");
    } else {
      expect({ outside: watched.outside, errors: watched.errors }).toEqual({ outside: [], errors: [] });
    }
    await watched.page.context().close();
  }
});

it("keeps the other panels when one fails, and sends a rejected token back to sign-in", async () => {
  const token = await gateway.token(scenario.superAdmin);
  const watched = await openDashboard(gateway);
  const { page } = watched;
  await page.route("**/graphql", (route) =>
    route.request().postData()?.includes("WebPulse")
      ? route.fulfill({ status: 500, contentType: "application/json", body: '{"errors":[{"message":"boom"}]}' })
      : route.fallback(),
  );
  await signInWith(page, token);
  await page.getByTestId("pulse").getByRole("alert").waitFor();
  await settled(page, "usage");
  await page.unroute("**/graphql");

  await page.getByRole("button", { name: "Sign out" }).click();
  await signInWith(page, "not-a-token");
  await page.getByRole("alert").filter({ hasText: "did not accept" }).waitFor();
  await page.getByLabel("Access token").waitFor();
  await page.context().close();
});
