import { AsyncLocalStorage } from "node:async_hooks";

/** What one GraphQL request (or one job) sent to PostgreSQL. */
export interface StatementTally {
  statements: number;
}

const current = new AsyncLocalStorage<StatementTally>();

export function countStatements<T>(tally: StatementTally, work: () => T): T {
  return current.run(tally, work);
}

export function recordStatement(): void {
  const tally = current.getStore();
  if (tally) tally.statements += 1;
}
