import { randomUUID } from "node:crypto";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { createTenant, createUser, viewerWithoutRow } from "../test/factories";
import { graphql } from "../test/gql";
import { errorCodes, expectRoles, useTestGateway } from "../test/test-gateway";

const SetTimeZone = graphql(`
  mutation SetTenantTimeZone($tenantId: ID, $timeZone: String) {
    setTenantTimeZone(tenantId: $tenantId, timeZone: $timeZone) {
      tenantId
      timeZone
    }
  }
`);

const SetTimeZoneOmitted = graphql(`
  mutation SetTenantTimeZoneOmitted($tenantId: ID) {
    setTenantTimeZone(tenantId: $tenantId) {
      tenantId
      timeZone
    }
  }
`);

const ReadSettings = graphql(`
  query ReadTenantSettings($tenantId: ID) {
    tenantSettings(tenantId: $tenantId) {
      tenantId
      timeZone
    }
  }
`);

const gateway = useTestGateway();
const superAdmin = () => viewerWithoutRow(Role.SUPER_ADMIN, null);

/** A tenant and its admin, a users row of it, as the platform writes them. */
async function tenantWithAdmin(fields: { isActive?: boolean } = {}): Promise<{ tenantId: string; admin: Viewer }> {
  const tenantId = await createTenant(gateway.db.pool, fields);
  const admin = await createUser(gateway.db.pool, { tenantId, role: Role.TENANT_ADMIN });
  return { tenantId, admin };
}

/** The tenant's row in tenant_time_zones, as stored. */
async function storedZone(tenantId: string) {
  const { rows } = await gateway.db.pool.query<{ timeZone: string; updatedBy: string | null }>(
    `SELECT time_zone AS "timeZone", updated_by::text AS "updatedBy" FROM tenant_time_zones WHERE tenant_id = $1`,
    [tenantId],
  );
  return rows[0] ?? null;
}

async function setZone(viewer: Viewer, variables: { tenantId?: string | null; timeZone?: string | null }) {
  return (await gateway.query(SetTimeZone, variables, { viewer })).body;
}

async function readZone(viewer: Viewer, tenantId?: string | null) {
  return (await gateway.query(ReadSettings, { tenantId }, { viewer })).body;
}

describe("roles", () => {
  it("agents and assistants are FORBIDDEN, anonymous callers UNAUTHENTICATED, before any SQL", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const allowed = [Role.TENANT_ADMIN, Role.SUPER_ADMIN];
    await expectRoles(gateway, SetTimeZone, { tenantId, timeZone: "Asia/Kolkata" }, { allowed });
    await expectRoles(gateway, SetTimeZone, { timeZone: "Asia/Kolkata" }, { allowed });
    await expectRoles(gateway, ReadSettings, { tenantId }, { allowed });
    // With users rows of the tenant too: the role decides, not the membership.
    for (const role of [Role.AGENT, Role.ASSISTANT]) {
      const member = await createUser(gateway.db.pool, { tenantId, role });
      expect(errorCodes(await setZone(member, { timeZone: "Asia/Kolkata" }))).toEqual(["FORBIDDEN"]);
      expect(errorCodes(await readZone(member))).toEqual(["FORBIDDEN"]);
    }
    expect(await storedZone(tenantId)).toBeNull();
  });

  it("a super admin sets and reads any tenant's zone, and must name the tenant", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const admin = superAdmin();
    expect(await setZone(admin, { tenantId, timeZone: "Asia/Kolkata" })).toEqual({
      data: { setTenantTimeZone: { tenantId, timeZone: "Asia/Kolkata" } },
    });
    expect(await readZone(superAdmin(), tenantId)).toEqual({
      data: { tenantSettings: { tenantId, timeZone: "Asia/Kolkata" } },
    });
    expect(await storedZone(tenantId)).toEqual({ timeZone: "Asia/Kolkata", updatedBy: admin.id });

    for (const body of [await setZone(admin, { timeZone: "Europe/London" }), await readZone(admin)]) {
      expect(body.data).toBeNull();
      expect(body.errors?.map((error) => [error.extensions?.code, error.extensions?.argumentName])).toEqual([
        ["BAD_USER_INPUT", "tenantId"],
      ]);
    }
    expect(await storedZone(tenantId)).toMatchObject({ timeZone: "Asia/Kolkata" });
  });

  it("a tenant admin sets and reads their own tenant's zone, with or without tenantId", async () => {
    const { tenantId, admin } = await tenantWithAdmin();
    expect(await readZone(admin)).toEqual({ data: { tenantSettings: { tenantId, timeZone: "UTC" } } });
    expect(await setZone(admin, { timeZone: "Australia/Sydney" })).toEqual({
      data: { setTenantTimeZone: { tenantId, timeZone: "Australia/Sydney" } },
    });
    expect(await readZone(admin)).toEqual({ data: { tenantSettings: { tenantId, timeZone: "Australia/Sydney" } } });
    // Their own id, in any case, is their own tenant.
    expect(await setZone(admin, { tenantId: tenantId.toUpperCase(), timeZone: "Asia/Kathmandu" })).toEqual({
      data: { setTenantTimeZone: { tenantId, timeZone: "Asia/Kathmandu" } },
    });
    expect(await readZone(admin, tenantId.toUpperCase())).toEqual({
      data: { tenantSettings: { tenantId, timeZone: "Asia/Kathmandu" } },
    });
    expect(await storedZone(tenantId)).toEqual({ timeZone: "Asia/Kathmandu", updatedBy: admin.id });
  });

  it("a tenant admin gets FORBIDDEN for another tenant's settings, read or written, and nothing is written", async () => {
    const own = await tenantWithAdmin();
    const other = await tenantWithAdmin();
    expect((await setZone(other.admin, { timeZone: "America/New_York" })).errors).toBeUndefined();

    const write = await setZone(own.admin, { tenantId: other.tenantId, timeZone: "Asia/Kolkata" });
    expect({ data: write.data, codes: errorCodes(write) }).toEqual({ data: null, codes: ["FORBIDDEN"] });
    const read = await readZone(own.admin, other.tenantId);
    expect({ data: read.data, codes: errorCodes(read) }).toEqual({ data: null, codes: ["FORBIDDEN"] });
    expect(await storedZone(other.tenantId)).toMatchObject({ timeZone: "America/New_York" });
    expect(await storedZone(own.tenantId)).toBeNull();

    // Another tenant's default is not this tenant's.
    expect(await readZone(own.admin)).toEqual({
      data: { tenantSettings: { tenantId: own.tenantId, timeZone: "UTC" } },
    });
  });

  it("a tenant admin whose token has no tenant is FORBIDDEN", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const admin = viewerWithoutRow(Role.TENANT_ADMIN, null);
    for (const body of [
      await setZone(admin, { timeZone: "Asia/Kolkata" }),
      await setZone(admin, { tenantId, timeZone: "Asia/Kolkata" }),
      await readZone(admin),
      await readZone(admin, tenantId),
    ]) {
      expect({ data: body.data, codes: errorCodes(body) }).toEqual({ data: null, codes: ["FORBIDDEN"] });
    }
    expect(await storedZone(tenantId)).toBeNull();
  });

  it("a tenant admin's write needs their users row in the tenant and the tenant active; a super admin's does not", async () => {
    const { tenantId, admin } = await tenantWithAdmin();
    // A token whose user is gone (or never was) reads, as every token does until it expires, but writes nothing.
    const revoked = viewerWithoutRow(Role.TENANT_ADMIN, tenantId);
    expect(errorCodes(await setZone(revoked, { timeZone: "Asia/Kolkata" }))).toEqual(["FORBIDDEN"]);
    expect(await readZone(revoked)).toEqual({ data: { tenantSettings: { tenantId, timeZone: "UTC" } } });
    // A users row of another tenant does not make its token a member of this one.
    const elsewhere = await createUser(gateway.db.pool, {
      tenantId: await createTenant(gateway.db.pool),
      role: Role.TENANT_ADMIN,
    });
    expect(errorCodes(await setZone({ ...elsewhere, tenantId }, { timeZone: "Asia/Kolkata" }))).toEqual(["FORBIDDEN"]);
    expect(await storedZone(tenantId)).toBeNull();

    await gateway.db.pool.query("UPDATE tenants SET is_active = false WHERE id = $1", [tenantId]);
    expect(errorCodes(await setZone(admin, { timeZone: "Asia/Kolkata" }))).toEqual(["FORBIDDEN"]);
    expect(errorCodes(await setZone(admin, { timeZone: null }))).toEqual(["FORBIDDEN"]);
    expect(await storedZone(tenantId)).toBeNull();
    expect(await setZone(superAdmin(), { tenantId, timeZone: "Asia/Kolkata" })).toEqual({
      data: { setTenantTimeZone: { tenantId, timeZone: "Asia/Kolkata" } },
    });
    expect(await readZone(admin)).toEqual({ data: { tenantSettings: { tenantId, timeZone: "Asia/Kolkata" } } });
  });
});

describe("tenant ids", () => {
  it("a tenantId that is not a uuid is BAD_USER_INPUT, before any SQL", async () => {
    for (const tenantId of ["", "42", "not-a-uuid", `{${randomUUID()}}`]) {
      for (const request of [
        gateway.query(SetTimeZone, { tenantId, timeZone: "UTC" }, { viewer: superAdmin() }),
        gateway.query(ReadSettings, { tenantId }, { viewer: superAdmin() }),
      ]) {
        const { body, statements } = await request;
        expect({ tenantId, codes: errorCodes(body), statements }).toEqual({
          tenantId,
          codes: ["BAD_USER_INPUT"],
          statements: 0,
        });
      }
    }
  });

  it("a uuid with no tenants row is BAD_USER_INPUT, read or written, and nothing is written", async () => {
    const tenantId = randomUUID();
    for (const body of [
      await setZone(superAdmin(), { tenantId, timeZone: "Asia/Kolkata" }),
      await setZone(superAdmin(), { tenantId, timeZone: null }),
      await readZone(superAdmin(), tenantId),
      // A tenant admin's token may name a tenant the platform has deleted.
      await setZone(viewerWithoutRow(Role.TENANT_ADMIN, tenantId), { timeZone: "Asia/Kolkata" }),
      await readZone(viewerWithoutRow(Role.TENANT_ADMIN, tenantId)),
    ]) {
      expect(body.data).toBeNull();
      expect(body.errors?.map((error) => [error.extensions?.code, error.extensions?.argumentName])).toEqual([
        ["BAD_USER_INPUT", "tenantId"],
      ]);
    }
    expect(await storedZone(tenantId)).toBeNull();
  });
});

describe("setting and resetting", () => {
  it("is UTC until set; the last write wins; null or no timeZone goes back to UTC", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const admin = superAdmin();
    expect(await readZone(admin, tenantId)).toEqual({ data: { tenantSettings: { tenantId, timeZone: "UTC" } } });
    await setZone(admin, { tenantId, timeZone: "Pacific/Chatham" });
    await setZone(admin, { tenantId, timeZone: "America/St_Johns" });
    expect(await readZone(admin, tenantId)).toEqual({
      data: { tenantSettings: { tenantId, timeZone: "America/St_Johns" } },
    });

    expect(await setZone(admin, { tenantId, timeZone: null })).toEqual({
      data: { setTenantTimeZone: { tenantId, timeZone: "UTC" } },
    });
    expect(await storedZone(tenantId)).toBeNull();
    expect(await readZone(admin, tenantId)).toEqual({ data: { tenantSettings: { tenantId, timeZone: "UTC" } } });

    await setZone(admin, { tenantId, timeZone: "Asia/Kolkata" });
    const omitted = await gateway.query(SetTimeZoneOmitted, { tenantId }, { viewer: admin });
    expect(omitted.body).toEqual({ data: { setTenantTimeZone: { tenantId, timeZone: "UTC" } } });
    expect(await storedZone(tenantId)).toBeNull();
    // Resetting a tenant with nothing set is no error.
    expect(await setZone(admin, { tenantId, timeZone: null })).toEqual({
      data: { setTenantTimeZone: { tenantId, timeZone: "UTC" } },
    });
  });

  it("a write is one statement, a read one (a mutation's response notes nothing without a read replica)", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const write = await gateway.query(SetTimeZone, { tenantId, timeZone: "Asia/Kolkata" }, { viewer: superAdmin() });
    expect(write.statements).toBe(1);
    const read = await gateway.query(ReadSettings, { tenantId }, { viewer: superAdmin() });
    expect(read.statements).toBe(1);
  });
});

describe("time-zone names", () => {
  const ACCEPTED = [
    "Asia/Kolkata",
    "America/Argentina/Buenos_Aires",
    "Pacific/Chatham",
    "UTC",
    "Asia/Kathmandu",
    "America/Indiana/Knox",
    "Antarctica/Troll",
  ];

  it.each(ACCEPTED)("accepts %s, set and read back as given", async (timeZone) => {
    const { tenantId, admin } = await tenantWithAdmin();
    expect(await setZone(admin, { timeZone })).toEqual({ data: { setTenantTimeZone: { tenantId, timeZone } } });
    expect(await readZone(admin)).toEqual({ data: { tenantSettings: { tenantId, timeZone } } });
  });

  const REFUSED: Array<[string, string]> = [
    ["an unknown name", "Mars/Olympus_Mons"],
    ["an unknown city", "Europe/Atlantis"],
    ["an abbreviation", "EST"],
    ["an abbreviation", "PST"],
    ["an abbreviation", "IST"],
    ["an abbreviation", "GMT"],
    ["an offset", "UTC+5"],
    ["an offset", "+05:30"],
    ["an offset", "GMT-3"],
    ["an offset", "-03"],
    ["a fixed-offset entry", "Etc/GMT+5"],
    ["a POSIX rule", "EST5EDT"],
    ["a POSIX rule", "<+0530>-5:30"],
    ["a copy of the tzdata", "posix/Asia/Kolkata"],
    ["a copy of the tzdata", "right/Asia/Kolkata"],
    ["a legacy name", "US/Eastern"],
    ["a trailing slash", "Asia/Kolkata/"],
    ["a legacy name", "Zulu"],
    ["the wrong case", "asia/kolkata"],
    ["the wrong case", "ASIA/KOLKATA"],
    ["the wrong case", "utc"],
    ["surrounding spaces", " Asia/Kolkata"],
    ["surrounding spaces", "Asia/Kolkata "],
    ["an empty string", ""],
    ["a 10,000-character string", "Asia/".padEnd(10_000, "x")],
    ["65 characters", "America/".padEnd(65, "x")],
  ];

  const refused = REFUSED.map(([what, value]) => [
    value.length > 70 ? what : `${what}, ${JSON.stringify(value)}`,
    value,
  ]);
  it.each(refused)("refuses %s, with BAD_USER_INPUT naming timeZone, writing nothing", async (_, timeZone) => {
    const { tenantId, admin } = await tenantWithAdmin();
    await setZone(admin, { timeZone: "Europe/London" });
    const body = await setZone(admin, { timeZone });
    expect(body.data).toBeNull();
    expect(body.errors?.map((error) => [error.extensions?.code, error.extensions?.argumentName])).toEqual([
      ["BAD_USER_INPUT", "timeZone"],
    ]);
    // A long value is not echoed back.
    expect(body.errors![0].message.length).toBeLessThan(600);
    expect(await storedZone(tenantId)).toMatchObject({ timeZone: "Europe/London" });
  });

  it("says how a name in the wrong case is spelled", async () => {
    const { admin } = await tenantWithAdmin();
    const body = await setZone(admin, { timeZone: "america/argentina/buenos_aires" });
    expect(body.errors![0].message).toContain('"America/Argentina/Buenos_Aires"');
  });

  it("refuses before any SQL", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const { body, statements } = await gateway.query(
      SetTimeZone,
      { tenantId, timeZone: "EST" },
      { viewer: superAdmin() },
    );
    expect({ codes: errorCodes(body), statements }).toEqual({ codes: ["BAD_USER_INPUT"], statements: 0 });
  });
});
