import { spawn } from "node:child_process";
import { join } from "node:path";
import { Pool } from "pg";
import { dailyRows, expectedDailyRows, generateActivity, insertActivityInChunks } from "../test/rollup-fixtures";
import { childEnv } from "../test/child-env";
import { addDays } from "../test/scenario";
import { createTestDatabase, serverUrl, type TestDatabase } from "../test/test-database";
import { until } from "../test/until";

const ROOT = join(__dirname, "..", "..");

interface Backfill {
  /** Lines printed so far, as they come. */
  lines: string[];
  exited: Promise<number | null>;
  interrupt(): void;
}

/** `npm run rollup -- --from ... --to ...`, as node with tsx's loader so that a signal reaches the backfill itself. */
function backfill(database: TestDatabase, args: string[]): Backfill {
  const child = spawn(process.execPath, ["--import", "tsx", "src/rollup/rollup.cli.ts", ...args], {
    cwd: ROOT,
    env: childEnv({
      NODE_ENV: "test",
      ...database.env,
      JWT_SECRET: "backfill-test-secret-0123456789-0123456789",
    }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let partial = "";
  const collect = (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split("\n");
    partial = complete.pop() ?? "";
    lines.push(...complete);
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      if (partial) lines.push(partial);
      resolve(code);
    }),
  );
  return { lines, exited, interrupt: () => child.kill("SIGINT") };
}

const onPostgres = serverUrl ? describe : describe.skip;

onPostgres("the backfill command (PostgreSQL: a process of its own against the server)", () => {
  let database: TestDatabase;
  let pool: Pool;
  let dates: string[];
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new Pool({ connectionString: database.url });
    // pool.end() lets go of its sockets before they close: the drop's FORCE then ends them, which is no failure.
    pool.on("error", () => undefined);
    const { rows } = await pool.query<{ d: string }>(
      "SELECT to_char((now() AT TIME ZONE 'UTC')::date - 20, 'YYYY-MM-DD') AS d",
    );
    dates = Array.from({ length: 6 }, (_, i) => addDays(rows[0].d, 2 * i));
    for (const [i, date] of dates.entries()) await insertActivityInChunks(pool, generateActivity(500 + i, date, 1500));
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  it("refuses an impossible date and a reversed range with a usage line, rolling nothing", async () => {
    for (const args of [
      ["--from", "2026-02-30", "--to", "2026-03-01"],
      ["--from", dates[1], "--to", dates[0]],
    ]) {
      const run = backfill(database, args);
      expect(await run.exited).toBe(2);
      expect(run.lines.join("\n")).toContain("usage: npm run rollup -- --from YYYY-MM-DD --to YYYY-MM-DD");
    }
    expect((await pool.query("SELECT count(*)::int AS n FROM rollup_runs")).rows).toEqual([{ n: 0 }]);
  });

  it("shows progress, stops after the current date on Ctrl-C, and resumes where it stopped", async () => {
    const first = dates[0];
    const last = dates[dates.length - 1];
    // Every date of the range has rows: the generated ones spill a day either side.
    const range = Array.from({ length: 11 }, (_, i) => addDays(first, i));
    const third = range[2];
    // A session holds a row that the third date's run must rewrite, so the interrupt lands while it runs.
    const [pair] = (await expectedDailyRows(pool, third)) as Array<{ tenant_id: string; user_id: string }>;
    await pool.query(
      "INSERT INTO usage_metrics_daily (date, tenant_id, user_id, total_logins) VALUES ($1::date, $2, $3, 999)",
      [third, pair.tenant_id, pair.user_id],
    );
    const holder = await pool.connect();
    await holder.query("BEGIN");
    await holder.query("SELECT 1 FROM usage_metrics_daily WHERE date = $1::date FOR UPDATE", [third]);

    const interrupted = backfill(database, ["--from", first, "--to", last]);
    await until(
      "the first two dates",
      () => interrupted.lines.filter((line) => / rows .* ms /.test(line)).length === 2,
    );
    interrupted.interrupt();
    await until("the interrupt's notice", () => interrupted.lines.some((line) => line.startsWith("interrupted")));
    await holder.query("ROLLBACK");
    holder.release();
    expect(await interrupted.exited).toBe(130);
    const progress = (run: Backfill) =>
      run.lines.filter((line) => /^\d{4}-\d{2}-\d{2} {2}/.test(line)).map((line) => line.replace(/ {2}\d+ ms/, ""));
    const rows = async (date: string) => (await expectedDailyRows(pool, date)).length;
    expect(progress(interrupted)).toEqual([
      `${range[0]}  ${await rows(range[0])} rows  1/11`,
      `${range[1]}  ${await rows(range[1])} rows  2/11`,
      `${range[2]}  ${await rows(range[2])} rows  3/11`,
    ]);

    const resumed = backfill(database, ["--from", first, "--to", last]);
    expect(await resumed.exited).toBe(0);
    const resumedProgress = progress(resumed);
    expect(resumedProgress.slice(0, 3)).toEqual(
      range.slice(0, 3).map((date, i) => `${date}  skipped (already rolled up, unchanged since)  ${i + 1}/11`),
    );
    expect(resumedProgress).toHaveLength(11);
    expect(resumed.lines.at(-1)).toBe("done: 11 dates");
    for (const date of range) expect(await dailyRows(pool, date)).toEqual(await expectedDailyRows(pool, date));
    const { rows: runs } = await pool.query(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, count(*)::int AS runs FROM rollup_runs
        WHERE trigger = 'backfill' AND status = 'succeeded' GROUP BY date ORDER BY date`,
    );
    // Each date once: none rolled twice by the two commands.
    expect(runs).toEqual(range.map((date) => ({ date, runs: 1 })));
  }, 90_000);
});
