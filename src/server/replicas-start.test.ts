import { execFile, spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { Client } from "pg";
import { readMigrations } from "../db/migrate";
import { childEnv } from "../test/child-env";
import { adminQuery, directServerUrl, serverUrl, withDatabase } from "../test/test-database";

const ROOT = join(__dirname, "..", "..");
/** Everything `npm start` may build. */
const BUILD_OUTPUTS = ["dist", "src/db/generated", "schema.graphql"];

/** Each build output's modification time: a rebuild, even to the same bytes, changes them. */
function outputTimes(): Record<string, number> {
  const times: Record<string, number> = {};
  for (const output of BUILD_OUTPUTS) {
    const full = join(ROOT, output);
    const files = statSync(full).isDirectory()
      ? readdirSync(full, { recursive: true, withFileTypes: true })
          .filter((entry) => entry.isFile())
          .map((entry) => join(entry.parentPath, entry.name))
      : [full];
    for (const file of files) times[relative(ROOT, file)] = statSync(file).mtimeMs;
  }
  return times;
}

interface Replica {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Its stdout and stderr so far. */
  output(): string;
}

/** `npm start` itself, in a process group of its own (npm, sh, node) so it can be stopped whole. */
function npmStart(env: Record<string, string>): Replica {
  const child = spawn("npm", ["start"], {
    cwd: ROOT,
    detached: true,
    env: childEnv(env, ["HOME"]),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function ready(replica: Replica, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!replica.output().includes('"msg":"gateway ready"')) {
    if (replica.child.exitCode !== null || Date.now() > deadline)
      throw new Error(`not ready (exit code ${replica.child.exitCode}):\n${replica.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The migration names each replica logged as applied by itself. */
function appliedBy(replica: Replica): string[] {
  return replica
    .output()
    .split("\n")
    .filter((line) => line.includes('"msg":"migrations applied"'))
    .flatMap((line) => (JSON.parse(line) as { migrations: string[] }).migrations);
}

const onPostgres = serverUrl ? describe : describe.skip;

onPostgres("npm start, three replicas at once (PostgreSQL only: one server, one new database)", () => {
  const name = `gateway_start_${process.pid}_${randomBytes(4).toString("hex")}`;
  const replicas: Replica[] = [];
  beforeAll(async () => {
    // The clean build they all start from: built now unless the checkout's is current.
    await promisify(execFile)(process.execPath, ["scripts/build.js"], { cwd: ROOT });
    await adminQuery(directServerUrl!, `CREATE DATABASE "${name}"`);
  });
  afterAll(async () => {
    for (const replica of replicas) if (replica.child.exitCode === null) process.kill(-replica.child.pid!, "SIGTERM");
    await Promise.all(replicas.map((replica) => replica.exited));
    await adminQuery(directServerUrl!, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });

  it("all get ready, none rebuilds, and each migration is applied once, by one of them", async () => {
    const before = outputTimes();
    for (const id of ["a", "b", "c"]) {
      replicas.push(
        npmStart({
          NODE_ENV: "test",
          DATABASE_URL: withDatabase(serverUrl!, name),
          DIRECT_URL: withDatabase(directServerUrl!, name),
          JWT_SECRET: "replica-start-test-secret-0123456789-0123456789",
          PORT: "0",
          METRICS_PORT: "0",
          HOST: "127.0.0.1",
          REPLICA_ID: id,
          ROLLUP_ENABLED: "false",
          LOG_LEVEL: "info",
        }),
      );
    }
    await Promise.all(replicas.map((replica) => ready(replica, 90_000)));

    expect(replicas.map((replica) => replica.output().includes("build: up to date"))).toEqual([true, true, true]);
    expect(outputTimes()).toEqual(before);

    const names = readMigrations().map((migration) => migration.name);
    expect(replicas.flatMap(appliedBy).sort()).toEqual(names);
    const client = new Client({ connectionString: withDatabase(directServerUrl!, name) });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string }>(
        `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY migration_name`,
      );
      expect(rows.map((row) => row.migration_name)).toEqual(names);
    } finally {
      await client.end();
    }
  });
});
