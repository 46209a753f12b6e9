import { OperationTypeNode } from "graphql";
import type { ApolloServerPlugin } from "@apollo/server";
import { PrismaPg } from "@prisma/adapter-pg";
import type { Viewer } from "../auth/viewer";
import type { Config } from "../config";
import type { Logger } from "../logger";
import type { Context } from "../server/context";
import { openCountingPool, type Database } from "./database";
import { PrismaClient } from "./generated/client";
import { primaryWalPosition, replayedWalPosition, writtenWalPosition } from "./read-replica.sql";

/** How often the replica's replay is compared with the primary's WAL. */
const CHECK_INTERVAL_MS = 1_000;
/** Past positions of the primary kept while the replica lags (one per check): beyond, its lag is only overstated. */
const MAX_SAMPLES = 3_600;

/** A WAL position (`pg_lsn`'s text, `X/Y` in hex) as a number that orders like it. */
function walPosition(lsn: string): bigint {
  const [high, low] = lsn.split("/");
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

/**
 * A streaming replica for dashboard reads (DATABASE_READ_URL). Once a second
 * it notes the primary's current WAL position, then compares the replica's
 * replayed position with the positions noted: past the latest one means caught
 * up (lag 0, so an idle replica is never taken for a lagging one); else the
 * lag is the time since the latest check whose position it has replayed (an
 * upper bound, measured on this clock alone). Requests read
 * from the replica while that lag is within READ_REPLICA_MAX_LAG_MS, from the
 * primary otherwise (or while the replica does not answer), so routing costs
 * no statement. A viewer's write (a mutation) notes the primary's WAL position
 * after it; that viewer reads from the primary until the replica has replayed
 * past it, so it always sees its own writes.
 */
export class ReadReplica {
  readonly reader: Database;
  private readonly maxLagMs: number;
  private readonly log: Logger;
  /** The primary's positions at recent checks, oldest first, from the latest one the replica had replayed. */
  private samples: { position: bigint; at: number }[] = [];
  /** When the primary was last at a position the replica has replayed; null before the first check that saw it. */
  private caughtUpAt: number | null = null;
  private behind = true;
  /** The last check reached both servers; usable while the lag is also within the bound. */
  private reachable = false;
  private used = false;
  /**
   * Per viewer, the primary's WAL position after its latest write the replica has not replayed yet; null when the
   * primary did not tell it (the next check's position of the primary stands in).
   */
  private readonly pendingWrites = new Map<string, bigint | null>();
  private readonly timer: NodeJS.Timeout;
  /** A check still running (a server slow to answer) is not doubled: the next tick skips. */
  private checking: Promise<void> | null = null;

  constructor(
    private readonly primary: Database,
    readUrl: string,
    config: Pick<Config, "pool" | "readReplica">,
    log: Logger,
  ) {
    this.maxLagMs = config.readReplica.maxLagMs;
    this.log = log;
    const pool = openCountingPool(config.pool, { connectionString: readUrl }, "analytics-gateway reads");
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    this.reader = {
      kind: primary.kind,
      prisma,
      pool,
      direct: primary.direct,
      primary,
      async close() {
        await prisma.$disconnect();
        await pool.end();
      },
    };
    this.timer = setInterval(() => this.check(), CHECK_INTERVAL_MS);
    this.timer.unref();
    this.check();
  }

  /** Seconds the replica is behind the primary (0 when caught up); Infinity before it has ever caught up. */
  lagSeconds(): number {
    return this.lagMs() / 1000;
  }

  /** Read per request from memory. A behind replica's lag grows between checks; a check that hangs is cut by the pool's deadline. */
  isUsed(): boolean {
    return this.reachable && this.lagMs() <= this.maxLagMs;
  }

  /** Where a request of this viewer reads: the replica when it is usable and has replayed the viewer's writes. */
  databaseFor(viewer: Viewer | null): Database {
    if (!this.isUsed()) return this.primary;
    const pending = viewer ? this.pendingWrites.get(viewer.id) : undefined;
    return pending === undefined ? this.reader : this.primary;
  }

  /** After a viewer's write: its reads go to the primary until the replica has replayed this far. */
  async noteWrite(viewer: Viewer): Promise<void> {
    try {
      this.pendingWrites.set(viewer.id, walPosition(await writtenWalPosition(this.primary)));
    } catch (error) {
      this.pendingWrites.set(viewer.id, null);
      this.log.warn({ err: error }, "read replica: the WAL position after a write is unknown");
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.checking;
    await this.reader.close();
  }

  private lagMs(): number {
    if (this.caughtUpAt === null) return Infinity;
    return this.behind ? Date.now() - this.caughtUpAt : 0;
  }

  private check(): void {
    this.checking ??= this.measure().finally(() => (this.checking = null));
  }

  private async measure(): Promise<void> {
    try {
      // The primary first: a replica that has replayed what the primary had written before it asked is caught up.
      const at = Date.now();
      const current = walPosition(await primaryWalPosition(this.primary));
      const replayed = walPosition(await replayedWalPosition(this.reader));
      this.samples.push({ position: current, at });
      const latest = this.samples.findLastIndex((sample) => sample.position <= replayed);
      if (latest >= 0) this.caughtUpAt = this.samples[latest].at;
      this.behind = latest !== this.samples.length - 1;
      this.samples = this.samples.slice(Math.max(latest, 0, this.samples.length - MAX_SAMPLES));
      for (const [viewer, position] of this.pendingWrites) {
        if ((position ?? current) <= replayed) this.pendingWrites.delete(viewer);
        else this.pendingWrites.set(viewer, position ?? current);
      }
      this.reachable = true;
      this.logChange({ lagSeconds: this.lagSeconds() });
    } catch (error) {
      this.reachable = false;
      this.logChange({ err: error });
    }
  }

  private logChange(details: object): void {
    if (this.isUsed() === this.used) return;
    this.used = this.isUsed();
    if (this.used) this.log.info(details, "read replica taken back for reads");
    else this.log.warn({ ...details, maxLagMs: this.maxLagMs }, "read replica skipped: reads go to the primary");
  }
}

/** Notes the WAL position after every mutation of a viewer, before its response is sent (ReadReplica.noteWrite). */
export function readYourWritesPlugin(replica: ReadReplica): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, contextValue }) {
          if (operation?.operation === OperationTypeNode.MUTATION && contextValue.viewer)
            await replica.noteWrite(contextValue.viewer);
        },
      };
    },
  };
}
