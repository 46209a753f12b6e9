import "reflect-metadata";
import { parseArgs } from "node:util";
import { hostname } from "node:os";
import { loadConfigForCommand } from "../config";
import { openDatabase } from "../db/database";
import { applyMigrations } from "../db/migrate";
import { createLogger } from "../logger";
import { parseCalendarDate } from "../server/scalars";
import { readBackfillDates } from "./rollup.sql";
import { RollupService } from "./rollup.service";

const USAGE = "usage: npm run rollup -- --from YYYY-MM-DD --to YYYY-MM-DD [--force]";

/**
 * Operators' backfill: rolls each date of a range (trigger 'backfill'), one
 * run at a time, printing progress. Dates already clean (a successful run
 * and no stale mark since) are skipped unless --force, so re-running an
 * interrupted backfill resumes where it stopped. Ctrl-C finishes the
 * current date, then exits with 130.
 */
async function main(): Promise<number> {
  let range: { from: string; to: string; force: boolean };
  try {
    const { values } = parseArgs({
      options: { from: { type: "string" }, to: { type: "string" }, force: { type: "boolean", default: false } },
    });
    if (!values.from || !values.to) throw new Error("--from and --to are required");
    range = { from: parseCalendarDate(values.from), to: parseCalendarDate(values.to), force: values.force ?? false };
    if (range.from > range.to) throw new Error("--from is after --to");
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const config = loadConfigForCommand();
  if ("exitWith" in config) return 2;
  const log = createLogger({ ...config, logLevel: "warn" });
  const db = await openDatabase(config);
  let interrupted = false;
  process.on("SIGINT", () => {
    if (interrupted) return;
    interrupted = true;
    console.log("interrupted: finishing the current date, then stopping (run the same command again to resume)");
  });
  try {
    await applyMigrations(db.direct);
    const dates = await readBackfillDates(db, range);
    const future = dates.filter((date) => date.future);
    if (future.length > 0) {
      console.error(`${future[0].date} is in the future (the database's today is earlier); nothing was rolled`);
      return 2;
    }
    const rollup = new RollupService({
      db,
      log,
      config: config.rollup,
      replicaId: `backfill@${hostname()}:${process.pid}`,
    });
    let failed = 0;
    for (const [index, { date, clean }] of dates.entries()) {
      if (interrupted) return 130;
      const progress = `${index + 1}/${dates.length}`;
      if (clean && !range.force) {
        console.log(`${date}  skipped (already rolled up, unchanged since)  ${progress}`);
        continue;
      }
      const started = Date.now();
      const run = await rollup.run(date, "backfill");
      const ms = Date.now() - started;
      if (run.status === "succeeded") console.log(`${date}  ${run.rowsWritten} rows  ${ms} ms  ${progress}`);
      else {
        failed += 1;
        console.log(`${date}  FAILED: ${run.error}  ${ms} ms  ${progress}`);
      }
    }
    console.log(failed === 0 ? `done: ${dates.length} dates` : `done with ${failed} failed date(s) of ${dates.length}`);
    return failed === 0 ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`The backfill failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
