import pg from "pg";
import { recordStatement } from "./statement-counter";

const checkedOut = Symbol("checkedOut");
type CountedClient = pg.PoolClient & { [checkedOut]?: boolean };

/**
 * A pg Pool that counts every statement sent on behalf of the current request:
 * `pool.query` directly, and `client.query` on a client checked out with
 * `connect()` (transactions). The pool's own internal use of a client for
 * `pool.query` is not counted twice.
 */
export class CountingPool extends pg.Pool {
  constructor(config?: pg.PoolConfig) {
    super(config);
    const query = pg.Pool.prototype.query.bind(this) as (...a: unknown[]) => unknown;
    this.query = ((...args: unknown[]) => {
      recordStatement();
      return query(...args);
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
