import { mkdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

export interface EmbeddedDatabase {
  /** node-postgres settings reaching PGlite over a private unix socket. */
  connection: { host: string; port: number; user: string; database: string };
  stop(): Promise<void>;
}

const SOCKET_PORT = 5432;

/**
 * PGlite served over the PostgreSQL wire protocol on a unix socket in a
 * private folder, so the gateway talks to it with the same driver as to a
 * real server. A `memory://` dataDir keeps the database in memory (tests).
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const inMemory = dataDir.startsWith("memory://");
  if (!inMemory) mkdirSync(resolve(dataDir), { recursive: true });
  const db = await PGlite.create(inMemory ? dataDir : resolve(dataDir));
  const socketDir = await mkdtemp(join(tmpdir(), "gateway-pglite-"));
  const server = new PGLiteSocketServer({
    db,
    path: join(socketDir, `.s.PGSQL.${SOCKET_PORT}`),
    // PGlite is one session: with several connections their statements
    // interleave, so a transaction on one would capture the others'. One
    // connection, and the pool is sized to match (README, "How it is built").
    maxConnections: 1,
  });
  await server.start();
  return {
    connection: { host: socketDir, port: SOCKET_PORT, user: "postgres", database: "postgres" },
    async stop() {
      await server.stop();
      await db.close();
      await rm(socketDir, { recursive: true, force: true });
    },
  };
}
