import type { Pool } from "pg";
import { createTenant, createUser, insertProspects, type ProspectRow } from "./factories";
import { addDays, prng } from "./scenario";
import { databaseTodayIn, zoneEdges } from "./zone-edges";

/** Statuses as the platform writes them: the two the answers count, others they count only in totals. */
const STATUSES = ["pending", "complete", "failed", "failed", "enriching"];

/** Both shapes of an entry, and values that are not objects at all. */
const SHAPES: unknown[] = [
  { exa: "failed", contactout: "complete" },
  { exa: { status: "failed", error: "429 Too Many Requests" }, edgar: { status: "complete" } },
  { claude: "pending" },
  ["complete"],
  "failed",
  undefined,
];

/**
 * prospect_count_deltas summed per key equals the same counts over prospects by plain SQL: prospects per status, and
 * failed prospects per (UTC date, quarter hour) of updated_at.
 */
export async function expectCountsMaintained(pool: Pool): Promise<void> {
  const sorted = (sql: string) =>
    pool.query(`SELECT * FROM (${sql}) c WHERE n <> 0 ORDER BY status, date NULLS FIRST, quarter NULLS FIRST`);
  const maintained = await sorted(
    `SELECT status, to_char(date, 'YYYY-MM-DD') AS date, quarter::int, sum(prospects)::int AS n
       FROM prospect_count_deltas GROUP BY status, date, quarter`,
  );
  const plain = await sorted(
    `SELECT enrichment_status AS status, NULL AS date, NULL::int AS quarter, count(*)::int AS n
       FROM prospects GROUP BY enrichment_status
     UNION ALL
     SELECT 'failed', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
            (extract(hour FROM updated_at AT TIME ZONE 'UTC') * 4 + extract(minute FROM updated_at AT TIME ZONE 'UTC')::int / 15)::int,
            count(*)::int
       FROM prospects WHERE enrichment_status = 'failed' GROUP BY 2, 3`,
  );
  expect(maintained.rows).toEqual(plain.rows);
}

/**
 * Seeded writes of every kind to prospects, `check` after each: multi-row and single-row inserts; updates of the
 * status, of updated_at (to instants a second either side of local midnights and offset changes of `zones` around
 * the 7 dates ending today there, and anywhere in the 10 days around them), of both at once with the entries' shape,
 * and of a column no count reads; deletes; writes while `rollUp` (which compacts the deltas) runs, and `rollUp` alone;
 * a TRUNCATE and inserts after it.
 */
export async function churnProspects(
  pool: Pool,
  {
    seed,
    zones,
    rollUp,
    check,
  }: {
    seed: number;
    zones: string[];
    rollUp: () => Promise<unknown>;
    check: (step: string) => Promise<void>;
  },
): Promise<void> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const tenantId = await createTenant(pool);
  const users = [null, (await createUser(pool, { tenantId })).id, (await createUser(pool, { tenantId })).id];
  const edges: string[] = [];
  for (const zone of zones) {
    const today = await databaseTodayIn(pool, zone);
    edges.push(...(await zoneEdges(pool, zone, addDays(today, -7), addDays(today, 1))));
  }
  const now = Date.now();
  const instant = () =>
    random() < 0.6 ? pick(edges) : new Date(now + Math.floor((random() * 10 - 9) * 86_400_000)).toISOString();
  const prospect = (): ProspectRow => ({
    tenantId,
    userId: pick(users),
    enrichmentStatus: pick(STATUSES),
    enrichmentSourceStatus: pick(SHAPES),
    updatedAt: instant(),
  });
  const insert = async () => {
    await insertProspects(pool, Array.from({ length: 40 + Math.floor(random() * 40) }, prospect));
    for (let i = 0; i < 8; i += 1) await insertProspects(pool, [prospect()]);
  };
  const some = async (share: number) => {
    const { rows } = await pool.query<{ id: string }>("SELECT id FROM prospects ORDER BY id");
    return rows.map((row) => row.id).filter(() => random() < share);
  };
  const update = async (set: string, share: number, values: () => unknown[]) => {
    const ids = await some(share);
    const columns = ids.map(values);
    await pool.query(
      `UPDATE prospects p SET ${set}
         FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::jsonb[]) AS v(id, status, at, shape)
        WHERE p.id = v.id`,
      [ids, ...[0, 1, 2].map((i) => columns.map((column) => column[i] ?? null))],
    );
  };
  const shape = () => {
    const value = pick(SHAPES);
    return value === undefined ? null : JSON.stringify(value);
  };

  await insert();
  await check("inserts");
  await update("enrichment_status = v.status", 0.4, () => [pick(STATUSES)]);
  await check("status updates");
  await update("updated_at = v.at", 0.4, () => [null, instant()]);
  await check("updated_at moved");
  await update("enrichment_status = v.status, updated_at = v.at, enrichment_source_status = v.shape", 0.3, () => [
    pick(STATUSES),
    instant(),
    shape(),
  ]);
  await check("status, updated_at and shape at once");
  const before = await pool.query("SELECT count(*)::int AS n FROM prospect_count_deltas");
  await pool.query("UPDATE prospects SET full_name = full_name || ' (edited)' WHERE id = ANY ($1)", [await some(0.5)]);
  expect((await pool.query("SELECT count(*)::int AS n FROM prospect_count_deltas")).rows).toEqual(before.rows);
  await pool.query("DELETE FROM prospects WHERE id = ANY ($1)", [await some(0.25)]);
  await check("deletes");
  // Writes while a rollup compacts: drawn first, so the seed decides them whatever the order they run in.
  const [newRows, ids] = [Array.from({ length: 30 }, prospect), await some(0.3)];
  const statuses = ids.map(() => pick(STATUSES));
  await Promise.all([
    insertProspects(pool, newRows),
    pool.query(
      `UPDATE prospects p SET enrichment_status = v.status FROM unnest($1::uuid[], $2::text[]) AS v(id, status)
        WHERE p.id = v.id`,
      [ids, statuses],
    ),
    rollUp(),
  ]);
  await check("writes during a compaction");
  await rollUp();
  const { rows: folded } = await pool.query<{ rows: number; keys: number }>(
    "SELECT count(*)::int AS rows, count(DISTINCT (status, date, quarter))::int AS keys FROM prospect_count_deltas",
  );
  expect(folded[0].rows).toBe(folded[0].keys);
  await check("compacted");
  await pool.query("TRUNCATE prospects");
  await check("truncated");
  await insert();
  await check("inserts after the truncate");
}
