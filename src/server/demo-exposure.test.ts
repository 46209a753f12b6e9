import { spawnSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { request, type IncomingHttpHeaders } from "node:http";
import { networkInterfaces } from "node:os";
import { join } from "node:path";
import { Role } from "../auth/role";
import { signToken } from "../auth/sign-token";
import { DEVELOPMENT_JWT_SECRET, loadConfig } from "../config";
import { childEnv } from "../test/child-env";
import { graphql } from "../test/gql";
import { errorCodes, startTestGateway, type TestGateway } from "../test/test-gateway";

const DemoViewer = graphql(`
  query DemoViewer {
    viewer {
      id
      role
    }
  }
`);

/** This machine's first address that is not loopback: what another machine on the network would connect to. */
const EXTERNAL_ADDRESS = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === "IPv4" && !address.internal)?.address;

/** GET /graphql as a browser asks for it, from `address`, with these headers (Host included). */
function getPage(
  address: string,
  port: number,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: address, port, path: "/graphql", headers: { accept: "text/html", ...headers } },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

const started: TestGateway[] = [];
const start = async (env: Record<string, string>) => started[started.push(await startTestGateway(env)) - 1];
afterAll(() => Promise.all(started.map((gateway) => gateway.stop())));

describe("production never accepts the development secret", () => {
  it("refuses to start with NODE_ENV=production and no secret, or with the development secret", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(
      /^JWT_SECRET: or JWT_JWKS_URL is required with NODE_ENV=production/,
    );
    expect(() => loadConfig({ NODE_ENV: "production", JWT_SECRET: DEVELOPMENT_JWT_SECRET })).toThrow(
      /^JWT_SECRET: is the published development secret/,
    );
    const run = spawnSync(join(__dirname, "../../node_modules/.bin/tsx"), ["src/main.ts"], {
      cwd: join(__dirname, "../.."),
      env: childEnv({ NODE_ENV: "production", DATA_DIR: "memory://", PORT: "0" }),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect({ status: run.status, stdout: run.stdout }).toEqual({ status: 1, stdout: "" });
    expect(run.stderr).toMatch(
      /^Configuration error: JWT_SECRET: or JWT_JWKS_URL is required with NODE_ENV=production/,
    );
  });

  it("leaves a super admin token signed with the development secret anonymous in an embedded production gateway", async () => {
    const production = await start({ NODE_ENV: "production", DATABASE_URL: "" });
    const token = await signToken(DEVELOPMENT_JWT_SECRET, { id: randomUUID(), role: Role.SUPER_ADMIN, tenantId: null });
    const { body } = await production.query(DemoViewer, {}, { token });
    expect({ data: body.data?.viewer ?? null, codes: errorCodes(body) }).toEqual({
      data: null,
      codes: ["UNAUTHENTICATED"],
    });
  });
});

describe("the embedded demo", () => {
  it("listens on 127.0.0.1 unless HOST says otherwise", async () => {
    expect(loadConfig({}).host).toBe("127.0.0.1");
    expect(loadConfig({ DATABASE_URL: "postgresql://h/db", JWT_SECRET: "x".repeat(32) }).host).toBe("0.0.0.0");
    const demo = await start({ DATABASE_URL: "", HOST: "" });
    expect((await getPage("127.0.0.1", demo.port, {})).status).toBe(200);
    expect(EXTERNAL_ADDRESS).toBeDefined();
    await expect(getPage(EXTERNAL_ADDRESS as string, demo.port, {})).rejects.toThrow(/ECONNREFUSED/);
  });

  it("puts its token in the GraphiQL page only for a browser on this machine asking for localhost", async () => {
    // HOST 0.0.0.0: reachable from the network, as a demo started with HOST set is.
    const demo = await start({ DATABASE_URL: "", HOST: "0.0.0.0" });
    const local = `127.0.0.1:${demo.port}`;
    const withToken = (page: { body: string }) => /Bearer ey[\w-]+\.[\w-]+\.[\w-]+/.test(page.body);

    expect(withToken(await getPage("127.0.0.1", demo.port, { host: local }))).toBe(true);
    expect(withToken(await getPage("127.0.0.1", demo.port, { host: `localhost:${demo.port}` }))).toBe(true);
    const elsewhere: Record<string, string>[] = [
      { host: `demo.example.com:${demo.port}` },
      { host: `localhost.evil.example:${demo.port}` },
      { host: local, "x-forwarded-for": "203.0.113.9" },
      { host: local, forwarded: "for=203.0.113.9" },
      { host: local, "x-real-ip": "203.0.113.9" },
      { host: local, via: "1.1 proxy" },
    ];
    for (const headers of elsewhere) {
      const page = await getPage("127.0.0.1", demo.port, headers);
      expect({ headers, status: page.status, token: withToken(page) }).toEqual({ headers, status: 200, token: false });
    }
    const remote = await getPage(EXTERNAL_ADDRESS as string, demo.port, { host: local });
    expect({ status: remote.status, token: withToken(remote) }).toEqual({ status: 200, token: false });
  });

  it("serves the page with a content security policy, no framing, nosniff and a referrer policy", async () => {
    const demo = await start({ DATABASE_URL: "" });
    const page = await getPage("127.0.0.1", demo.port, {});
    const policy = Object.fromEntries(
      String(page.headers["content-security-policy"])
        .split(";")
        .map((directive) => directive.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(policy).toMatchObject({
      "default-src": ["'none'"],
      "script-src": ["'self'"],
      "frame-ancestors": ["'none'"],
      "base-uri": ["'none'"],
    });
    expect(page.headers).toMatchObject({
      "x-content-type-options": "nosniff",
      "x-frame-options": "DENY",
      "referrer-policy": "no-referrer",
      "cache-control": "no-store",
    });
    // No inline script to allow: the page's only script elements load files, or hold JSON data.
    const scripts = [...page.body.matchAll(/<script([^>]*)>/g)].map(([, attributes]) => attributes.trim());
    expect(
      scripts.every((attributes) => /^src="\/graphql\/assets\/[\w.-]+"$|^type="application\/json"/.test(attributes)),
    ).toBe(true);
  });
});
