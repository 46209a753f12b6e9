/**
 * The bench's database and gateway-process helpers, shared by bench.ts
 * (issue 6) and load.ts (issue 7).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import pg from "pg";
import { Role } from "../src/auth/role";
import { signToken } from "../src/auth/sign-token";

const ROOT = join(__dirname, "..");

// ---------------------------------------------------------------- the bench's database

export function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}

export async function admin(url: string, sql: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rowCount ?? 0;
  } finally {
    await client.end();
  }
}

/**
 * A pool on the bench's database. An idle client's error (the server ending its session, as DROP DATABASE ... WITH
 * (FORCE) does to a socket that pool.end() has let go of but not yet closed) is reported, not thrown: without a
 * listener pg-pool re-emits it as an unhandled 'error' and the process dies after its work is done.
 */
export function benchPool(config: pg.PoolConfig, log: (line: string) => void): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("error", (error) => log(`an idle database connection ended: ${error.message}`));
  return pool;
}

// ---------------------------------------------------------------- the gateway, as a child process

export interface GatewayProcess {
  base: string;
  /** Where its /metrics is served (its own port, README "Operations"). */
  metricsBase: string;
  pid: number;
  /** Peak RSS so far, in MB, from the samples and the kernel's VmHWM. */
  peakMb(): number;
  idleMb: number;
  output(): string;
  stop(): Promise<void>;
}

/** How long the gateway may take to exit after SIGTERM before the bench kills it. */
const STOP_GRACE_MS = 5_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export function statusMb(pid: number, field: "VmRSS" | "VmHWM"): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) / 1024 : NaN;
}

/**
 * The per-tenant and per-viewer budgets (README, "Budgets") raised out of the way: the raw-speed runs (latency,
 * throughput, load) drive up to 50 connections with one token per role, which those budgets exist to refuse. The
 * hostile neighbour runs on a gateway with the defaults.
 */
export const RAISED_BUDGETS = {
  VIEWER_MAX_REQUESTS: "10000",
  TENANT_MAX_REQUESTS: "10000",
  TENANT_MAX_COST_IN_FLIGHT: "10000000",
  VIEWER_MAX_STATEMENTS: "200",
  TENANT_MAX_STATEMENTS: "200",
  TENANT_DB_SECONDS_PER_MINUTE: "100000",
};

export async function startGateway(
  databaseUrl: string,
  secret: string,
  log: (line: string) => void,
  settings: Record<string, string> = {},
  /** How long it may take to be ready: its start applies the pending migrations first (an adoption: minutes). */
  readyWithinMs = 60_000,
): Promise<GatewayProcess> {
  const port = await freePort();
  const metricsPort = await freePort();
  // One node process (tsx as a loader, not its CLI wrapper), so its pid is the gateway's.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      JWT_SECRET: secret,
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      HOST: "127.0.0.1",
      LOG_LEVEL: "warn",
      ROLLUP_ENABLED: "false",
      DB_STATEMENT_TIMEOUT_MS: "120000",
      ...settings,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the gateway exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline)
      throw new Error(`the gateway was not ready within ${readyWithinMs / 1000} s:\n${output}`);
    const ready = await fetch(`${base}/readyz`).then(
      (response) => response.status === 200,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const pid = child.pid!;
  let peak = statusMb(pid, "VmRSS");
  const sampler = setInterval(() => {
    if (child.exitCode === null) peak = Math.max(peak, statusMb(pid, "VmRSS"));
  }, 250);
  return {
    base,
    metricsBase: `http://127.0.0.1:${metricsPort}`,
    pid,
    idleMb: peak,
    peakMb: () => (child.exitCode === null ? Math.max(peak, statusMb(pid, "VmHWM")) : peak),
    output: () => output,
    async stop() {
      clearInterval(sampler);
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timer = new Promise<"slow">((resolve) => setTimeout(() => resolve("slow"), STOP_GRACE_MS).unref());
      if ((await Promise.race([exited, timer])) === "slow") {
        log(`the gateway did not exit within ${STOP_GRACE_MS / 1000} s of SIGTERM: killed`);
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

/**
 * Signed tokens of a super admin, of a tenant admin of the largest tenant
 * (generate.ts's bench-tenant-0) and of one of a mid-size tenant (bench-tenant-4,
 * about a sixth of the largest's activity: the hostile neighbour's victim), all
 * with their users rows.
 */
export async function benchTokens(
  pool: pg.Pool,
  secret: string,
): Promise<{
  largestTenantId: string;
  tokens: { superAdmin: string; tenantAdmin: string; neighbourAdmin: string };
}> {
  const { rows } = await pool.query<{ id: string; role: string; tenant_id: string | null }>(
    `SELECT DISTINCT ON (tenant_id) id::text, role, tenant_id::text FROM users
     WHERE role = 'super_admin' OR (role = 'tenant_admin' AND tenant_id IN (md5('bench-tenant-0')::uuid, md5('bench-tenant-4')::uuid))
     ORDER BY tenant_id, id`,
  );
  const largestTenantId = (await pool.query<{ id: string }>("SELECT md5('bench-tenant-0')::uuid::text AS id")).rows[0]
    .id;
  const tokenOf = (row: (typeof rows)[number]) =>
    signToken(secret, {
      id: row.id,
      role: row.role === "super_admin" ? Role.SUPER_ADMIN : Role.TENANT_ADMIN,
      tenantId: row.tenant_id,
    });
  const staff = rows.find((row) => row.tenant_id === null)!;
  const largest = rows.find((row) => row.tenant_id === largestTenantId)!;
  const neighbour = rows.find((row) => row.tenant_id !== null && row.tenant_id !== largestTenantId)!;
  return {
    largestTenantId,
    tokens: {
      superAdmin: await tokenOf(staff),
      tenantAdmin: await tokenOf(largest),
      neighbourAdmin: await tokenOf(neighbour),
    },
  };
}

/**
 * A dashboard wall: the tokens of `screens` platform staff (super admins) and of the tenant admins of the `screens`
 * largest tenants, each screen its own viewer.
 */
export async function wallTokens(
  pool: pg.Pool,
  secret: string,
  screens: number,
): Promise<{ superAdmin: string[]; tenantAdmin: string[] }> {
  const { rows } = await pool.query<{ id: string; role: string; tenant_id: string | null }>(
    `(SELECT id::text, role, NULL AS tenant_id FROM users WHERE role = 'super_admin' ORDER BY id LIMIT $1)
     UNION ALL
     (SELECT DISTINCT ON (u.tenant_id) u.id::text, u.role, u.tenant_id::text FROM users u
       WHERE u.role = 'tenant_admin' AND u.tenant_id IN (SELECT md5('bench-tenant-' || t)::uuid FROM generate_series(0, $1 - 1) t)
       ORDER BY u.tenant_id, u.id)`,
    [screens],
  );
  const tokensOf = (role: Role) =>
    Promise.all(
      rows
        .filter((row) => (row.role === "super_admin") === (role === Role.SUPER_ADMIN))
        .map((row) => signToken(secret, { id: row.id, role, tenantId: row.tenant_id })),
    );
  return { superAdmin: await tokensOf(Role.SUPER_ADMIN), tenantAdmin: await tokensOf(Role.TENANT_ADMIN) };
}

// ---------------------------------------------------------------- the scripts' ends

/** The gateway's last lines of output, for the log of a failed run. */
export const lastOutput = (gateway: GatewayProcess) => `gateway output (last lines):\n${gateway.output().slice(-4000)}`;

/** Logs the error that ended a run, with the gateway's last output; returns the exit code, 1. */
export function logFailure(log: (line: string) => void, error: unknown, gateway: GatewayProcess | null): number {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  if (gateway) log(lastOutput(gateway));
  return 1;
}

/** Runs a script's main and exits with the code it returns (1 when it throws). */
export function exitWith(main: () => Promise<number>, log: (line: string) => void): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      log(String(error));
      process.exit(1);
    },
  );
}
