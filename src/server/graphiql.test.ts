import { chromium, type Browser } from "playwright-core";
import { Role } from "../auth/role";
import { createTenant, createUser } from "../test/factories";
import { useTestGateway } from "../test/test-gateway";

/** Debian's chromium (installed by .ci/run); its own networking is off, so any outside request would show. */
const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

const gateway = useTestGateway();
let browser: Browser;
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
});
afterAll(() => browser?.close());

it("GraphiQL works in a browser with no network: a query with a token in the headers editor gets its answer", async () => {
  const tenantId = await createTenant(gateway.db.pool);
  const agent = await createUser(gateway.db.pool, { tenantId, role: Role.AGENT });
  const token = await gateway.token(agent);
  const page = await browser.newPage();
  const outside: string[] = [];
  page.on("request", (request) => {
    if (!request.url().startsWith(`http://127.0.0.1:${gateway.port}/`)) outside.push(request.url());
  });

  await page.goto(`http://127.0.0.1:${gateway.port}/graphql`);
  const queryEditor = page.locator(".graphiql-query-editor .CodeMirror");
  await queryEditor.waitFor();
  await queryEditor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type("{ viewer { id role } }");
  const headersEditor = page.locator(".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror");
  await headersEditor.click();
  await page.keyboard.press("Control+A");
  await page.keyboard.type(JSON.stringify({ Authorization: `Bearer ${token}` }));
  await page.locator(".graphiql-execute-button").click();

  const result = page.locator(".result-window");
  await result.filter({ hasText: agent.id }).waitFor();
  expect(
    JSON.parse(
      await result
        .locator(".CodeMirror")
        .evaluate((el) => (el as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue()),
    ),
  ).toEqual({
    data: { viewer: { id: agent.id, role: "AGENT" } },
  });
  expect(outside).toEqual([]);
  await page.close();
});
