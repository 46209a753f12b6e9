import { SignJWT } from "jose";
import type { Viewer } from "./viewer";

/**
 * Mints an HS256 token the gateway accepts: for the tokens printed at start
 * in embedded mode, the tests, and the benchmark.
 */
export async function signToken(
  secret: string,
  viewer: Viewer,
  options: { expiresInSeconds?: number; issuer?: string; audience?: string } = {},
): Promise<string> {
  // One instant for both claims, so the lifetime (exp - iat) is exactly the one asked for.
  const issuedAt = Math.floor(Date.now() / 1000);
  let jwt = new SignJWT({
    app_metadata: { role: viewer.role, ...(viewer.tenantId ? { tenant_id: viewer.tenantId } : {}) },
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(viewer.id)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.expiresInSeconds ?? 12 * 3600));
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
