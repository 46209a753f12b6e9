import type DataLoader from "dataloader";
import type { Viewer } from "../auth/viewer";
import type { Config } from "../config";
import type { Database } from "../db/database";
import type { Logger } from "../logger";

/** How a feature builds one of its loaders; defined next to the loader's SQL. */
export type LoaderDefinition<K, V> = (db: Database) => DataLoader<K, V>;

/** One run of the daily rollup, as rollup_runs holds it. */
export interface RollupRunRow {
  /** YYYY-MM-DD, or a Date at UTC midnight from Prisma. */
  date: string | Date;
  status: "running" | "succeeded" | "failed";
  startedAt: Date;
  finishedAt: Date | null;
  rowsWritten: number | null;
  error: string | null;
}

/** The daily rollup as a resolver may use it (src/rollup/rollup.service.ts): one date rolled now, its run answered. */
export interface RollupRunner {
  runNow(date: string, requestedBy?: string): Promise<RollupRunRow>;
}

export interface Context {
  viewer: Viewer | null;
  db: Database;
  config: Config;
  rollup: RollupRunner;
  requestId: string;
  log: Logger;
  /**
   * The time-zone names a timeZone argument may take (src/daily-usage/time-zones.ts): read from PostgreSQL once at
   * start, since pg_timezone_names reads every zone file of the tzdata.
   */
  timeZones: ReadonlySet<string>;
  /** Filled in as Apollo resolves the request, for the request's log line and metrics. */
  report: {
    operation?: string;
    errorCodes: string[];
    /** Which engine executed the operation (src/server/jit.ts); unset when nothing ran (a parse error). */
    executor?: "compiled" | "graphql-js";
    /** The operation's query cost (src/server/cost.ts), once known; the budgets weigh the request by it. */
    cost?: number;
  };
  /** This request's instance of a loader, created on first use; nothing is cached across requests. */
  loader<K, V>(definition: LoaderDefinition<K, V>): DataLoader<K, V>;
}

export function createContext(fields: Omit<Context, "loader" | "report">): Context {
  const loaders = new Map<LoaderDefinition<unknown, unknown>, DataLoader<unknown, unknown>>();
  return {
    ...fields,
    report: { errorCodes: [] },
    loader<K, V>(definition: LoaderDefinition<K, V>) {
      let loader = loaders.get(definition);
      if (!loader) {
        loader = definition(fields.db);
        loaders.set(definition, loader);
      }
      return loader as DataLoader<K, V>;
    },
  };
}
