import { execFileSync } from "node:child_process";
import { appendFileSync, chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool } from "pg";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { createLogger } from "../logger";
import { createTenant, createUser, insertActivity, viewerWithoutRow } from "../test/factories";
import { graphql } from "../test/gql";
import { startTestGateway, type TestGateway } from "../test/test-gateway";
import { serverUrl } from "../test/test-database";
import { until } from "../test/until";

const ReplicaUsage = graphql(`
  query ReplicaUsage($tenantId: ID) {
    usageMetrics(range: LAST_7_DAYS, tenantId: $tenantId) {
      daily {
        totalLogins
      }
      freshness {
        asOf
      }
    }
  }
`);

const ReplicaRecord = graphql(`
  mutation ReplicaRecord {
    recordActivity(actionType: LOGIN) {
      id
    }
  }
`);

const ReplicaSetTimeZone = graphql(`
  mutation ReplicaSetTimeZone($timeZone: String) {
    setTenantTimeZone(timeZone: $timeZone) {
      timeZone
    }
  }
`);

const ReplicaTenantSettings = graphql(`
  query ReplicaTenantSettings($tenantId: ID) {
    tenantSettings(tenantId: $tenantId) {
      timeZone
    }
  }
`);

const ReplicaRollup = graphql(`
  mutation ReplicaRollup($date: Date!) {
    runRollup(date: $date) {
      startedAt
    }
  }
`);

const ReplicaRuns = graphql(`
  query ReplicaRuns {
    rollupStatus {
      recentRuns {
        startedAt
      }
    }
  }
`);

function postgresBinaries(): string | null {
  try {
    const bindir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    return existsSync(join(bindir, "initdb")) && existsSync(join(bindir, "pg_basebackup")) ? bindir : null;
  } catch {
    return null;
  }
}

const bindir = serverUrl ? postgresBinaries() : null;
if (serverUrl && !bindir) console.warn("read-replica.test.ts skipped: no PostgreSQL binaries (pg_config --bindir)");
const withClusters = bindir ? describe : describe.skip;

/** The clusters belong to the postgres user: initdb refuses root. */
function asPostgres(command: string, args: string[]): void {
  const program = join(bindir!, command);
  if (process.getuid?.() === 0) execFileSync("runuser", ["-u", "postgres", "--", program, ...args], { stdio: "pipe" });
  else execFileSync(program, args, { stdio: "pipe" });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const url = (port: number) => `postgresql://postgres@127.0.0.1:${port}/postgres`;

withClusters("a read replica (DATABASE_READ_URL)", () => {
  jest.setTimeout(120_000);
  // Made in beforeAll: a skipped describe still runs this body.
  let root: string;
  let primaryDir: string;
  let replicaDir: string;
  const logLines: string[] = [];
  let ports: { primary: number; replica: number };
  let primary: Pool;
  let replica: Pool;
  let gateway: TestGateway | undefined;
  let replicaRunning = false;

  const start = (dir: string, port: number) =>
    asPostgres("pg_ctl", [
      "-D",
      dir,
      "-w",
      "-l",
      `${dir}.log`,
      "-o",
      `-p ${port} -k ${root} -c listen_addresses=127.0.0.1`,
      "start",
    ]);
  const stop = (dir: string) => asPostgres("pg_ctl", ["-D", dir, "-m", "immediate", "-w", "stop"]);
  const gauge = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(await gateway!.metrics())?.[1]);

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), "read-replica-"));
    primaryDir = join(root, "primary");
    replicaDir = join(root, "replica");
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }));
      const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }));
      chownSync(root, uid, gid);
    }
    ports = { primary: await freePort(), replica: await freePort() };
    asPostgres("initdb", ["-D", primaryDir, "-U", "postgres", "--auth=trust"]);
    appendFileSync(join(primaryDir, "pg_hba.conf"), "\nhost replication all 127.0.0.1/32 trust\n");
    start(primaryDir, ports.primary);
    asPostgres("pg_basebackup", [
      "-h",
      "127.0.0.1",
      "-p",
      String(ports.primary),
      "-U",
      "postgres",
      "-D",
      replicaDir,
      "-R",
    ]);
    start(replicaDir, ports.replica);
    replicaRunning = true;
    primary = new Pool({ connectionString: url(ports.primary) });
    replica = new Pool({ connectionString: url(ports.replica) });
    // Its idle connections break when the test stops the replica.
    replica.on("error", () => undefined);
    gateway = await startTestGateway(
      {
        DATABASE_URL: url(ports.primary),
        DIRECT_URL: url(ports.primary),
        DATABASE_READ_URL: url(ports.replica),
        // Far above this test's pauses of replay: the replica is skipped here only when it stops answering.
        READ_REPLICA_MAX_LAG_MS: "60000",
      },
      { log: createLogger({ logLevel: "info" }, { write: (line: string) => void logLines.push(line) }) },
    );
  });

  afterAll(async () => {
    try {
      await gateway?.stop();
      await primary?.end();
      await replica?.end();
    } finally {
      if (replicaRunning) stop(replicaDir);
      if (root && existsSync(join(primaryDir, "postmaster.pid"))) stop(primaryDir);
      if (root) rmSync(root, { recursive: true, force: true });
    }
  });

  it("serves reads from the replica as of its replay, a viewer's own writes from the primary, and falls back when it stops", async () => {
    const tenantId = await createTenant(primary);
    const admin = viewerWithoutRow(Role.SUPER_ADMIN, null);
    const logins = async (viewer = admin) => {
      const { body } = await gateway!.query(ReplicaUsage, { tenantId }, { viewer });
      const usage = body.data!.usageMetrics;
      return { logins: usage.daily.reduce((sum, day) => sum + day.totalLogins, 0), asOf: usage.freshness.asOf };
    };
    // Caught up and idle, the replica is not taken for a lagging one.
    await until("the replica in use", async () => (await gauge("gateway_read_replica_used")) === 1, 20_000);
    await until("no lag", async () => (await gauge("gateway_read_replica_lag_seconds")) === 0, 20_000);
    await until("the tenant replayed", async () => (await logins()).logins === 0, 20_000);

    // Replay paused, a row written on the primary is not in the answer: it came from the replica, as of its replay.
    await replica.query("SELECT pg_wal_replay_pause()");
    const user = await createUser(primary, { tenantId, role: Role.TENANT_ADMIN });
    await insertActivity(primary, [{ tenantId, userId: user.id, actionType: "login", createdAt: new Date() }]);
    const [{ committed, lsn }] = (
      await primary.query<{ committed: Date; lsn: string }>(
        "SELECT now() AS committed, pg_current_wal_insert_lsn()::text AS lsn",
      )
    ).rows;
    await until("the write received, not replayed", async () => {
      const { rows } = await replica.query<{ received: boolean }>(
        "SELECT pg_last_wal_receive_lsn() >= $1::pg_lsn AS received",
        [lsn],
      );
      return rows[0].received;
    });
    const stale = await logins();
    expect(stale.logins).toBe(0);
    expect(new Date(stale.asOf).getTime()).toBeLessThan(committed.getTime());
    const readers = await replica.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'analytics-gateway reads'",
    );
    expect(readers.rows[0].n).toBeGreaterThan(0);

    // The viewer who writes reads its writes: recordActivity, then runRollup, while the replica still lags.
    const member = { id: user.id, role: user.role, tenantId };
    expect((await gateway!.query(ReplicaRecord, {}, { viewer: member })).body.errors).toBeUndefined();
    expect((await logins(member)).logins).toBe(2);
    expect((await logins()).logins).toBe(0);
    // setTenantTimeZone by a viewer who wrote nothing yet (and whose users row the replica has not replayed) is sent
    // to the primary, as the replica is read-only; its writer reads it back, others not yet.
    const setter = await createUser(primary, { tenantId, role: Role.TENANT_ADMIN });
    const zone = await gateway!.query(ReplicaSetTimeZone, { timeZone: "Asia/Kolkata" }, { viewer: setter });
    expect(zone.body).toEqual({ data: { setTenantTimeZone: { timeZone: "Asia/Kolkata" } } });
    const settings = async (viewer: Viewer) =>
      (await gateway!.query(ReplicaTenantSettings, { tenantId }, { viewer })).body.data!.tenantSettings.timeZone;
    expect(await settings(setter)).toBe("Asia/Kolkata");
    expect(await settings(admin)).toBe("UTC");
    const date = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const run = await gateway!.query(ReplicaRollup, { date }, { viewer: admin });
    const startedAt = run.body.data!.runRollup.startedAt;
    const runs = async (viewer = admin) =>
      (await gateway!.query(ReplicaRuns, {}, { viewer })).body.data!.rollupStatus.recentRuns.map((r) => r.startedAt);
    expect(await runs()).toContain(startedAt);
    expect(await runs(viewerWithoutRow(Role.SUPER_ADMIN, null))).not.toContain(startedAt);

    // Replay resumed: the answer and its asOf follow it.
    await replica.query("SELECT pg_wal_replay_resume()");
    const caughtUp = await until("the replica's answer to catch up", async () => {
      const answer = await logins(viewerWithoutRow(Role.SUPER_ADMIN, null));
      return answer.logins === 2 && answer;
    });
    expect(new Date(caughtUp.asOf).getTime()).toBeGreaterThanOrEqual(committed.getTime());
    expect(await runs(viewerWithoutRow(Role.SUPER_ADMIN, null))).toContain(startedAt);
    expect(await settings(viewerWithoutRow(Role.SUPER_ADMIN, null))).toBe("Asia/Kolkata");

    // Stopped, the replica is skipped for the primary, with a metric and a log line.
    stop(replicaDir);
    replicaRunning = false;
    await until("the replica skipped", async () => (await gauge("gateway_read_replica_used")) === 0, 20_000);
    expect(logLines.some((line) => line.includes("read replica skipped"))).toBe(true);
    await insertActivity(primary, [{ tenantId, userId: user.id, actionType: "login", createdAt: new Date() }]);
    expect((await logins()).logins).toBe(3);
  });
});
