import { SignJWT } from "jose";
import type { Viewer } from "./viewer";

/**
 * Mints an HS256 token the gateway accepts: for the tokens printed at start
 * in embedded mode, the tests, and the benchmark.
 */
export async function signToken(
  secret: string,
  viewer: Viewer,
  options: { expiresIn?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({
    app_metadata: { role: viewer.role, ...(viewer.tenantId ? { tenant_id: viewer.tenantId } : {}) },
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(viewer.id)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? "12h");
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
