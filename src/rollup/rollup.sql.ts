import type { ClientBase, QueryResult, QueryResultRow } from "pg";
import { actionCounts, counterColumns, counterUpdates, runningSums, summedColumns } from "../daily-usage/counters.sql";
import { rollupMissing, usageDateSource } from "../daily-usage/exactness.sql";
import { quarterBit, quarterOf, today, utcDate, utcMidnight } from "../daily-usage/windows";
import type { Database } from "../db/database";
import { Prisma } from "../db/generated/client";
import { unbounded } from "../db/pool";
import type { RollupRunRow } from "../server/context";

/**
 * SQL of the daily rollup. The run itself goes through one pinned client
 * (`ClientBase`): the transaction that holds the rollup's advisory lock, and
 * in the embedded database (one connection) the only session there is.
 */

/** The run's shape is the plumbing's, so the context's rollup is typed without naming this feature. */
export type { RollupRunRow };

/** A statement on the run's client, written as every statement here is (a Prisma.sql template). */
function onClient<R extends QueryResultRow>(
  client: Pick<ClientBase, "query">,
  statement: Prisma.Sql,
): Promise<QueryResult<R>> {
  return client.query<R>(statement.text, statement.values);
}

/** catch-up: the healer's first pass at start; heal: its ticks (ROLLUP_HEAL_CRON). */
export type RollupTrigger = "schedule" | "catch-up" | "heal" | "manual" | "backfill";

/** Key of the transaction-level advisory lock every rollup run holds ("rollup" in ASCII). */
export const ROLLUP_LOCK_KEY = 0x726f6c6c7570;

const RUN_COLUMNS = Prisma.sql`to_char(date, 'YYYY-MM-DD') AS date, status, started_at AS "startedAt",
  finished_at AS "finishedAt", rows_written AS "rowsWritten", error`;

/**
 * Inside the run's transaction, waits for any run in progress to end, with no statement timeout (neither the pool's
 * nor one the server may set for the role). Transaction-scoped, so it holds through a transaction pooler and is
 * released by COMMIT, ROLLBACK, or the connection's end.
 */
export async function lockRollups(client: ClientBase): Promise<void> {
  await onClient(client, Prisma.sql`SET LOCAL statement_timeout = 0`);
  const lock = Prisma.sql`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK_KEY})`;
  await client.query(unbounded(lock.text, lock.values));
}

export const ABANDONED_ERROR = "abandoned: the replica running it stopped";

/**
 * "No run stuck in running forever": a run's row is marked running only while its transaction holds the lock, and
 * finished in that transaction, so under the lock a run still running lost its transaction (its replica died).
 */
export async function failAbandonedRuns(client: ClientBase): Promise<number> {
  const { rowCount } = await onClient(
    client,
    Prisma.sql`UPDATE rollup_runs SET status = 'failed', finished_at = clock_timestamp(), error = ${ABANDONED_ERROR}
                WHERE status = 'running'`,
  );
  return rowCount ?? 0;
}

/**
 * Whether `day` needs healing: usageDateSource, over all tenants, does not
 * read it from its rollup (a tenant's stale mark, never rolled up, rolled up
 * before deltas existed), or its rollup is missing (rollupMissing: a failed
 * latest run), or it is today and holds more deltas than TODAY_DELTAS_MAX.
 */
function healNeeded(day: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${usageDateSource(day, null)} <> 'rollup' OR ${rollupMissing(day, null)} OR ${todayOverfull(day)})`;
}

/**
 * Today's usage_deltas rows beyond which the healer rolls today up. Every answer whose window ends today reads each
 * delta row of today (a row per statement and quarter hour that wrote activity_log), so without a bound they grow
 * with the platform's daily volume (272,443 rows at 30M activity rows, 17,044 at 1M); rolled up, today reads its
 * rollup plus the deltas that arrive after. A busy platform's today is rolled every TODAY_DELTAS_MAX rows written.
 */
export const TODAY_DELTAS_MAX = 10_000;

/** Whether `day` is today and holds more than TODAY_DELTAS_MAX deltas (a bounded probe of their (date) index). */
function todayOverfull(day: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${day} = ${today} AND (SELECT count(*) FROM (
      SELECT 1 FROM usage_deltas d WHERE d.date = ${day} LIMIT ${TODAY_DELTAS_MAX + 1}::int) AS probe) > ${TODAY_DELTAS_MAX}::int)`;
}

/**
 * Whether the healer may roll `day`: a date before today, or today while it holds rows from before
 * usage_deltas_origin (the platform's history when the gateway adopted it: no deltas for them), which every
 * all-tenant answer would otherwise count from activity_log until the date is over and rolled up, or more deltas
 * than TODAY_DELTAS_MAX. Rolled up, today is read from its rollup plus the deltas of the rows that arrive after.
 */
function healable(day: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${day} < ${today}
    OR (${day} = ${today} AND ${day} < (SELECT since FROM usage_deltas_origin))
    OR ${todayOverfull(day)})`;
}

/** The healer re-checks under the lock that the date still needs its rollup, so no two replicas roll it. */
export async function stillNeedsHeal(client: ClientBase, date: string): Promise<boolean> {
  const { rows } = await onClient<{ needed: boolean }>(
    client,
    Prisma.sql`SELECT ${healNeeded(Prisma.sql`${date}::date`)} AS needed`,
  );
  return rows[0].needed;
}

/** The run's row as running, committed at once (see RollupService.runLocked), so operators see it. */
export async function insertRunningRun(
  client: Pick<ClientBase, "query">,
  run: { date: string; trigger: RollupTrigger; slot: Date | null; replica: string; requestedBy?: string },
): Promise<string> {
  const { rows } = await onClient<{ id: string }>(
    client,
    Prisma.sql`INSERT INTO rollup_runs (date, status, started_at, trigger, slot, replica, requested_by)
     VALUES (${run.date}::date, 'running', clock_timestamp(), ${run.trigger}, ${run.slot}, ${run.replica},
             ${run.requestedBy ?? null}) RETURNING id::text AS id`,
  );
  return rows[0].id;
}

/**
 * The rollup of one date, inside the caller's transaction. The date's stale
 * marks, one per tenant (set by UPDATE, DELETE and TRUNCATE), are deleted
 * first, in their own statement: a writer that commits later re-marks its
 * (date, tenant), and one still in progress holds its marks (migrations
 * 20261201001000, 20261207002000) so this waits for it, and the statement
 * that counts takes its snapshot after. `wasStale`: any tenant's mark was there.
 */
export async function clearStaleMark(client: ClientBase, date: string): Promise<{ wasStale: boolean }> {
  const { rowCount } = await onClient(client, Prisma.sql`DELETE FROM usage_stale_dates WHERE date = ${date}::date`);
  return { wasStale: (rowCount ?? 0) > 0 };
}

/**
 * D's rows are exactly the GROUP BY (tenant_id, user_id) counts of the
 * activity_log rows created on D (UTC), with the quarter hours each pair was
 * active in; D's usage_metrics_daily_tenant_totals rows their sums per tenant,
 * its usage_metrics_daily_totals row their sums and distinct users, and its
 * quarter-hour rows (per tenant and for all tenants, migration
 * 20261207012000) the running sums through each quarter with rows, all in one statement: the day's
 * rows are read once, grouped by (tenant, user, quarter), and that serves the
 * upserts, the deletes of keys with no rows on D any more (anti-joins, not
 * lookups in activity_log per row) and the totals (none when D has no rows).
 * The branches touch disjoint rows, as one statement must. Unknown action
 * types count nowhere, but a pair whose rows are all unknown still gets its
 * (all-zero) row: it has rows. D's usage_deltas go in the same statement, so
 * a delta is deleted exactly when its rows are in the snapshot counted
 * (migration 20261201004000). The anti-joins are skipped when D was clean
 * (`wasStale` false, and usageDateSource's 'rollup', the rule the reads
 * trust): since a run that absorbed its deltas only INSERTs touched D, so no
 * key can have lost its rows. Returns the number of (tenant, user) rows written.
 */
export async function writeDailyCounts(
  client: ClientBase,
  date: string,
  { wasStale }: { wasStale: boolean },
): Promise<number> {
  const day = Prisma.sql`${date}::date`;
  const { rows } = await onClient<{ written: number }>(
    client,
    Prisma.sql`WITH day_rows AS MATERIALIZED (
       SELECT tenant_id, user_id, ${quarterOf(Prisma.sql`created_at`)} AS quarter, ${actionCounts}
         FROM activity_log
        WHERE created_at >= ${utcMidnight(day)}
          AND created_at < ${utcMidnight(Prisma.sql`${day} + 1`)}
        GROUP BY 1, 2, 3
     ), counts AS (
       SELECT tenant_id, user_id, ${summedColumns()}, bit_or(${quarterBit(Prisma.sql`quarter`)}) AS quarters
         FROM day_rows GROUP BY tenant_id, user_id
     ), clean AS MATERIALIZED (
       SELECT NOT ${wasStale}::boolean AND ${usageDateSource(day, null)} = 'rollup' AS yes
     ), ${rewriteDateRows(day, "written", "usage_metrics_daily", ["tenant_id", "user_id"], "counts", "quarters")},
     absorbed AS (
       DELETE FROM usage_deltas WHERE date = ${day}
     ), tenant_counts AS (
       SELECT tenant_id, ${summedColumns()} FROM counts GROUP BY tenant_id
     ), ${rewriteDateRows(day, "tenant_totals", "usage_metrics_daily_tenant_totals", ["tenant_id"], "tenant_counts")},
     tenant_quarter_counts AS (
       SELECT tenant_id, quarter, ${runningSums}
         FROM (SELECT tenant_id, quarter, ${summedColumns()} FROM day_rows GROUP BY tenant_id, quarter) c
       WINDOW w AS (PARTITION BY tenant_id ORDER BY quarter)
     ), ${rewriteDateRows(day, "tenant_quarters", "usage_metrics_quarter_hourly", ["tenant_id", "quarter"], "tenant_quarter_counts")},
     quarter_counts AS (
       SELECT quarter, ${runningSums}
         FROM (SELECT quarter, ${summedColumns()} FROM day_rows GROUP BY quarter) c
       WINDOW w AS (ORDER BY quarter)
     ), ${rewriteDateRows(day, "quarters", "usage_metrics_quarter_hourly_totals", ["quarter"], "quarter_counts")},
     no_totals AS (
       DELETE FROM usage_metrics_daily_totals WHERE date = ${day} AND NOT EXISTS (SELECT 1 FROM counts)
     ), totals AS (
       INSERT INTO usage_metrics_daily_totals AS t (date, ${counterColumns}, active_users)
       SELECT ${day}, ${summedColumns()}, count(DISTINCT user_id)
         FROM counts HAVING count(*) > 0
       ON CONFLICT (date) DO UPDATE SET ${counterUpdates}, active_users = EXCLUDED.active_users
     )
     SELECT count(*)::int AS written FROM written`,
  );
  return rows[0].written;
}

/**
 * CTEs `vanished_<name>` and `<name>`: D's rows of `table`, keyed by the date and `keys`, made those of CTE `source`
 * (its keys, the counters and `extra`): upserted, and those whose key `source` lacks deleted unless D was clean
 * (CTE `clean`). `<name>` returns a row per row written.
 */
function rewriteDateRows(
  day: Prisma.Sql,
  name: string,
  table: string,
  keys: string[],
  source: string,
  extra?: string,
): Prisma.Sql {
  const columns = Prisma.sql`${Prisma.raw(keys.join(", "))}, ${counterColumns}${Prisma.raw(extra ? `, ${extra}` : "")}`;
  const sameKey = Prisma.raw(keys.map((key) => `c.${key} = t.${key}`).join(" AND "));
  const extraUpdate = Prisma.raw(extra ? `, ${extra} = EXCLUDED.${extra}` : "");
  return Prisma.sql`${Prisma.raw(`vanished_${name}`)} AS (
       DELETE FROM ${Prisma.raw(table)} t
        WHERE t.date = ${day} AND NOT (SELECT yes FROM clean)
          AND NOT EXISTS (SELECT 1 FROM ${Prisma.raw(source)} c WHERE ${sameKey})
     ), ${Prisma.raw(name)} AS (
       INSERT INTO ${Prisma.raw(table)} AS t (date, ${columns})
       SELECT ${day}, ${columns} FROM ${Prisma.raw(source)}
       ON CONFLICT (date, ${Prisma.raw(keys.join(", "))}) DO UPDATE SET ${counterUpdates}${extraUpdate}
       RETURNING 1
     )`;
}

/** Marks the run succeeded inside the work's transaction, so the rows, the absorbed deltas and "succeeded" commit together. */
export async function finishRun(client: ClientBase, runId: string, rowsWritten: number): Promise<RollupRunRow> {
  const { rows } = await onClient<RollupRunRow>(
    client,
    Prisma.sql`UPDATE rollup_runs
        SET status = 'succeeded', finished_at = clock_timestamp(), rows_written = ${rowsWritten}, consumed_deltas = true,
            wrote_quarters = true
      WHERE id = ${runId}::bigint RETURNING ${RUN_COLUMNS}`,
  );
  return rows[0];
}

export async function failRun(client: ClientBase, runId: string, error: string): Promise<RollupRunRow> {
  const { rows } = await onClient<RollupRunRow>(
    client,
    Prisma.sql`UPDATE rollup_runs SET status = 'failed', finished_at = clock_timestamp(), error = ${error}
      WHERE id = ${runId}::bigint RETURNING ${RUN_COLUMNS}`,
  );
  return rows[0];
}

/** The database's clock, which every replica agrees on. */
export async function readDatabaseNow(db: Database): Promise<Date> {
  const rows = await db.prisma.$queryRaw<Array<{ now: Date }>>`SELECT now() AS now`;
  return rows[0].now;
}

/**
 * Claims a scheduled slot for this replica: only the replica whose insert
 * wins gets the dates back (yesterday of the slot's UTC date, then back
 * lookbackDays days before it); the others get none.
 */
export async function claimSlot(db: Database, slot: Date, replica: string, lookbackDays: number): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<Array<{ date: string }>>`
    WITH claimed AS (
      INSERT INTO rollup_ticks (slot, replica) VALUES (${slot.toISOString()}::timestamptz, ${replica})
      ON CONFLICT (slot) DO NOTHING RETURNING slot)
    SELECT to_char(${utcDate(Prisma.sql`claimed.slot`)} - 1 - back, 'YYYY-MM-DD') AS date
      FROM claimed, generate_series(0, ${lookbackDays}::int) AS back
     ORDER BY back`;
  return rows.map((row) => row.date);
}

/**
 * The dates the healer rolls next: of all history before today (from the
 * earliest activity_log date, where rollupMissing starts, plus any stale
 * date), and today on the day the gateway adopted the platform's rows
 * (healable), those that need healing (healNeeded), newest first (dashboards read
 * windows ending today), at most `batch`; and how many there are in all.
 * With them, for /metrics (which sends no SQL per scrape), the rollup's lag
 * and the duration of the latest finished run, of any replica.
 */
export async function readDatesToHeal(db: Database, batch: number): Promise<DatesToHeal> {
  const rows = await db.prisma.$queryRaw<DatesToHeal[]>`
    WITH bounds AS MATERIALIZED (
      SELECT ${today} AS today,
             (SELECT ${utcDate(Prisma.sql`min(created_at)`)} FROM activity_log) AS earliest
    ), to_heal AS MATERIALIZED (
      SELECT c.day FROM (
        SELECT d::date AS day FROM bounds, generate_series(earliest, today, interval '1 day') AS d
        UNION SELECT date FROM usage_stale_dates) c
       WHERE ${healable(Prisma.sql`c.day`)} AND ${healNeeded(Prisma.sql`c.day`)}
    )
    SELECT ARRAY(SELECT to_char(day, 'YYYY-MM-DD') FROM to_heal ORDER BY day DESC LIMIT ${batch}::int) AS dates,
           (SELECT count(*) FROM to_heal)::int AS "toHeal",
           (SELECT ${lagDays(Prisma.sql`max(date)`)} FROM rollup_runs WHERE status = 'succeeded') AS "lagDays",
           (SELECT extract(epoch FROM finished_at - started_at)::float8 FROM rollup_runs
             WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1) AS "lastRunSeconds"`;
  return rows[0];
}

export interface DatesToHeal {
  dates: string[];
  toHeal: number;
  /** rollupStatus.lagDays: null when no run ever succeeded. */
  lagDays: number | null;
  lastRunSeconds: number | null;
}

/** Claims a heal tick's slot: true for the one replica whose insert wins. */
export async function claimHealSlot(db: Database, slot: Date, replica: string): Promise<boolean> {
  const claimed = await db.prisma.$executeRaw`
    INSERT INTO rollup_heal_ticks (slot, replica) VALUES (${slot.toISOString()}::timestamptz, ${replica})
    ON CONFLICT (slot) DO NOTHING`;
  return claimed === 1;
}

/** runRollup's date: the given one or yesterday, and whether it lies after the database's today. */
export async function readManualDate(db: Database, date: string | null): Promise<{ date: string; future: boolean }> {
  const rows = await db.prisma.$queryRaw<Array<{ date: string; future: boolean }>>`
    SELECT to_char(coalesce(${date}::date, ${today} - 1), 'YYYY-MM-DD') AS date,
           coalesce(${date}::date > ${today}, false) AS future`;
  return rows[0];
}

/** The backfill's dates: each with whether it is clean (its figures come from its rollup, see usageDateSource) and whether it is in the future. */
export async function readBackfillDates(
  db: Database,
  range: { from: string; to: string },
): Promise<Array<{ date: string; clean: boolean; future: boolean }>> {
  return db.prisma.$queryRaw`
    SELECT to_char(d, 'YYYY-MM-DD') AS date,
           ${usageDateSource(Prisma.sql`d::date`, null)} = 'rollup' AS clean,
           d::date > ${today} AS future
      FROM generate_series(${range.from}::date, ${range.to}::date, interval '1 day') AS d
     ORDER BY d`;
}

/** The rollup's lag: days from `latest`, the latest date rolled up, to yesterday, never below 0; null without one. */
function lagDays(latest: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`CASE WHEN ${latest} IS NOT NULL THEN greatest(0, ${today} - 1 - ${latest}) END`;
}

/** rollupStatus: lastRolledUpDate is the greatest date with a successful run, and the lag from it. */
export async function readRollupStatus(
  db: Database,
): Promise<{ lastRolledUpDate: string | null; lagDays: number | null }> {
  const rows = await db.prisma.$queryRaw<Array<{ lastRolledUpDate: string | null; lagDays: number | null }>>`
    SELECT to_char(max(date), 'YYYY-MM-DD') AS "lastRolledUpDate",
           ${lagDays(Prisma.sql`max(date)`)} AS "lagDays"
      FROM rollup_runs WHERE status = 'succeeded'`;
  return rows[0];
}

/** rollupStatus.recentRuns: most recent first, at most 20. */
export async function readRecentRuns(db: Database): Promise<RollupRunRow[]> {
  const runs = await db.prisma.rollupRun.findMany({
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: 20,
    select: { date: true, status: true, startedAt: true, finishedAt: true, rowsWritten: true, error: true },
  });
  return runs as RollupRunRow[];
}

/** rollupStatus.missingDates: of the 90 dates ending yesterday, the missing ones (rollupMissing), oldest first. */
export async function readMissingDates(db: Database): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<Array<{ dates: string[] }>>`
    SELECT coalesce(array_agg(to_char(d.day, 'YYYY-MM-DD') ORDER BY d.day), '{}') AS dates
      FROM (SELECT ${today} - i AS day FROM generate_series(1, 90) AS i) d
     WHERE ${rollupMissing(Prisma.sql`d.day`, null)}`;
  return rows[0].dates;
}

/** How many rows a compaction folded away, per table of deltas. */
export interface FoldedDeltas {
  enrichmentHealth: number;
  prospectCounts: number;
}

/**
 * Folds the rows of each (date, quarter, source) of enrichment_health_deltas and of each (status, date, quarter) of
 * prospect_count_deltas into one, so that reads stay small whatever the writes. On the rollup's connection, which
 * holds the embedded database's only one.
 */
export async function compactDeltas(client: ClientBase): Promise<FoldedDeltas> {
  const { rows } = await onClient<FoldedDeltas>(
    client,
    Prisma.sql`SELECT compact_enrichment_health_deltas() AS "enrichmentHealth",
                      compact_prospect_count_deltas() AS "prospectCounts"`,
  );
  return rows[0];
}
