import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Database } from "../db/database";
import type { RollupService } from "../rollup/rollup.service";

/** What one GraphQL request did, as the request handler saw it. */
export interface RequestObservation {
  operation: string | undefined;
  status: number;
  errorCodes: readonly string[];
  executor: "compiled" | "graphql-js" | undefined;
  statements: number;
  seconds: number;
}

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
/** Client-chosen operation names are labels: cap how many distinct ones a replica keeps. */
const MAX_OPERATION_LABELS = 200;

export interface Metrics {
  registry: Registry;
  observe(observation: RequestObservation): void;
}

/** Prometheus metrics of one gateway, served at /metrics (prom-client). */
export function createMetrics(db: Database, rollup: RollupService): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "gateway_graphql_requests_total",
    help: "GraphQL requests by operation and outcome (ok, error, rejected, failed)",
    labelNames: ["operation", "outcome"],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "gateway_graphql_request_duration_seconds",
    help: "GraphQL request latency",
    labelNames: ["operation"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const executions = new Counter({
    name: "gateway_graphql_executions_total",
    help: "Operations executed, by engine: compiled (graphql-jit, a document seen before) or graphql-js",
    labelNames: ["executor"],
    registers: [registry],
  });
  const statements = new Histogram({
    name: "gateway_sql_statements_per_request",
    help: "SQL statements one GraphQL request sent",
    buckets: [0, 1, 2, 3, 4, 6, 8, 12, 16, 32],
    registers: [registry],
  });
  new Gauge({
    name: "gateway_db_pool_connections",
    help: "Database pool connections by state",
    labelNames: ["state"],
    registers: [registry],
    collect() {
      this.set({ state: "total" }, db.pool.totalCount);
      this.set({ state: "idle" }, db.pool.idleCount);
      this.set({ state: "waiting" }, db.pool.waitingCount);
    },
  });
  new Gauge({
    name: "gateway_rollup_lag_days",
    help: "Days from the last successfully rolled-up date to yesterday (-1: never rolled up)",
    registers: [registry],
    async collect() {
      this.set(await readRollupGauge(db, "lag"));
    },
  });
  new Gauge({
    name: "gateway_rollup_last_run_duration_seconds",
    help: "Duration of the most recent finished rollup run",
    registers: [registry],
    async collect() {
      this.set(await readRollupGauge(db, "duration"));
    },
  });
  // Set from the healer's passes, not read per scrape: NaN until this replica's first pass (or without a scheduler).
  const toHeal = new Gauge({
    name: "gateway_rollup_dates_to_heal",
    help: "Dates that need a rollup (stale, never rolled up, a failed latest run), as of this replica's last heal pass",
    registers: [registry],
  });
  toHeal.set(Number.NaN);
  const healed = new Counter({
    name: "gateway_rollup_healed_dates_total",
    help: "Dates this replica's heal passes rolled up",
    registers: [registry],
  });
  rollup.on("heal", (tick) => {
    toHeal.set(tick.toHeal);
    healed.inc(tick.healed);
  });
  const seen = new Set<string>();
  return {
    registry,
    observe(observation) {
      const name =
        observation.operation && OPERATION_NAME.test(observation.operation) ? observation.operation : "anonymous";
      if (!seen.has(name) && seen.size < MAX_OPERATION_LABELS) seen.add(name);
      const operation = seen.has(name) ? name : "other";
      requests.inc({ operation, outcome: outcomeOf(observation) });
      latency.observe({ operation }, observation.seconds);
      statements.observe(observation.statements);
      if (observation.executor) executions.inc({ executor: observation.executor });
    },
  };
}

function outcomeOf({ status, errorCodes }: RequestObservation): string {
  if (status >= 500 || errorCodes.includes("INTERNAL_SERVER_ERROR")) return "failed";
  if (status >= 400) return "rejected";
  return errorCodes.length > 0 ? "error" : "ok";
}

/** A scrape must not fail because the database is away: the gauge then reads NaN. */
async function readRollupGauge(db: Database, which: "lag" | "duration"): Promise<number> {
  try {
    const { rows } = await db.pool.query<{ lag: number | null; duration: number | null }>(
      `SELECT ((now() AT TIME ZONE 'UTC')::date - 1) - (SELECT max(date) FROM rollup_runs WHERE status = 'succeeded') AS lag,
              (SELECT extract(epoch FROM finished_at - started_at)::float8 FROM rollup_runs
                WHERE finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1) AS duration`,
    );
    const value = rows[0][which];
    return value === null ? (which === "lag" ? -1 : 0) : Math.max(0, Number(value));
  } catch {
    return Number.NaN;
  }
}
