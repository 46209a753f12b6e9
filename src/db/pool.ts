import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import pg from "pg";
import { currentTally, recordStatement, type StatementTally } from "./statement-counter";

const checkedOut = Symbol("checkedOut");
/** How long a CancelRequest's connection waits for the server to close it. */
const CANCEL_WAIT_MS = 10_000;
type CountedClient = pg.PoolClient & { [checkedOut]?: boolean };

/** What node-postgres keeps of the server's BackendKeyData: the key of a CancelRequest for this connection. */
interface BackendKey {
  processID: number;
  secretKey: number;
}

/**
 * A pg Pool that counts every statement sent on behalf of the current request:
 * `pool.query` directly, and `client.query` on a client checked out with
 * `connect()` (transactions). The pool's own internal use of a client for
 * `pool.query` is not counted twice.
 *
 * A request's `pool.query` (Prisma's adapter sends every statement outside a
 * transaction through it) runs under the request's budget and can be
 * cancelled: it waits for a permit, runs on a client checked out for it, and
 * when the request is aborted the server is sent a CancelRequest for it. The
 * permit is given back once PostgreSQL has answered, so an aborted request
 * costs its budget until the server has stopped working for it.
 */
export class CountingPool extends pg.Pool {
  constructor({ statementTimeoutMs, ...config }: pg.PoolConfig & { statementTimeoutMs?: number } = {}) {
    super(config);
    if (statementTimeoutMs) this.on("connect", (client) => bound(client, statementTimeoutMs, this.options));
    const query = pg.Pool.prototype.query.bind(this) as (...a: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      recordStatement();
      const tally = currentTally();
      if (!tally?.signal || typeof args[args.length - 1] === "function") return query(...args);
      return this.budgetedQuery(args, tally.signal, tally.budget);
    }) as pg.Pool["query"];
  }

  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  override connect(callback?: Parameters<pg.Pool["connect"]>[0]): Promise<pg.PoolClient> | void {
    if (callback) return super.connect(callback);
    return super.connect().then((client: CountedClient) => {
      if (!(checkedOut in client)) instrument(client);
      // pg-pool sets a fresh `release` on every checkout, so it is wrapped on every checkout.
      const release = client.release.bind(client);
      client.release = (err?: Error | boolean) => {
        client[checkedOut] = false;
        return release(err);
      };
      client[checkedOut] = true;
      return client;
    });
  }

  private async budgetedQuery(args: unknown[], signal: AbortSignal, budget: StatementTally["budget"]) {
    const permit = await budget?.permit();
    let milliseconds = 0;
    try {
      signal.throwIfAborted();
      const client = await super.connect();
      let failure: unknown;
      let cancelled = false;
      const cancel = () => {
        cancelled = true;
        sendCancelRequest(this.options, client as pg.PoolClient & BackendKey);
      };
      // See instrument(): a connection lost while checked out must not be an unhandled 'error' event.
      const ignore = () => undefined;
      client.on("error", ignore);
      const started = performance.now();
      try {
        signal.throwIfAborted();
        signal.addEventListener("abort", cancel, { once: true });
        // The overloads type a spread of unknown arguments as the callback form: this is the promise form.
        return await (client.query as (...a: unknown[]) => Promise<unknown>).apply(
          client,
          labelled(args, permit?.label),
        );
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        milliseconds = performance.now() - started;
        signal.removeEventListener("abort", cancel);
        client.removeListener("error", ignore);
        // As pool.query does, a failed statement's connection is closed. So is a cancelled one's, whatever its
        // answer: a cancel that lands after its statement finished would otherwise cancel the next one it runs.
        client.release(failure instanceof Error ? failure : cancelled ? new Error("statement cancelled") : undefined);
      }
    } finally {
      permit?.done(milliseconds);
    }
  }
}

const UNBOUNDED = Symbol("unbounded");

/** A statement the statement timeout does not cut: a wait for a lock, which its holder bounds. */
export function unbounded(text: string, values: unknown[]): pg.QueryConfig {
  return Object.assign({ text, values }, { [UNBOUNDED]: true });
}

/**
 * The statement timeout, kept by the client so that it holds through a transaction pooler (which refuses a
 * `statement_timeout` startup parameter and would not keep a session's SET): a statement not answered within
 * `milliseconds` is sent a CancelRequest and fails, whatever PostgreSQL answers, so its holder closes the
 * connection rather than pooling it (see budgetedQuery) and a late cancel never reaches the next statement.
 */
function bound(client: pg.PoolClient, milliseconds: number, options: pg.PoolConfig): void {
  const query = client.query.bind(client) as (...a: unknown[]) => unknown;
  client.query = ((...args: unknown[]) => {
    const first = args[0] as { [UNBOUNDED]?: boolean; submit?: unknown } | undefined;
    if (first?.[UNBOUNDED] || typeof first?.submit === "function") return query(...args);
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      sendCancelRequest(options, client as pg.PoolClient & BackendKey);
    }, milliseconds);
    const outcome = (error: unknown) => {
      clearTimeout(timer);
      return late ? new StatementTimeoutError(milliseconds, error) : error;
    };
    const callback = args[args.length - 1];
    if (typeof callback === "function") {
      const answer = callback as (error: unknown, result: unknown) => void;
      args[args.length - 1] = (error: unknown, result: unknown) => answer(outcome(error), result);
      return query(...args);
    }
    return (query(...args) as Promise<unknown>).then(
      (result) => {
        const error = outcome(undefined);
        if (error) throw error as Error;
        return result;
      },
      (error: unknown) => {
        throw outcome(error);
      },
    );
  }) as typeof client.query;
}

/** PostgreSQL's own code for a statement cancelled by its timeout. */
class StatementTimeoutError extends Error {
  readonly code = "57014";
  constructor(milliseconds: number, cause: unknown) {
    super(`canceling statement due to statement timeout (DB_STATEMENT_TIMEOUT_MS: ${milliseconds} ms)`, { cause });
  }
}

function instrument(client: CountedClient): void {
  const query = client.query.bind(client) as (...a: unknown[]) => unknown;
  // pg-pool drops its idle error listener while a client is checked out; a connection lost between two statements
  // of a transaction would then be an unhandled 'error' event that kills the process. The statement in flight
  // rejects on its own and the holder releases the client with the error, which discards it.
  client.on("error", () => undefined);
  client.query = ((...args: unknown[]) => {
    if (client[checkedOut]) recordStatement();
    return query(...args);
  }) as typeof client.query;
}

/** The statement's text behind a comment naming whose it is, as pg_stat_activity then shows it; named statements keep theirs. */
function labelled(args: unknown[], label: string | undefined): unknown[] {
  const [first, ...rest] = args;
  if (!label) return args;
  const comment = `/* ${label} */ `;
  if (typeof first === "string") return [comment + first, ...rest];
  const config = first as pg.QueryConfig;
  if (config.name || typeof config.text !== "string") return args;
  return [{ ...config, text: comment + config.text }, ...rest];
}

/**
 * The protocol's CancelRequest for what `client` is running, on a connection of its own to the pool's server
 * (as libpq's PQcancel): it reaches the statement through PgBouncer too, where pg_cancel_backend(pid) would name a
 * server connection the gateway does not know. Fire and forget: the statement's own answer (an error, or its
 * result if it finished first) tells when the server is done.
 */
function sendCancelRequest(options: pg.PoolConfig, client: BackendKey): void {
  const { host, port } = new pg.Client(options);
  const socket = host.startsWith("/") ? connect(`${host}/.s.PGSQL.${port}`) : connect(port, host);
  socket.on("error", () => undefined);
  // As libpq does, the server is left to close the connection once it has the request (the socket then closes
  // too): PgBouncer 1.18 exits ("bad client state") when a cancel's client closes first.
  socket.setTimeout(CANCEL_WAIT_MS, () => socket.destroy());
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(80877102, 4); // the CancelRequest code
  message.writeInt32BE(client.processID, 8);
  message.writeInt32BE(client.secretKey, 12);
  socket.write(message);
}
