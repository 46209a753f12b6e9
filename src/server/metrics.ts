import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Kind, parse } from "graphql";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import type { Config } from "../config";
import type { Database } from "../db/database";
import type { ReadReplica } from "../db/read-replica";
import type { Logger } from "../logger";

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
/** Operation names beyond the shipped ones are labels too: cap how many distinct ones a replica keeps. */
const MAX_OPERATION_LABELS = 200;

export interface Metrics {
  registry: Registry;
  /** `authenticated`: the request carried a valid token. */
  observe(observation: RequestObservation, authenticated: boolean): void;
}

/** Registers a feature's own metrics on the gateway's registry (gateway.ts passes them in). */
export type MetricsSource = (registry: Registry) => void;

export interface MetricsOptions {
  /** The operations this gateway ships (documents): their names are labels from the start. */
  shippedOperations: readonly string[];
  sources: readonly MetricsSource[];
  replica: ReadReplica | null;
}

function operationNames(documents: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const source of documents) {
    for (const definition of parse(source).definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION && definition.name) names.add(definition.name.value);
    }
  }
  return names;
}

/** Prometheus metrics of one gateway, served at /metrics (prom-client). */
export function createMetrics(db: Database, { shippedOperations, sources, replica }: MetricsOptions): Metrics {
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
  if (replica) {
    new Gauge({
      name: "gateway_read_replica_lag_seconds",
      help: "How far the read replica is behind the primary by WAL position (0: caught up), as of its last check",
      registers: [registry],
      collect() {
        this.set(replica.lagSeconds());
      },
    });
    new Gauge({
      name: "gateway_read_replica_used",
      help: "1 while reads go to the read replica, 0 while it is skipped (behind READ_REPLICA_MAX_LAG_MS or down)",
      registers: [registry],
      collect() {
        this.set(replica.isUsed() ? 1 : 0);
      },
    });
  }
  for (const register of sources) register(registry);
  // An operation is labelled by its name if this gateway ships it, or once a request with a token ran it without an
  // error (at most MAX_OPERATION_LABELS names): anonymous junk never takes a label a real dashboard needs.
  const shipped = operationNames(shippedOperations);
  const learned = new Set<string>();
  return {
    registry,
    observe(observation, authenticated) {
      const outcome = outcomeOf(observation);
      const name = observation.operation && OPERATION_NAME.test(observation.operation) ? observation.operation : null;
      if (name && authenticated && outcome === "ok" && !shipped.has(name) && learned.size < MAX_OPERATION_LABELS)
        learned.add(name);
      const operation = name === null ? "anonymous" : shipped.has(name) || learned.has(name) ? name : "other";
      requests.inc({ operation, outcome });
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

/**
 * /metrics on a listener of its own (METRICS_HOST, 127.0.0.1 by default: the scraper's network, not the public's),
 * so a flood of scrapes queues apart from the API. Null when the port cannot be bound: the API still serves.
 */
export async function serveMetrics(
  metrics: Metrics,
  { port, host }: Config["metrics"],
  log: Logger,
): Promise<{ server: Server; port: number } | null> {
  const server = createServer((req, res) => {
    if (new URL(req.url ?? "/", "http://metrics.local").pathname !== "/metrics" || req.method !== "GET") {
      res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
      return void res.end("Not found: the metrics are at /metrics\n");
    }
    metrics.registry.metrics().then(
      (body) => {
        res.writeHead(200, { "content-type": metrics.registry.contentType });
        res.end(body);
      },
      (error: unknown) => {
        log.error({ err: error }, "metrics scrape failed");
        res.writeHead(500).end();
      },
    );
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, resolve);
    });
  } catch (error) {
    log.error(
      { err: error, port, host },
      "metrics not served: the port could not be bound (METRICS_PORT, METRICS_HOST)",
    );
    return null;
  }
  const bound = (server.address() as AddressInfo).port;
  log.info({ url: `http://${host}:${bound}/metrics` }, "metrics served");
  return { server, port: bound };
}
