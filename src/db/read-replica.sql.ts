import type { Database } from "./database";

/** The primary's WAL written so far: a replica that has replayed this far holds every commit before it. */
export async function primaryWalPosition(db: Database): Promise<string> {
  const [row] = await db.prisma.$queryRaw<{ lsn: string }[]>`SELECT pg_current_wal_lsn()::text AS lsn`;
  return row.lsn;
}

/** Read-your-writes: the primary's WAL inserted so far covers every commit its caller has seen. */
export async function writtenWalPosition(db: Database): Promise<string> {
  const [row] = await db.prisma.$queryRaw<{ lsn: string }[]>`SELECT pg_current_wal_insert_lsn()::text AS lsn`;
  return row.lsn;
}

/** How far a replica's figures go: the WAL it has replayed (null when it is not a replica, which is refused). */
export async function replayedWalPosition(db: Database): Promise<string> {
  const [row] = await db.prisma.$queryRaw<{ lsn: string | null }[]>`SELECT pg_last_wal_replay_lsn()::text AS lsn`;
  if (row.lsn === null) throw new Error("DATABASE_READ_URL is not a streaming replica (pg_is_in_recovery() is false)");
  return row.lsn;
}
