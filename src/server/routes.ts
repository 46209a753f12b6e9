import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApolloServer } from "@apollo/server";
import type { TokenVerifier } from "../auth/token";
import type { Logger } from "../logger";
import type { Context } from "./context";
import type { Metrics } from "./metrics";

/** One request as the route handling it gets it; `requestId` is in the response's x-request-id and in `log`'s lines. */
export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  requestId: string;
  log: Logger;
}

/** What the gateway lends a route: enough to run an operation as /graphql runs it, and to report it alike. */
export interface RouteServices {
  apollo: ApolloServer<Context>;
  verifyToken: TokenVerifier;
  contextFor(fields: { viewer: Context["viewer"]; requestId: string; log: Logger }): Context;
  metrics: Metrics;
}

/**
 * An HTTP route beside /graphql. gateway.ts hands the list to the request handler, so the plumbing never names a
 * feature's routes. A route answers its own errors, or throws an HttpError for the handler's JSON answer.
 */
export interface Route {
  /** The path it answers, or every path under it when it ends with "/". */
  path: string;
  /** The methods it answers; another method gets the 404 of an unknown path. Every method when absent. */
  methods?: readonly string[];
  handle(request: RouteRequest, services: RouteServices): Promise<void>;
  /** The GraphQL operations it runs: /metrics labels them by name, as it does the shipped examples. */
  operations?: readonly string[];
}

/** The route of `routes` answering this path and method, if any. */
export function routeFor(routes: readonly Route[], pathname: string, method: string | undefined): Route | undefined {
  return routes.find(
    (route) =>
      (route.path.endsWith("/") ? pathname.startsWith(route.path) : pathname === route.path) &&
      (route.methods === undefined || route.methods.includes(method ?? "")),
  );
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
