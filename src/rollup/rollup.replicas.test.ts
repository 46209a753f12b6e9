import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { Pool } from "pg";
import { dailyRows, expectedDailyRows, generateActivity, insertActivityInChunks } from "../test/rollup-fixtures";
import { childEnv } from "../test/child-env";
import { createTestDatabase, serverUrl, type TestDatabase } from "../test/test-database";
import { addDays } from "../test/scenario";
import { until } from "../test/until";
import { ABANDONED_ERROR } from "./rollup.sql";

const ROOT = join(__dirname, "..", "..");

interface Replica {
  id: string;
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** A gateway process of its own (node with tsx's loader, so its pid is the gateway's), resolved once it serves. */
async function startReplica(database: TestDatabase, id: string, env: Record<string, string>): Promise<Replica> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/main.ts"], {
    cwd: ROOT,
    env: childEnv({
      NODE_ENV: "test",
      ...database.env,
      JWT_SECRET: "replica-test-secret-0123456789-0123456789",
      PORT: "0",
      HOST: "127.0.0.1",
      REPLICA_ID: id,
      LOG_LEVEL: "info",
      ...env,
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let output = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"msg":"gateway ready"')) resolve();
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`replica ${id} exited with ${code}: ${output}`)));
  });
  return { id, child, exited };
}

const onPostgres = serverUrl ? describe : describe.skip;

onPostgres("replicas (PostgreSQL only: separate gateway processes against one server)", () => {
  let database: TestDatabase;
  let pool: Pool;
  let yesterday: string;
  beforeEach(async () => {
    database = await createTestDatabase();
    pool = new Pool({ connectionString: database.url });
    // pool.end() lets go of its sockets before they close: the drop's FORCE then ends them, which is no failure.
    pool.on("error", () => undefined);
    const { rows } = await pool.query<{ d: string }>(
      "SELECT to_char((now() AT TIME ZONE 'UTC')::date - 1, 'YYYY-MM-DD') AS d",
    );
    yesterday = rows[0].d;
  });
  afterEach(async () => {
    await pool.end();
    await database.drop();
  });

  it("three replicas: each slot is claimed and run by exactly one, one run per date per slot, no two runs overlap", async () => {
    for (const [i, date] of [addDays(yesterday, -2), addDays(yesterday, -1), yesterday].entries()) {
      await insertActivityInChunks(pool, generateActivity(100 + i, date, 3000));
    }
    const env = { ROLLUP_CRON: "*/3 * * * * *", ROLLUP_LOOKBACK_DAYS: "1", ROLLUP_ENABLED: "true" };
    const replicas = await Promise.all(["r1", "r2", "r3"].map((id) => startReplica(database, id, env)));
    await new Promise((resolve) => setTimeout(resolve, 15_000));
    const { rows: clock } = await pool.query<{ stoppedAt: Date }>(`SELECT now() AS "stoppedAt"`);
    for (const replica of replicas) replica.child.kill("SIGTERM");
    expect(await Promise.all(replicas.map((replica) => replica.exited))).toEqual([0, 0, 0]);

    const { rows: ticks } = await pool.query<{ slot: Date; replica: string; claimedAt: Date }>(
      `SELECT slot, replica, claimed_at AS "claimedAt" FROM rollup_ticks ORDER BY slot`,
    );
    const { rows: runs } = await pool.query<{
      date: string;
      status: string;
      trigger: string;
      slot: Date | null;
      replica: string;
      startedAt: Date;
      finishedAt: Date;
    }>(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, status, trigger, slot, replica, started_at AS "startedAt",
              finished_at AS "finishedAt" FROM rollup_runs ORDER BY started_at, id`,
    );
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    for (const tick of ticks) expect(tick.slot.getTime() % 3000).toBe(0);
    expect(runs.every((run) => run.status === "succeeded")).toBe(true);

    // Each slot: runs only by the replica that claimed it, yesterday and the day before, each at most once.
    const scheduled = runs.filter((run) => run.trigger === "schedule");
    const bySlot = new Map(ticks.map((tick) => [tick.slot.getTime(), [] as typeof runs]));
    for (const run of scheduled) bySlot.get(run.slot!.getTime())!.push(run);
    for (const tick of ticks) {
      const slotRuns = bySlot.get(tick.slot.getTime())!;
      expect(slotRuns.every((run) => run.replica === tick.replica)).toBe(true);
      const slotYesterday = addDays(tick.slot.toISOString().slice(0, 10), -1);
      const dates = slotRuns.map((run) => run.date);
      // A tick claimed just before the stop may not have run all its dates (stop drops queued runs).
      const expected = [slotYesterday, addDays(slotYesterday, -1)];
      if (tick.claimedAt.getTime() < clock[0].stoppedAt.getTime() - 3000) expect(dates).toEqual(expected);
      else expect(expected.slice(0, dates.length)).toEqual(dates);
    }
    // Catch-up at start: the three replicas together rolled each missed date once.
    const catchUp = runs
      .filter((run) => run.trigger === "catch-up")
      .map((run) => run.date)
      .sort();
    expect(catchUp).toEqual([...new Set(catchUp)]);
    // The generated rows spill one day either side: the earliest activity is on yesterday - 3.
    expect(new Set(runs.map((run) => run.date))).toEqual(
      new Set([-3, -2, -1, 0].map((days) => addDays(yesterday, days))),
    );
    // Never overlapping, across all replicas.
    for (let i = 1; i < runs.length; i += 1)
      expect(runs[i].startedAt.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finishedAt.getTime());
    for (const date of [addDays(yesterday, -2), addDays(yesterday, -1), yesterday]) {
      expect(await dailyRows(pool, date)).toEqual(await expectedDailyRows(pool, date));
    }
    const perReplica = Object.fromEntries(
      ["r1", "r2", "r3"].map((id) => [id, ticks.filter((tick) => tick.replica === id).length]),
    );
    console.log(
      `replicas: ${ticks.length} ticks claimed ${JSON.stringify(perReplica)}, ${scheduled.length} scheduled runs, ` +
        `${catchUp.length} catch-up runs, ${runs.length} runs in all, 0 overlaps`,
    );
  }, 90_000);

  it("a replica killed mid-run leaves no partial rows, and its run, left running, is failed as abandoned by the next", async () => {
    await insertActivityInChunks(pool, generateActivity(9, yesterday, 2000));
    const [pair] = (await expectedDailyRows(pool, yesterday)) as Array<{ tenant_id: string; user_id: string }>;
    // What an earlier rollup left: a pair that has since lost its rows, and one whose counts are out of date.
    await pool.query(
      `INSERT INTO usage_metrics_daily (date, tenant_id, user_id, total_logins)
       VALUES ($1::date, gen_random_uuid(), gen_random_uuid(), 5), ($1::date, $2, $3, 999)`,
      [yesterday, pair.tenant_id, pair.user_id],
    );
    const before = await dailyRows(pool, yesterday);
    // The test's own session holds a row the run must update, so the run stops midway through its writes
    // (in its one statement, WITH day_rows AS ...; pg_stat_activity keeps only its first 1 kB).
    const holder = await pool.connect();
    await holder.query("BEGIN");
    await holder.query(
      "SELECT 1 FROM usage_metrics_daily WHERE date = $1::date AND tenant_id = $2 AND user_id = $3 FOR UPDATE",
      [yesterday, pair.tenant_id, pair.user_id],
    );
    const env = { ROLLUP_CRON: "0 0 1 1 *", ROLLUP_ENABLED: "true" };
    const doomed = await startReplica(database, "doomed", env);
    await until("the run to block midway", async () => {
      const { rowCount } = await pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'
            AND query LIKE 'WITH day_rows AS%'`,
      );
      return rowCount === 1;
    });
    doomed.child.kill("SIGKILL");
    await doomed.exited;
    await holder.query("ROLLBACK");
    holder.release();
    // Its server session ends when it next reads from the dead socket (or a pooler drops it with its client): the
    // transaction never commits. A pooler keeps its idle server connections, and their application_name.
    await until("the killed replica's transaction to end", async () => {
      const { rowCount } = await pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'analytics-gateway'
            AND state <> 'idle'`,
      );
      return rowCount === 0;
    });
    expect(await dailyRows(pool, yesterday)).toEqual(before);
    const { rows: stuck } = await pool.query("SELECT status, replica FROM rollup_runs WHERE date = $1::date", [
      yesterday,
    ]);
    expect(stuck).toEqual([{ status: "running", replica: "doomed" }]);

    const next = await startReplica(database, "next", env);
    const runs = await until("the next replica's run", async () => {
      const { rows } = await pool.query<{ replica: string; status: string; error: string | null; trigger: string }>(
        "SELECT replica, status, error, trigger FROM rollup_runs WHERE date = $1::date ORDER BY id",
        [yesterday],
      );
      return rows.length === 2 && rows[1].status !== "running" ? rows : null;
    });
    next.child.kill("SIGTERM");
    expect(await next.exited).toBe(0);
    expect(runs).toEqual([
      { replica: "doomed", status: "failed", error: ABANDONED_ERROR, trigger: "catch-up" },
      { replica: "next", status: "succeeded", error: null, trigger: "catch-up" },
    ]);
    expect(await dailyRows(pool, yesterday)).toEqual(await expectedDailyRows(pool, yesterday));
  }, 90_000);
});
