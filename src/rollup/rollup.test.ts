import { Client } from "pg";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { createTenant, createUser, insertActivity } from "../test/factories";
import { graphql } from "../test/gql";
import {
  dailyRows,
  expectedDailyRows,
  expectedTotalsRows,
  generateActivity,
  insertActivityInChunks,
  totalsRows,
} from "../test/rollup-fixtures";
import { addDays } from "../test/scenario";
import { errorCodes, expectRoles, useTestGateway } from "../test/test-gateway";
import { serverUrl } from "../test/test-database";
import { ROLLUP_LOCK_KEY } from "./rollup.sql";

const RunRollup = graphql(`
  mutation RollupRunRollup($date: Date) {
    runRollup(date: $date) {
      date
      status
      startedAt
      finishedAt
      rowsWritten
      error
    }
  }
`);

const RollupStatusQuery = graphql(`
  query RollupStatus {
    rollupStatus {
      lastRolledUpDate
      lagDays
      recentRuns {
        date
        status
        startedAt
        finishedAt
        rowsWritten
        error
      }
    }
  }
`);

// Heal passes every second, 100 dates each: "catch-up at start" heals this file's whole history in a few.
const gateway = useTestGateway({ ROLLUP_HEAL_CRON: "* * * * * *", ROLLUP_HEAL_BATCH: "100" });
let admin: Viewer;
beforeAll(async () => {
  admin = await createUser(gateway.db.pool, { tenantId: null, role: Role.SUPER_ADMIN });
});

/** The database's today plus `days`, as YYYY-MM-DD. */
async function dbDate(days: number): Promise<string> {
  const { rows } = await gateway.db.pool.query<{ d: string }>(
    "SELECT to_char((now() AT TIME ZONE 'UTC')::date + $1::int, 'YYYY-MM-DD') AS d",
    [days],
  );
  return rows[0].d;
}

async function runRollup(date?: string) {
  const { body } = await gateway.query(RunRollup, date === undefined ? {} : { date }, { viewer: admin });
  expect(body.errors).toBeUndefined();
  return body.data!.runRollup;
}

async function runCount(): Promise<number> {
  const { rows } = await gateway.db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM rollup_runs");
  return rows[0].n;
}

async function isStale(date: string): Promise<boolean> {
  const { rowCount } = await gateway.db.pool.query("SELECT 1 FROM usage_stale_dates WHERE date = $1::date", [date]);
  return rowCount === 1;
}

/** Rows in usage_deltas for a date: what inserts since its last rollup appended. */
async function deltaCount(date: string): Promise<number> {
  const { rows } = await gateway.db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM usage_deltas WHERE date = $1::date",
    [date],
  );
  return rows[0].n;
}

/** Rolled-up rows that a run of another date must leave alone (their values are deliberately not the counts). */
async function insertSentinels(dates: string[]) {
  for (const date of dates) {
    await gateway.db.pool.query(
      `INSERT INTO usage_metrics_daily (date, tenant_id, user_id, total_logins, csv_exports)
       VALUES ($1::date, gen_random_uuid(), gen_random_uuid(), 777, 3)`,
      [date],
    );
    await gateway.db.pool.query(
      `INSERT INTO usage_metrics_daily_tenant_totals (date, tenant_id, total_logins) VALUES ($1::date, gen_random_uuid(), 777)`,
      [date],
    );
  }
}

/** D's rows, its totals row and its per-tenant totals rows are what the oracles say. */
async function expectRolledUp(date: string, expected: unknown[]) {
  expect(await dailyRows(gateway.db.pool, date)).toEqual(expected);
  const totals = await expectedTotalsRows(gateway.db.pool, date);
  expect(totals).toHaveLength(expected.length > 0 ? 1 : 0);
  expect(await totalsRows(gateway.db.pool, date)).toEqual(totals);
  const tenantTotals = await expectedTotalsRows(gateway.db.pool, date, true);
  expect(tenantTotals).toHaveLength(new Set(expected.map((row) => (row as { tenant_id: string }).tenant_id)).size);
  expect(await totalsRows(gateway.db.pool, date, true)).toEqual(tenantTotals);
}

async function rowsOfDates(dates: string[]) {
  const { rows } = await gateway.db.pool.query<Record<string, unknown>>(
    "SELECT * FROM usage_metrics_daily WHERE date = ANY($1::date[]) ORDER BY date, tenant_id, user_id",
    [dates],
  );
  return rows;
}

describe("rollupStatus before any run", () => {
  it("has no date, no lag and no runs", async () => {
    const { body } = await gateway.query(RollupStatusQuery, {}, { viewer: admin });
    expect(body).toEqual({ data: { rollupStatus: { lastRolledUpDate: null, lagDays: null, recentRuns: [] } } });
  });
});

describe("runRollup: who and which dates", () => {
  it("is for super admins only", async () => {
    const before = await runCount();
    await expectRoles(gateway, RunRollup, {}, { allowed: [Role.SUPER_ADMIN] });
    await expectRoles(gateway, RollupStatusQuery, {}, { allowed: [Role.SUPER_ADMIN] });
    expect(await runCount()).toBe(before);
  });

  it("refuses a future date and an impossible one with BAD_USER_INPUT, running nothing", async () => {
    const before = await runCount();
    for (const date of [await dbDate(1), "2999-01-01", "2026-02-30", "yesterday"]) {
      const { body } = await gateway.query(RunRollup, { date }, { viewer: admin });
      expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
    }
    expect(await runCount()).toBe(before);
  });
});

describe("the rollup of a date, against a plain GROUP BY", () => {
  // Dates long before the catch-up window (the last 90 days), one per seed.
  const seeds: Array<[number, string]> = [
    [1, "2025-01-15"],
    [7, "2025-02-28"],
    [42, "2025-03-01"],
    [2026, "2025-06-30"],
  ];

  it.each(seeds)("seed %i, date %s", async (seed, date) => {
    const pool = gateway.db.pool;
    const neighbours = [addDays(date, -1), addDays(date, 1)];
    await insertSentinels([...neighbours, date]);
    await insertActivityInChunks(pool, generateActivity(seed, date, 1500));
    const untouched = await rowsOfDates(neighbours);
    const untouchedTenantTotals = await Promise.all(neighbours.map((day) => totalsRows(pool, day, true)));
    const expected = await expectedDailyRows(pool, date);
    expect(expected.length).toBeGreaterThan(20);

    const first = await runRollup(date);
    expect(first).toEqual({
      date,
      status: "succeeded",
      startedAt: expect.any(String) as string,
      finishedAt: expect.any(String) as string,
      rowsWritten: expected.length,
      error: null,
    });
    await expectRolledUp(date, expected);
    expect(await rowsOfDates(neighbours)).toEqual(untouched);
    expect(await isStale(date)).toBe(false);
    expect(await deltaCount(date)).toBe(0);

    // Idempotent: a second run writes the same rows.
    const second = await runRollup(date);
    expect(second.rowsWritten).toBe(expected.length);
    await expectRolledUp(date, expected);

    // Late rows (created now, stamped on D) append deltas, which the next run absorbs.
    const late = generateActivity(seed + 1, date, 300).filter((row) =>
      String(row.createdAt instanceof Date ? row.createdAt.toISOString() : row.createdAt).startsWith(date),
    );
    await insertActivity(pool, late);
    expect(await isStale(date)).toBe(false);
    expect(await deltaCount(date)).toBeGreaterThan(0);
    const lateExpected = await expectedDailyRows(pool, date);
    expect(lateExpected).not.toEqual(expected);
    expect((await runRollup(date)).rowsWritten).toBe(lateExpected.length);
    await expectRolledUp(date, lateExpected);
    expect(await deltaCount(date)).toBe(0);

    // Some pairs lose all their rows (a DELETE marks D stale): their rolled-up rows go.
    await pool.query(
      `DELETE FROM activity_log WHERE user_id IN (
         SELECT DISTINCT user_id FROM activity_log
          WHERE to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') = $1 ORDER BY user_id LIMIT 5)`,
      [date],
    );
    const fewer = await expectedDailyRows(pool, date);
    expect(fewer.length).toBeLessThan(lateExpected.length);
    expect((await runRollup(date)).rowsWritten).toBe(fewer.length);
    await expectRolledUp(date, fewer);

    // A day whose rows are all deleted ends with no rows.
    await pool.query("DELETE FROM activity_log WHERE to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') = $1", [
      date,
    ]);
    expect((await runRollup(date)).rowsWritten).toBe(0);
    await expectRolledUp(date, []);
    expect(await rowsOfDates(neighbours)).toEqual(untouched);
    for (const neighbour of neighbours) expect(await totalsRows(pool, neighbour)).toEqual([]);
    expect(await Promise.all(neighbours.map((day) => totalsRows(pool, day, true)))).toEqual(untouchedTenantTotals);
  });

  it("gives a pair whose rows are all of unknown types an all-zero row", async () => {
    const date = "2025-04-10";
    const tenantId = await createTenant(gateway.db.pool);
    const user = await createUser(gateway.db.pool, { tenantId });
    await insertActivity(gateway.db.pool, [
      { tenantId, userId: user.id, actionType: "LOGIN", createdAt: `${date}T01:00:00Z` },
      { tenantId, userId: user.id, actionType: "api_call", createdAt: `${date}T02:00:00Z` },
    ]);
    expect((await runRollup(date)).rowsWritten).toBe(1);
    const { rows } = await gateway.db.pool.query(
      `SELECT total_logins + searches_executed + profiles_viewed + profiles_enriched + csv_exports + lists_created
              + personas_created + lookalike_searches AS total
         FROM usage_metrics_daily WHERE date = $1::date AND user_id = $2`,
      [date, user.id],
    );
    expect(rows).toEqual([{ total: 0 }]);
  });
});

describe("rollupStatus", () => {
  it("reports the greatest successful date, the lag to yesterday, and the 20 latest runs", async () => {
    const yesterday = await dbDate(-1);
    await runRollup(addDays(yesterday, -4));
    const first = await gateway.query(RollupStatusQuery, {}, { viewer: admin });
    let { body } = first;
    expect(body.data?.rollupStatus).toMatchObject({ lastRolledUpDate: addDays(yesterday, -4), lagDays: 4 });
    // The run's client, back in the pool, counts for later requests once per statement (status, runs).
    expect(first.statements).toBe(2);

    // A failed run of a later date does not count.
    await gateway.db.pool.query(
      `INSERT INTO rollup_runs (date, status, started_at, finished_at, error, trigger)
       VALUES ($1::date, 'failed', now() - interval '1 hour', now() - interval '1 hour', 'boom', 'manual')`,
      [yesterday],
    );
    ({ body } = await gateway.query(RollupStatusQuery, {}, { viewer: admin }));
    expect(body.data?.rollupStatus).toMatchObject({ lastRolledUpDate: addDays(yesterday, -4), lagDays: 4 });

    expect((await runRollup()).date).toBe(yesterday);
    ({ body } = await gateway.query(RollupStatusQuery, {}, { viewer: admin }));
    expect(body.data?.rollupStatus).toMatchObject({ lastRolledUpDate: yesterday, lagDays: 0 });

    // Today may be rolled; the lag stays 0.
    const today = await dbDate(0);
    for (let back = 30; back >= 10; back -= 1) await runRollup(addDays(yesterday, -back));
    const latest = await runRollup(today);
    ({ body } = await gateway.query(RollupStatusQuery, {}, { viewer: admin }));
    const status = body.data!.rollupStatus;
    expect(status).toMatchObject({ lastRolledUpDate: today, lagDays: 0 });
    const { rows } = await gateway.db.pool.query(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, status,
              to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "startedAt",
              to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "finishedAt",
              rows_written AS "rowsWritten", error
         FROM rollup_runs ORDER BY started_at DESC, id DESC LIMIT 20`,
    );
    expect(await runCount()).toBeGreaterThan(20);
    expect(status.recentRuns).toEqual(rows);
    expect(status.recentRuns[0]).toEqual(latest);
  });
});

const onPostgres = serverUrl ? describe : describe.skip;

onPostgres("runs and other sessions (PostgreSQL only: the embedded database has one session)", () => {
  async function waitForBackend(pattern: string): Promise<void> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rowCount } = await gateway.db.pool.query(
        `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
        [pattern],
      );
      if (rowCount) return;
      if (Date.now() > deadline) throw new Error(`no backend waiting on a lock in ${pattern}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  it("waits for a run held by another transaction; requests for a date still waiting share one run", async () => {
    const date = "2025-05-05";
    await insertActivityInChunks(gateway.db.pool, generateActivity(5, date, 500));
    const other = new Client({
      connectionString: gateway.config.database.kind === "postgres" ? gateway.config.database.url : "",
    });
    await other.connect();
    try {
      await other.query("BEGIN");
      await other.query("SELECT pg_advisory_xact_lock($1)", [ROLLUP_LOCK_KEY]);
      const first = runRollup(date);
      await waitForBackend("SELECT pg_advisory_xact_lock%");
      const waiting = [runRollup(date), runRollup(date), runRollup(date)];
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { rows: none } = await gateway.db.pool.query("SELECT 1 FROM rollup_runs WHERE date = $1::date", [date]);
      expect(none).toEqual([]);
      await other.query("COMMIT");
      const results = await Promise.all([first, ...waiting]);
      expect(results.map((run) => run.status)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
      expect(results[2]).toEqual(results[1]);
      expect(results[3]).toEqual(results[1]);
      expect(results[1].startedAt >= results[0].finishedAt!).toBe(true);
      const { rows } = await gateway.db.pool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM rollup_runs WHERE date = $1::date",
        [date],
      );
      expect(rows).toEqual([{ n: 2 }]);
      expect(await dailyRows(gateway.db.pool, date)).toEqual(await expectedDailyRows(gateway.db.pool, date));
    } finally {
      await other.end();
    }
  });

  /** A writer's transaction left open while a rollup of `date` runs; returns what the run reported. */
  async function runBesideOpenWriter(
    date: string,
    write: (writer: Client) => Promise<unknown>,
    waitFor: string | null,
  ) {
    const writer = new Client({
      connectionString: gateway.config.database.kind === "postgres" ? gateway.config.database.url : "",
    });
    await writer.connect();
    try {
      await writer.query("BEGIN");
      await write(writer);
      const run = runRollup(date);
      if (waitFor) await waitForBackend(waitFor);
      else await run;
      await writer.query("COMMIT");
      return await run;
    } finally {
      await writer.end();
    }
  }

  it("counts an UPDATE whose writer commits while the run is going: the run waits for its stale mark", async () => {
    const date = "2025-07-07";
    const tenantId = await createTenant(gateway.db.pool);
    const user = await createUser(gateway.db.pool, { tenantId });
    await insertActivity(gateway.db.pool, [
      { tenantId, userId: user.id, actionType: "login", createdAt: `${date}T10:00:00Z` },
      { tenantId, userId: user.id, actionType: "login", createdAt: `${date}T11:00:00Z` },
    ]);
    // An earlier UPDATE left the mark that the open writer then holds.
    await gateway.db.pool.query("UPDATE activity_log SET action_type = action_type WHERE tenant_id = $1", [tenantId]);
    expect(await isStale(date)).toBe(true);
    const run = await runBesideOpenWriter(
      date,
      (writer) =>
        writer.query("UPDATE activity_log SET action_type = 'csv_exported' WHERE tenant_id = $1 AND created_at = $2", [
          tenantId,
          `${date}T11:00:00Z`,
        ]),
      "DELETE FROM usage_stale_dates%",
    );
    expect(run.status).toBe("succeeded");
    const expected = await expectedDailyRows(gateway.db.pool, date);
    expect(expected).toEqual([expect.objectContaining({ total_logins: 1, csv_exports: 1 })]);
    expect(await dailyRows(gateway.db.pool, date)).toEqual(expected);
    expect(await isStale(date)).toBe(false);
  });

  it("counts an INSERT whose writer commits after the run's snapshot once: in its delta, not in the rollup", async () => {
    const date = "2025-07-08";
    const tenantId = await createTenant(gateway.db.pool);
    const user = await createUser(gateway.db.pool, { tenantId });
    await insertActivity(gateway.db.pool, [
      { tenantId, userId: user.id, actionType: "login", createdAt: `${date}T10:00:00Z` },
    ]);
    const run = await runBesideOpenWriter(
      date,
      (writer) =>
        writer.query(
          "INSERT INTO activity_log (tenant_id, user_id, action_type, created_at) VALUES ($1, $2, 'csv_exported', $3)",
          [tenantId, user.id, `${date}T11:00:00Z`],
        ),
      null,
    );
    expect(run).toMatchObject({ status: "succeeded", rowsWritten: 1 });
    expect(await dailyRows(gateway.db.pool, date)).toEqual([
      expect.objectContaining({ total_logins: 1, csv_exports: 0 }),
    ]);
    const { rows: deltas } = await gateway.db.pool.query(
      "SELECT total_logins, csv_exports FROM usage_deltas WHERE date = $1::date",
      [date],
    );
    expect(deltas).toEqual([{ total_logins: 0, csv_exports: 1 }]);
    await runRollup(date);
    expect(await dailyRows(gateway.db.pool, date)).toEqual(await expectedDailyRows(gateway.db.pool, date));
    expect(await deltaCount(date)).toBe(0);
  });
});

describe("catch-up at start", () => {
  // Before healing, it rolled only the last 90 days: now every date of all history that needs it, tooOld included.
  it("rolls every date of all history with no successful run (or stale), each once, in the background", async () => {
    const yesterday = await dbDate(-1);
    const tenantId = await createTenant(gateway.db.pool);
    const user = await createUser(gateway.db.pool, { tenantId });
    const tenDays = Array.from({ length: 10 }, (_, i) => addDays(yesterday, -i));
    const tooOld = addDays(yesterday, -95);
    await insertActivity(
      gateway.db.pool,
      [...tenDays, tooOld].flatMap((date, i) =>
        Array.from({ length: i + 1 }, () => ({
          tenantId,
          userId: user.id,
          actionType: "search_executed",
          createdAt: `${date}T08:00:00Z`,
        })),
      ),
    );
    // The oracle: each date from the earliest activity to yesterday with no successful run, and each stale one.
    const { rows: needing } = await gateway.db.pool.query<{ date: string }>(
      `SELECT to_char(d, 'YYYY-MM-DD') AS date
         FROM generate_series((SELECT min(created_at) AT TIME ZONE 'UTC' FROM activity_log)::date,
                              (now() AT TIME ZONE 'UTC')::date - 1, interval '1 day') AS d
        WHERE NOT EXISTS (SELECT 1 FROM rollup_runs r WHERE r.date = d::date AND r.status = 'succeeded')
           OR EXISTS (SELECT 1 FROM usage_stale_dates s WHERE s.date = d::date)
        ORDER BY d`,
    );
    const toHeal = needing.map((row) => row.date);
    const window = Array.from({ length: 90 }, (_, i) => addDays(yesterday, -i));
    expect(window.some((date) => toHeal.includes(date))).toBe(true);
    expect(toHeal).toContain(tooOld);
    expect(toHeal.length).toBeGreaterThan(window.length);

    expect(gateway.rollup.start()).toBeUndefined();
    expect((await gateway.fetch("/readyz")).status).toBe(200);

    const deadline = Date.now() + 90_000;
    let missing = toHeal;
    while (missing.length > 0) {
      if (Date.now() > deadline) throw new Error(`not caught up: ${missing.join(", ")}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { rows } = await gateway.db.pool.query<{ date: string }>(
        `SELECT to_char(date, 'YYYY-MM-DD') AS date FROM rollup_runs
          WHERE status = 'succeeded' AND trigger IN ('catch-up', 'heal') AND date = ANY($1::date[])`,
        [toHeal],
      );
      const succeeded = new Set(rows.map((row) => row.date));
      missing = toHeal.filter((date) => !succeeded.has(date));
    }
    const { rows: healed } = await gateway.db.pool.query<{ date: string; n: number }>(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, count(*)::int AS n FROM rollup_runs
        WHERE trigger IN ('catch-up', 'heal') GROUP BY date ORDER BY date`,
    );
    expect(healed).toEqual(toHeal.map((date) => ({ date, n: 1 })));
    // Dates rolled before their rows arrived read their deltas on top; the others, tooOld too, are exact.
    for (const date of [...tenDays, tooOld].filter((d) => toHeal.includes(d)))
      expect(await dailyRows(gateway.db.pool, date)).toEqual(await expectedDailyRows(gateway.db.pool, date));
  });
});
