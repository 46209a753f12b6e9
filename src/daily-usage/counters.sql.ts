import { Prisma } from "../db/generated/client";
import { COUNTERS } from "./counters";

/** The SQL the counters table derives: the counters' columns, counts and sums, in the table's order. */

/** A list of one SQL expression per counter, from its column name. */
function perCounter(expression: (column: string) => string): Prisma.Sql {
  return Prisma.raw(COUNTERS.map(({ column }) => expression(column)).join(", "));
}

/** The counters' columns, as in usage_metrics_daily, its totals tables and usage_deltas. */
export const counterColumns = perCounter((column) => column);

/**
 * The counters as counts over the activity_log rows of the current group (column `action_type` unqualified), named as
 * their columns. Plain FILTERs on a column that the covering activity_log indexes include, so counts stay index-only
 * scans. The rollup writes them, and usageRows reads raw dates with them.
 */
export const actionCounts = Prisma.raw(
  COUNTERS.map(
    ({ actionType, column }) => `count(*) FILTER (WHERE action_type = '${actionType}')::int AS ${column}`,
  ).join(",\n  "),
);

/** The counters' columns under `alias` (none: unqualified), summed over the current group, named as their columns. */
export function summedColumns(alias?: string): Prisma.Sql {
  return perCounter((column) => `sum(${alias ? `${alias}.` : ""}${column})::int AS ${column}`);
}

/** The counters' columns under `alias` summed over the current group, 0 where there are none, named as their fields. */
export function summedCounts(alias: string): Prisma.Sql {
  return Prisma.raw(
    COUNTERS.map(({ column, field }) => `coalesce(sum(${alias}.${column}), 0)::int AS "${field}"`).join(",\n  "),
  );
}

/** The sum of a row's counters under `alias`. */
export function allCounts(alias: string): Prisma.Sql {
  return Prisma.raw(COUNTERS.map(({ column }) => `${alias}.${column}`).join(" + "));
}

/** A row of zeros, one per counter. */
export const zeroCounts = perCounter(() => "0");

/** ON CONFLICT's SET of every counter to the value proposed for insertion. */
export const counterUpdates = perCounter((column) => `${column} = EXCLUDED.${column}`);
