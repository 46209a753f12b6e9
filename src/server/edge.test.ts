import { Agent, get, request, type IncomingMessage } from "node:http";
import { connect, type Socket } from "node:net";
import pino from "pino";
import { Role } from "../auth/role";
import { loadConfig } from "../config";
import { createUser, viewerWithoutRow } from "../test/factories";
import { startTestGateway, type TestGateway } from "../test/test-gateway";
import { until } from "../test/until";
import { QUERY_LIMITS } from "./limits";

/**
 * The edge in production: slow and hostile clients, open endpoints, errors a client can trigger. One gateway with
 * timeouts of a second or so and room for 100 connections, its log kept to be read.
 */
interface LogLine {
  level: number;
  msg: string;
  requestId?: string;
  err?: { stack?: string };
}
const lines: LogLine[] = [];
const ERROR = 50;
const gateway = {} as TestGateway;
const TENANT = "0e000000-0000-4000-8000-0000000000e1";
let agentToken: string;

beforeAll(async () => {
  const log = pino({ level: "debug" }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  Object.assign(
    gateway,
    await startTestGateway(
      {
        NODE_ENV: "production",
        HTTP_HEADERS_TIMEOUT_MS: "1000",
        HTTP_REQUEST_TIMEOUT_MS: "1500",
        HTTP_MAX_CONNECTIONS: "100",
        // A scrape that needed a pool connection would wait this long: the metrics test holds them all.
        DB_CONNECT_TIMEOUT_MS: "120000",
      },
      { log },
    ),
  );
  agentToken = await gateway.token(viewerWithoutRow(Role.AGENT, TENANT));
});
afterAll(() => gateway.stop());

interface Answer {
  status: number;
  requestId: string | null;
  body: { data?: unknown; errors?: { message: string; extensions?: { code?: string; requestId?: string } }[] };
}

async function post(body: unknown, token?: string): Promise<Answer> {
  const response = await gateway.fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    requestId: response.headers.get("x-request-id"),
    body: (await response.json()) as Answer["body"],
  };
}

const codes = ({ body }: Answer) => body.errors?.map((error) => error.extensions?.code);
const errorLinesOf = (requestId: string | null) =>
  lines.filter((line) => line.requestId === requestId && line.level >= ERROR);

/** The sum of gateway_graphql_requests_total over all operations, for one outcome. */
function outcomeTotal(metrics: string, outcome: string): number {
  const pattern = new RegExp(
    `^gateway_graphql_requests_total\\{operation="[^"]*",outcome="${outcome}"\\} (\\d+)$`,
    "gm",
  );
  return [...metrics.matchAll(pattern)].reduce((sum, match) => sum + Number(match[1]), 0);
}

/** A GET /healthz on a connection of its own (no keep-alive pool to hide behind). */
function healthz(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = get({ host: "127.0.0.1", port, path: "/healthz", agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
  });
}

/** A raw socket that records what it received and whether it closed; `answered` resolves on its first bytes in. */
function rawSocket(port: number) {
  const socket = connect(port, "127.0.0.1");
  let received = "";
  let closed = false;
  const answered = new Promise((resolve) => socket.once("data", resolve));
  socket.on("data", (chunk) => (received += chunk.toString("latin1")));
  socket.on("error", () => undefined);
  socket.on("close", () => (closed = true));
  return { socket, answered, received: () => received, closed: () => closed };
}

const connected = (socket: Socket) => new Promise((resolve) => socket.once("connect", resolve));

describe("slow clients", () => {
  it("cuts slow headers, slow bodies and silent connections within the timeouts, and /healthz answers throughout", async () => {
    const clients = Array.from({ length: 200 }, (_, i) => ({ kind: i % 4, ...rawSocket(gateway.port) }));
    await Promise.all(clients.map(({ socket }) => connected(socket)));
    for (const { kind, socket } of clients) {
      if (kind <= 1)
        socket.write(
          "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n",
        );
      if (kind === 2) socket.write("GET /graphql HTTP/1.1\r\nHost: x\r\n");
    }
    // One byte of body, or one header line, every 300 ms: each socket stays busy, never finishing its request.
    const drip = setInterval(() => {
      for (const { kind, socket, closed } of clients) {
        if (closed()) continue;
        if (kind <= 1) socket.write("x");
        if (kind === 2) socket.write("X-Drip: 1\r\n");
      }
    }, 300);
    const health: number[] = [];
    try {
      await until(
        "every slow client cut",
        async () => {
          health.push(await healthz(gateway.port));
          return clients.every(({ closed }) => closed());
        },
        30_000,
      );
    } finally {
      clearInterval(drip);
    }
    expect(health.length).toBeGreaterThan(0);
    expect(health.every((status) => status === 200)).toBe(true);
    // Those cut by their timeout (not made room for) were told so.
    expect(clients.some(({ kind, received }) => kind <= 2 && received().startsWith("HTTP/1.1 408"))).toBe(true);
  });

  it("sends a body over 64 KB a 413 the client reads after sending it all (2 MB of query, 8 MB of variables)", async () => {
    const bodies = [
      JSON.stringify({ query: `{ __typename ${"a ".repeat(1_000_000)}}` }),
      JSON.stringify({ query: "{ __typename }", variables: { x: "v".repeat(8 * 1024 * 1024) } }),
    ];
    const before = await gateway.metrics();
    for (const body of bodies) {
      for (const chunked of [false, true]) {
        const answer = await new Promise<{ status?: number; text: string }>((resolve, reject) => {
          const req = request(
            {
              host: "127.0.0.1",
              port: gateway.port,
              method: "POST",
              path: "/graphql",
              agent: false,
              headers: {
                "content-type": "application/json",
                ...(chunked ? {} : { "content-length": Buffer.byteLength(body) }),
              },
            },
            (res) => {
              let text = "";
              res.on("data", (chunk) => (text += chunk));
              res.on("end", () => resolve({ status: res.statusCode, text }));
            },
          );
          req.on("error", reject);
          if (chunked) for (let at = 0; at < body.length; at += 256 * 1024) req.write(body.slice(at, at + 256 * 1024));
          req.end(chunked ? undefined : body);
        });
        expect({ chunked, status: answer.status }).toEqual({ chunked, status: 413 });
        const { errors } = JSON.parse(answer.text) as { errors: { extensions: { code: string } }[] };
        expect(errors[0].extensions.code).toBe("BAD_REQUEST");
      }
    }
    const after = await gateway.metrics();
    expect(outcomeTotal(after, "rejected")).toBe(outcomeTotal(before, "rejected") + 4);
    expect(outcomeTotal(after, "failed")).toBe(outcomeTotal(before, "failed"));
  });

  it("logs uploads the client aborts at info, with no stack", async () => {
    const before = lines.length;
    const uploads = Array.from({ length: 50 }, () => rawSocket(gateway.port));
    await Promise.all(uploads.map(({ socket }) => connected(socket)));
    for (const { socket } of uploads) {
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n`,
      );
      socket.write(`{"query":"${"x".repeat(1000)}`);
    }
    // Time for the requests to reach the handler, which is reading their bodies when they are cut.
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const { socket } of uploads) socket.destroy();
    const left = () => lines.slice(before).filter((line) => line.msg === "the client left while sending its request");
    await until("every abort logged", () => left().length === 50, 10_000);
    expect(left().every((line) => line.level < ERROR && line.err === undefined)).toBe(true);
    expect(lines.slice(before).filter((line) => line.level >= ERROR)).toEqual([]);
  });
});

describe("keep-alive and the connection cap (room for 50 connections)", () => {
  const roomy = {} as TestGateway;
  beforeAll(async () => {
    Object.assign(roomy, await startTestGateway({ NODE_ENV: "production", HTTP_MAX_CONNECTIONS: "50" }));
  });
  afterAll(() => roomy.stop());

  it("answers on a socket reused after 6 s idle (beyond Node's default 5 s keep-alive and the headers timeout)", async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const fetchOnAgent = () =>
      new Promise<{ status?: number; reused: boolean }>((resolve, reject) => {
        const req = get({ host: "127.0.0.1", port: gateway.port, path: "/healthz", agent }, (res: IncomingMessage) => {
          res.resume();
          res.on("end", () => resolve({ status: res.statusCode, reused: req.reusedSocket }));
        });
        req.on("error", reject);
      });
    try {
      expect(await fetchOnAgent()).toEqual({ status: 200, reused: false });
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      expect(await fetchOnAgent()).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  });

  it("at the cap, closes the keep-alive socket idle the longest before a slow client, and lets the new one in", async () => {
    const slow = rawSocket(roomy.port);
    await connected(slow.socket);
    slow.socket.write(
      "POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n{",
    );
    const idle: ReturnType<typeof rawSocket>[] = [];
    for (let i = 0; i < 49; i += 1) {
      const client = rawSocket(roomy.port);
      await connected(client.socket);
      client.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      await client.answered;
      idle.push(client);
    }
    expect(await healthz(roomy.port)).toBe(200);
    await until("the oldest idle socket closed", () => idle[0].closed());
    expect(idle.slice(1).some(({ closed }) => closed())).toBe(false);
    expect(slow.closed()).toBe(false);
    for (const { socket } of [slow, ...idle]) socket.destroy();
  });
});

describe("errors a client can trigger are client errors", () => {
  it("refuses introspection to anonymous and agents with 403 FORBIDDEN, counted rejected, not failed", async () => {
    const before = await gateway.metrics();
    for (const token of [undefined, agentToken]) {
      const answer = await post({ query: "query Probe { __schema { queryType { name } } }" }, token);
      expect({ status: answer.status, codes: codes(answer) }).toEqual({ status: 403, codes: ["FORBIDDEN"] });
      expect(answer.body.errors?.[0].extensions?.requestId).toBe(answer.requestId);
      expect(errorLinesOf(answer.requestId)).toEqual([]);
    }
    const after = await gateway.metrics();
    expect(outcomeTotal(after, "failed")).toBe(outcomeTotal(before, "failed"));
    expect(outcomeTotal(after, "rejected")).toBe(outcomeTotal(before, "rejected") + 2);
  });

  it("answers a persisted query whose hash does not match with Apollo's 400 BAD_REQUEST, logged below error", async () => {
    const answer = await post({
      query: "{ __typename }",
      extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } },
    });
    expect({ status: answer.status, codes: codes(answer) }).toEqual({ status: 400, codes: ["BAD_REQUEST"] });
    expect(answer.body.errors?.[0].message).toBe("provided sha does not match query");
    expect(errorLinesOf(answer.requestId)).toEqual([]);
  });

  it("refuses a list literal nested thousands deep with a parse error naming no internals", async () => {
    const depth = 3000;
    const answer = await post({
      query: `{ usageMetrics(tenantId: ${"[".repeat(depth)}1${"]".repeat(depth)}) { range } }`,
    });
    expect({ status: answer.status, codes: codes(answer) }).toEqual({ status: 400, codes: ["GRAPHQL_PARSE_FAILED"] });
    expect(answer.body.errors?.[0].message).toBe(`Syntax Error: brackets nested deeper than ${QUERY_LIMITS.nesting}.`);
    expect(answer.body.errors?.[0].extensions?.requestId).toBe(answer.requestId);
  });

  it("suggests no enum value when a variable does not coerce", async () => {
    const answer = await post(
      {
        query: "query Usage($r: UsageRange) { usageMetrics(range: $r) { range } }",
        variables: { r: "LAST_7_DAY" },
      },
      agentToken,
    );
    expect({ status: answer.status, codes: codes(answer) }).toEqual({ status: 400, codes: ["BAD_USER_INPUT"] });
    expect(answer.body.errors?.[0].message).not.toMatch(/Did you mean|LAST_7_DAYS/);
  });

  it("answers a request target URL cannot read with 400, and serves on", async () => {
    for (const target of ["//[", "http://["]) {
      const client = rawSocket(gateway.port);
      client.socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\n\r\n`);
      await until("its answer", () => client.received().includes("}]}"));
      expect(client.received()).toMatch(/^HTTP\/1\.1 400 [^]*"code":"BAD_REQUEST"/);
      client.socket.destroy();
    }
    expect(await healthz(gateway.port)).toBe(200);
  });

  it("stamps the request id on the errors Apollo answers before any plugin runs", async () => {
    const response = await gateway.fetch("/graphql?query=%7B__typename%7D&variables=nope", {
      headers: { "apollo-require-preflight": "true" },
    });
    const body = (await response.json()) as Answer["body"];
    expect(response.status).toBe(400);
    expect(body.errors?.[0].extensions).toEqual({
      code: "BAD_REQUEST",
      requestId: response.headers.get("x-request-id"),
    });
  });

  it("serves GraphiQL's assets with nosniff", async () => {
    const response = await gateway.fetch("/graphql/assets/start.js");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });
});

describe("/metrics", () => {
  it("is not on the public port, and is on the metrics port without a statement per scrape", async () => {
    expect((await gateway.fetch("/metrics")).status).toBe(404);
    expect(gateway.metricsPort).not.toBe(gateway.port);
    const { pool } = gateway.db;
    // Every pool connection held: a scrape that sent SQL would wait (DB_CONNECT_TIMEOUT_MS) and never answer here.
    const held = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
    try {
      const response = await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`, {
        signal: AbortSignal.timeout(10_000),
      });
      expect(response.status).toBe(200);
      const text = await response.text();
      expect(text).toMatch(/^gateway_db_pool_connections\{state="waiting"\} 0$/m);
      // No heal pass on this replica (no scheduler): the rollup's gauges are unknown rather than read per scrape.
      expect(text).toMatch(/^gateway_rollup_lag_days nan$/im);
    } finally {
      for (const client of held) client.release();
    }
  });

  it("labels operations only by the names this gateway ships or that a viewer ran successfully", async () => {
    for (let i = 0; i < 210; i += 1) await post({ query: `query Junk_${i} { __typename }` });
    await post({ query: "query PlatformOverview { platformPulse { totalProspects } }" });
    await post({ query: "query MyPanel { __typename }" }, agentToken);
    await post({ query: "query Junk_0 { __typename }" }, agentToken);
    const text = await gateway.metrics();
    expect(text).not.toMatch(/operation="Junk_[1-9]/);
    expect(text).toMatch(/gateway_graphql_requests_total\{operation="other",outcome="ok"\} 210/);
    expect(text).toMatch(/gateway_graphql_requests_total\{operation="PlatformOverview",outcome="error"\} 1/);
    expect(text).toMatch(/gateway_graphql_requests_total\{operation="MyPanel",outcome="ok"\} 1/);
    expect(text).toMatch(/gateway_graphql_requests_total\{operation="Junk_0",outcome="ok"\} 1/);
  });
});

describe("who did it", () => {
  it("records runRollup's viewer with the run", async () => {
    const admin = await createUser(gateway.db.pool, { tenantId: null, role: Role.SUPER_ADMIN });
    const answer = await post({ query: "mutation { runRollup { status } }" }, await gateway.token(admin));
    expect(answer.body).toEqual({ data: { runRollup: { status: "succeeded" } } });
    const { rows } = await gateway.db.pool.query<{ requested_by: string | null }>(
      `SELECT requested_by FROM rollup_runs WHERE trigger = 'manual'`,
    );
    expect(rows).toEqual([{ requested_by: admin.id }]);
  });
});

describe("shutdown", () => {
  it("closes idle keep-alive sockets on stop", async () => {
    const stopping = await startTestGateway({ NODE_ENV: "production" });
    const client = rawSocket(stopping.port);
    await connected(client.socket);
    client.socket.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    await client.answered;
    await stopping.stop();
    await until("the idle socket closed by the server", () => client.closed(), 5_000);
  });
});

it("refuses a headers timeout beyond the request timeout at start", () => {
  expect(() => loadConfig({ HTTP_HEADERS_TIMEOUT_MS: "20000" })).toThrow(
    'HTTP_HEADERS_TIMEOUT_MS: exceeds HTTP_REQUEST_TIMEOUT_MS (got "20000")',
  );
});
