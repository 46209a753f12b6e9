import type { Pool } from "pg";
import { Role } from "../auth/role";
import { graphql } from "../test/gql";
import { createTenant, createUser, insertActivity, viewerWithoutRow, type ActivityRow } from "../test/factories";
import { addDays, databaseToday, seedRolledUpScenario } from "../test/scenario";
import { errorCodes, expectRoles, useTestGateway } from "../test/test-gateway";

const TenantActivityQuery = graphql(`
  query TenantsTenantActivity {
    tenantActivity {
      id
      name
      userCount
      searches7d
      enrichments7d
      exports7d
      lastActive
      users {
        id
        fullName
        searches7d
        enrichments7d
        exports7d
      }
    }
  }
`);

const gateway = useTestGateway();

const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);

/** Code point order, as COLLATE "C" compares: UTF-8 bytes sort like code points (JS `<` compares UTF-16 units). */
function byCodePoint(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

interface Counts {
  searches7d: number;
  enrichments7d: number;
  exports7d: number;
}

const COUNTED: Record<string, keyof Counts> = {
  search_executed: "searches7d",
  profile_enriched: "enrichments7d",
  csv_exported: "exports7d",
};

/** The whole response by plain SQL: one GROUP BY per date of the window, users and tenants as they are. */
async function expectedTenantActivity(pool: Pool) {
  const today = await databaseToday(pool);
  const tenantCounts = new Map<string, Counts>();
  const userCounts = new Map<string, Counts>();
  const zero = (): Counts => ({ searches7d: 0, enrichments7d: 0, exports7d: 0 });
  for (let back = 0; back < 7; back += 1) {
    const { rows } = await pool.query<{ tenant_id: string; user_id: string; action_type: string; n: number }>(
      `SELECT tenant_id, user_id, action_type, count(*)::int AS n FROM activity_log
        WHERE (created_at AT TIME ZONE 'UTC')::date = $1::date GROUP BY 1, 2, 3`,
      [addDays(today, -back)],
    );
    for (const row of rows) {
      const field = COUNTED[row.action_type];
      if (!field) continue;
      const tenant = tenantCounts.get(row.tenant_id) ?? zero();
      tenant[field] += row.n;
      tenantCounts.set(row.tenant_id, tenant);
      const key = `${row.tenant_id}/${row.user_id}`;
      const user = userCounts.get(key) ?? zero();
      user[field] += row.n;
      userCounts.set(key, user);
    }
  }
  const { rows: latest } = await pool.query<{ tenant_id: string; latest: Date }>(
    `SELECT tenant_id, max(created_at) AS latest FROM activity_log
      WHERE (created_at AT TIME ZONE 'UTC')::date BETWEEN $1::date AND $2::date GROUP BY 1`,
    [addDays(today, -89), today],
  );
  const lastActive = new Map(latest.map((row) => [row.tenant_id, row.latest.toISOString()]));
  const { rows: tenants } = await pool.query<{ id: string; name: string }>(
    "SELECT id, name FROM tenants WHERE is_active",
  );
  const { rows: users } = await pool.query<{ id: string; tenant_id: string; full_name: string | null }>(
    "SELECT id, tenant_id, full_name FROM users WHERE tenant_id IS NOT NULL",
  );
  return tenants
    .map((tenant) => {
      const members = users
        .filter((user) => user.tenant_id === tenant.id)
        .map((user) => ({
          id: user.id,
          fullName: user.full_name,
          ...(userCounts.get(`${tenant.id}/${user.id}`) ?? zero()),
        }))
        .sort((a, b) => b.searches7d - a.searches7d || byCodePoint(a.id, b.id));
      return {
        id: tenant.id,
        name: tenant.name,
        userCount: members.length,
        ...(tenantCounts.get(tenant.id) ?? zero()),
        lastActive: lastActive.get(tenant.id) ?? null,
        users: members,
      };
    })
    .sort((a, b) => b.searches7d - a.searches7d || byCodePoint(a.name, b.name) || byCodePoint(a.id, b.id));
}

async function tenantActivity() {
  const response = await gateway.query(TenantActivityQuery, {}, { viewer: superAdmin });
  expect(response.status).toBe(200);
  expect(errorCodes(response.body)).toEqual([]);
  return response;
}

/** Tenants with two users each and a few rows in the window, so every tenant has users to load. */
async function createBusyTenants(pool: Pool, count: number, today: string): Promise<string[]> {
  const ids: string[] = [];
  const rows: ActivityRow[] = [];
  for (let i = 0; i < count; i += 1) {
    const tenantId = await createTenant(pool);
    for (let j = 0; j < 2; j += 1) {
      const user = await createUser(pool, { tenantId });
      for (const actionType of ["search_executed", "profile_enriched", "csv_exported", "login"]) {
        rows.push({ tenantId, userId: user.id, actionType, createdAt: `${addDays(today, -j)}T10:00:00.000Z` });
      }
    }
    ids.push(tenantId);
  }
  await insertActivity(pool, rows);
  return ids;
}

describe("tenantActivity", () => {
  // First, so the database holds exactly the tenants it makes: 3, then 60.
  it("sends as many statements for 60 tenants as for 3 (users are loaded in one batch)", async () => {
    const pool = gateway.db.pool;
    const today = await databaseToday(pool);
    const first = await createBusyTenants(pool, 3, today);
    const few = await tenantActivity();
    expect(few.body.data?.tenantActivity.map((tenant) => tenant.id).sort()).toEqual([...first].sort());
    await createBusyTenants(pool, 57, today);
    const many = await tenantActivity();
    expect(many.body.data?.tenantActivity).toHaveLength(60);
    expect(many.body.data?.tenantActivity.every((tenant) => tenant.users.length === 2)).toBe(true);
    expect(many.body).toEqual({ data: { tenantActivity: await expectedTenantActivity(pool) } });
    expect(few.statements).toBe(2);
    expect(many.statements).toBe(few.statements);
  });

  it("breaks ties in searches7d by name in code point order, then id; users by id", async () => {
    const pool = gateway.db.pool;
    const today = await databaseToday(pool);
    // Where the server has ICU (PostgreSQL here, not PGlite), tenants.name gets a locale collation, as a platform's
    // database may have: then only the query's own COLLATE "C" keeps code point order.
    const { rowCount } = await pool.query("SELECT 1 FROM pg_collation WHERE collname = 'und-x-icu'");
    if (rowCount) await pool.query(`ALTER TABLE tenants ALTER COLUMN name TYPE text COLLATE "und-x-icu"`);
    const suffix = Math.random().toString(36).slice(2, 8);
    // Code point order: "B" < "S" < "a"; a locale would put "alpha" first.
    const beta = await createTenant(pool, { name: `Beta tie ${suffix}` });
    const alpha = await createTenant(pool, { name: `alpha tie ${suffix}` });
    const same = [
      await createTenant(pool, { name: `Same tie ${suffix}` }),
      await createTenant(pool, { name: `Same tie ${suffix}` }),
    ];
    const members = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => createUser(pool, { tenantId: beta, fullName: i === 4 ? null : `Tie ${i}` })),
    );
    const search = (tenantId: string, userId: string, createdAt: string): ActivityRow => ({
      tenantId,
      userId,
      actionType: "search_executed",
      createdAt,
    });
    const rows: ActivityRow[] = [];
    // Three users with one search each (the window's first and last instants), two with none in the window.
    members.slice(0, 3).forEach((user, i) => {
      const createdAt = [`${addDays(today, -6)}T00:00:00.000Z`, `${today}T23:59:59.999Z`, `${today}T00:00:00.000Z`][i];
      rows.push(search(beta, user.id, createdAt));
    });
    rows.push(
      search(beta, members[3].id, `${addDays(today, -7)}T23:59:59.999Z`),
      // Tomorrow is neither in the window nor a lastActive.
      search(beta, members[3].id, `${addDays(today, 1)}T00:00:00.000Z`),
      { tenantId: beta, userId: members[4].id, actionType: "profile_enriched", createdAt: `${today}T08:00:00.000Z` },
    );
    for (const tenantId of [alpha, ...same]) {
      for (let i = 0; i < 3; i += 1) rows.push(search(tenantId, members[0].id, `${today}T09:00:00.000Z`));
    }
    await insertActivity(pool, rows);

    const { body } = await tenantActivity();
    const tied = new Set([beta, alpha, ...same]);
    const order = body.data?.tenantActivity.filter((tenant) => tied.has(tenant.id)).map((tenant) => tenant.id);
    expect(order).toEqual([beta, ...[...same].sort(byCodePoint), alpha]);
    const betaRow = body.data?.tenantActivity.find((tenant) => tenant.id === beta);
    const searched = members
      .slice(0, 3)
      .map((user) => user.id)
      .sort(byCodePoint);
    const idle = members
      .slice(3)
      .map((user) => user.id)
      .sort(byCodePoint);
    const nameOf = new Map(members.map((user) => [user.id, user.fullName]));
    expect(betaRow).toEqual({
      id: beta,
      name: `Beta tie ${suffix}`,
      userCount: 5,
      searches7d: 3,
      enrichments7d: 1,
      exports7d: 0,
      lastActive: `${today}T23:59:59.999Z`,
      users: [
        ...searched.map((id) => ({ id, fullName: nameOf.get(id), searches7d: 1, enrichments7d: 0, exports7d: 0 })),
        ...idle.map((id) => ({
          id,
          fullName: nameOf.get(id),
          searches7d: 0,
          enrichments7d: id === members[4].id ? 1 : 0,
          exports7d: 0,
        })),
      ],
    });
    // members[0] also searched in the other tied tenants: those rows count there, not in beta's users, and are
    // no user's of those tenants (users.tenant_id).
    expect(body.data?.tenantActivity.find((tenant) => tenant.id === alpha)?.users).toEqual([]);
  });

  it.each([11, 29, 4242])(
    "equals plain SQL over the whole database after seedScenario(%i), rollups and late rows",
    async (seed) => {
      const pool = gateway.db.pool;
      const scenario = await seedRolledUpScenario(pool, seed, (date) => gateway.rollup.runNow(date));
      const expected = await expectedTenantActivity(pool);
      const ids = expected.map((tenant) => tenant.id);
      expect(ids).toEqual(expect.arrayContaining([...scenario.tenantIds, scenario.emptyTenantId]));
      expect(ids).not.toContain(scenario.inactiveTenantId);
      expect(ids).not.toContain(scenario.danglingTenantId);
      expect(expected.find((tenant) => tenant.id === scenario.emptyTenantId)).toMatchObject({
        userCount: 0,
        users: [],
      });
      const { body, statements } = await tenantActivity();
      expect(body).toEqual({ data: { tenantActivity: expected } });
      expect(statements).toBe(2);
    },
  );

  it("is for super admins: others FORBIDDEN, anonymous UNAUTHENTICATED", async () => {
    await expectRoles(gateway, TenantActivityQuery, {}, { allowed: [Role.SUPER_ADMIN] });
    expect(errorCodes((await gateway.query(TenantActivityQuery, {}, { viewer: superAdmin })).body)).toEqual([]);
  });
});
