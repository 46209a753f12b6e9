import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTVerifyGetKey } from "jose";
import type { Config } from "../config";

/** jose's default: a fetch that has not answered by then fails (and the last good keys stay in use). */
const FETCH_TIMEOUT_MS = 5_000;

/**
 * The issuer's keys for verification, kept through an outage of the issuer.
 *
 * jose's remote set re-fetches in the request once its cache is older than
 * cacheMaxAge, and a failed fetch fails the request: with the issuer down,
 * every token turned anonymous after 10 minutes, and a hanging issuer held
 * every request for the fetch timeout. Here jose only fetches (its timeout,
 * its validation, one fetch at a time); requests verify against the last key
 * set that arrived, for up to `maxStaleSeconds` after it did:
 *
 * - a set older than `refreshSeconds` is re-fetched in the background;
 * - an unknown `kid` starts a background fetch too and is refused meanwhile
 *   (issuers publish a key before signing with it, so the periodic refresh
 *   has usually brought it already);
 * - fetch attempts are at least `cooldownSeconds` apart, whatever their outcome;
 * - only with no usable set (before the first fetch succeeds, or once the
 *   last set is older than `maxStaleSeconds`) does a request wait, for the
 *   fetch already under way or a new one, at most the fetch timeout.
 */
export function resilientJwks(url: string, options: Config["jwt"]["jwks"]): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(new URL(url), { timeoutDuration: FETCH_TIMEOUT_MS });
  let keys: { getKey: JWTVerifyGetKey; fetchedAt: number } | undefined;
  let lastAttempt = -Infinity;
  let fetching: Promise<void> | undefined;

  const coolingDown = () => Date.now() - lastAttempt < options.cooldownSeconds * 1000;
  const fetchKeys = (): Promise<void> => {
    fetching ??= (async () => {
      lastAttempt = Date.now();
      try {
        await remote.reload();
        const jwks = remote.jwks();
        if (jwks) keys = { getKey: createLocalJWKSet(jwks), fetchedAt: Date.now() };
      } catch {
        // The issuer is down, hanging or answering nonsense: the last good keys stay in use.
      } finally {
        fetching = undefined;
      }
    })();
    return fetching;
  };
  const refreshInBackground = () => {
    if (!fetching && !coolingDown()) void fetchKeys();
  };
  const usableKeys = () =>
    keys && Date.now() - keys.fetchedAt < options.maxStaleSeconds * 1000 ? keys.getKey : undefined;

  void fetchKeys();
  return async (header, token) => {
    let getKey = usableKeys();
    if (!getKey && (fetching || !coolingDown())) {
      await fetchKeys();
      getKey = usableKeys();
    }
    if (!getKey) throw new errors.JWKSNoMatchingKey("no key set of the issuer is at hand");
    if (keys && Date.now() - keys.fetchedAt >= options.refreshSeconds * 1000) refreshInBackground();
    try {
      return await getKey(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) refreshInBackground();
      throw error;
    }
  };
}
