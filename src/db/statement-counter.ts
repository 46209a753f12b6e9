import { AsyncLocalStorage } from "node:async_hooks";

/**
 * A permit for one statement under a request's budget (src/server/budget.ts): `done` is called once PostgreSQL has
 * answered it (after a cancel too), with the milliseconds it took there.
 */
export interface StatementPermit {
  /** A marker for the statement's text, so pg_stat_activity tells whose statement it is. */
  label: string;
  done(milliseconds: number): void;
}

/** What one GraphQL request (or one job) sends to PostgreSQL, and under which budget. */
export interface StatementTally {
  statements: number;
  /** Aborted when the client has gone: statements not yet sent are dropped, those in flight cancelled. */
  signal?: AbortSignal;
  /** Set when the request is admitted: every statement waits for a permit of its own; `release` when it is over. */
  budget?: { permit(): Promise<StatementPermit>; release(): void };
}

const current = new AsyncLocalStorage<StatementTally>();

export function countStatements<T>(tally: StatementTally, work: () => T): T {
  return current.run(tally, work);
}

/** The request (or job) the caller runs for, if any. */
export function currentTally(): StatementTally | undefined {
  return current.getStore();
}

export function recordStatement(): void {
  const tally = current.getStore();
  if (tally) tally.statements += 1;
}
