import type { ServerResponse } from "node:http";
import { countStatements, type StatementTally } from "../db/statement-counter";
import type { Logger } from "../logger";
import type { Metrics, RequestObservation } from "./metrics";

/** How a route's GraphQL execution ended: what its observation needs besides the time and the statements. */
export type RequestOutcome = Pick<RequestObservation, "operation" | "status" | "errorCodes" | "executor"> & {
  viewer: string | undefined;
};

/**
 * One route's GraphQL request, timed from the call (so token verification counts) and with the SQL statements of
 * `count`'s work tallied, so /graphql and the CSV exports report alike in the metrics, the log and the response.
 * A client that leaves before its answer is sent aborts the work: its statements are cancelled (src/db/pool.ts).
 */
export function observeRequest(metrics: Metrics, log: Logger, res: ServerResponse) {
  const started = process.hrtime.bigint();
  const gone = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) gone.abort(new Error("the client closed the connection before the answer"));
  });
  const tally: StatementTally = { statements: 0, signal: gone.signal };
  return {
    count: <T>(work: () => Promise<T>): Promise<T> =>
      countStatements(tally, work).finally(() => tally.budget?.release()),
    /** The observation in the metrics, one info line `message` with it, and the statement count as a header. */
    record(message: string, { viewer, ...outcome }: RequestOutcome): void {
      const observation: RequestObservation = {
        ...outcome,
        statements: tally.statements,
        seconds: Number(process.hrtime.bigint() - started) / 1e9,
      };
      metrics.observe(observation, viewer !== undefined);
      log.info({ ...observation, ms: Math.round(observation.seconds * 1000), viewer }, message);
      res.setHeader("x-sql-statements", String(tally.statements));
    },
  };
}
