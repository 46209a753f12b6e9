import { EventEmitter } from "node:events";
import { CronExpressionParser } from "cron-parser";
import cron, { type ScheduledTask, type TaskContext } from "node-cron";
import type { PoolClient } from "pg";
import type { Config } from "../config";
import type { Database } from "../db/database";
import type { Logger } from "../logger";
import {
  claimHealSlot,
  claimSlot,
  clearStaleMark,
  compactDeltas,
  failAbandonedRuns,
  failRun,
  finishRun,
  insertRunningRun,
  lockRollups,
  readDatabaseNow,
  readDatesToHeal,
  stillNeedsHeal,
  writeDailyCounts,
  type RollupRunRow,
  type RollupTrigger,
} from "./rollup.sql";

/** How long stop() lets a run in progress finish before closing its connection. */
const STOP_GRACE_MS = 10_000;
/** How far from the database's now a tick looks for its scheduled instant. */
const SLOT_SEARCH_SECONDS = 3600;

interface RunRequest {
  date: string;
  trigger: RollupTrigger;
  slot?: Date | null;
  /** runRollup's viewer, recorded with the run. */
  requestedBy?: string;
  /** Healing: skip the date if, under the lock, it turns out to be healed by now (by another replica). */
  ifStillNeeded?: boolean;
}

/** What one heal pass did, emitted as the service's "heal" event once it is over. */
export interface HealTick {
  trigger: "catch-up" | "heal";
  /** The heal schedule's slot (null for the pass at start). */
  slot: Date | null;
  /** Whether this replica rolled the pass's dates: the pass at start always, a tick when it won its slot. */
  ran: boolean;
  /** Dates this pass rolled up (a date another replica healed first is not counted). */
  healed: number;
  /** Dates still to heal: those the pass found, less those it healed. */
  toHeal: number;
  /** As the pass read them, for /metrics: the lag (rollupStatus.lagDays) and the latest run's duration. */
  lagDays: number | null;
  lastRunSeconds: number | null;
}

export class RollupStoppingError extends Error {
  constructor() {
    super("the rollup service is stopping");
  }
}

/**
 * The daily rollup's runs and scheduler.
 *
 * Runs never overlap: each is one transaction holding a PostgreSQL
 * transaction-level advisory lock (other replicas; it holds through a
 * transaction pooler, where a session lock would not) and an in-process
 * promise chain (this process; the only exclusion in the embedded database,
 * whose connections share one session). A run's row is marked running only
 * while its transaction holds the lock, so holding it, a run still marked
 * running lost its transaction, so its replica died: it is marked failed as
 * abandoned. A run's rows and its "succeeded" commit in that transaction, so
 * a replica that dies mid-run leaves no partial rows. Each scheduled tick is
 * claimed by exactly one replica through its slot in rollup_ticks.
 *
 * Healing: once at start ("catch-up") and on each tick of ROLLUP_HEAL_CRON
 * ("heal"), the dates of all history that need a rollup to be read from it
 * (stale, or never rolled up while they have rows) are rolled, newest first,
 * at most ROLLUP_HEAL_BATCH per pass. A tick's pass runs on the replica that
 * wins its slot in rollup_heal_ticks, and each date is re-checked under the
 * lock, so a date healed by another replica (or by the pass at start of one)
 * is not rolled again.
 */
export class RollupService extends EventEmitter<{ heal: [HealTick] }> {
  private chain: Promise<unknown> = Promise.resolve();
  /** Manual runs queued (not started) per date: a second request for the date joins the queued one. */
  private readonly queuedManual = new Map<string, Promise<RollupRunRow>>();
  private task: ScheduledTask | null = null;
  private healTask: ScheduledTask | null = null;
  /** The heal pass in progress: a heal tick that fires meanwhile is skipped (the pass at start may outlast a tick). */
  private healPass: Promise<void> | null = null;
  private stopping = false;
  private activeClient: PoolClient | null = null;

  constructor(readonly deps: { db: Database; log: Logger; config: Config["rollup"]; replicaId: string }) {
    super();
  }

  /** Schedules the ticks and starts the first heal pass in the background; returns at once (readiness is not delayed). */
  start(): void {
    const { config } = this.deps;
    this.task = this.schedule(config.cron, "daily-rollup", (context) => this.tick(context));
    this.healTask = this.schedule(config.healCron, "rollup-heal", (context) => this.healTick(context));
    void this.heal("catch-up", null);
  }

  private schedule(expression: string, name: string, job: (context: TaskContext) => Promise<void>): ScheduledTask {
    const { log } = this.deps;
    return cron.schedule(expression, job, {
      timezone: "UTC",
      name,
      noOverlap: true,
      logger: {
        info: (message) => log.info(message),
        warn: (message) => log.warn(message),
        error: (message, err) => log.error({ err: err ?? message }, "node-cron"),
        debug: (message, err) => log.debug({ err: err ?? message }, "node-cron"),
      },
    });
  }

  /**
   * Stops the ticks, drops queued runs, and waits up to 10 s for the run in
   * progress. One that does not finish loses its connection: its transaction
   * rolls back and its row, left running, is marked abandoned by the next run.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.task?.destroy();
    await this.healTask?.destroy();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), STOP_GRACE_MS);
    });
    const outcome = await Promise.race([Promise.all([this.chain, this.healPass]), grace]);
    clearTimeout(timer);
    if (outcome === "timeout") this.releaseActiveClient(new Error("the gateway is stopping"));
  }

  /** runRollup: waits for a run in progress, then rolls the date; joins a manual run of the date still waiting its turn. */
  runNow(date: string, requestedBy?: string): Promise<RollupRunRow> {
    const queued = this.queuedManual.get(date);
    if (queued) return queued;
    const run: Promise<RollupRunRow> = this.serialise(() => {
      this.queuedManual.delete(date);
      return this.runLocked({ date, trigger: "manual", requestedBy });
    });
    this.queuedManual.set(date, run);
    run.catch(() => this.queuedManual.delete(date));
    return run;
  }

  /** One run of one date for the backfill; resolves once it has finished. */
  run(date: string, trigger: RollupTrigger): Promise<RollupRunRow> {
    return this.serialise(() => this.runLocked({ date, trigger }));
  }

  private serialise<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(() => {
      if (this.stopping) throw new RollupStoppingError();
      return work();
    });
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async tick(context: TaskContext): Promise<void> {
    const { db, config, replicaId, log } = this.deps;
    try {
      const slot = this.slotNearest(config.cron, await readDatabaseNow(db)) ?? context.date;
      const dates = await claimSlot(db, slot, replicaId, config.lookbackDays);
      for (const date of dates) await this.serialise(() => this.runLocked({ date, trigger: "schedule", slot }));
    } catch (error) {
      if (!(error instanceof RollupStoppingError)) log.error({ err: error }, "scheduled rollup failed");
    }
  }

  private async healTick(context: TaskContext): Promise<void> {
    if (this.healPass) return;
    await this.heal(
      "heal",
      async () => this.slotNearest(this.deps.config.healCron, await readDatabaseNow(this.deps.db)) ?? context.date,
    );
  }

  private heal(trigger: HealTick["trigger"], slotOf: (() => Promise<Date>) | null): Promise<void> {
    const pass = this.healOnce(trigger, slotOf).finally(() => {
      this.healPass = null;
    });
    this.healPass = pass;
    return pass;
  }

  /**
   * One heal pass: reads the dates to heal (every replica, so each one's
   * gauge is current), and rolls them if this is the pass at start (no slot)
   * or this replica wins the tick's slot. A tick with nothing to heal claims
   * nothing, so rollup_heal_ticks grows only while there is healing.
   */
  private async healOnce(trigger: HealTick["trigger"], slotOf: (() => Promise<Date>) | null): Promise<void> {
    const { db, config, replicaId, log } = this.deps;
    try {
      const slot = slotOf && (await slotOf());
      const { dates, toHeal, lagDays, lastRunSeconds } = await readDatesToHeal(db, config.healBatch);
      const ran = dates.length > 0 && (slot === null || (await claimHealSlot(db, slot, replicaId)));
      let healed = 0;
      for (const date of ran ? dates : []) {
        const run = await this.serialise(() => this.runLocked({ date, trigger, slot, ifStillNeeded: true }));
        if (run?.status === "succeeded") healed += 1;
      }
      if (ran) log.info({ trigger, healed, toHeal: toHeal - healed }, "rollup heal pass");
      else log.debug({ trigger, toHeal }, "rollup heal pass: nothing to roll here");
      this.emit("heal", { trigger, slot, ran, healed, toHeal: toHeal - healed, lagDays, lastRunSeconds });
    } catch (error) {
      if (!(error instanceof RollupStoppingError)) log.error({ err: error, trigger }, "rollup heal pass failed");
    }
  }

  /**
   * The scheduled instant of `expression` nearest to the database's clock (the earlier of two as near), so replicas
   * whose clocks differ a little name the same slot; null when none is within SLOT_SEARCH_SECONDS.
   */
  private slotNearest(expression: string, now: Date): Date | null {
    const second = Math.round(now.getTime() / 1000) * 1000;
    const from = (currentDate: number) => CronExpressionParser.parse(expression, { currentDate, tz: "UTC" });
    // prev() and next() exclude their starting instant: prev() from the next second may return `second` itself.
    const [earlier, later] = [from(second + 1000).prev(), from(second).next()].map((instant) => instant.getTime());
    const nearest = second - earlier <= later - second ? earlier : later;
    return Math.abs(nearest - second) <= SLOT_SEARCH_SECONDS * 1000 ? new Date(nearest) : null;
  }

  /** One run, holding the lock; resolves with the finished run (succeeded or failed), or null when healing found it done. */
  private async runLocked(request: RunRequest & { ifStillNeeded: true }): Promise<RollupRunRow | null>;
  private async runLocked(request: RunRequest): Promise<RollupRunRow>;
  private async runLocked(request: RunRequest): Promise<RollupRunRow | null> {
    const { db, log } = this.deps;
    const client = await db.pool.connect();
    this.activeClient = client;
    try {
      await client.query("BEGIN");
      if (db.kind === "postgres") await lockRollups(client);
      const abandoned = await failAbandonedRuns(client);
      if (abandoned > 0) log.warn({ runs: abandoned }, "rollup runs abandoned by a stopped replica marked failed");
      if (request.ifStillNeeded && !(await stillNeedsHeal(client, request.date))) {
        await client.query("COMMIT");
        return null;
      }
      const runId = await this.recordRunning(client, request);
      const started = Date.now();
      await client.query("SAVEPOINT run");
      try {
        const { wasStale } = await clearStaleMark(client, request.date);
        const rowsWritten = await writeDailyCounts(client, request.date, { wasStale });
        const run = await finishRun(client, runId, rowsWritten);
        await client.query("COMMIT");
        log.info(
          { date: request.date, trigger: request.trigger, rowsWritten, ms: Date.now() - started },
          "rollup run succeeded",
        );
        await this.compactDeltas(client);
        return run;
      } catch (error) {
        await client.query("ROLLBACK TO SAVEPOINT run");
        const message = error instanceof Error ? error.message : String(error);
        log.error({ date: request.date, trigger: request.trigger, err: error }, "rollup run failed");
        const run = await failRun(client, runId, message);
        await client.query("COMMIT");
        return run;
      }
    } catch (error) {
      this.releaseActiveClient(error instanceof Error ? error : new Error(String(error)));
      throw error;
    } finally {
      if (this.activeClient === client) this.releaseActiveClient();
    }
  }

  /**
   * The run's row, marked running. On PostgreSQL it is committed at once on a connection of its own while the run's
   * transaction holds the lock, so operators see it, and a run that dies leaves it running for the next one to mark
   * abandoned; embedded, the run's one session is the only one there is (and a crash loses the whole database's
   * uncommitted work alike).
   */
  private async recordRunning(client: PoolClient, request: RunRequest): Promise<string> {
    const { db, replicaId } = this.deps;
    const run = { ...request, slot: request.slot ?? null, replica: replicaId };
    if (db.kind !== "postgres") return insertRunningRun(client, run);
    const other = await db.pool.connect();
    let failure: Error | undefined;
    try {
      return await insertRunningRun(other, run);
    } catch (error) {
      failure = error as Error;
      throw error;
    } finally {
      other.release(failure);
    }
  }

  /** Nightly upkeep beside the run, in its own statement: a failure is logged and leaves the counts exact, only larger. */
  private async compactDeltas(client: PoolClient): Promise<void> {
    try {
      const folded = await compactDeltas(client);
      if (folded.enrichmentHealth > 0 || folded.prospectCounts > 0) this.deps.log.info(folded, "deltas folded");
    } catch (error) {
      this.deps.log.warn({ err: error }, "deltas compaction failed; the next run retries it");
    }
  }

  /** With an error the connection is closed, not pooled: the server then drops its lock and rolls back its transaction. */
  private releaseActiveClient(error?: Error): void {
    const client = this.activeClient;
    this.activeClient = null;
    client?.release(error);
  }
}
