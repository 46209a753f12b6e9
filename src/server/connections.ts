import type { IncomingMessage, Server, ServerOptions, ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Config } from "../config";
import type { Logger } from "../logger";

/**
 * Node's own timeouts, as Node 20 applies them: `headersTimeout` runs from a
 * request's first byte to the end of its headers, `requestTimeout` to the end
 * of its body (both answered 408 and closed), and neither runs while a
 * keep-alive socket waits between requests, which `keepAliveTimeout` bounds.
 * Node checks the first two every `connectionsCheckingInterval` (30 s by
 * default, which would let a 10 s timeout run 40 s): at most a second here.
 */
export function httpServerOptions(limits: Config["http"]): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(1_000, Math.ceil(limits.headersTimeoutMs / 2)),
  };
}

interface Connection {
  /** The request being received or answered; null between requests. */
  request: IncomingMessage | null;
  /** Whether a response was sent: without one, a socket with no request is still to send its first headers. */
  served: boolean;
  /** When the socket connected or its last response ended. */
  since: number;
}

/**
 * Caps the open connections at `maxConnections`. A connection over the cap
 * takes the place of, first, the keep-alive socket idle the longest, then the
 * oldest one still sending its request (headers or body: a slow client), so
 * a health check gets in while slow clients hold every place; only when
 * every connection has a request being answered is the new one refused.
 * A connection that sends nothing at all (which Node's headers timeout does
 * not see) is closed after `headersTimeoutMs`.
 */
export function capConnections(server: Server, limits: Config["http"], log: Logger): void {
  const open = new Map<Socket, Connection>();
  server.on("connection", (socket: Socket) => {
    if (open.size >= limits.maxConnections && !shed(open, log)) {
      log.debug({ open: open.size }, "connection refused: every connection has a request in progress");
      return void socket.destroy();
    }
    open.set(socket, { request: null, served: false, since: Date.now() });
    socket.once("close", () => open.delete(socket));
    socket.setTimeout(limits.headersTimeoutMs);
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const connection = open.get(req.socket);
    if (!connection) return;
    // The request's own timeouts take over from the first-bytes timer; Node sets keepAliveTimeout after the answer.
    req.socket.setTimeout(0);
    connection.request = req;
    res.once("finish", () => {
      connection.request = null;
      connection.served = true;
      connection.since = Date.now();
    });
  });
}

/** Closes the connection that matters least; false when every one has a request being answered. */
function shed(open: Map<Socket, Connection>, log: Logger): boolean {
  let idle: [Socket, Connection] | undefined;
  let receiving: [Socket, Connection] | undefined;
  for (const entry of open) {
    const [, { request, served, since }] = entry;
    if (request === null && served) {
      if (!idle || since < idle[1].since) idle = entry;
    } else if (request === null || !request.complete) {
      if (!receiving || since < receiving[1].since) receiving = entry;
    }
  }
  const victim = idle ?? receiving;
  if (!victim) return false;
  log.debug({ idle: victim === idle }, "connection closed to make room under HTTP_MAX_CONNECTIONS");
  open.delete(victim[0]);
  victim[0].destroy();
  return true;
}
