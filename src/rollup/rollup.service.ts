import cron, { type ScheduledTask, type TaskContext } from "node-cron";
import type { PoolClient } from "pg";
import type { Config } from "../config";
import type { Database } from "../db/database";
import { compactEnrichmentHealth } from "../enrichment/enrichment.sql";
import type { Logger } from "../logger";
import {
  claimSlot,
  clearStaleMark,
  failAbandonedRuns,
  failRun,
  finishRun,
  hasSucceededRun,
  insertRunningRun,
  lockRollups,
  readDatabaseNow,
  readDatesToCatchUp,
  unlockRollups,
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
  /** Catch-up: skip the date if, under the lock, it turns out to have a successful run by now. */
  unlessSucceeded?: boolean;
}

export class RollupStoppingError extends Error {
  constructor() {
    super("the rollup service is stopping");
  }
}

/**
 * The daily rollup's runs and scheduler.
 *
 * Runs never overlap: each holds a PostgreSQL session-level advisory lock
 * (other replicas) and an in-process promise chain (this process; the only
 * exclusion in the embedded database, whose connections share one session).
 * Holding the lock, a run still marked running has lost its session, so its
 * replica died: it is marked failed as abandoned. A run's rows and its
 * "succeeded" commit in one transaction, so a replica that dies mid-run
 * leaves no partial rows. Each scheduled tick is claimed by exactly one
 * replica through its slot in rollup_ticks.
 */
export class RollupService {
  private chain: Promise<unknown> = Promise.resolve();
  /** Manual runs queued (not started) per date: a second request for the date joins the queued one. */
  private readonly queuedManual = new Map<string, Promise<RollupRunRow>>();
  private task: ScheduledTask | null = null;
  private stopping = false;
  private activeClient: PoolClient | null = null;

  constructor(readonly deps: { db: Database; log: Logger; config: Config["rollup"]; replicaId: string }) {}

  /** Schedules the ticks and starts the catch-up in the background; returns at once (readiness is not delayed). */
  start(): void {
    const { config, log } = this.deps;
    this.task = cron.schedule(config.cron, (context) => this.tick(context), {
      timezone: "UTC",
      name: "daily-rollup",
      noOverlap: true,
      logger: {
        info: (message) => log.info(message),
        warn: (message) => log.warn(message),
        error: (message, err) => log.error({ err: err ?? message }, "node-cron"),
        debug: (message, err) => log.debug({ err: err ?? message }, "node-cron"),
      },
    });
    void this.catchUp().catch((error: unknown) => log.error({ err: error }, "rollup catch-up failed"));
  }

  /**
   * Stops the ticks, drops queued runs, and waits up to 10 s for the run in
   * progress. One that does not finish loses its connection: its transaction
   * rolls back and its row, left running, is marked abandoned by the next run.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.task?.destroy();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), STOP_GRACE_MS);
    });
    const outcome = await Promise.race([this.chain, grace]);
    clearTimeout(timer);
    if (outcome === "timeout") this.releaseActiveClient(new Error("the gateway is stopping"));
  }

  /** runRollup: waits for a run in progress, then rolls the date; joins a manual run of the date still waiting its turn. */
  runNow(date: string): Promise<RollupRunRow> {
    const queued = this.queuedManual.get(date);
    if (queued) return queued;
    const run: Promise<RollupRunRow> = this.serialise(() => {
      this.queuedManual.delete(date);
      return this.runLocked({ date, trigger: "manual" });
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

  private async catchUp(): Promise<void> {
    const dates = await readDatesToCatchUp(this.deps.db);
    for (const date of dates) {
      if (this.stopping) return;
      await this.serialise(() => this.runLocked({ date, trigger: "catch-up", unlessSucceeded: true }));
    }
  }

  private async tick(context: TaskContext): Promise<void> {
    const { db, config, replicaId, log } = this.deps;
    try {
      const slot = this.slotNearest(await readDatabaseNow(db)) ?? context.date;
      const dates = await claimSlot(db, slot, replicaId, config.lookbackDays);
      for (const date of dates) await this.serialise(() => this.runLocked({ date, trigger: "schedule", slot }));
    } catch (error) {
      if (!(error instanceof RollupStoppingError)) log.error({ err: error }, "scheduled rollup failed");
    }
  }

  /** The scheduled instant nearest to the database's clock, so replicas whose clocks differ a little name the same slot. */
  private slotNearest(now: Date): Date | null {
    const second = Math.round(now.getTime() / 1000) * 1000;
    for (let offset = 0; offset <= SLOT_SEARCH_SECONDS; offset += 1) {
      for (const candidate of [second - offset * 1000, second + offset * 1000]) {
        if (this.task?.match(new Date(candidate))) return new Date(candidate);
      }
    }
    return null;
  }

  /** One run, holding the lock; resolves with the finished run (succeeded or failed), or null when catch-up found it done. */
  private async runLocked(request: RunRequest & { unlessSucceeded: true }): Promise<RollupRunRow | null>;
  private async runLocked(request: RunRequest): Promise<RollupRunRow>;
  private async runLocked(request: RunRequest): Promise<RollupRunRow | null> {
    const { db, log, replicaId } = this.deps;
    const client = await db.pool.connect();
    this.activeClient = client;
    const advisory = db.kind === "postgres";
    try {
      if (advisory) await lockRollups(client);
      const abandoned = await failAbandonedRuns(client);
      if (abandoned > 0) log.warn({ runs: abandoned }, "rollup runs abandoned by a stopped replica marked failed");
      if (request.unlessSucceeded && (await hasSucceededRun(client, request.date))) return null;
      const runId = await insertRunningRun(client, { ...request, slot: request.slot ?? null, replica: replicaId });
      const started = Date.now();
      try {
        await client.query("BEGIN");
        const { wasStale } = await clearStaleMark(client, request.date);
        const rowsWritten = await writeDailyCounts(client, request.date, { wasStale });
        const run = await finishRun(client, runId, rowsWritten);
        await client.query("COMMIT");
        log.info(
          { date: request.date, trigger: request.trigger, rowsWritten, ms: Date.now() - started },
          "rollup run succeeded",
        );
        await this.compactEnrichmentHealth(client);
        return run;
      } catch (error) {
        await client.query("ROLLBACK");
        const message = error instanceof Error ? error.message : String(error);
        log.error({ date: request.date, trigger: request.trigger, err: error }, "rollup run failed");
        return await failRun(client, runId, message);
      }
    } catch (error) {
      this.releaseActiveClient(error instanceof Error ? error : new Error(String(error)));
      throw error;
    } finally {
      if (this.activeClient === client) await this.unlockAndRelease(client, advisory);
    }
  }

  /** Nightly upkeep beside the run, in its own statement: a failure is logged and leaves the counts exact, only larger. */
  private async compactEnrichmentHealth(client: PoolClient): Promise<void> {
    try {
      const folded = await compactEnrichmentHealth(client);
      if (folded > 0) this.deps.log.info({ folded }, "enrichment health deltas folded");
    } catch (error) {
      this.deps.log.warn({ err: error }, "enrichment health compaction failed; the next run retries it");
    }
  }

  private async unlockAndRelease(client: PoolClient, advisory: boolean): Promise<void> {
    try {
      if (advisory) await unlockRollups(client);
      this.releaseActiveClient();
    } catch (error) {
      this.releaseActiveClient(error as Error);
    }
  }

  /** With an error the connection is closed, not pooled: the server then drops its lock and rolls back its transaction. */
  private releaseActiveClient(error?: Error): void {
    const client = this.activeClient;
    this.activeClient = null;
    client?.release(error);
  }
}
