import { readFileSync } from "node:fs";
import path from "node:path";
import { Kind, parse } from "graphql";
import { decodeJwt } from "jose";
import type { Browser, Locator, Page } from "playwright-core";
import { Role } from "../auth/role";
import { DEMO_USERS } from "../db/seed";
import { launchChromium } from "../test/chromium";
import { createTenant, createUser, viewerWithoutRow } from "../test/factories";
import { startTestGateway, useTestGateway, type TestGateway } from "../test/test-gateway";
import { until } from "../test/until";
import { DASHBOARD_TABS } from "./graphiql";

/** The saved tabs' titles (GraphiQL's: the operation names): the operations of docs/examples.graphql, in its order. */
const TAB_TITLES = parse(readFileSync(path.join(__dirname, "../../docs/examples.graphql"), "utf8"))
  .definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)
  .map((operation) => operation.name?.value);

const gateway = useTestGateway();
let browser: Browser;
/** The embedded development demo (the file's gateway when the run is embedded), and a production one. */
let embedded: TestGateway;
let production: TestGateway;
const started: TestGateway[] = [];
beforeAll(async () => {
  const start = async (env: Record<string, string>) => started[started.push(await startTestGateway(env)) - 1];
  [browser, embedded, production] = await Promise.all([
    launchChromium(),
    gateway.config.database.kind === "embedded" ? gateway : start({ DATABASE_URL: "" }),
    start({ NODE_ENV: "production" }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await Promise.all(started.map((other) => other.stop()));
});

/** What the browser refused under the page's content security policy, on every page the tests opened. */
const cspViolations: string[] = [];

/** GraphiQL in a fresh browser context (no saved tabs or headers), and the requests it sent elsewhere. */
async function openGraphiql(target: TestGateway): Promise<{ page: Page; outside: string[] }> {
  const page = await browser.newPage();
  const outside: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(`http://127.0.0.1:${target.port}/`)) outside.push(request.url());
  });
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.goto(`http://127.0.0.1:${target.port}/graphql`);
  await page.locator(".graphiql-query-editor .CodeMirror").waitFor();
  return { page, outside };
}

function editorValue(editor: Locator): Promise<string> {
  return editor.evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}

const headersEditor = (page: Page) => page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror");
const tabTitles = (page: Page) => page.locator(".graphiql-tab .graphiql-tab-button").allInnerTexts();

it("GraphiQL works in a browser with no network: a query with a token in the headers editor gets its answer", async () => {
  const tenantId = await createTenant(gateway.db.pool);
  const agent = await createUser(gateway.db.pool, { tenantId, role: Role.AGENT });
  const token = await gateway.token(agent);
  const { page, outside } = await openGraphiql(gateway);
  await page.locator(".graphiql-query-editor .CodeMirror").click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("{ viewer { id role } }");
  await headersEditor(page).click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type(JSON.stringify({ Authorization: `Bearer ${token}` }));
  await page.locator(".graphiql-execute-button").click();

  const result = page.locator(".result-window");
  await result.filter({ hasText: /"(data|errors)"/ }).waitFor();
  expect(JSON.parse(await editorValue(result.locator(".CodeMirror")))).toEqual({
    data: { viewer: { id: agent.id, role: "AGENT" } },
  });
  expect(outside).toEqual([]);
  await page.close();
});

it("opens on a tab per dashboard and, in the embedded demo, the demo super admin's token in Headers: a tab runs as it is", async () => {
  const { page, outside } = await openGraphiql(embedded);
  expect(await tabTitles(page)).toEqual(TAB_TITLES);
  const [, token] = /^\{"Authorization": "Bearer ([\w.-]+)"\}$/.exec(await editorValue(headersEditor(page))) ?? [];
  expect(decodeJwt(token)).toMatchObject({ sub: DEMO_USERS.super_admin.id, app_metadata: { role: "super_admin" } });

  await page.locator(".graphiql-tab-button", { hasText: /^DashboardUsage$/ }).click();
  // React switches the editors after the click returns, and GraphiQL reads the operation's name from the new text
  // after a debounce: executing before both would send the previous tab's operationName ("Unknown operation").
  await page.locator(".graphiql-query-editor").filter({ hasText: "usageMetrics(" }).waitFor();
  const queryEditor = page.locator(".graphiql-query-editor .CodeMirror");
  await until("GraphiQL to read the DashboardUsage tab's operation name", async () =>
    queryEditor.evaluate(
      (el) =>
        (el as unknown as { CodeMirror: { operationName?: string } }).CodeMirror.operationName === "DashboardUsage",
    ),
  );
  expect(await editorValue(headersEditor(page))).toContain(token);
  await page.locator(".graphiql-execute-button").click();
  const result = page.locator(".result-window");
  await result.filter({ hasText: /"(data|errors)"/ }).waitFor();
  const answer = JSON.parse(await editorValue(result.locator(".CodeMirror"))) as {
    errors?: unknown;
    data: { usageMetrics: { range: string } };
  };
  expect({ errors: answer.errors, range: answer.data.usageMetrics.range }).toEqual({ range: "LAST_30_DAYS" });
  expect(outside).toEqual([]);
  await page.close();
});

it("leaves Headers empty outside the embedded development demo (production, DATABASE_URL)", async () => {
  const others = [production, ...(gateway.config.database.kind === "postgres" ? [gateway] : [])];
  for (const other of others) {
    const html = await (await other.fetch("/graphql", { headers: { accept: "text/html" } })).text();
    expect(html).not.toMatch(/Bearer ey/);
    const { page } = await openGraphiql(other);
    expect(await tabTitles(page)).toEqual(TAB_TITLES);
    expect(await editorValue(headersEditor(page))).toBe("");
    await page.close();
  }
});

it("saves tabs that each run with their variables, with no error, for a super admin", async () => {
  const token = await gateway.token(viewerWithoutRow(Role.SUPER_ADMIN, null));
  expect(DASHBOARD_TABS).toHaveLength(TAB_TITLES.length);
  for (const tab of DASHBOARD_TABS) {
    const response = await gateway.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: tab.query, variables: tab.variables }),
    });
    const body = (await response.json()) as { errors?: unknown };
    expect({ status: response.status, errors: body.errors }).toEqual({ status: 200 });
  }
});

it("runs under its content security policy without a violation (no inline script, no eval)", () => {
  expect(cspViolations).toEqual([]);
});
