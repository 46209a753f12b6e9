import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Pool, PoolClient } from "pg";

export const MIGRATIONS_DIR = join(__dirname, "..", "..", "prisma", "migrations");

/** The key `prisma migrate` itself locks, so our runs and Prisma's exclude each other. */
const PRISMA_MIGRATE_LOCK = 72707369;

/**
 * The dashboards' statements are short; JIT compiling them cost seconds (jsonb_each's default row estimate pushes
 * plans over the JIT threshold). A startup option (`-c jit=off`) is refused by a transaction pooler and a session's
 * SET does not follow the client through one, so jit is off in this database for the role the gateway connects as,
 * which every new server connection of it applies. An operator's own jit setting for it is kept; PGlite has no JIT;
 * a role not allowed to alter itself keeps the server's default.
 */
const JIT_OFF_FOR_THIS_ROLE = `DO $$
BEGIN
  IF pg_jit_available() AND NOT EXISTS (
    SELECT 1 FROM pg_db_role_setting s
     WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND s.setrole = (SELECT oid FROM pg_roles WHERE rolname = current_user)
       AND EXISTS (SELECT 1 FROM unnest(s.setconfig) AS c WHERE c LIKE 'jit=%')) THEN
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET jit = off', current_user, current_database());
  END IF;
EXCEPTION WHEN insufficient_privilege THEN NULL;
END $$`;

/**
 * The gateway's sessions read and write instants in UTC: @prisma/adapter-pg drops the offset PostgreSQL prints for a
 * timestamptz and appends +00:00, so in a session of another zone (a server's `timezone` is often its host's) every
 * instant read through Prisma shifted by that offset (lastActive, freshness.asOf, the runs' times). Set for the role
 * in this database as jit is (a transaction pooler refuses a startup option), and for the migrating session itself,
 * which on PGlite is the only one. A role not allowed to alter itself keeps the server's zone.
 */
const UTC_SESSIONS_FOR_THIS_ROLE = `DO $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM pg_db_role_setting s
     WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
       AND s.setrole = (SELECT oid FROM pg_roles WHERE rolname = current_user)
       AND 'TimeZone=UTC' = ANY (s.setconfig)) THEN
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET TimeZone = %L', current_user, current_database(), 'UTC');
  END IF;
EXCEPTION WHEN insufficient_privilege THEN NULL;
END $$`;

/** How often a start that finds the migrations locked tries again. */
const LOCK_RETRY_MS = 200;

/**
 * Prisma's migration lock, polled rather than waited for: a session blocked in pg_advisory_lock keeps its
 * statement's snapshot, and the holder's CREATE INDEX CONCURRENTLY waits for every older snapshot to end, so
 * replicas starting together deadlocked (PostgreSQL then aborted all but one).
 */
async function takeMigrationLock(client: PoolClient): Promise<void> {
  for (;;) {
    const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock($1) AS locked", [
      PRISMA_MIGRATE_LOCK,
    ]);
    if (rows[0].locked) return;
    await new Promise((resolve) => setTimeout(resolve, LOCK_RETRY_MS));
  }
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/**
 * Applies pending migrations in Prisma's own layout and bookkeeping
 * (`_prisma_migrations`), so `prisma migrate status/deploy` agree where the
 * migrate engine exists, without needing that engine here. Replicas starting
 * together serialise on Prisma's advisory lock. Each file runs as one simple
 * query: an implicit transaction, or the lone `CREATE INDEX CONCURRENTLY`
 * that must run outside one. The files are idempotent (IF NOT EXISTS), so a
 * migration interrupted by a crash is simply run again. Both need a session:
 * `pool` reaches the server directly (DIRECT_URL), not through a transaction pooler.
 */
export async function applyMigrations(pool: Pool, migrations = readMigrations()): Promise<string[]> {
  const client = await pool.connect();
  try {
    await takeMigrationLock(client);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0
    )`);
    const { rows } = await client.query<{ migration_name: string }>(
      `SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`,
    );
    const applied = new Set(rows.map((row) => row.migration_name));
    const pending = migrations.filter((migration) => !applied.has(migration.name));
    for (const migration of pending) {
      await client.query(
        `UPDATE "_prisma_migrations" SET rolled_back_at = now()
          WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
        [migration.name],
      );
      const id = randomUUID();
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())`,
        [id, migration.checksum, migration.name],
      );
      await client.query(migration.sql);
      await client.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [
        id,
      ]);
    }
    await client.query(JIT_OFF_FOR_THIS_ROLE);
    await client.query(UTC_SESSIONS_FOR_THIS_ROLE);
    await client.query("SET TIME ZONE 'UTC'");
    return pending.map((migration) => migration.name);
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [PRISMA_MIGRATE_LOCK]).catch(() => undefined);
    client.release();
  }
}
