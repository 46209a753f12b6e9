import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap } from "@apollo/server";
import getRawBody from "raw-body";
import { HttpError, rateLimitedResponse } from "../errors";
import type { Logger } from "../logger";
import type { Budgets } from "./budget";
import type { Context } from "./context";
import { graphiqlPage, type GraphiqlOptions } from "./graphiql";
import { observeRequest } from "./observe";
import { corsFor } from "./cors";
import { excessiveNesting } from "./limits";
import { routeFor, sendJson, type Route, type RouteRequest, type RouteServices } from "./routes";

/** Dashboard queries are a few KB; anything near this is an attack or a mistake. */
export const MAX_BODY_BYTES = 64 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface HttpDependencies extends RouteServices {
  /** Every path but /graphql: the gateway's own (probes, GraphiQL's files) and the features' (gateway.ts). */
  routes: readonly Route[];
  log: Logger;
  graphiql?: GraphiqlOptions;
  /** Asked before a signed-in viewer's query is parsed: an owner over its share of database time is refused at once. */
  budgets?: Pick<Budgets, "databaseTimeRefusal">;
  /** CORS_ORIGINS: the origins whose pages may call the API. */
  corsOrigins?: readonly string[];
}

class ClientLeft extends Error {}

/** The gateway's routes, on Node's own HTTP server (no framework in between). */
export function createRequestHandler(deps: HttpDependencies) {
  const answerCors = corsFor(deps.corsOrigins ?? []);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (answerCors(req, res)) return;
    const header = req.headers["x-request-id"];
    const requestId = typeof header === "string" && REQUEST_ID.test(header) ? header : randomUUID();
    const log = deps.log.child({ requestId });
    res.setHeader("x-request-id", requestId);
    try {
      const url = requestUrl(req);
      const route = routeFor(deps.routes, url.pathname, req.method);
      if (route) return await route.handle({ req, res, url, requestId, log }, deps);
      if (url.pathname !== "/graphql") throw new HttpError(404, "NOT_FOUND", "Not found: the API is at /graphql");
      if (req.method === "GET" && !url.searchParams.has("query") && prefersHtml(req)) {
        return await graphiqlPage(req, res, "/graphql", deps.graphiql);
      }
      await handleGraphQL(deps, { req, res, url, requestId, log });
    } catch (error) {
      if (error instanceof ClientLeft) return void log.info("the client left while sending its request");
      if (error instanceof HttpError) {
        return sendJson(res, error.status, {
          errors: [{ message: error.message, extensions: { code: error.code, requestId } }],
        });
      }
      log.error({ err: error }, "request failed");
      sendJson(res, 500, {
        errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR", requestId } }],
      });
    }
  };
}

async function handleGraphQL(deps: HttpDependencies, { req, res, url, requestId, log }: RouteRequest): Promise<void> {
  const observation = observeRequest(deps.metrics, log, res);
  let body: unknown;
  try {
    body = await readOperation({ req, res, url });
  } catch (error) {
    // Refused before Apollo saw it: counted and logged like any other client error.
    if (error instanceof HttpError) {
      const refusal = { status: error.status, errorCodes: [error.code] };
      observation.record("graphql request refused", {
        ...refusal,
        operation: undefined,
        executor: undefined,
        viewer: undefined,
      });
    }
    throw error;
  }
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const viewer = await deps.verifyToken(headers.get("authorization"));
  const overShare = viewer && deps.budgets?.databaseTimeRefusal(viewer);
  if (overShare) {
    const { http, body: refusal } = rateLimitedResponse(overShare);
    const errors = refusal.kind === "single" ? (refusal.singleResult.errors ?? []) : [];
    observation.record("graphql request refused", {
      operation: undefined,
      status: http.status ?? 429,
      errorCodes: errors.map((error) => String(error.extensions?.code)),
      executor: undefined,
      viewer: viewer.id,
    });
    for (const [name, value] of http.headers) res.setHeader(name, value);
    return sendJson(res, http.status ?? 429, {
      errors: errors.map((error) => ({ ...error, extensions: { ...error.extensions, requestId } })),
    });
  }
  let context: Context | undefined;
  const result = await observation.count(() =>
    deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method as string, headers, search: url.search, body },
      context: async () => (context = deps.contextFor({ viewer, requestId, log })),
    }),
  );
  const status = result.status ?? 200;
  observation.record("graphql request", {
    operation: context?.report.operation,
    status,
    errorCodes: context?.report.errorCodes ?? [],
    executor: context?.report.executor,
    viewer: viewer?.id,
  });
  for (const [name, value] of result.headers) {
    // cors.ts may have said `Vary: Origin`: an answer's own Vary (src/server/response-cache.ts) adds to it.
    const before = name === "vary" ? res.getHeader("vary") : undefined;
    res.setHeader(name, before === undefined ? value : `${String(before)}, ${value}`);
  }
  res.statusCode = status;
  if (result.body.kind === "complete")
    return void res.end(status === 200 ? result.body.string : withRequestId(result.body.string, requestId));
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

/** The POST body (undefined for a GET), refused here when Apollo cannot take it or must not parse it. */
async function readOperation({ req, res, url }: Pick<RouteRequest, "req" | "res" | "url">): Promise<unknown> {
  if (req.method !== "GET" && req.method !== "POST") {
    res.setHeader("allow", "GET, POST");
    throw new HttpError(405, "METHOD_NOT_ALLOWED", "Use POST (or GET for queries)");
  }
  const body = req.method === "POST" ? await readJsonBody(req) : undefined;
  if (Array.isArray(body))
    throw new HttpError(400, "BAD_REQUEST", "Batched requests are not supported: send one operation per request");
  const source = req.method === "POST" ? (body as { query?: unknown } | null)?.query : url.searchParams.get("query");
  const nesting = typeof source === "string" ? excessiveNesting(source) : undefined;
  if (nesting) throw new HttpError(400, "GRAPHQL_PARSE_FAILED", nesting);
  return body;
}

/** A request target URL cannot read (`//[`) is the client's mistake, not an exception that would stop the process. */
function requestUrl(req: IncomingMessage): URL {
  try {
    return new URL(req.url ?? "/", "http://gateway.local");
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "Malformed request target");
  }
}

function prefersHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? "").includes("text/html");
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json" && type !== "application/graphql-response+json") {
    throw new HttpError(415, "BAD_REQUEST", "POST bodies must be application/json");
  }
  let text: string;
  try {
    text = await getRawBody(req, { limit: MAX_BODY_BYTES, length: req.headers["content-length"], encoding: "utf8" });
  } catch (error) {
    const { type, code, status } = error as { type?: string; code?: string; status?: number };
    // A client that went away mid-request is no fault of ours: nothing to answer, nothing to log as an error.
    if (type === "request.aborted" || code === "ECONNRESET") throw new ClientLeft();
    if (type === "entity.too.large") {
      // The rest of the body is read and dropped (for at most HTTP_REQUEST_TIMEOUT_MS): a socket closed while the
      // client still sends is reset, and the client would get EPIPE instead of this 413.
      req.resume();
      throw new HttpError(413, "BAD_REQUEST", `Request body over ${MAX_BODY_BYTES} bytes`);
    }
    if (status !== undefined && status < 500) throw new HttpError(400, "BAD_REQUEST", "Malformed request body");
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "Malformed JSON body");
  }
}

/**
 * Apollo answers a request it refuses before any plugin runs (search parameters that are not JSON, a POST body
 * without a query field) with errors that lack the request id every other error carries; refusals are never 200.
 */
function withRequestId(json: string, requestId: string): string {
  try {
    const parsed = JSON.parse(json) as { errors?: { extensions?: Record<string, unknown> }[] };
    if (!parsed.errors) return json;
    for (const error of parsed.errors) error.extensions = { ...error.extensions, requestId };
    return JSON.stringify(parsed);
  } catch {
    return json;
  }
}
