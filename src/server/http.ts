import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { HeaderMap, type ApolloServer } from "@apollo/server";
import type { TokenVerifier } from "../auth/token";
import type { Logger } from "../logger";
import type { Context } from "./context";
import type { Metrics } from "./metrics";
import { EXPORT_PREFIX, handleCsvExport } from "../export/export.http";
import { graphiqlAsset, graphiqlPage, type GraphiqlOptions } from "./graphiql";
import { observeRequest } from "./observe";

/** Dashboard queries are a few KB; anything near this is an attack or a mistake. */
export const MAX_BODY_BYTES = 64 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface HttpDependencies {
  apollo: ApolloServer<Context>;
  verifyToken: TokenVerifier;
  contextFor(fields: { viewer: Context["viewer"]; requestId: string; log: Logger }): Context;
  isReady(): Promise<boolean>;
  metrics: Metrics;
  log: Logger;
  graphiql?: GraphiqlOptions;
}

/** One request as the route handling it gets it; `requestId` is in the response's x-request-id and in `log`'s lines. */
export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  log: Logger;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The gateway's routes, on Node's own HTTP server (no framework in between). */
export function createRequestHandler(deps: HttpDependencies) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const header = req.headers["x-request-id"];
    const requestId = typeof header === "string" && REQUEST_ID.test(header) ? header : randomUUID();
    const log = deps.log.child({ requestId });
    res.setHeader("x-request-id", requestId);
    const url = new URL(req.url ?? "/", "http://gateway.local");
    try {
      if (url.pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
      if (url.pathname === "/metrics" && req.method === "GET") {
        const body = await deps.metrics.registry.metrics();
        res.writeHead(200, { "content-type": deps.metrics.registry.contentType });
        return void res.end(body);
      }
      if (url.pathname === "/readyz") {
        const ready = await deps.isReady();
        return sendJson(res, ready ? 200 : 503, { status: ready ? "ready" : "database unreachable" });
      }
      if (url.pathname.startsWith("/graphql/assets/") && req.method === "GET") {
        const asset = graphiqlAsset(url.pathname.slice("/graphql/assets/".length));
        if (!asset) throw new HttpError(404, "NOT_FOUND", "No such asset");
        res.writeHead(200, { "content-type": asset.contentType, "cache-control": "public, max-age=86400" });
        return void res.end(asset.body);
      }
      if (url.pathname.startsWith(EXPORT_PREFIX)) return await handleCsvExport(deps, { req, res, url, requestId, log });
      if (url.pathname !== "/graphql") throw new HttpError(404, "NOT_FOUND", "Not found: the API is at /graphql");
      if (req.method === "GET" && !url.searchParams.has("query") && prefersHtml(req)) {
        return await graphiqlPage(req, res, "/graphql", deps.graphiql);
      }
      await handleGraphQL(deps, { req, res, url, requestId, log });
    } catch (error) {
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
  if (req.method !== "GET" && req.method !== "POST") {
    res.setHeader("allow", "GET, POST");
    throw new HttpError(405, "METHOD_NOT_ALLOWED", "Use POST (or GET for queries)");
  }
  const body = req.method === "POST" ? await readJsonBody(req) : undefined;
  if (Array.isArray(body))
    throw new HttpError(400, "BAD_REQUEST", "Batched requests are not supported: send one operation per request");
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const observation = observeRequest(deps.metrics, log, res);
  const viewer = await deps.verifyToken(headers.get("authorization"));
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
  for (const [name, value] of result.headers) res.setHeader(name, value);
  res.statusCode = status;
  if (result.body.kind === "complete") return void res.end(result.body.string);
  for await (const chunk of result.body.asyncIterator) res.write(chunk);
  res.end();
}

function prefersHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? "").includes("text/html");
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const type = (req.headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json" && type !== "application/graphql-response+json") {
    throw new HttpError(415, "BAD_REQUEST", "POST bodies must be application/json");
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, "BAD_REQUEST", `Request body over ${MAX_BODY_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "BAD_REQUEST", `Request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "BAD_REQUEST", "Malformed JSON body");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
