import { randomUUID } from "node:crypto";
import { SignJWT, UnsecuredJWT } from "jose";
import { graphql } from "../test/gql";
import { createTenant, createUser, viewerWithoutRow } from "../test/factories";
import { errorCodes, expectRoles, TEST_JWT_SECRET, useTestGateway } from "../test/test-gateway";
import { Role } from "./role";

const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      id
      role
      tenantId
      fullName
    }
  }
`);

const ApiQuotaQuery = graphql(`
  query ApiQuota {
    apiQuota {
      status
      message
      providers
    }
  }
`);

const gateway = useTestGateway();

const secret = new TextEncoder().encode(TEST_JWT_SECRET);

interface SignOptions {
  alg?: string;
  key?: Uint8Array;
  /** null: no exp claim. */
  exp?: string | number | null;
  nbf?: string;
}

function claims(role: string, tenantId?: string) {
  return { app_metadata: { role, ...(tenantId ? { tenant_id: tenantId } : {}) } };
}

describe("viewer", () => {
  it("answers every role with the token's role and tenant and the users row's name", async () => {
    const tenantId = await createTenant(gateway.db.pool);
    for (const role of [Role.AGENT, Role.ASSISTANT, Role.TENANT_ADMIN]) {
      const user = await createUser(gateway.db.pool, { tenantId, role, fullName: `Ada ${role}` });
      const { status, body } = await gateway.query(ViewerQuery, {}, { viewer: user });
      expect(status).toBe(200);
      expect(body).toEqual({
        data: { viewer: { id: user.id, role: role.toUpperCase(), tenantId, fullName: `Ada ${role}` } },
      });
    }
    const staff = await createUser(gateway.db.pool, { tenantId: null, role: Role.SUPER_ADMIN, fullName: "Grace" });
    const { body } = await gateway.query(ViewerQuery, {}, { viewer: staff });
    expect(body.data?.viewer).toEqual({ id: staff.id, role: "SUPER_ADMIN", tenantId: null, fullName: "Grace" });
  });

  it("has a null fullName for a token whose user row is gone", async () => {
    const viewer = viewerWithoutRow(Role.AGENT, randomUUID());
    const { body } = await gateway.query(ViewerQuery, {}, { viewer });
    expect(body.data?.viewer.fullName).toBeNull();
  });
});

describe("tokens that leave the caller anonymous", () => {
  const sub = randomUUID();
  const tenant = randomUUID();
  /** A token for `sub` as the gateway's issuer signs it (HS256, the gateway's secret, an hour), unless told otherwise. */
  const signed = (
    payload: Record<string, unknown>,
    { alg = "HS256", key = secret, exp = "1h", nbf }: SignOptions = {},
  ): Promise<string> => {
    const jwt = new SignJWT(payload).setProtectedHeader({ alg }).setSubject(sub);
    if (exp !== null) jwt.setExpirationTime(exp);
    if (nbf) jwt.setNotBefore(nbf);
    return jwt.sign(key);
  };
  const secondsAgo = (seconds: number) => Math.floor(Date.now() / 1000) - seconds;
  const cases: Array<[string, () => Promise<string>]> = [
    ["no token", () => Promise.resolve("")],
    ["garbage", () => Promise.resolve("not-a-jwt")],
    ["expired", () => signed(claims("agent", tenant), { exp: secondsAgo(120) })],
    ["without exp", () => signed(claims("agent", tenant), { exp: null })],
    [
      "signed with another secret",
      () =>
        signed(claims("agent", tenant), {
          key: new TextEncoder().encode("another-secret-another-secret-another-secret"),
        }),
    ],
    [
      "alg none",
      () => Promise.resolve(new UnsecuredJWT(claims("agent", tenant)).setSubject(sub).setExpirationTime("1h").encode()),
    ],
    ["HS512 instead of the pinned HS256", () => signed(claims("agent", tenant), { alg: "HS512" })],
    ["a top-level role claim only", () => signed({ role: "super_admin" })],
    ["an unknown role", () => signed(claims("owner", tenant))],
    ["an upper-case role", () => signed(claims("SUPER_ADMIN"))],
    ["nbf in the future", () => signed(claims("agent", tenant), { nbf: "10m" })],
  ];

  it.each(cases)("%s -> UNAUTHENTICATED", async (_name, mint) => {
    const token = await mint();
    const { status, body } = await gateway.query(ViewerQuery, {}, { token });
    expect(status).toBe(200);
    expect(body.data ?? null).toBeNull();
    expect(errorCodes(body)).toEqual(["UNAUTHENTICATED"]);
  });

  it("ignores a top-level role that contradicts app_metadata", async () => {
    const token = await signed({ role: "super_admin", ...claims("agent", tenant) });
    const { body } = await gateway.query(ViewerQuery, {}, { token });
    expect(body.data?.viewer.role).toBe("AGENT");
    expect(errorCodes((await gateway.query(ApiQuotaQuery, {}, { token })).body)).toEqual(["FORBIDDEN"]);
  });

  it("accepts a token expired within the clock tolerance", async () => {
    const token = await signed(claims("agent", tenant), { exp: secondsAgo(5) });
    expect(errorCodes((await gateway.query(ViewerQuery, {}, { token })).body)).toEqual([]);
  });
});

describe("apiQuota", () => {
  it("is for super admins: others FORBIDDEN, anonymous UNAUTHENTICATED", async () => {
    await expectRoles(gateway, ApiQuotaQuery, {}, { allowed: [Role.SUPER_ADMIN] });
    const { body } = await gateway.query(ApiQuotaQuery, {}, { viewer: viewerWithoutRow(Role.SUPER_ADMIN, null) });
    expect(body.data?.apiQuota).toEqual({
      status: "COMING_SOON",
      message: expect.stringContaining("not instrumented") as string,
      providers: ["apollo", "contactout", "exa", "edgar", "claude"],
    });
  });
});
