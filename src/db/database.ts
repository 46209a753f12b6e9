import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import type { Config } from "../config";
import { startEmbeddedDatabase } from "./embedded";
import { PrismaClient } from "./generated/client";
import { CountingPool } from "./pool";

export interface Database {
  kind: Config["database"]["kind"];
  prisma: PrismaClient;
  /** Its `connect()` pins a connection for a transaction (the rollup's run); behind a transaction pooler, no more. */
  pool: CountingPool;
  /** Sessions (migrations): on DIRECT_URL, past a transaction pooler; embedded, the pool itself. */
  direct: pg.Pool;
  /** Where writes go (recording, the rollup): the database itself, or for a read replica's reader, the primary. */
  primary: Database;
  close(): Promise<void>;
}

export async function openDatabase(config: Pick<Config, "database" | "pool">): Promise<Database> {
  const embedded = config.database.kind === "embedded" ? await startEmbeddedDatabase(config.database.dataDir) : null;
  const pool = openCountingPool(
    config.pool,
    embedded
      ? embedded.connection
      : { connectionString: config.database.kind === "postgres" ? config.database.url : "" },
    "analytics-gateway",
  );
  const direct =
    config.database.kind === "postgres"
      ? new pg.Pool({
          connectionString: config.database.directUrl,
          max: 1,
          connectionTimeoutMillis: config.pool.connectTimeoutMs,
          application_name: "analytics-gateway migrations",
        })
      : pool;
  direct.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  const database: Database = {
    kind: config.database.kind,
    prisma,
    pool,
    direct,
    get primary() {
      return database;
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
      if (direct !== pool) await direct.end();
      await embedded?.stop();
    },
  };
  return database;
}

/** The pool of a server the gateway queries for requests (the primary, or a read replica): counted and budgeted. */
export function openCountingPool(
  settings: Config["pool"],
  connection: pg.PoolConfig,
  applicationName: string,
): CountingPool {
  // PGlite (embedded) serves one connection and runs statements on this thread, where no timer fires.
  const embedded = !connection.connectionString;
  const pool = new CountingPool({
    ...connection,
    max: embedded ? 1 : settings.max,
    connectionTimeoutMillis: settings.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // No other startup parameter: a transaction pooler (PgBouncer) refuses them. The statement timeout is the
    // pool's own deadline; jit is off per role (src/db/migrate.ts).
    application_name: applicationName,
    statementTimeoutMs: embedded ? undefined : settings.statementTimeoutMs,
  });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  return pool;
}
