import { PGlite } from "@electric-sql/pglite";
import { Client } from "pg";
import { Role } from "../auth/role";
import { createContext, type Context } from "../server/context";
import { createTenant } from "../test/factories";
import { serverUrl } from "../test/test-database";
import { useTestGateway } from "../test/test-gateway";
import { checkTimeZone, loadTimeZones, resolveTimeZone } from "./time-zones";
import { UTC } from "./windows";
import { readTimeZoneNames } from "./time-zones.sql";

/** The PostgreSQL server of this machine and of CI; with DATABASE_URL, that one. */
const SERVER_URL = serverUrl ?? "postgresql://postgres@127.0.0.1:5432/postgres";

describe("the accepted names", () => {
  it("are the same on the embedded database and on the PostgreSQL server", async () => {
    const embedded = await PGlite.create();
    const server = new Client({ connectionString: SERVER_URL });
    try {
      await server.connect().catch((error: Error) => {
        throw new Error(`no PostgreSQL server at ${SERVER_URL} to compare the time-zone names with: ${error.message}`);
      });
      const onEmbedded = (await readTimeZoneNames(embedded)).sort();
      const onServer = (await readTimeZoneNames(server)).sort();
      expect(onEmbedded).toEqual(onServer);

      const names = new Set(onServer);
      for (const name of ["UTC", "Asia/Kolkata", "America/Argentina/Buenos_Aires", "Pacific/Chatham", "Europe/London"])
        expect({ name, accepted: names.has(name) }).toEqual({ name, accepted: true });
      for (const name of ["EST", "EST5EDT", "Etc/GMT+5", "Etc/UTC", "US/Eastern", "GMT", "Zulu", "posix/Asia/Kolkata"])
        expect({ name, accepted: names.has(name) }).toEqual({ name, accepted: false });
      expect([...names].filter((name) => name !== UTC && !/^[A-Z][a-z]+\/[A-Za-z0-9_+\-/]+$/.test(name))).toEqual([]);
      // Every accepted name is one PostgreSQL computes in (the tzdata has ~600 entries; the IANA areas ~450-500).
      expect(names.size).toBeGreaterThan(400);
      await server.query("SELECT now() AT TIME ZONE name FROM unnest($1::text[]) AS name", [[...names]]);
    } finally {
      await server.end();
      await embedded.close();
    }
  });
});

describe("resolveTimeZone", () => {
  const gateway = useTestGateway();
  let timeZones: ReadonlySet<string>;
  beforeAll(async () => {
    timeZones = await loadTimeZones(gateway.db);
  });

  /** One request's context, as the gateway makes it: its own loaders. */
  const request = (): Context =>
    createContext({
      viewer: { id: "00000000-0000-0000-0000-000000000001", role: Role.SUPER_ADMIN, tenantId: null },
      requestId: "test",
      log: gateway.log,
      db: gateway.db,
      config: gateway.config,
      rollup: gateway.rollup,
      timeZones,
    });

  async function setZone(tenantId: string, timeZone: string) {
    await gateway.db.pool.query("INSERT INTO tenant_time_zones (tenant_id, time_zone) VALUES ($1, $2)", [
      tenantId,
      timeZone,
    ]);
  }

  it("is the given zone, checked; else the tenant's default for a one-tenant answer; else UTC", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    const plain = await createTenant(gateway.db.pool);
    await setZone(tenantId, "Asia/Kolkata");
    const ctx = request();
    expect(await resolveTimeZone(ctx, "Pacific/Chatham", tenantId)).toBe("Pacific/Chatham");
    expect(await resolveTimeZone(ctx, "Pacific/Chatham", null)).toBe("Pacific/Chatham");
    expect(await resolveTimeZone(ctx, null, tenantId)).toBe("Asia/Kolkata");
    expect(await resolveTimeZone(ctx, undefined, tenantId.toUpperCase())).toBe("Asia/Kolkata");
    expect(await resolveTimeZone(ctx, null, plain)).toBe(UTC);
    expect(await resolveTimeZone(ctx, null, null)).toBe(UTC);
    // A well-formed id of no tenant: no default, UTC (its answers are zeros, not an error).
    expect(await resolveTimeZone(ctx, null, "6f1c5a3e-0000-4000-8000-000000000000")).toBe(UTC);
    // Given, the zone is checked even where the tenant has one.
    await expect(resolveTimeZone(ctx, "asia/kolkata", tenantId)).rejects.toMatchObject({
      extensions: { code: "BAD_USER_INPUT", argumentName: "timeZone" },
    });
    await expect(resolveTimeZone(ctx, "", null, "tz")).rejects.toMatchObject({
      extensions: { code: "BAD_USER_INPUT", argumentName: "tz" },
    });
  });

  it("reads the defaults of a request's tenants in one statement, and nothing across requests", async () => {
    const tenants = [await createTenant(gateway.db.pool), await createTenant(gateway.db.pool)];
    await setZone(tenants[0], "Europe/London");
    const queryRaw = jest.spyOn(gateway.db.prisma, "$queryRaw");
    try {
      const ctx = request();
      expect(await Promise.all(tenants.map((id) => resolveTimeZone(ctx, null, id)))).toEqual(["Europe/London", UTC]);
      expect(await resolveTimeZone(ctx, null, tenants[1])).toBe(UTC);
      expect(queryRaw).toHaveBeenCalledTimes(1);
      // No statement when the answer is given a zone or is not one tenant's.
      await resolveTimeZone(request(), "UTC", tenants[0]);
      await resolveTimeZone(request(), null, null);
      expect(queryRaw).toHaveBeenCalledTimes(1);

      await gateway.db.pool.query("UPDATE tenant_time_zones SET time_zone = 'Asia/Tokyo' WHERE tenant_id = $1", [
        tenants[0],
      ]);
      expect(await resolveTimeZone(request(), null, tenants[0])).toBe("Asia/Tokyo");
    } finally {
      queryRaw.mockRestore();
    }
  });

  it("answers in UTC for a stored zone this database does not accept", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    await setZone(tenantId, "Mars/Olympus_Mons");
    expect(await resolveTimeZone(request(), null, tenantId)).toBe(UTC);
  });
});

describe("checkTimeZone", () => {
  const names = new Set(["UTC", "Asia/Kolkata"]);

  it("returns an accepted name as it is", () => {
    expect(checkTimeZone(names, "Asia/Kolkata", "timeZone")).toBe("Asia/Kolkata");
  });

  it("does not echo a long value", () => {
    const long = "Asia/".padEnd(10_000, "K");
    expect(() => checkTimeZone(names, long, "timeZone")).toThrow("timeZone is 10000 characters long");
    try {
      checkTimeZone(names, long, "timeZone");
    } catch (error) {
      expect((error as Error).message).not.toContain("KKKKKKKK");
    }
  });
});
