import { Prisma } from "../db/generated/client";
import { COUNTERS, type Counter } from "./counters";

// The SQL derived from the counters table: one expression per counter, in the table's order.

/** The counters' expressions, joined by `separator`. */
function perCounter(expression: (counter: Counter) => string, separator = ", "): Prisma.Sql {
  return Prisma.raw(COUNTERS.map(expression).join(separator));
}

/** The counters' columns, as in usage_metrics_daily, its two totals tables and usage_deltas. */
export const counterColumns = perCounter(({ column }) => column);

/**
 * The counters as counts over the activity_log rows of the current group (column `action_type` unqualified), named as
 * their columns. Plain FILTERs on a column that the covering activity_log indexes include, so counts stay index-only
 * scans. The rollup writes them, and usageRows reads raw dates with them.
 */
export const actionCounts = perCounter(
  ({ actionType, column }) => `count(*) FILTER (WHERE action_type = '${actionType}')::int AS ${column}`,
  ",\n  ",
);

/** The counters' columns under `alias` (none: unqualified), summed over the current group, named as their columns. */
export function summedColumns(alias?: string): Prisma.Sql {
  const prefix = alias ? `${alias}.` : "";
  return perCounter(({ column }) => `sum(${prefix}${column})::int AS ${column}`);
}

/** The counters' columns under `alias` summed over the current group, 0 where there are none, named as their fields. */
export function summedCounts(alias: string): Prisma.Sql {
  return perCounter(({ column, field }) => `coalesce(sum(${alias}.${column}), 0)::int AS "${field}"`, ",\n  ");
}

/** The sum of the counters of a row under `alias`. */
export function allCounts(alias: string): Prisma.Sql {
  return perCounter(({ column }) => `${alias}.${column}`, " + ");
}

/** A row of zeros, one per counter. */
export const zeroCounts = perCounter(() => "0");

/** ON CONFLICT's SET of every counter to the value proposed for insertion. */
export const counterUpdates = perCounter(({ column }) => `${column} = EXCLUDED.${column}`);

/** The counters' running sums over window `w` of the current rows, named as their columns (quarter-hour rows). */
export const runningSums = perCounter(({ column }) => `(sum(${column}) OVER w)::int AS ${column}`);

/** The counters' steps between running sums `q` and the previous row of window `w`: one quarter hour's counts. */
export const runningSumSteps = perCounter(
  ({ column }) => `q.${column} - coalesce(lag(q.${column}) OVER w, 0) AS ${column}`,
);

/**
 * A date's totals `t` split at the running sums `pre` (the quarters before a split, absent when there are none):
 * what lies before the split when `half.first`, the rest otherwise.
 */
export const splitCounts = perCounter(
  ({ column }) =>
    `CASE WHEN half.first THEN coalesce(pre.${column}, 0) ELSE t.${column} - coalesce(pre.${column}, 0) END AS ${column}`,
);
