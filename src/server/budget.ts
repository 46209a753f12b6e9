/**
 * What one tenant may take of this replica's database, so that it cannot hurt another (README, "Budgets").
 *
 * Every request of a signed-in viewer is admitted before it runs, or refused with RATE_LIMITED (HTTP 429) and
 * nothing run, so an answer is never partial:
 * - requests in flight, per viewer and per owner (the viewer's tenant; super admins share `platform`), and the owner's
 *   query cost in flight (src/server/cost.ts), wait in a FIFO queue for at most BUDGET_QUEUE_MS, then are refused;
 * - an owner whose statements took more than its share of database time over the last minute is refused at once,
 *   with Retry-After when enough of that minute has passed;
 * - recordActivity is counted per viewer per minute.
 * An admitted request's statements then wait (never refused) for a permit, per viewer and per owner, that bounds
 * what the owner has running in PostgreSQL at once; the permit is held until PostgreSQL has answered (src/db/pool.ts).
 *
 * All of it lives in this replica's memory: with R replicas an owner gets up to R times each figure.
 */
import type { ApolloServerPlugin } from "@apollo/server";
import { E_TIMEOUT, Semaphore, withTimeout } from "async-mutex";
import { OperationTypeNode, visit, type DocumentNode } from "graphql";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import type { Config } from "../config";
import { currentTally, type StatementTally } from "../db/statement-counter";
import { RateLimited, rateLimitedResponse } from "../errors";
import type { Context } from "./context";

const WINDOW_SECONDS = 60;

/** The budget's keys for a viewer: its own, and its owner's (the tenant, or `platform` for super admins). */
function budgetKeys(viewer: Viewer): { viewer: string; owner: string } {
  const owner = viewer.role === Role.SUPER_ADMIN ? "platform" : `tenant:${viewer.tenantId ?? "none"}`;
  return { viewer: `viewer:${viewer.id}`, owner };
}

/** Semaphores by key, made on first use and forgotten when nobody holds or waits for one. FIFO (async-mutex). */
class KeyedSemaphores {
  private readonly entries = new Map<string, { semaphore: Semaphore; users: number }>();

  constructor(private readonly size: number) {}

  /** Its release; past `deadline` it rejects with E_TIMEOUT and gives up its place in the queue. */
  async acquire(key: string, deadline?: number): Promise<() => void> {
    const entry = this.entries.get(key) ?? { semaphore: new Semaphore(this.size), users: 0 };
    this.entries.set(key, entry);
    entry.users += 1;
    const leave = () => {
      entry.users -= 1;
      if (entry.users === 0) this.entries.delete(key);
    };
    try {
      const queue =
        deadline === undefined ? entry.semaphore : withTimeout(entry.semaphore, Math.max(0, deadline - Date.now()));
      const [, release] = await queue.acquire();
      return () => {
        release();
        leave();
      };
    } catch (error) {
      leave();
      throw error;
    }
  }
}

/**
 * A weighted allowance per key. Not a FIFO queue, on purpose: a cheap request that fits passes a costly one waiting
 * for room, which waits until its deadline at most (async-mutex's weighted queue would keep a timed-out waiter at
 * its head, blocking the cheap ones behind it).
 */
class KeyedAllowances {
  private readonly used = new Map<string, number>();
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(private readonly size: number) {}

  /** Its release; rejects with E_TIMEOUT when `weight` does not fit before `deadline`. */
  async acquire(key: string, weight: number, deadline: number): Promise<() => void> {
    while ((this.used.get(key) ?? 0) + weight > this.size) {
      if (Date.now() >= deadline) throw E_TIMEOUT;
      await this.released(key, deadline);
    }
    this.used.set(key, (this.used.get(key) ?? 0) + weight);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.used.get(key) ?? 0) - weight;
      if (left > 0) this.used.set(key, left);
      else this.used.delete(key);
      for (const wake of this.waiters.get(key) ?? []) wake();
    };
  }

  /** Resolves at the key's next release, or at `deadline`. */
  private released(key: string, deadline: number): Promise<void> {
    return new Promise((resolve) => {
      const waiting = this.waiters.get(key) ?? new Set<() => void>();
      this.waiters.set(key, waiting);
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        if (waiting.size === 0) this.waiters.delete(key);
        resolve();
      };
      const timer = setTimeout(wake, deadline - Date.now());
      waiting.add(wake);
    });
  }
}

/**
 * Milliseconds of database time per owner over the last minute, in one-second buckets (a sliding window: no
 * reset at a minute's turn lets an owner spend two shares back to back).
 */
class DatabaseTime {
  private readonly buckets = new Map<string, Array<{ second: number; milliseconds: number }>>();

  add(key: string, milliseconds: number): void {
    const second = Math.floor(Date.now() / 1000);
    const buckets = this.current(key, second);
    const last = buckets.at(-1);
    if (last?.second === second) last.milliseconds += milliseconds;
    else buckets.push({ second, milliseconds });
    this.buckets.set(key, buckets);
  }

  /** Seconds until the owner's last minute holds less than `shareMs`; 0 when it already does. */
  secondsUntilBelow(key: string, shareMs: number): number {
    const second = Math.floor(Date.now() / 1000);
    const buckets = this.current(key, second);
    let used = buckets.reduce((sum, bucket) => sum + bucket.milliseconds, 0);
    for (const bucket of buckets) {
      if (used < shareMs) break;
      used -= bucket.milliseconds;
      if (used < shareMs) return bucket.second + WINDOW_SECONDS - second;
    }
    return 0;
  }

  /** The key's buckets of the last minute (older ones dropped, and the key when none is left). */
  private current(key: string, second: number): Array<{ second: number; milliseconds: number }> {
    const buckets = (this.buckets.get(key) ?? []).filter((bucket) => bucket.second > second - WINDOW_SECONDS);
    if (buckets.length === 0) this.buckets.delete(key);
    else this.buckets.set(key, buckets);
    return buckets;
  }
}

/** An admitted request: its statements' permits, and its place among the requests in flight until `release`. */
export type Admission = NonNullable<StatementTally["budget"]>;

export type BudgetConfig = Config["budget"];

/** This replica's budgets (one per gateway). */
export class Budgets {
  private readonly viewerRequests: KeyedSemaphores;
  private readonly ownerRequests: KeyedSemaphores;
  private readonly ownerCost: KeyedAllowances;
  private readonly viewerStatements: KeyedSemaphores;
  private readonly ownerStatements: KeyedSemaphores;
  private readonly databaseTime = new DatabaseTime();
  private readonly recordings: RateLimiterMemory;

  constructor(private readonly config: BudgetConfig) {
    this.viewerRequests = new KeyedSemaphores(config.viewerRequests);
    this.ownerRequests = new KeyedSemaphores(config.tenantRequests);
    this.ownerCost = new KeyedAllowances(config.tenantCostInFlight);
    this.viewerStatements = new KeyedSemaphores(config.viewerStatements);
    this.ownerStatements = new KeyedSemaphores(config.tenantStatements);
    this.recordings = new RateLimiterMemory({ points: config.recordActivityPerMinute, duration: WINDOW_SECONDS });
  }

  /**
   * The refusal of a viewer whose owner is over its share of database time, or null. Cheap (memory only): the HTTP
   * route asks it before the query is even parsed, so an owner refused for the rest of the minute cannot spend the
   * replica's CPU on parsing and validating what it keeps sending either.
   */
  databaseTimeRefusal(viewer: Viewer): RateLimited | null {
    const { owner } = budgetKeys(viewer);
    const wait = this.databaseTime.secondsUntilBelow(owner, this.config.tenantDbSecondsPerMinute * 1000);
    if (wait === 0) return null;
    return new RateLimited(`Over this ${ownerWord(owner)}'s share of database time; retry in ${wait} s`, {
      policy: "database-time",
      quota: this.config.tenantDbSecondsPerMinute,
      windowSeconds: WINDOW_SECONDS,
      retryAfterSeconds: wait,
    });
  }

  /**
   * Admits a request of query cost `cost` that records `recordings` activities, or throws RATE_LIMITED. The cost in
   * flight is what keeps one owner's heaviest answers, whose building and sending take the replica's CPU as well as
   * the database's, to one or two at a time: a dashboard's cheap panels pass beside them.
   */
  async admit(viewer: Viewer, recordings: number, cost: number): Promise<Admission> {
    const keys = budgetKeys(viewer);
    const overShare = this.databaseTimeRefusal(viewer);
    if (overShare) throw overShare;
    const deadline = Date.now() + this.config.queueMs;
    const releases: Array<() => void> = [];
    const releaseAll = () =>
      releases
        .splice(0)
        .reverse()
        .forEach((release) => release());
    try {
      const { viewerRequests, ownerRequests, ownerCost, config } = this;
      // A request costlier than the whole allowance (an operator's small setting) waits until it has it all.
      const weight = Math.min(Math.max(1, Math.ceil(cost)), config.tenantCostInFlight);
      // One at a time, so that a refusal gives back what was taken before it.
      for (const [acquire, policy, limit, key] of [
        [() => viewerRequests.acquire(keys.viewer, deadline), "concurrency", config.viewerRequests, keys.viewer],
        [() => ownerRequests.acquire(keys.owner, deadline), "concurrency", config.tenantRequests, keys.owner],
        [
          () => ownerCost.acquire(keys.owner, weight, deadline),
          "cost-in-flight",
          config.tenantCostInFlight,
          keys.owner,
        ],
      ] as const)
        releases.push(await refuseLate(acquire, policy, limit, key));
      // Counted once the request is sure to run, so a refused one records nothing and costs nothing.
      if (recordings > 0) await this.consumeRecordings(keys.viewer, recordings);
    } catch (error) {
      releaseAll();
      throw error;
    }
    return {
      // Always the viewer's permit before the owner's, so two statements never wait for each other's.
      permit: async () => {
        const releaseViewerPermit = await this.viewerStatements.acquire(keys.viewer);
        const releaseOwnerPermit = await this.ownerStatements.acquire(keys.owner);
        return {
          label: keys.owner,
          done: (milliseconds) => {
            this.databaseTime.add(keys.owner, milliseconds);
            releaseOwnerPermit();
            releaseViewerPermit();
          },
        };
      },
      release: releaseAll,
    };
  }

  private async consumeRecordings(key: string, recordings: number): Promise<void> {
    try {
      await this.recordings.consume(key, recordings);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      // consume() counted the refused points too.
      await this.recordings.reward(key, recordings);
      const retryAfterSeconds = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
      throw new RateLimited(
        `Over ${this.config.recordActivityPerMinute} recordActivity calls a minute; retry in ${retryAfterSeconds} s`,
        {
          policy: "record-activity",
          quota: this.config.recordActivityPerMinute,
          windowSeconds: WINDOW_SECONDS,
          retryAfterSeconds,
        },
      );
    }
  }
}

/** The release `acquire` gives, or RATE_LIMITED under `policy` when it times out. */
async function refuseLate(
  acquire: () => Promise<() => void>,
  policy: "concurrency" | "cost-in-flight",
  limit: number,
  key: string,
): Promise<() => void> {
  try {
    return await acquire();
  } catch (error) {
    if (error !== E_TIMEOUT) throw error;
    const what = policy === "concurrency" ? "Too many requests" : "Too costly requests";
    throw new RateLimited(`${what} of this ${ownerWord(key)} at once; retry in a moment`, {
      policy,
      quota: limit,
      retryAfterSeconds: 1,
    });
  }
}

function ownerWord(key: string): string {
  if (key.startsWith("viewer:")) return "viewer";
  return key === "platform" ? "platform" : "tenant";
}

/**
 * Admits each operation of a signed-in viewer just before it runs (after every check of the query, its cost
 * included, so a refused query is told what to fix rather than to wait) and gives its place back when the route's
 * work is over; the request's statements then run under its permits. A request with no viewer runs no SQL (every field
 * that reads needs one).
 */
export function budgetPlugin(budgets: Budgets): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ contextValue, document, operation }) {
          // The route's tally (src/server/observe.ts) gives the place back once the route's work is over.
          const tally = currentTally();
          if (!contextValue.viewer || !tally) return null;
          // Typed as always there, but undefined for an operationName the document lacks (execution then says so).
          const recordings = operation?.operation === OperationTypeNode.MUTATION ? countRecordActivity(document) : 0;
          try {
            tally.budget = await budgets.admit(contextValue.viewer, recordings, contextValue.report.cost ?? 0);
          } catch (error) {
            if (error instanceof RateLimited) return rateLimitedResponse(error);
            throw error;
          }
          return null;
        },
      };
    },
  };
}

/** recordActivity fields in the document (aliases each count). */
function countRecordActivity(document: DocumentNode): number {
  let count = 0;
  visit(document, {
    Field(node) {
      if (node.name.value === "recordActivity") count += 1;
    },
  });
  return count;
}
