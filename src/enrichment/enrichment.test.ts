import type { Pool } from "pg";
import { Role } from "../auth/role";
import { applyMigrations } from "../db/migrate";
import { graphql } from "../test/gql";
import { createTenant, insertProspects, viewerWithoutRow } from "../test/factories";
import { addDays, databaseToday, isObject, KNOWN_SOURCES, prng, seedScenario } from "../test/scenario";
import { errorCodes, expectRoles, useTestGateway } from "../test/test-gateway";
import { databaseTodayIn, EDGE_ZONES, zoneEdges } from "../test/zone-edges";

const EnrichmentHealthQuery = graphql(`
  query EnrichmentHealthSeries($days: Int, $timeZone: String) {
    enrichmentHealth(days: $days, timeZone: $timeZone) {
      days
      timeZone
      series {
        date
        sources {
          source
          success
          failed
        }
      }
    }
  }
`);

const gateway = useTestGateway();

const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);

/** The whole expected response in `zone`: prospects SELECTed plainly with their dates there, their jsonb read in JS. */
async function expectedHealth(pool: Pool, days: number, zone = "UTC") {
  const today = await databaseTodayIn(pool, zone);
  const first = addDays(today, -(days - 1));
  const { rows } = await pool.query<{ date: string; value: unknown }>(
    "SELECT to_char(updated_at AT TIME ZONE $1::text, 'YYYY-MM-DD') AS date, enrichment_source_status AS value FROM prospects",
    [zone],
  );
  const counts = new Map<string, { success: number; failed: number }>();
  const seen = new Set<string>(KNOWN_SOURCES);
  for (const row of rows) {
    if (row.date < first || row.date > today || !isObject(row.value)) continue;
    for (const [source, entry] of Object.entries(row.value)) {
      seen.add(source);
      const status =
        typeof entry === "string" ? entry : isObject(entry) && typeof entry.status === "string" ? entry.status : null;
      const key = `${row.date}|${source}`;
      const count = counts.get(key) ?? { success: 0, failed: 0 };
      if (status === "complete") count.success += 1;
      if (status === "failed") count.failed += 1;
      counts.set(key, count);
    }
  }
  const others = [...seen].filter((source) => !KNOWN_SOURCES.includes(source)).sort();
  const series = [];
  for (let back = days - 1; back >= 0; back -= 1) {
    const date = addDays(today, -back);
    series.push({
      date,
      sources: [...KNOWN_SOURCES, ...others].map((source) => ({
        source,
        ...(counts.get(`${date}|${source}`) ?? { success: 0, failed: 0 }),
      })),
    });
  }
  return { days, timeZone: zone, series };
}

describe("enrichmentHealth", () => {
  // First in the file: the database holds only these rows.
  it("counts complete and failed entries of both shapes per date and source, on whole UTC dates", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    const today = await databaseToday(pool);
    const at = (back: number, time: string) => `${addDays(today, -back)}T${time}Z`;
    await insertProspects(pool, [
      {
        tenantId,
        userId: null,
        enrichmentStatus: "complete",
        enrichmentSourceStatus: {
          contactout: "complete",
          exa: { status: "failed", error: "429" },
          zed: "failed",
          Alpha: { status: "complete" },
        },
        updatedAt: at(0, "00:00:00.000"),
      },
      {
        tenantId,
        userId: null,
        enrichmentStatus: "failed",
        enrichmentSourceStatus: {
          contactout: { status: "complete" },
          exa: 7,
          edgar: { status: 3 },
          claude: "pending",
          Beta: ["failed"],
        },
        updatedAt: at(0, "23:59:59.999"),
      },
      {
        tenantId,
        userId: null,
        enrichmentStatus: "complete",
        enrichmentSourceStatus: "complete",
        updatedAt: at(1, "12:00:00.000"),
      },
      {
        tenantId,
        userId: null,
        enrichmentStatus: "complete",
        enrichmentSourceStatus: ["complete"],
        updatedAt: at(1, "12:00:00.000"),
      },
      {
        tenantId,
        userId: null,
        enrichmentStatus: "failed",
        enrichmentSourceStatus: { claude: "failed" },
        updatedAt: at(13, "00:00:00.000"),
      },
      {
        tenantId,
        userId: null,
        enrichmentStatus: "complete",
        enrichmentSourceStatus: { beta: "complete" },
        updatedAt: at(14, "23:59:59.999"),
      },
      {
        tenantId,
        userId: null,
        enrichmentStatus: "complete",
        enrichmentSourceStatus: { contactout: "complete" },
        updatedAt: at(-1, "00:00:00.000"),
      },
    ]);
    const sources = ["contactout", "exa", "edgar", "claude", "Alpha", "Beta", "zed"];
    const zero = (date: string) => ({ date, sources: sources.map((source) => ({ source, success: 0, failed: 0 })) });
    const todays = {
      date: today,
      sources: [
        { source: "contactout", success: 2, failed: 0 },
        { source: "exa", success: 0, failed: 1 },
        { source: "edgar", success: 0, failed: 0 },
        { source: "claude", success: 0, failed: 0 },
        { source: "Alpha", success: 1, failed: 0 },
        { source: "Beta", success: 0, failed: 0 },
        { source: "zed", success: 0, failed: 1 },
      ],
    };
    const first = zero(addDays(today, -13));
    first.sources[3].failed = 1;
    const series = [first];
    for (let back = 12; back >= 1; back -= 1) series.push(zero(addDays(today, -back)));
    series.push(todays);

    const { body, statements } = await gateway.query(EnrichmentHealthQuery, {}, { viewer: superAdmin });
    expect(body).toEqual({ data: { enrichmentHealth: { days: 14, timeZone: "UTC", series } } });
    expect(statements).toBe(1);
    expect((await gateway.query(EnrichmentHealthQuery, { days: 1 }, { viewer: superAdmin })).body).toEqual({
      data: { enrichmentHealth: { days: 1, timeZone: "UTC", series: [todays] } },
    });
    expect(body.data?.enrichmentHealth).toEqual(await expectedHealth(pool, 14));
  });

  it.each([3, 58, 977])(
    "equals the plain reading of every prospect after seedScenario(%i), for days 1, 7, 14, 90",
    async (seed) => {
      const pool = gateway.db.pool;
      await seedScenario(pool, seed);
      for (const days of [1, 7, 14, 90]) {
        const expected = await expectedHealth(pool, days);
        const figures = expected.series.flatMap((day) => day.sources);
        expect(figures.some((figure) => figure.success > 0) && figures.some((figure) => figure.failed > 0)).toBe(true);
        expect(expected.series[0].sources.length).toBeGreaterThan(4);
        const { body, statements } = await gateway.query(EnrichmentHealthQuery, { days }, { viewer: superAdmin });
        expect(body).toEqual({ data: { enrichmentHealth: expected } });
        expect(statements).toBe(1);
      }
    },
  );

  it.each([5, 71])(
    "stays equal to the plain reading through updates, deletes, concurrent writes and compactions (seed %i)",
    async (seed) => {
      const pool = gateway.db.pool;
      const scenario = await seedScenario(pool, seed);
      const random = prng(seed);
      const expectAllWindows = async () => {
        for (const days of [1, 7, 14, 90]) {
          const { body } = await gateway.query(EnrichmentHealthQuery, { days }, { viewer: superAdmin });
          expect(body).toEqual({ data: { enrichmentHealth: await expectedHealth(pool, days) } });
        }
      };
      const { rows } = await pool.query<{ id: string }>("SELECT id FROM prospects ORDER BY id");
      // Each statement gets prospects of its own: statements that run at once then never wait for each other's rows
      // (two overlapping UPDATEs could deadlock on PostgreSQL, which says nothing about the counts).
      let unpicked = rows.map((row) => row.id);
      const pick = (share: number) => {
        const picked = unpicked.filter(() => random() < share);
        unpicked = unpicked.filter((id) => !picked.includes(id));
        return picked;
      };
      const edge = (back: number, time: string) => `${addDays(scenario.today, -back)}T${time}Z`;
      // Each statement changes a different part: entries' statuses, both shapes swapped, the date (to UTC midnight
      // on the edges of the windows and past them), values that are not objects, a column the figures ignore.
      const updates: [string, unknown[]][] = [
        [
          `UPDATE prospects SET enrichment_source_status = enrichment_source_status || '{"exa": {"status": "failed", "error": "429 Too Many Requests"}, "hunter": "complete"}'
            WHERE id = ANY ($1) AND jsonb_typeof(enrichment_source_status) = 'object'`,
          [pick(0.2)],
        ],
        [
          `UPDATE prospects SET enrichment_source_status = '{"contactout": "failed", "claude": {"status": "complete"}}'
            WHERE id = ANY ($1)`,
          [pick(0.1)],
        ],
        ["UPDATE prospects SET updated_at = $2 WHERE id = ANY ($1)", [pick(0.05), edge(13, "00:00:00.000")]],
        ["UPDATE prospects SET updated_at = $2 WHERE id = ANY ($1)", [pick(0.05), edge(14, "23:59:59.999")]],
        ["UPDATE prospects SET updated_at = $2 WHERE id = ANY ($1)", [pick(0.05), edge(0, "23:59:59.999")]],
        ["UPDATE prospects SET enrichment_source_status = '[\"complete\"]' WHERE id = ANY ($1)", [pick(0.03)]],
        ["UPDATE prospects SET enrichment_source_status = NULL WHERE id = ANY ($1)", [pick(0.03)]],
        ["UPDATE prospects SET full_name = full_name || ' (edited)' WHERE id = ANY ($1)", [pick(0.3)]],
        ["DELETE FROM prospects WHERE id = ANY ($1)", [pick(0.05)]],
      ];
      for (const [sql, params] of updates.slice(0, 4)) await pool.query(sql, params);
      await expectAllWindows();
      const before = await pool.query("SELECT count(*)::int AS n FROM enrichment_health_deltas");
      await pool.query(updates[7][0], updates[7][1]);
      expect((await pool.query("SELECT count(*)::int AS n FROM enrichment_health_deltas")).rows).toEqual(before.rows);

      // The rest at once, on separate connections where the database has them, with a rollup run and its compaction.
      await Promise.all([
        ...updates.slice(4).map(([sql, params]) => pool.query(sql, params)),
        gateway.rollup.runNow(addDays(scenario.today, -1)),
      ]);
      await expectAllWindows();
      await gateway.rollup.runNow(addDays(scenario.today, -1));
      const { rows: folded } = await pool.query<{ rows: number; keys: number }>(
        "SELECT count(*)::int AS rows, count(DISTINCT (date, quarter, source))::int AS keys FROM enrichment_health_deltas",
      );
      expect(folded[0].rows).toBe(folded[0].keys);
      await expectAllWindows();
    },
  );

  it("counts the prospects a platform wrote before the gateway's triggers existed, once the migrations adopt them", async () => {
    const pool = gateway.db.pool;
    // As before migration 20261203001000 (rows a platform wrote): no triggers, no table of counts.
    await pool.query(`DROP TRIGGER prospects_enrichment_health_insert ON prospects;
      DROP TRIGGER prospects_enrichment_health_update ON prospects;
      DROP TRIGGER prospects_enrichment_health_delete ON prospects;
      DROP TRIGGER prospects_enrichment_health_truncate ON prospects;
      DROP TABLE enrichment_health_deltas;
      DROP FUNCTION enrichment_health_quarter_entries(timestamptz, jsonb, integer)`);
    await seedScenario(pool, 808);
    await pool.query(`DELETE FROM _prisma_migrations WHERE migration_name IN
      ('20261203001000_enrichment_health_deltas', '20261207011000_enrichment_health_quarters')`);
    // The first adopts the prospects per UTC date; the second rebuilds those counts per quarter hour.
    expect(await applyMigrations(pool)).toEqual([
      "20261203001000_enrichment_health_deltas",
      "20261207011000_enrichment_health_quarters",
    ]);
    await pool.query(`UPDATE prospects SET enrichment_source_status = '{"edgar": "failed"}'
      WHERE id IN (SELECT id FROM prospects ORDER BY id LIMIT 25)`);
    const expectAll = async () => {
      for (const zone of ["UTC", "Asia/Kathmandu", "America/New_York"])
        for (const days of [1, 14, 90]) {
          const { body } = await gateway.query(EnrichmentHealthQuery, { days, timeZone: zone }, { viewer: superAdmin });
          expect(body).toEqual({ data: { enrichmentHealth: await expectedHealth(pool, days, zone) } });
        }
    };
    await expectAll();
    // Applied again (a crash before its bookkeeping), it rebuilds the same counts.
    await pool.query(
      `DELETE FROM _prisma_migrations WHERE migration_name = '20261207011000_enrichment_health_quarters'`,
    );
    expect(await applyMigrations(pool)).toEqual(["20261207011000_enrichment_health_quarters"]);
    await expectAll();
  });

  it("counts the local dates of every zone exactly: rows a second either side of local midnights and offset changes, moved by updates", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    const shapes = [
      { contactout: "complete", exa: { status: "failed", error: "429" } },
      { edgar: { status: "complete" }, claude: "failed", exa: "pending" },
      { contactout: { status: "failed" }, "zone-edge": "complete" },
      "complete",
    ];
    for (const zone of EDGE_ZONES) {
      const today = await databaseTodayIn(pool, zone);
      // The 90 dates ending today there, and the dates either side of them.
      const edges = await zoneEdges(pool, zone, addDays(today, -90), addDays(today, 1));
      await insertProspects(
        pool,
        edges.map((updatedAt, i) => ({
          tenantId,
          userId: null,
          enrichmentStatus: i % 2 === 0 ? "complete" : "failed",
          enrichmentSourceStatus: shapes[i % shapes.length],
          updatedAt,
        })),
      );
    }
    const expectEveryZone = async () => {
      for (const zone of [...EDGE_ZONES, "UTC"])
        for (const days of [1, 7, 90]) {
          const { body } = await gateway.query(EnrichmentHealthQuery, { days, timeZone: zone }, { viewer: superAdmin });
          expect(body).toEqual({ data: { enrichmentHealth: await expectedHealth(pool, days, zone) } });
        }
      // No zone, or null: UTC, as before the argument existed.
      for (const variables of [{ days: 90 }, { days: 90, timeZone: null }]) {
        const { body, statements } = await gateway.query(EnrichmentHealthQuery, variables, { viewer: superAdmin });
        expect(body).toEqual({ data: { enrichmentHealth: await expectedHealth(pool, 90) } });
        expect(statements).toBe(1);
      }
    };
    await expectEveryZone();
    // Across local midnights both ways (a second before one to a second after it, and back), a whole day back, and
    // entries changed in place; half of the rows of each kind, by id.
    await pool.query(
      `UPDATE prospects SET updated_at = updated_at + interval '2 seconds'
        WHERE tenant_id = $1 AND extract(second FROM updated_at) = 59 AND id::text < '8'`,
      [tenantId],
    );
    await pool.query(
      `UPDATE prospects SET updated_at = updated_at - interval '2 seconds'
        WHERE tenant_id = $1 AND extract(second FROM updated_at) = 1 AND id::text < '8'`,
      [tenantId],
    );
    await pool.query(
      `UPDATE prospects SET updated_at = updated_at - interval '1 day'
        WHERE tenant_id = $1 AND extract(second FROM updated_at) = 0 AND id::text < '4'`,
      [tenantId],
    );
    await pool.query(
      `UPDATE prospects SET enrichment_source_status = '{"exa": {"status": "complete"}, "hunter": "failed"}'
        WHERE tenant_id = $1 AND id::text >= 'c'`,
      [tenantId],
    );
    await expectEveryZone();
    // Folded per (date, quarter, source) after a rollup: the same answers from one row per key.
    await gateway.rollup.runNow(addDays(await databaseToday(pool), -1));
    const { rows: folded } = await pool.query<{ rows: number; keys: number }>(
      "SELECT count(*)::int AS rows, count(DISTINCT (date, quarter, source))::int AS keys FROM enrichment_health_deltas",
    );
    expect(folded[0].rows).toBe(folded[0].keys);
    await expectEveryZone();
  });

  it.each(["EST", "+05:30", "UTC+5", "", "Asia/Kolkata; DROP TABLE prospects"])(
    "refuses the time zone %j with BAD_USER_INPUT",
    async (timeZone) => {
      const { body } = await gateway.query(EnrichmentHealthQuery, { timeZone }, { viewer: superAdmin });
      expect(body.data ?? null).toBeNull();
      expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
    },
  );

  it.each([0, 91, -1, 2147483647])("refuses days %i with BAD_USER_INPUT before any SQL", async (days) => {
    const { status, body, statements } = await gateway.query(EnrichmentHealthQuery, { days }, { viewer: superAdmin });
    expect(status).toBe(200);
    expect(body.data ?? null).toBeNull();
    expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
    expect(statements).toBe(0);
  });

  it("refuses a days beyond a 32-bit Int with BAD_USER_INPUT before any SQL", async () => {
    const { body, statements } = await gateway.query(EnrichmentHealthQuery, { days: 2 ** 31 }, { viewer: superAdmin });
    expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
    expect(statements).toBe(0);
  });

  it("is for super admins: others FORBIDDEN, anonymous UNAUTHENTICATED", async () => {
    await expectRoles(gateway, EnrichmentHealthQuery, {}, { allowed: [Role.SUPER_ADMIN] });
  });

  // Last: it empties prospects.
  it("counts nothing after a TRUNCATE of prospects, then the rows inserted since", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    await pool.query("TRUNCATE prospects");
    const empty = await gateway.query(EnrichmentHealthQuery, { days: 7 }, { viewer: superAdmin });
    expect(empty.body).toEqual({ data: { enrichmentHealth: await expectedHealth(pool, 7) } });
    const figures = empty.body.data?.enrichmentHealth.series.flatMap((day) => day.sources);
    expect(figures?.every((figure) => figure.success === 0 && figure.failed === 0)).toBe(true);
    await insertProspects(pool, [
      {
        tenantId,
        userId: null,
        enrichmentStatus: "complete",
        enrichmentSourceStatus: { exa: "complete" },
        updatedAt: `${await databaseToday(pool)}T00:00:00.000Z`,
      },
    ]);
    const { body } = await gateway.query(EnrichmentHealthQuery, { days: 7 }, { viewer: superAdmin });
    expect(body).toEqual({ data: { enrichmentHealth: await expectedHealth(pool, 7) } });
    expect(body.data?.enrichmentHealth.series.at(-1)?.sources.find((s) => s.source === "exa")?.success).toBe(1);
  });
});
