import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Pool } from "pg";
import { expectCountsMaintained } from "../test/prospect-churn";
import { seedScenario } from "../test/scenario";
import { useTestGateway } from "../test/test-gateway";
import { applyMigrations, readMigrations } from "./migrate";
import { PROSPECT_COUNT_TRIGGERS } from "./prospect-counts";

/** Columns of schema.prisma's models, by their database names, with what the database must say of them. */
function prismaColumns(): Map<string, { type: string; nullable: boolean }> {
  const schema = readFileSync(join(__dirname, "..", "..", "prisma", "schema.prisma"), "utf8");
  const columns = new Map<string, { type: string; nullable: boolean }>();
  for (const [, body] of schema.matchAll(/^model \w+ \{([\s\S]*?)^\}/gm)) {
    const table = /@@map\("(\w+)"\)/.exec(body)?.[1];
    for (const line of body.split("\n")) {
      // Unsupported("bit(96)") names its PostgreSQL type itself.
      const field = /^\s+(\w+)\s+(\w+(?:\("[^"]*"\))?)(\?)?\s*(.*)$/.exec(line);
      if (!table || !field || field[1].startsWith("@@")) continue;
      const [, name, prismaType, optional, attributes] = field;
      const column = /@map\("(\w+)"\)/.exec(attributes)?.[1] ?? name;
      const nativeType = /@db\.(\w+)/.exec(attributes)?.[1];
      const unsupported = /^Unsupported\("(\w+)/.exec(prismaType)?.[1];
      const type =
        unsupported ??
        (nativeType === "Uuid"
          ? "uuid"
          : nativeType === "Date"
            ? "date"
            : nativeType === "Timestamptz"
              ? "timestamp with time zone"
              : nativeType === "SmallInt"
                ? "smallint"
                : (
                    {
                      String: "text",
                      Boolean: "boolean",
                      Int: "integer",
                      BigInt: "bigint",
                      Json: "jsonb",
                      DateTime: "timestamp without time zone",
                    } as Record<string, string>
                  )[prismaType]);
      columns.set(`${table}.${column}`, { type, nullable: optional === "?" });
    }
  }
  return columns;
}

const gateway = useTestGateway();

const PROSPECT_COUNTS = "20261207020000_prospect_counts";

describe("migrations", () => {
  it("create exactly the columns the Prisma models map, with their types and nullability", async () => {
    const { rows } = await gateway.db.pool.query<{ column: string; type: string; nullable: boolean }>(
      `SELECT table_name || '.' || column_name AS column, data_type AS type, is_nullable = 'YES' AS nullable
         FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`,
    );
    const actual = new Map(rows.map((row) => [row.column, { type: row.type, nullable: row.nullable }]));
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...prismaColumns()].sort()));
  });

  it("are recorded the way prisma migrate records them, and a second run applies nothing", async () => {
    const { rows } = await gateway.db.pool.query<{ migration_name: string; checksum: string }>(
      `SELECT migration_name, checksum FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`,
    );
    expect(rows).toEqual(readMigrations().map(({ name, checksum }) => ({ migration_name: name, checksum })));
    expect(await applyMigrations(gateway.db.direct)).toEqual([]);
  });

  it("leave the platform's rows alone when they run again", async () => {
    await gateway.db.pool.query(
      `INSERT INTO tenants (id, name) VALUES ('0d000000-0000-4000-8000-000000000001', 'Kept')`,
    );
    await gateway.db.pool.query(`DELETE FROM _prisma_migrations`);
    expect((await applyMigrations(gateway.db.direct)).length).toBe(readMigrations().length);
    const { rows } = await gateway.db.pool.query(
      `SELECT name FROM tenants WHERE id = '0d000000-0000-4000-8000-000000000001'`,
    );
    expect(rows).toEqual([{ name: "Kept" }]);
  });

  it("let a platform whose tables allow undated rows write them; they fall on no date and mark none (a prospect is in the pulse's total all the same)", async () => {
    const pool = gateway.db.pool;
    // An adopted table as a platform may have it: the contract gives these columns a default, not NOT NULL.
    await pool.query(`ALTER TABLE activity_log ALTER COLUMN created_at DROP NOT NULL;
      ALTER TABLE prospects ALTER COLUMN updated_at DROP NOT NULL`);
    const counts = async () =>
      (
        await pool.query<{
          deltas: number;
          stale: number;
          health: number;
          failedDates: number;
          prospects: number;
        }>(`SELECT (SELECT count(*) FROM usage_deltas)::int AS deltas,
          (SELECT count(*) FROM usage_stale_dates)::int AS stale,
          (SELECT count(*) FROM enrichment_health_deltas)::int AS health,
          (SELECT count(*) FROM prospect_count_deltas WHERE date IS NOT NULL)::int AS "failedDates",
          (SELECT coalesce(sum(prospects), 0) FROM prospect_count_deltas)::int AS prospects`)
      ).rows[0];
    const before = await counts();
    const tenant = "0d000000-0000-4000-8000-000000000002";
    await pool.query(
      `INSERT INTO activity_log (tenant_id, user_id, action_type, created_at) VALUES ($1, $1, 'login', NULL)`,
      [tenant],
    );
    await pool.query(`UPDATE activity_log SET action_type = 'csv_exported' WHERE tenant_id = $1`, [tenant]);
    await pool.query(`DELETE FROM activity_log WHERE tenant_id = $1`, [tenant]);
    await pool.query(
      `INSERT INTO prospects (id, tenant_id, full_name, enrichment_status, enrichment_source_status, updated_at)
       VALUES ($1, $1, 'Undated', 'failed', '{"exa": "failed"}', NULL)`,
      [tenant],
    );
    // A prospect all the same: the pulse's total counts it.
    expect(await counts()).toEqual({ ...before, prospects: before.prospects + 1 });
    await pool.query(`UPDATE prospects SET enrichment_source_status = '{"exa": "complete"}' WHERE id = $1`, [tenant]);
    await pool.query(`DELETE FROM prospects WHERE id = $1`, [tenant]);
    expect(await counts()).toEqual(before);
  });

  it("count the prospects a platform wrote before the gateway's triggers existed, once migration 20261207020000 adopts them", async () => {
    const pool = gateway.db.pool;
    // As before the migration (rows a platform wrote): no triggers, no table of counts.
    for (const trigger of PROSPECT_COUNT_TRIGGERS) await pool.query(`DROP TRIGGER ${trigger} ON prospects`);
    await pool.query("DROP TABLE prospect_count_deltas");
    await seedScenario(pool, 2027);
    await pool.query(`UPDATE prospects SET enrichment_status = 'failed', updated_at = updated_at - interval '7 hours'
      WHERE id::text < '6'`);
    await pool.query(`DELETE FROM prospects WHERE id::text > 'd'`);
    await pool.query(`DELETE FROM _prisma_migrations WHERE migration_name = '${PROSPECT_COUNTS}'`);
    expect(await applyMigrations(gateway.db.direct)).toEqual([PROSPECT_COUNTS]);
    await expectCountsMaintained(pool);
    await pool.query(
      `UPDATE prospects SET enrichment_status = 'failed' WHERE id IN (SELECT id FROM prospects LIMIT 5)`,
    );
    await expectCountsMaintained(pool);
    // Applied again (a crash before its bookkeeping), it rebuilds the same counts.
    await pool.query(`DELETE FROM _prisma_migrations WHERE migration_name = '${PROSPECT_COUNTS}'`);
    expect(await applyMigrations(gateway.db.direct)).toEqual([PROSPECT_COUNTS]);
    await expectCountsMaintained(pool);
  });

  it("turn jit off for the gateway's role in its database, so every connection has it off, a pooler's too", async () => {
    const { rows } = await gateway.db.pool.query<{ jit: string }>("SELECT current_setting('jit') AS jit");
    // PGlite has no JIT, so its setting is left as it is.
    expect(rows).toEqual([{ jit: gateway.db.kind === "postgres" ? "off" : "on" }]);
  });

  it("can run from several replicas at once", async () => {
    await gateway.db.pool.query(`DELETE FROM _prisma_migrations`);
    // Each replica with a session of its own on the server (embedded: the one session there is).
    const { database } = gateway.config;
    const sessions =
      database.kind === "postgres"
        ? [new Pool({ connectionString: database.directUrl }), new Pool({ connectionString: database.directUrl })]
        : [gateway.db.direct, gateway.db.direct];
    try {
      const results = await Promise.all(sessions.map((session) => applyMigrations(session)));
      expect(results.map((applied) => applied.length).sort()).toEqual([0, readMigrations().length]);
    } finally {
      if (database.kind === "postgres") await Promise.all(sessions.map((session) => session.end()));
    }
  });
});
