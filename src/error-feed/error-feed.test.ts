import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { Role } from "../auth/role";
import { graphql } from "../test/gql";
import { churnProspects, expectCountsMaintained } from "../test/prospect-churn";
import { createTenant, createUser, insertProspects, viewerWithoutRow, type ProspectRow } from "../test/factories";
import { addDays, databaseToday, isObject, KNOWN_SOURCES, seedScenario } from "../test/scenario";
import { errorCodes, expectRoles, useTestGateway } from "../test/test-gateway";
import { databaseTodayIn, EDGE_ZONES, zoneEdges } from "../test/zone-edges";

const ErrorFeedQuery = graphql(`
  query ErrorFeedPage($limit: Int, $page: Int, $timeZone: String) {
    errorFeed(limit: $limit, page: $page, timeZone: $timeZone) {
      total
      page
      limit
      timeZone
      items {
        id
        fullName
        userName
        tenantId
        tenantName
        enrichmentStatus
        sourceDetails {
          source
          status
          error
          at
        }
        updatedAt
      }
    }
  }
`);

const gateway = useTestGateway();

const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);

/** The oracle's own reading of a valid `at`: a real ISO-8601 instant with a zone PostgreSQL accepts, years 1000-9999 UTC. */
function readAt(value: unknown): string | null {
  const match =
    typeof value === "string"
      ? /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,6})?)?(Z|[+-](\d{2}):(\d{2}))$/.exec(value)
      : null;
  if (!match) return null;
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(match[i]));
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (year < 1000 || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return null;
  if (hour > 23 || minute > 59 || Number(match[7] ?? 0) > 59) return null;
  if (match[9] !== "Z" && (Number(match[10]) > 15 || Number(match[11]) > 59)) return null;
  const instant = new Date(value as string);
  const utcYear = instant.getUTCFullYear();
  return utcYear >= 1000 && utcYear <= 9999 ? instant.toISOString() : null;
}

function sourceDetails(value: unknown) {
  if (!isObject(value)) return [];
  const rank = (source: string) =>
    KNOWN_SOURCES.includes(source) ? KNOWN_SOURCES.indexOf(source) : KNOWN_SOURCES.length;
  return Object.entries(value)
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([source, entry]) => ({
      source,
      status:
        typeof entry === "string"
          ? entry
          : isObject(entry) && typeof entry.status === "string"
            ? entry.status
            : "unknown",
      error: isObject(entry) && typeof entry.error === "string" ? entry.error : null,
      at: isObject(entry) ? readAt(entry.at) : null,
    }));
}

interface FailedRow {
  id: string;
  full_name: string;
  user_name: string | null;
  tenant_id: string;
  tenant_name: string | null;
  enrichment_status: string;
  value: unknown;
  updated_at: Date;
}

/** Every failed prospect of the 7 dates of `zone` ending today there, by plain SQL, newest first then id. */
async function failedProspects(pool: Pool, zone = "UTC") {
  const today = await databaseTodayIn(pool, zone);
  const { rows } = await pool.query<FailedRow>(
    `SELECT p.id, p.full_name, u.full_name AS user_name, p.tenant_id, t.name AS tenant_name, p.enrichment_status,
            p.enrichment_source_status AS value, p.updated_at
     FROM prospects p LEFT JOIN users u ON u.id = p.user_id LEFT JOIN tenants t ON t.id = p.tenant_id
     WHERE p.enrichment_status = 'failed' AND (p.updated_at AT TIME ZONE $3::text)::date BETWEEN $1::date AND $2::date
     ORDER BY p.updated_at DESC, p.id`,
    [addDays(today, -6), today, zone],
  );
  return rows.map((row) => ({
    id: row.id,
    fullName: row.full_name,
    userName: row.user_name,
    tenantId: row.tenant_id,
    tenantName: row.tenant_name,
    enrichmentStatus: row.enrichment_status,
    sourceDetails: sourceDetails(row.value),
    updatedAt: row.updated_at.toISOString(),
  }));
}

function expectedPage(all: Awaited<ReturnType<typeof failedProspects>>, limit: number, page: number, timeZone = "UTC") {
  const items = all.slice((page - 1) * limit, page * limit);
  return { total: all.length, page, limit, timeZone, items };
}

async function errorFeed(variables: { limit?: number; page?: number; timeZone?: string | null }) {
  return gateway.query(ErrorFeedQuery, variables, { viewer: superAdmin });
}

describe("errorFeed", () => {
  // First in the file: the page holds only these tenants' rows.
  it("answers 60 tenants and their users in the one statement it sends for 3", async () => {
    const pool = gateway.db.pool;
    const today = await databaseToday(pool);
    /** `perTenant` failed prospects in each of `tenants` new tenants, each asked for by another user, all at `time` today. */
    const addTenants = async (tenants: number, perTenant: number, time: string) => {
      const rows: ProspectRow[] = [];
      for (let i = 0; i < tenants; i += 1) {
        const tenantId = await createTenant(pool);
        for (let j = 0; j < perTenant; j += 1) {
          const user = await createUser(pool, { tenantId });
          rows.push({
            tenantId,
            userId: user.id,
            enrichmentStatus: "failed",
            enrichmentSourceStatus: { exa: { status: "failed", error: "502 Bad Gateway" } },
            updatedAt: `${today}T${time}Z`,
          });
        }
      }
      await insertProspects(pool, rows);
    };
    const spread = async () => {
      const { body, statements } = await errorFeed({ limit: 60 });
      const items = body.data?.errorFeed.items ?? [];
      expect(body.data?.errorFeed).toEqual(expectedPage(await failedProspects(pool), 60, 1));
      return {
        tenants: new Set(items.map((item) => item.tenantName)).size,
        users: new Set(items.map((item) => item.userName)).size,
        statements,
      };
    };
    await addTenants(3, 20, "00:00:00.000");
    const few = await spread();
    // Newer: the first page now holds only these.
    await addTenants(60, 1, "00:00:01.000");
    const many = await spread();
    expect(few).toEqual({ tenants: 3, users: 60, statements: 1 });
    expect(many).toEqual({ tenants: 60, users: 60, statements: 1 });
  });

  it("reads every entry of both shapes, and puts dangling users and tenants at null", async () => {
    const pool = gateway.db.pool;
    const today = await databaseToday(pool);
    const tenantId = await createTenant(pool, { name: "Feed Tenant" });
    const user = await createUser(pool, { tenantId, fullName: "Feed User" });
    const [id] = await insertProspects(pool, [
      {
        tenantId,
        userId: user.id,
        fullName: "Ada",
        enrichmentStatus: "failed",
        enrichmentSourceStatus: {
          zeta: "failed",
          Zeta: { status: "complete" },
          claude: { status: "failed", error: "429 Too Many Requests", at: "2026-02-25T10:00:00+01:00" },
          exa: "complete",
          apollo: { status: 3, error: 5, at: "2026-02-30T10:00:00Z" },
          contactout: [1],
        },
        // Later today than any test runs: still today.
        updatedAt: `${today}T23:59:59.999Z`,
      },
    ]);
    const [dangling] = await insertProspects(pool, [
      {
        tenantId: randomUUID(),
        userId: randomUUID(),
        enrichmentStatus: "failed",
        enrichmentSourceStatus: 42,
        updatedAt: `${today}T23:59:59.998Z`,
      },
    ]);
    const { body, statements } = await errorFeed({ limit: 2 });
    expect(body.data?.errorFeed.items).toEqual([
      {
        id,
        fullName: "Ada",
        userName: "Feed User",
        tenantId,
        tenantName: "Feed Tenant",
        enrichmentStatus: "failed",
        sourceDetails: [
          { source: "contactout", status: "unknown", error: null, at: null },
          { source: "exa", status: "complete", error: null, at: null },
          { source: "claude", status: "failed", error: "429 Too Many Requests", at: "2026-02-25T09:00:00.000Z" },
          { source: "Zeta", status: "complete", error: null, at: null },
          { source: "apollo", status: "unknown", error: null, at: null },
          { source: "zeta", status: "failed", error: null, at: null },
        ],
        updatedAt: `${today}T23:59:59.999Z`,
      },
      expect.objectContaining({ id: dangling, userName: null, tenantName: null, sourceDetails: [] }),
    ]);
    expect(statements).toBe(1);
  });

  it.each([12, 345, 6789])(
    "equals plain SQL and a plain reading of the jsonb after seedScenario(%i), page by page",
    async (seed) => {
      const pool = gateway.db.pool;
      await seedScenario(pool, seed);
      const all = await failedProspects(pool);
      expect(all.some((item) => item.sourceDetails.some((detail) => detail.at !== null))).toBe(true);
      expect(all.some((item) => item.userName === null) && all.some((item) => item.tenantName === null)).toBe(true);
      const pages: Array<[number, number]> = [
        [50, 1],
        [100, 1],
        [1, 1],
        [1, all.length],
        [1, all.length + 1],
        [100, 3],
        [100, 2147483647],
      ];
      for (let page = 1; page <= Math.ceil(all.length / 7) + 1; page += 1) pages.push([7, page]);
      for (const [limit, page] of pages) {
        const { body, statements } = await errorFeed({ limit, page });
        expect(body).toEqual({ data: { errorFeed: expectedPage(all, limit, page) } });
        expect(statements).toBe(1);
      }
      expect((await errorFeed({})).body.data?.errorFeed).toEqual(expectedPage(all, 50, 1));
    },
  );

  it("takes the 7 local dates of every zone: rows a second either side of local midnights and offset changes, moved by updates", async () => {
    const pool = gateway.db.pool;
    const tenantId = await createTenant(pool);
    for (const zone of EDGE_ZONES) {
      const today = await databaseTodayIn(pool, zone);
      // The window's first and last local midnights and the next one, the dates around them, and a complete prospect
      // at every instant a failed one has (never listed).
      const edges = await zoneEdges(pool, zone, addDays(today, -8), addDays(today, 1));
      const rows = edges.flatMap((updatedAt, i): ProspectRow[] => [
        {
          tenantId,
          userId: null,
          enrichmentStatus: "failed",
          enrichmentSourceStatus: i % 2 === 0 ? { exa: { status: "failed", error: zone } } : { claude: "failed" },
          updatedAt,
        },
        {
          tenantId,
          userId: null,
          enrichmentStatus: "complete",
          enrichmentSourceStatus: { exa: "complete" },
          updatedAt,
        },
      ]);
      await insertProspects(pool, rows);
    }
    const expectEveryZone = async () => {
      for (const zone of [...EDGE_ZONES, "UTC"]) {
        const all = await failedProspects(pool, zone);
        for (let page = 1; page <= Math.ceil(all.length / 100) + 1; page += 1) {
          const { body, statements } = await errorFeed({ limit: 100, page, timeZone: zone });
          expect(body).toEqual({ data: { errorFeed: expectedPage(all, 100, page, zone) } });
          expect(statements).toBe(1);
        }
      }
      // No zone, or null: UTC, as before the argument existed.
      const utc = expectedPage(await failedProspects(pool), 100, 1);
      expect((await errorFeed({ limit: 100 })).body).toEqual({ data: { errorFeed: utc } });
      expect((await errorFeed({ limit: 100, timeZone: null })).body).toEqual({ data: { errorFeed: utc } });
    };
    await expectEveryZone();
    // Across local midnights both ways, a whole day back, and failed ones that are failed no more; half of each, by id.
    const updates = [
      `UPDATE prospects SET updated_at = updated_at + interval '2 seconds'
        WHERE tenant_id = $1 AND extract(second FROM updated_at) = 59 AND id::text < '8'`,
      `UPDATE prospects SET updated_at = updated_at - interval '2 seconds'
        WHERE tenant_id = $1 AND extract(second FROM updated_at) = 1 AND id::text < '8'`,
      `UPDATE prospects SET updated_at = updated_at - interval '1 day'
        WHERE tenant_id = $1 AND extract(second FROM updated_at) = 0 AND id::text < '4'`,
      `UPDATE prospects SET enrichment_status = 'complete' WHERE tenant_id = $1 AND id::text >= 'e'`,
    ];
    for (const sql of updates) await pool.query(sql, [tenantId]);
    await expectEveryZone();
  });

  it.each([7, 1234])(
    "keeps its total equal to plain SQL in UTC and other zones through inserts, updates, deletes, compaction and a TRUNCATE (seed %i)",
    async (seed) => {
      const pool = gateway.db.pool;
      const zones = ["UTC", "Asia/Kolkata", "Pacific/Chatham"];
      await churnProspects(pool, {
        seed,
        zones,
        rollUp: async () => gateway.rollup.runNow(addDays(await databaseToday(pool), -1)),
        check: async (step) => {
          await expectCountsMaintained(pool);
          for (const timeZone of zones) {
            const { body } = await errorFeed({ limit: 5, page: 2, timeZone });
            expect({ step, ...body }).toEqual({
              step,
              data: { errorFeed: expectedPage(await failedProspects(pool, timeZone), 5, 2, timeZone) },
            });
          }
        },
      });
    },
  );

  it.each(["EST", "+05:30", "UTC+5", "", "Asia/Kolkata; DROP TABLE prospects"])(
    "refuses the time zone %j with BAD_USER_INPUT before any SQL",
    async (timeZone) => {
      const { body, statements } = await errorFeed({ timeZone });
      expect(body.data ?? null).toBeNull();
      expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
      expect(statements).toBe(0);
    },
  );

  const bad: Array<[string, { limit?: number; page?: number }]> = [
    ["limit 0", { limit: 0 }],
    ["limit 101", { limit: 101 }],
    ["limit -1", { limit: -1 }],
    ["page 0", { page: 0 }],
    ["page -1", { page: -1 }],
    ["page -2147483648", { page: -2147483648 }],
    ["limit 2147483647", { limit: 2147483647 }],
    ["page 2^31", { page: 2 ** 31 }],
    ["limit 2^53", { limit: 2 ** 53 }],
  ];
  it.each(bad)("refuses %s with BAD_USER_INPUT before any SQL", async (_name, variables) => {
    const { body, statements } = await errorFeed(variables);
    expect(body.data ?? null).toBeNull();
    expect(errorCodes(body)).toEqual(["BAD_USER_INPUT"]);
    expect(statements).toBe(0);
  });

  it("is for super admins: others FORBIDDEN, anonymous UNAUTHENTICATED", async () => {
    await expectRoles(gateway, ErrorFeedQuery, {}, { allowed: [Role.SUPER_ADMIN] });
  });
});
