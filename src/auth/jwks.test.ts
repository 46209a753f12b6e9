import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type KeyLike } from "jose";
import { graphql } from "../test/gql";
import { errorCodes, startTestGateway, type TestGateway } from "../test/test-gateway";

const JwksViewerQuery = graphql(`
  query JwksViewer {
    viewer {
      id
      role
    }
  }
`);

const ISSUER = "https://auth.platform.test/";
const AUDIENCE = "analytics-gateway";

let jwks: Server;
let gateway: TestGateway;
let privateKey: KeyLike;
let publicPem: string;
let jwksFetches = 0;

beforeAll(async () => {
  const pair = await generateKeyPair("RS256");
  privateKey = pair.privateKey;
  publicPem = await exportSPKI(pair.publicKey);
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: "key-1", alg: "RS256", use: "sig" };
  jwks = createServer((_req, res) => {
    jwksFetches += 1;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve));
  gateway = await startTestGateway({
    JWT_SECRET: "",
    JWT_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
    JWT_ISSUER: ISSUER,
    JWT_AUDIENCE: AUDIENCE,
  });
});
afterAll(async () => {
  await gateway.stop();
  await new Promise((resolve) => jwks.close(resolve));
});

const sub = randomUUID();
function token(options: { kid?: string; issuer?: string; audience?: string } = {}) {
  return new SignJWT({ app_metadata: { role: "agent", tenant_id: randomUUID() } })
    .setProtectedHeader({ alg: "RS256", kid: options.kid ?? "key-1" })
    .setSubject(sub)
    .setIssuer(options.issuer ?? ISSUER)
    .setAudience(options.audience ?? AUDIENCE)
    .setExpirationTime("10m")
    .sign(privateKey);
}

describe("tokens verified with a JWKS", () => {
  it("accepts a token signed by a key of the JWKS, fetching the JWKS once and caching it", async () => {
    for (let i = 0; i < 3; i += 1) {
      const { body } = await gateway.query(JwksViewerQuery, {}, { token: await token() });
      expect(body).toEqual({ data: { viewer: { id: sub, role: "AGENT" } } });
    }
    expect(jwksFetches).toBe(1);
  });

  it.each([
    ["an unknown kid", () => token({ kid: "key-that-does-not-exist" })],
    ["a wrong issuer", () => token({ issuer: "https://evil.test/" })],
    ["a wrong audience", () => token({ audience: "another-service" })],
    [
      "HS256 signed with the public key as the secret (algorithm confusion)",
      () =>
        new SignJWT({ app_metadata: { role: "super_admin" } })
          .setProtectedHeader({ alg: "HS256", kid: "key-1" })
          .setSubject(sub)
          .setIssuer(ISSUER)
          .setAudience(AUDIENCE)
          .setExpirationTime("10m")
          .sign(new TextEncoder().encode(publicPem)),
    ],
    ["an oversized header", async () => `${await token()}${"A".repeat(10_000)}`],
    ["garbage", () => Promise.resolve("a.b.c")],
  ])("%s leaves the caller anonymous", async (_name, mint) => {
    const { status, body } = await gateway.query(JwksViewerQuery, {}, { token: await mint() });
    expect(status).toBe(200);
    expect(errorCodes(body)).toEqual(["UNAUTHENTICATED"]);
  });
});
