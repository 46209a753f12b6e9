import { jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { Config } from "../config";
import { isUuid } from "../server/arguments";
import { resilientJwks } from "./jwks";
import { isRole } from "./role";
import type { Viewer } from "./viewer";

/** At most 60 s by the contract. */
const CLOCK_TOLERANCE_SECONDS = 30;
/** A real token is well under this; larger headers are not even parsed. */
const MAX_TOKEN_LENGTH = 8192;
const ASYMMETRIC_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

export type TokenVerifier = (authorization: string | undefined) => Promise<Viewer | null>;

/**
 * Turns an Authorization header into the viewer, or null (anonymous) for
 * anything that is not a valid token: missing, malformed, expired, wrongly
 * signed, an unpinned algorithm, claims outside the contract, issued in the
 * future or living longer than the maximum lifetime.
 */
export function createTokenVerifier(jwt: Config["jwt"]): TokenVerifier {
  const key: Uint8Array | JWTVerifyGetKey = jwt.secret
    ? new TextEncoder().encode(jwt.secret)
    : resilientJwks(jwt.jwksUrl as string, jwt.jwks);
  const options = {
    algorithms: jwt.secret ? ["HS256"] : ASYMMETRIC_ALGORITHMS,
    issuer: jwt.issuer,
    audience: jwt.audience,
    clockTolerance: CLOCK_TOLERANCE_SECONDS,
    requiredClaims: ["exp", "sub"],
  };
  return async (authorization) => {
    const token = bearerToken(authorization);
    if (!token) return null;
    try {
      const { payload } =
        key instanceof Uint8Array ? await jwtVerify(token, key, options) : await jwtVerify(token, key, options);
      return withinLifetime(payload, jwt.maxLifetimeSeconds) ? viewerFrom(payload) : null;
    } catch {
      return null;
    }
  };
}

function bearerToken(authorization: string | undefined): string | null {
  if (!authorization || authorization.length > MAX_TOKEN_LENGTH + 7) return null;
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/.exec(authorization.trim());
  return match ? match[1] : null;
}

/**
 * A stolen token is bounded by its lifetime, so the issuer may not choose an unbounded one: `exp` at most
 * `maxLifetimeSeconds` after `iat` (after now when `iat` is absent), and `iat` not in the future beyond the clock
 * tolerance (a future `iat` would stretch a lifetime measured from it). jose has checked both are numbers.
 */
function withinLifetime({ iat, exp }: JWTPayload, maxLifetimeSeconds: number): boolean {
  const now = Math.floor(Date.now() / 1000);
  if (iat !== undefined && iat > now + CLOCK_TOLERANCE_SECONDS) return false;
  return (exp as number) - (iat ?? now) <= maxLifetimeSeconds;
}

/** The role and tenant come from `app_metadata` only; the top-level `role` claim is ignored. */
function viewerFrom(payload: JWTPayload): Viewer | null {
  const appMetadata = payload.app_metadata as { role?: unknown; tenant_id?: unknown } | undefined;
  const role = appMetadata?.role;
  const tenantId = appMetadata?.tenant_id ?? null;
  if (!isUuid(payload.sub) || !isRole(role)) return null;
  if (tenantId !== null && !isUuid(tenantId)) return null;
  return { id: payload.sub.toLowerCase(), role, tenantId: tenantId?.toLowerCase() ?? null };
}
