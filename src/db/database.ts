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
  close(): Promise<void>;
}

export async function openDatabase(config: Pick<Config, "database" | "pool">): Promise<Database> {
  const embedded = config.database.kind === "embedded" ? await startEmbeddedDatabase(config.database.dataDir) : null;
  const pool = new CountingPool({
    ...(embedded
      ? embedded.connection
      : { connectionString: config.database.kind === "postgres" ? config.database.url : "" }),
    max: embedded ? 1 : config.pool.max,
    connectionTimeoutMillis: config.pool.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    // No other startup parameter: a transaction pooler (PgBouncer) refuses them. The statement timeout is the
    // pool's own deadline (PGlite runs statements on this thread, where no timer fires); jit is off per role
    // (src/db/migrate.ts).
    application_name: "analytics-gateway",
    statementTimeoutMs: embedded ? undefined : config.pool.statementTimeoutMs,
  });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
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
  return {
    kind: config.database.kind,
    prisma,
    pool,
    direct,
    async close() {
      await prisma.$disconnect();
      await pool.end();
      if (direct !== pool) await direct.end();
      await embedded?.stop();
    },
  };
}
