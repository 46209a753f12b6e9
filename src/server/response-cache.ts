/**
 * Answers a client may take from a cache, and only those (README, "Cacheable answers").
 *
 * A query sent with the request header `Cache-Control: max-age=N` may be answered from this replica's memory with
 * an answer whose execution started at most N seconds ago (N capped at CACHE_MAX_AGE_SECONDS); any other
 * request (no header, `max-age=0`, `no-cache`, `no-store`, a mutation, no token) is computed and sent `no-store`, as
 * before. Apollo's response cache plugin finds and stores the answers; this module decides which requests take part
 * and what they are keyed by, gives the whole operation its cache policy (no per-field hints: gateway.ts says why),
 * and sets the headers.
 *
 * An entry is keyed by the document, operation name and variables (Apollo's), the viewer (its id, role and tenant),
 * the N asked for, and two write marks of this replica: the viewer's latest mutation, and the latest mutation whose
 * field is marked `invalidatesCachedAnswers` (setTenantTimeZone: the effective zone of an answer given no timeZone
 * argument is its tenant's setting, read in the execution). A write moves the mark, so an entry computed before it
 * is never found again. Like the read replica's read-your-writes (src/db/read-replica.ts), the marks are per replica
 * process: another replica's entries age out within the N their clients accepted.
 */
import type { ApolloServerPlugin, GraphQLRequestContext } from "@apollo/server";
import responseCachePlugin from "@apollo/server-plugin-response-cache";
import { Kind, OperationTypeNode, type GraphQLSchema, type OperationDefinitionNode } from "graphql";
import { LRUCache } from "lru-cache";
import { Counter, Gauge } from "prom-client";
import type { Config } from "../config";
import type { Context } from "./context";
import type { MetricsSource } from "./metrics";

export type ResponseCacheConfig = Config["responseCache"];

/** The field extension of a mutation whose write changes other viewers' answers, not only its viewer's. */
export const INVALIDATES_CACHED_ANSWERS = "invalidatesCachedAnswers";

/**
 * The age the request accepts: its `Cache-Control: max-age=N` capped at `ceiling`; null when it has none, N is 0,
 * or it also says `no-cache` or `no-store` (RFC 9111's request directives).
 */
export function acceptedAge(header: string | undefined, ceiling: number): number | null {
  let maxAge = 0;
  for (const directive of (header ?? "").toLowerCase().split(",")) {
    const [name, value] = directive.trim().split("=");
    if (name === "no-cache" || name === "no-store") return null;
    if (name === "max-age" && /^\d+$/.test(value ?? "")) maxAge = Number(value);
  }
  const accepted = Math.min(maxAge, ceiling);
  return accepted > 0 ? accepted : null;
}

/**
 * Where each viewer's latest write is, as the value of one counter of this replica. Kept for the longest age an
 * entry may have, after which every entry computed before the write has expired anyway.
 */
class WriteMarks {
  private counter = 0;
  private shared = 0;
  private readonly viewers: LRUCache<string, number>;

  constructor(ceilingSeconds: number) {
    this.viewers = new LRUCache({ ttl: Math.max(1, ceilingSeconds) * 1000, ttlAutopurge: true });
  }

  of(viewerId: string): { viewer: number; shared: number } {
    return { viewer: this.viewers.get(viewerId) ?? 0, shared: this.shared };
  }

  wrote(viewerId: string, invalidatesAll: boolean): void {
    this.counter += 1;
    this.viewers.set(viewerId, this.counter);
    if (invalidatesAll) this.shared = this.counter;
  }
}

/** Apollo's KeyValueCache over a byte-bounded LRU: entries leave at their TTL, or least recently used first. */
class ResponseStore {
  readonly entries: LRUCache<string, string>;

  constructor(maxBytes: number) {
    this.entries = new LRUCache({
      maxSize: maxBytes,
      sizeCalculation: (value, key) => Buffer.byteLength(value) + key.length,
    });
  }

  async get(key: string): Promise<string | undefined> {
    return this.entries.get(key);
  }

  async set(key: string, value: string, options?: { ttl?: number | null }): Promise<void> {
    this.entries.set(key, value, options?.ttl ? { ttl: options.ttl * 1000 } : undefined);
  }

  async delete(key: string): Promise<boolean> {
    return this.entries.delete(key);
  }
}

type RequestContext = GraphQLRequestContext<Context>;

/** The plugins (Apollo's response cache, then the policy and headers; before the budgets) and their metrics. */
export function responseCache(config: ResponseCacheConfig): {
  plugins: ApolloServerPlugin<Context>[];
  metrics: MetricsSource;
} {
  const store = new ResponseStore(config.maxBytes);
  const marks = new WriteMarks(config.maxAgeSeconds);
  const hits = new Counter({
    name: "gateway_response_cache_hits_total",
    help: "Queries sent with Cache-Control max-age answered from this replica's response cache",
    registers: [],
  });
  const misses = new Counter({
    name: "gateway_response_cache_misses_total",
    help: "Queries sent with Cache-Control max-age that found no answer young enough and were computed",
    registers: [],
  });
  /** The age a request accepts; null for one that must be computed (and mutations, and requests without a token). */
  const accepted = ({ request, contextValue, operation }: RequestContext): number | null =>
    contextValue.viewer && operation?.operation === OperationTypeNode.QUERY
      ? acceptedAge(request.http?.headers.get("cache-control"), config.maxAgeSeconds)
      : null;
  const takesPart = async (requestContext: RequestContext) => accepted(requestContext) !== null;
  const apolloCache = responseCachePlugin<Context>({
    cache: store,
    sessionId: async ({ contextValue }) => contextValue.viewer?.id ?? null,
    extraCacheKeyData: async (requestContext) => {
      const { viewer } = requestContext.contextValue;
      return {
        role: viewer?.role,
        tenantId: viewer?.tenantId,
        maxAge: accepted(requestContext),
        writes: viewer ? marks.of(viewer.id) : null,
      };
    },
    shouldReadFromCache: takesPart,
    shouldWriteToCache: takesPart,
  });
  const policyAndHeaders: ApolloServerPlugin<Context> = {
    async requestDidStart() {
      return {
        async executionDidStart(requestContext) {
          const maxAge = accepted(requestContext);
          if (maxAge === null) return;
          const started = performance.now();
          return {
            async executionDidEnd() {
              // Counted from the start of the execution that read the figures (freshness.asOf), not from the store.
              const left = maxAge - (performance.now() - started) / 1000;
              requestContext.overallCachePolicy.replace({ maxAge: Math.max(0, left), scope: "PRIVATE" });
            },
          };
        },
        async willSendResponse(requestContext) {
          const { response, overallCachePolicy, operation, contextValue, metrics } = requestContext;
          if (operation?.operation === OperationTypeNode.MUTATION && contextValue.viewer)
            marks.wrote(contextValue.viewer.id, invalidatesAll(requestContext.schema, operation));
          if (accepted(requestContext) !== null) (metrics.responseCacheHit ? hits : misses).inc();
          const policy = overallCachePolicy.policyIfCacheable();
          const { headers } = response.http;
          const body = response.body.kind === "single" ? response.body.singleResult : null;
          if (!policy || !body?.data || body.errors) return void headers.set("cache-control", "no-store");
          // Apollo's plugin, listed before this one, has set `age` on a hit (synchronously, before any await).
          const left = Math.floor(policy.maxAge - Number(headers.get("age") ?? 0));
          headers.set("cache-control", `private, max-age=${Math.max(0, left)}`);
          // A browser's own cache may reuse it only for the same token and the same request directives: a request
          // without max-age is never answered from it.
          headers.set("vary", "Authorization, Cache-Control");
        },
      };
    },
  };
  return {
    plugins: [apolloCache, policyAndHeaders],
    metrics: (registry) => {
      registry.registerMetric(hits);
      registry.registerMetric(misses);
      new Gauge({
        name: "gateway_response_cache_entries",
        help: "Answers in this replica's response cache (expired ones dropped at each scrape)",
        registers: [registry],
        collect() {
          store.entries.purgeStale();
          this.set(store.entries.size);
        },
      });
      new Gauge({
        name: "gateway_response_cache_bytes",
        help: "Bytes of the answers and keys in this replica's response cache (at most CACHE_MAX_MB)",
        registers: [registry],
        collect() {
          this.set(store.entries.calculatedSize);
        },
      });
    },
  };
}

/** Whether the mutation has a root field marked INVALIDATES_CACHED_ANSWERS. */
function invalidatesAll(schema: GraphQLSchema, operation: OperationDefinitionNode): boolean {
  const fields = schema.getMutationType()?.getFields() ?? {};
  return operation.selectionSet.selections.some(
    (selection) =>
      selection.kind === Kind.FIELD && fields[selection.name.value]?.extensions[INVALIDATES_CACHED_ANSWERS],
  );
}
