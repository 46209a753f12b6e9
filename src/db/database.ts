import { PrismaPg } from "@prisma/adapter-pg";
import type { Config } from "../config";
import { startEmbeddedDatabase } from "./embedded";
import { PrismaClient } from "./generated/client";
import { CountingPool } from "./pool";

export interface Database {
  kind: Config["database"]["kind"];
  prisma: PrismaClient;
  /** For the few callers that need a pinned session (migrations, the rollup's lock). */
  pool: CountingPool;
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
    statement_timeout: config.pool.statementTimeoutMs,
    application_name: "analytics-gateway",
    // The dashboards' statements are short; JIT compiling them cost seconds (jsonb_each's
    // default row estimate pushes plans over the JIT threshold). PGlite has no JIT.
    options: embedded ? undefined : "-c jit=off",
  });
  // An idle client losing its server must not crash the process; the pool replaces it.
  pool.on("error", () => undefined);
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    kind: config.database.kind,
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
      await embedded?.stop();
    },
  };
}
