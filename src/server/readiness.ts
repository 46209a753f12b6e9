import pg from "pg";
import type { Config } from "../config";
import type { Database } from "../db/database";
import { sendJson, type Route } from "./routes";

/** A readiness answer takes at most this long: a probe that cannot reach PostgreSQL by then says so. */
const PROBE_TIMEOUT_MS = 2_000;

export interface ReadinessProbe {
  /** Whether this replica can reach its database now. */
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * /readyz's question, asked so that a busy replica is not taken for a dead one.
 *
 * On PostgreSQL: `SELECT 1` on a connection of its own (a one-connection pool beside the main one, reconnecting
 * when lost), so a main pool full of slow statements never makes it wait; concurrent probes share one answer.
 * Only startup parameters PgBouncer accepts are sent; the bound is the client's own timeout.
 *
 * Embedded: PGlite is one session in this process, served to the main pool's one connection, so there is no
 * second connection to probe with and nothing to be unreachable. While that connection is running a statement the
 * database is plainly working and the answer is ready at once; while it is idle, `SELECT 1` on it tells whether
 * PGlite still answers. (PGlite runs statements on this process's thread: during a long one no route answers,
 * /healthz included.)
 */
export function createReadinessProbe(config: Config, db: Database): ReadinessProbe {
  if (config.database.kind === "embedded") {
    return {
      async isReady() {
        if (db.pool.totalCount > db.pool.idleCount) return true;
        return succeeds(db.pool.query("SELECT 1"));
      },
      close: async () => undefined,
    };
  }
  const probe = new pg.Pool({
    connectionString: config.database.url,
    max: 1,
    connectionTimeoutMillis: PROBE_TIMEOUT_MS,
    query_timeout: PROBE_TIMEOUT_MS,
    idleTimeoutMillis: 60_000,
    application_name: "analytics-gateway readiness",
  });
  probe.on("error", () => undefined);
  let asking: Promise<boolean> | null = null;
  return {
    isReady() {
      asking ??= succeeds(probe.query("SELECT 1")).finally(() => (asking = null));
      return asking;
    },
    close: () => probe.end(),
  };
}

/** /healthz (the process is up; never touches the database) and /readyz (the probe's answer). */
export function probeRoutes(probe: ReadinessProbe): Route[] {
  return [
    { path: "/healthz", handle: async ({ res }) => sendJson(res, 200, { status: "ok" }) },
    {
      path: "/readyz",
      async handle({ res }) {
        const ready = await probe.isReady();
        sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "database unreachable" });
      },
    },
  ];
}

async function succeeds(statement: Promise<unknown>): Promise<boolean> {
  try {
    await statement;
    return true;
  } catch {
    return false;
  }
}
