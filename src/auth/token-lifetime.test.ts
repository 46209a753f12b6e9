import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import { graphql } from "../test/gql";
import { errorCodes, TEST_JWT_SECRET, useTestGateway } from "../test/test-gateway";

const LifetimeViewer = graphql(`
  query LifetimeViewer {
    viewer {
      id
    }
  }
`);

const MAX_LIFETIME = 3600;
const gateway = useTestGateway({ JWT_MAX_LIFETIME_SECONDS: String(MAX_LIFETIME) });
const now = () => Math.floor(Date.now() / 1000);
const YEAR = 365 * 86_400;

/** A token of a valid agent with exactly these time claims (each omitted when undefined). */
function tokenWith(claims: { iat?: number; exp: number }): Promise<string> {
  let jwt = new SignJWT({ app_metadata: { role: "agent", tenant_id: randomUUID() } })
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(randomUUID())
    .setExpirationTime(claims.exp);
  if (claims.iat !== undefined) jwt = jwt.setIssuedAt(claims.iat);
  return jwt.sign(new TextEncoder().encode(TEST_JWT_SECRET));
}

async function accepted(token: string): Promise<boolean> {
  const { body } = await gateway.query(LifetimeViewer, {}, { token });
  if (body.data?.viewer) return true;
  expect(errorCodes(body)).toEqual(["UNAUTHENTICATED"]);
  return false;
}

it.each([
  ["exp 100 years ahead", { iat: now(), exp: now() + 100 * YEAR }],
  ["iat a year in the future", { iat: now() + YEAR, exp: now() + YEAR + 60 }],
  ["iat beyond the clock tolerance", { iat: now() + 120, exp: now() + 600 }],
  ["no iat and exp beyond the maximum lifetime from now", { exp: now() + MAX_LIFETIME + 120 }],
  ["exp one second beyond the maximum lifetime after iat", { iat: now() - 10, exp: now() - 10 + MAX_LIFETIME + 1 }],
])("leaves a token with %s anonymous", async (_name, claims) => {
  expect(await accepted(await tokenWith(claims))).toBe(false);
});

it.each([
  ["exactly the maximum lifetime", { iat: now(), exp: now() + MAX_LIFETIME }],
  ["iat within the clock tolerance ahead", { iat: now() + 20, exp: now() + 600 }],
  ["no iat and exp within the maximum lifetime", { exp: now() + MAX_LIFETIME - 60 }],
])("accepts a token with %s", async (_name, claims) => {
  expect(await accepted(await tokenWith(claims))).toBe(true);
});
