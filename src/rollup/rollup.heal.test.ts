import type { Pool } from "pg";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { loadConfig } from "../config";
import { usageDateSource } from "../daily-usage/exactness.sql";
import { Prisma } from "../db/generated/client";
import { startGateway, type Gateway } from "../server/gateway";
import { createUser, type ActivityRow } from "../test/factories";
import { graphql } from "../test/gql";
import { addDays, databaseToday, KNOWN_ACTIONS, prng } from "../test/scenario";
import { createTestDatabase, serverUrl } from "../test/test-database";
import { TEST_JWT_SECRET, useTestGateway } from "../test/test-gateway";
import { until } from "../test/until";
import type { HealTick, RollupService } from "./rollup.service";
import { TODAY_DELTAS_MAX } from "./rollup.sql";

const HealedUsage = graphql(`
  query HealedUsage($from: Date!, $to: Date!) {
    usageMetrics(from: $from, to: $to) {
      daily {
        date
        totalLogins
        searchesExecuted
        profilesViewed
        profilesEnriched
        csvExports
        listsCreated
        personasCreated
        lookalikeSearches
      }
      freshness {
        liveDates
        missingDates
      }
    }
  }
`);

const BATCH = 25;
/** Days of history before yesterday that the platform had before the gateway joined. */
const HISTORY_DAYS = 420;
const HEAL_ENV = { ROLLUP_HEAL_CRON: "* * * * * *", ROLLUP_HEAL_BATCH: String(BATCH), ROLLUP_CRON: "0 0 1 1 *" };

/** A few rows on each date, of a few tenants and users, known and unknown types, at any time of the day. */
function activityOn(seed: number, dates: string[]): ActivityRow[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const tenants = ["4f9a2c1e-0000-4000-8000-000000000001", "4f9a2c1e-0000-4000-8000-000000000002"];
  const users = Array.from({ length: 6 }, (_, i) => `7c1d0b2a-0000-4000-8000-00000000000${i}`);
  return dates.flatMap((date) =>
    Array.from({ length: 4 + Math.floor(random() * 6) }, () => ({
      tenantId: pick(tenants),
      userId: pick(users),
      actionType: random() < 0.1 ? "api_call" : pick(KNOWN_ACTIONS),
      createdAt: new Date(Date.parse(`${date}T00:00:00.000Z`) + Math.floor(random() * 86_400_000)),
    })),
  );
}

/**
 * Rows the platform wrote without the gateway's triggers (before it joined,
 * or behind its back): no deltas, no stale marks. Moving usage_deltas_origin
 * to today says so, as the migration does for a platform's existing rows.
 */
async function writeBehindTheTriggers(pool: Pool, sql: string, params: unknown[] = []): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SET LOCAL session_replication_role = replica");
    await client.query(sql, params);
    await client.query("UPDATE usage_deltas_origin SET since = (now() AT TIME ZONE 'UTC')::date");
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
}

async function insertBeforeTheGateway(pool: Pool, rows: ActivityRow[]): Promise<void> {
  await writeBehindTheTriggers(
    pool,
    `INSERT INTO activity_log (tenant_id, user_id, action_type, created_at)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[])`,
    [
      rows.map((row) => row.tenantId),
      rows.map((row) => row.userId),
      rows.map((row) => row.actionType),
      rows.map((row) => (row.createdAt instanceof Date ? row.createdAt.toISOString() : row.createdAt)),
    ],
  );
}

/**
 * The oracle of what needs healing, in plain SQL: each date from the earliest
 * activity to yesterday with no successful run, and each stale date before today.
 */
async function datesNeedingHeal(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ date: string }>(
    `SELECT to_char(d, 'YYYY-MM-DD') AS date
       FROM generate_series((SELECT min(created_at) AT TIME ZONE 'UTC' FROM activity_log)::date,
                            (now() AT TIME ZONE 'UTC')::date - 1, interval '1 day') AS d
      WHERE NOT EXISTS (SELECT 1 FROM rollup_runs r WHERE r.date = d::date AND r.status = 'succeeded')
         OR EXISTS (SELECT 1 FROM usage_stale_dates s WHERE s.date = d::date)
      ORDER BY d`,
  );
  return rows.map((row) => row.date);
}

/** The oracle of usageMetrics.daily: plain counts over activity_log, per date of the window. */
async function expectedDaily(pool: Pool, from: string, to: string): Promise<unknown[]> {
  const count = (action: string) => `count(a.id) FILTER (WHERE a.action_type = '${action}')::int`;
  const { rows } = await pool.query<Record<string, unknown>>(
    `SELECT to_char(d, 'YYYY-MM-DD') AS date, ${count("login")} AS "totalLogins",
            ${count("search_executed")} AS "searchesExecuted", ${count("profile_viewed")} AS "profilesViewed",
            ${count("profile_enriched")} AS "profilesEnriched", ${count("csv_exported")} AS "csvExports",
            ${count("list_created")} AS "listsCreated", ${count("persona_created")} AS "personasCreated",
            ${count("lookalike_search")} AS "lookalikeSearches"
       FROM generate_series($1::date, $2::date, interval '1 day') AS d
       LEFT JOIN activity_log a ON to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') = to_char(d, 'YYYY-MM-DD')
      GROUP BY d ORDER BY d`,
    [from, to],
  );
  return rows;
}

/** Heal passes that rolled dates, as the service reports them, from now on. */
function recordPasses(rollup: RollupService): HealTick[] {
  const passes: HealTick[] = [];
  rollup.on("heal", (tick) => {
    if (tick.ran) passes.push(tick);
  });
  return passes;
}

/** Waits until a pass recorded from index `from` on reports nothing left to heal; returns how many passes that took. */
async function passesUntilHealed(passes: HealTick[], from: number, what: string): Promise<number> {
  const last = await until(what, () => passes.slice(from).findIndex((tick) => tick.toHeal === 0) + 1, 120_000);
  return last;
}

describe("healing on one gateway (a fast heal cron)", () => {
  const gateway = useTestGateway(HEAL_ENV);
  let admin: Viewer;
  let yesterday: string;
  beforeAll(async () => {
    admin = await createUser(gateway.db.pool, { tenantId: null, role: Role.SUPER_ADMIN });
    yesterday = addDays(await databaseToday(gateway.db.pool), -1);
  });

  async function metric(name: string): Promise<string | undefined> {
    const text = await gateway.metrics();
    return new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1];
  }

  /** usageMetrics over [from, to] as the dashboards read it; asserts it equals the plain SQL over the raw rows. */
  async function expectExact(from: string, to: string) {
    const { body } = await gateway.query(HealedUsage, { from, to }, { viewer: admin });
    expect(body.errors).toBeUndefined();
    expect(body.data!.usageMetrics.daily).toEqual(await expectedDaily(gateway.db.pool, from, to));
    return body.data!.usageMetrics;
  }

  it("rolls all history the platform had before the gateway joined, then every date a DELETE marked stale and older never-rolled dates, within ceil(N / batch) passes", async () => {
    const pool = gateway.db.pool;
    const history = Array.from({ length: HISTORY_DAYS + 1 }, (_, i) => addDays(yesterday, -i));
    await insertBeforeTheGateway(pool, activityOn(1, history));
    // Two windows (at most 366 dates each) over the history; later, over the 10 older dates too.
    const windows: Array<[string, string]> = [
      [addDays(yesterday, -365), yesterday],
      [addDays(yesterday, -HISTORY_DAYS), addDays(yesterday, -366)],
    ];
    // Read raw: every date of the history is live, and missing.
    const before = await expectExact(...windows[0]);
    expect(before.freshness.liveDates).toHaveLength(366);
    expect(before.freshness.missingDates).toHaveLength(366);

    const needed = await datesNeedingHeal(pool);
    expect(needed).toEqual([...history].reverse());
    expect(await metric("gateway_rollup_dates_to_heal")).toMatch(/^nan$/i);
    const passes = recordPasses(gateway.rollup);
    gateway.rollup.start();
    const first = await passesUntilHealed(passes, 0, "the history to be healed");
    expect(first).toBeLessThanOrEqual(Math.ceil(needed.length / BATCH));
    expect(await metric("gateway_rollup_dates_to_heal")).toBe("0");
    expect(await metric("gateway_rollup_healed_dates_total")).toBe(String(needed.length));
    // Newest first: the pass at start rolled the latest BATCH dates.
    expect(passes[0]).toMatchObject({ trigger: "catch-up", healed: BATCH, toHeal: needed.length - BATCH });
    expect(await datesNeedingHeal(pool)).toEqual([]);
    for (const window of windows)
      expect((await expectExact(...window)).freshness).toEqual({ liveDates: [], missingDates: [] });

    // The platform deletes one row on each of 300 dates going back 300 days, and adds rows on 10 older dates
    // without the triggers (never rolled up), while the gateway runs.
    const stale = history.slice(0, 300);
    const older = Array.from({ length: 10 }, (_, i) => addDays(yesterday, -HISTORY_DAYS - 1 - i));
    const mark = passes.length;
    await pool.query(
      `DELETE FROM activity_log WHERE id IN (
         SELECT min(id) FROM activity_log WHERE (created_at AT TIME ZONE 'UTC')::date = ANY ($1::date[])
          GROUP BY (created_at AT TIME ZONE 'UTC')::date)`,
      [stale],
    );
    await insertBeforeTheGateway(pool, activityOn(2, older));
    windows[1][0] = older.at(-1)!;
    // Exact while the healer works.
    for (const window of windows) await expectExact(...window);

    const second = await passesUntilHealed(passes, mark, "the stale and older dates to be healed");
    // One more pass than the bound at most: one may have read its dates before the writes committed.
    expect(second).toBeLessThanOrEqual(Math.ceil((stale.length + older.length) / BATCH) + 1);
    expect(await datesNeedingHeal(pool)).toEqual([]);
    const healed = passes.slice(mark, mark + second).reduce((sum, tick) => sum + tick.healed, 0);
    expect(healed).toBe(stale.length + older.length);
    console.log(
      `heal: ${needed.length} never-rolled dates in ${first} passes, then ${healed} stale or never-rolled dates ` +
        `in ${second} passes, batch ${BATCH}`,
    );
    const answers = [];
    for (const window of windows) {
      const usage = await expectExact(...window);
      expect(usage.freshness).toEqual({ liveDates: [], missingDates: [] });
      answers.push(usage.daily);
    }

    // No request reads their raw rows any more: a row slipped in behind the triggers' back on each date
    // changes no answer (a raw read would count it), until a rollup of its date.
    await writeBehindTheTriggers(
      pool,
      `INSERT INTO activity_log (tenant_id, user_id, action_type, created_at, metadata)
       SELECT gen_random_uuid(), gen_random_uuid(), 'login', (d + interval '12 hours') AT TIME ZONE 'UTC',
              '{"behindTheTriggers": true}'
         FROM unnest($1::date[]) AS d`,
      [[...stale, ...older]],
    );
    for (const [i, window] of windows.entries()) {
      const { body } = await gateway.query(HealedUsage, { from: window[0], to: window[1] }, { viewer: admin });
      expect(body.data!.usageMetrics.daily).toEqual(answers[i]);
    }
    await writeBehindTheTriggers(pool, `DELETE FROM activity_log WHERE metadata ? 'behindTheTriggers'`);
    for (const window of windows) await expectExact(...window);
    // Each date healed by exactly one run of each phase.
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rollup_runs WHERE trigger IN ('catch-up', 'heal') AND status = 'succeeded'
       GROUP BY date HAVING count(*) <> CASE WHEN date = ANY ($1::date[]) THEN 2 ELSE 1 END`,
      [stale],
    );
    expect(rows).toEqual([]);
  }, 180_000);
});

/** How all-tenant answers read `date` (usageDateSource): 'rollup', 'deltas' or 'raw'. */
async function sourceOf(pool: Pool, date: string): Promise<string> {
  const statement = Prisma.sql`SELECT ${usageDateSource(Prisma.sql`${date}::date`, null)} AS source`;
  return (await pool.query<{ source: string }>(statement.text, statement.values)).rows[0].source;
}

describe("adopting a platform's history, today's rows included (a fast heal cron)", () => {
  const gateway = useTestGateway(HEAL_ENV);

  it("rolls up today at the catch-up, so today is read from its rollup and deltas at once, exactly, and never again while it needs nothing", async () => {
    const pool = gateway.db.pool;
    const admin = await createUser(pool, { tenantId: null, role: Role.SUPER_ADMIN });
    const today = await databaseToday(pool);
    const history = Array.from({ length: BATCH - 5 }, (_, i) => addDays(today, -i));
    // Today's rows squeezed into the part of today that has passed: the history as the platform has it at the start.
    const { rows: clock } = await pool.query<{ now: Date }>("SELECT now() AS now");
    const midnight = Date.parse(`${today}T00:00:00.000Z`);
    const passed = (clock[0].now.getTime() - midnight) / 86_400_000;
    const rows = activityOn(4, history).map((row) => {
      const at = (row.createdAt as Date).getTime();
      return at < midnight ? row : { ...row, createdAt: new Date(midnight + Math.floor((at - midnight) * passed)) };
    });
    await insertBeforeTheGateway(pool, rows);
    // As migration 20261201004000 sets it on the platform's rows: the day after the latest.
    await pool.query(
      "UPDATE usage_deltas_origin SET since = (SELECT (max(created_at) AT TIME ZONE 'UTC')::date + 1 FROM activity_log)",
    );
    expect(await sourceOf(pool, today)).toBe("raw");

    const expectExact = async () => {
      const from = history.at(-1)!;
      const { body } = await gateway.query(HealedUsage, { from, to: today }, { viewer: admin });
      expect(body.errors).toBeUndefined();
      expect(body.data!.usageMetrics.daily).toEqual(await expectedDaily(pool, from, today));
    };
    await expectExact();
    const passes = recordPasses(gateway.rollup);
    gateway.rollup.start();
    await passesUntilHealed(passes, 0, "the history and today to be healed");
    // One pass at start, today first (newest first).
    expect(passes[0]).toMatchObject({ trigger: "catch-up", healed: history.length, toHeal: 0 });
    expect(await sourceOf(pool, today)).toBe("rollup");
    await expectExact();

    // A row through the triggers lands in the deltas: today stays read from its rollup, exact, and is not rolled again.
    await pool.query(
      `INSERT INTO activity_log (tenant_id, user_id, action_type, created_at)
       VALUES ('4f9a2c1e-0000-4000-8000-000000000001', '7c1d0b2a-0000-4000-8000-000000000001', 'login', now())`,
    );
    await expectExact();
    expect(await sourceOf(pool, today)).toBe("rollup");
    const heal = () => new Promise<HealTick>((resolve) => gateway.rollup.once("heal", resolve));
    await heal();
    expect(await heal()).toMatchObject({ ran: false, toHeal: 0 });
    const { rows: runs } = await pool.query<{ trigger: string }>(
      "SELECT trigger FROM rollup_runs WHERE date = $1::date AND status = 'succeeded'",
      [today],
    );
    expect(runs).toEqual([{ trigger: "catch-up" }]);
  }, 120_000);
});

describe("today's deltas bounded (a fast heal cron)", () => {
  const gateway = useTestGateway(HEAL_ENV);

  it(`rolls up today once it holds more than TODAY_DELTAS_MAX deltas (${TODAY_DELTAS_MAX}), not before, and reads it exactly after`, async () => {
    const pool = gateway.db.pool;
    const admin = await createUser(pool, { tenantId: null, role: Role.SUPER_ADMIN });
    const today = await databaseToday(pool);
    // One delta row per activity row: each its own (dangling) user, at an instant of today that has passed.
    const insertDeltas = (count: number, seed: number) =>
      pool.query(
        `INSERT INTO activity_log (tenant_id, user_id, action_type, created_at)
         SELECT '4f9a2c1e-0000-4000-8000-000000000001', gen_random_uuid(), (ARRAY['login', 'search_executed', 'api_call'])[1 + i % 3],
                date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                  + (now() - (date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')) * ((hashint4(i + $2) & 1023) / 1024.0)
           FROM generate_series(1, $1::int) AS i`,
        [count, seed],
      );
    const deltasOfToday = async () =>
      (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM usage_deltas WHERE date = $1::date", [today]))
        .rows[0].n;
    const expectExact = async () => {
      const { body } = await gateway.query(HealedUsage, { from: today, to: today }, { viewer: admin });
      expect(body.errors).toBeUndefined();
      expect(body.data!.usageMetrics.daily).toEqual(await expectedDaily(pool, today, today));
    };
    await insertDeltas(TODAY_DELTAS_MAX, 0);
    expect(await deltasOfToday()).toBe(TODAY_DELTAS_MAX);

    const passes = recordPasses(gateway.rollup);
    const ticks: HealTick[] = [];
    gateway.rollup.on("heal", (tick) => ticks.push(tick));
    gateway.rollup.start();
    await until("two heal passes", () => ticks.length >= 2, 60_000);
    expect(passes).toEqual([]);
    expect(await sourceOf(pool, today)).toBe("deltas");
    await expectExact();

    await insertDeltas(1, TODAY_DELTAS_MAX);
    await until("today rolled up", () => passes.length >= 1, 60_000);
    expect(passes[0]).toMatchObject({ healed: 1, toHeal: 0 });
    expect(await sourceOf(pool, today)).toBe("rollup");
    expect(await deltasOfToday()).toBe(0);
    await expectExact();
  }, 120_000);
});

const onPostgres = serverUrl ? describe : describe.skip;

onPostgres("healing across three replicas (PostgreSQL only: one database, three gateways)", () => {
  it("rolls every date that needs it exactly once, each tick's dates by the replica that claimed the tick, never two runs at once", async () => {
    const database = await createTestDatabase();
    const replicas: Gateway[] = [];
    try {
      const config = (id: string) =>
        loadConfig({
          NODE_ENV: "test",
          PORT: "0",
          HOST: "127.0.0.1",
          LOG_LEVEL: "silent",
          JWT_SECRET: TEST_JWT_SECRET,
          ...database.env,
          ROLLUP_ENABLED: "false",
          REPLICA_ID: id,
          ...HEAL_ENV,
        });
      for (const id of ["r1", "r2", "r3"]) replicas.push(await startGateway(config(id)));
      const pool = replicas[0].db.pool;
      const yesterday = addDays(await databaseToday(pool), -1);
      const history = Array.from({ length: 200 }, (_, i) => addDays(yesterday, -i));
      await insertBeforeTheGateway(pool, activityOn(3, history));
      const passes = replicas.map((replica) => recordPasses(replica.rollup));
      const allPasses = () => passes.flat();
      for (const replica of replicas) replica.rollup.start();
      await until("the history to be healed", async () => (await datesNeedingHeal(pool)).length === 0, 120_000);

      // Stale dates of every age while the replicas run.
      const stale = history.filter((_, i) => i % 3 === 0);
      const staleSince = (await pool.query<{ now: Date }>("SELECT now()")).rows[0].now;
      await pool.query(
        `UPDATE activity_log SET action_type = 'csv_exported' WHERE id IN (
           SELECT min(id) FROM activity_log WHERE (created_at AT TIME ZONE 'UTC')::date = ANY ($1::date[])
            GROUP BY (created_at AT TIME ZONE 'UTC')::date)`,
        [stale],
      );
      await until("the stale dates to be healed", async () => (await datesNeedingHeal(pool)).length === 0, 120_000);

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
      expect(runs.every((run) => run.status === "succeeded" && ["catch-up", "heal"].includes(run.trigger))).toBe(true);
      const runsPerDate = (list: typeof runs) => {
        const counts = new Map<string, number>();
        for (const run of list) counts.set(run.date, (counts.get(run.date) ?? 0) + 1);
        return [...counts].sort();
      };
      const once = (dates: string[]) => dates.map((date) => [date, 1]).sort();
      expect(runsPerDate(runs.filter((run) => run.startedAt < staleSince))).toEqual(once(history));
      expect(runsPerDate(runs.filter((run) => run.startedAt >= staleSince))).toEqual(once(stale));
      for (let i = 1; i < runs.length; i += 1)
        expect(runs[i].startedAt.getTime()).toBeGreaterThanOrEqual(runs[i - 1].finishedAt.getTime());
      // A tick's runs are the claiming replica's.
      const { rows: ticks } = await pool.query<{ slot: Date; replica: string }>(
        "SELECT slot, replica FROM rollup_heal_ticks",
      );
      const claimedBy = new Map(ticks.map((tick) => [tick.slot.getTime(), tick.replica]));
      for (const run of runs.filter((run) => run.trigger === "heal"))
        expect(claimedBy.get(run.slot!.getTime())).toBe(run.replica);
      // The last pass reports once its last run has committed.
      const healed = () => allPasses().reduce((sum, tick) => sum + tick.healed, 0);
      await until("the last pass to report", () => healed() >= history.length + stale.length, 10_000);
      expect(healed()).toBe(history.length + stale.length);
      console.log(
        `heal replicas: ${runs.length} runs, ${ticks.length} heal ticks claimed ` +
          JSON.stringify(Object.fromEntries(passes.map((list, i) => [`r${i + 1}`, list.length]))),
      );
    } finally {
      for (const replica of replicas) await replica.stop();
      await database.drop();
    }
  }, 240_000);
});
