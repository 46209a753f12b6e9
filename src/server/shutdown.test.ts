import { spawn, type ChildProcess } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { signToken } from "../auth/sign-token";
import { Role } from "../auth/role";
import { childEnv } from "../test/child-env";
import { createTestDatabase, type TestDatabase } from "../test/test-database";
import { TEST_JWT_SECRET } from "../test/test-gateway";

const root = join(__dirname, "..", "..");

/** The real entry point, as a deploy runs it, so the signal handling is the real one. */
async function startProcess(database: TestDatabase, port: number): Promise<ChildProcess> {
  // `node --import tsx`, not the tsx wrapper: the pid signalled is the gateway itself.
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: root,
    env: childEnv({
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      JWT_SECRET: TEST_JWT_SECRET,
      ROLLUP_ENABLED: "false",
      ...(database.url ? database.env : { DATA_DIR: "memory://", DEMO_DATA: "false" }),
    }),
    stdio: ["ignore", "ignore", "inherit"],
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill("SIGKILL");
  throw new Error("the gateway did not become ready");
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

it("on SIGTERM finishes the requests in flight, stops accepting, and exits 0", async () => {
  const port = 20_000 + (process.pid % 20_000);
  const child = await startProcess(database, port);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const token = await signToken(TEST_JWT_SECRET, {
    id: "00000000-0000-4000-8000-00000000a001",
    role: Role.SUPER_ADMIN,
    tenantId: null,
  });
  const body = JSON.stringify({ query: "{ platformPulse { totalProspects } tenantActivity { id users { id } } }" });
  // Requests in flight for sure: headers sent, the body's second half held back until after the signal.
  const inFlight = Array.from({ length: 5 }, () => {
    const req = request({
      host: "127.0.0.1",
      port,
      path: "/graphql",
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${token}`,
        "content-length": Buffer.byteLength(body),
      },
    });
    const status = new Promise<number | undefined>((resolve, reject) => {
      req.on("response", (response) => {
        response.resume();
        response.on("end", () => resolve(response.statusCode));
      });
      req.on("error", reject);
    });
    req.write(body.slice(0, 10));
    return { req, status };
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  child.kill("SIGTERM");
  await new Promise((resolve) => setTimeout(resolve, 300));
  await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  for (const { req } of inFlight) req.end(body.slice(10));
  expect(await Promise.all(inFlight.map(({ status }) => status))).toEqual([200, 200, 200, 200, 200]);
  expect(await exited).toBe(0);
});
