import { Prisma } from "../db/generated/client";
import { badUserInput } from "../errors";

/** The UTC date of a timestamptz. Every "date" of the platform is a UTC date. */
export function utcDate(instant: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${instant} AT TIME ZONE 'UTC')::date`;
}

/** Today, the database's UTC date: the one definition every window ending today counts from. */
export const today = utcDate(Prisma.sql`now()`);

/** The instant a UTC date begins, to compare a timestamptz with (an index range scan on it). */
export function utcMidnight(date: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`((${date})::timestamp AT TIME ZONE 'UTC')`;
}

/** The N dates ending today, or the dates from..to (whose bounds the resolver has checked but for today). */
export type UsageWindow = { days: number } | { from: string; to: string };

/** A window as SQL: its first date and its length in days. */
export interface WindowBounds {
  start: Prisma.Sql;
  count: Prisma.Sql;
}

/** The window's first date and its length in days, as SQL; the length stays a plan-time constant. */
export function windowBounds(window: UsageWindow): WindowBounds {
  return "days" in window
    ? { start: Prisma.sql`(${today} - (${window.days}::int - 1))`, count: Prisma.sql`${window.days}::int` }
    : {
        start: Prisma.sql`${window.from}::date`,
        count: Prisma.sql`(${window.to}::date - ${window.from}::date + 1)`,
      };
}

/** date_trunc's name for a bucket's period. */
export type UsagePeriodUnit = "day" | "week" | "month";

/** The contract's "days: 1 to 90, else BAD_USER_INPUT" (enrichmentHealth, funnel); checked before any SQL. */
export function checkWindowDays(days: number): void {
  if (days < 1 || days > 90) throw badUserInput(`days must be 1 to 90; got ${days}`, "days");
}
