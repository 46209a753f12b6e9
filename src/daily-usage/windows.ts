import { Prisma } from "../db/generated/client";
import { badUserInput } from "../errors";

/**
 * A zone an answer counts its dates in: an accepted IANA name (time-zones.ts) or "UTC". A date D in zone Z covers
 * the instants from local midnight of D to local midnight of D + 1, with PostgreSQL's time-zone database as the one
 * source of offsets. The platform's own dates (rollups, runs, deltas) are UTC dates.
 */
export type TimeZoneName = string;

export const UTC: TimeZoneName = "UTC";

/** The UTC date of a timestamptz. Every date the rollup and its tables hold is a UTC date. */
export function utcDate(instant: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${instant} AT TIME ZONE 'UTC')::date`;
}

/** The date of a timestamptz in `zone` (a bound parameter: no name is ever spliced into SQL). */
export function localDate(instant: Prisma.Sql, zone: TimeZoneName): Prisma.Sql {
  return zone === UTC ? utcDate(instant) : Prisma.sql`(${instant} AT TIME ZONE ${zone}::text)::date`;
}

/** Today, the database's UTC date: the one definition the rollup's schedule and lag count from. */
export const today = utcDate(Prisma.sql`now()`);

/** Today in `zone`, the database's clock read there: the one definition every window ending today counts from. */
export function todayIn(zone: TimeZoneName): Prisma.Sql {
  return zone === UTC ? today : localDate(Prisma.sql`now()`, zone);
}

/** The instant a UTC date begins, to compare a timestamptz with (an index range scan on it). */
export function utcMidnight(date: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`((${date})::timestamp AT TIME ZONE 'UTC')`;
}

/**
 * The instant a date of `zone` begins. On a day whose midnight a DST change skips, PostgreSQL reads the missing
 * midnight with the offset before the change, which is the change's own instant: the first of the date.
 */
export function localMidnight(date: Prisma.Sql, zone: TimeZoneName): Prisma.Sql {
  return zone === UTC ? utcMidnight(date) : Prisma.sql`((${date})::timestamp AT TIME ZONE ${zone}::text)`;
}

/** The N dates ending today, or the dates from..to (whose bounds the resolver has checked but for today). */
export type UsageWindow = { days: number } | { from: string; to: string };

/** A window as SQL: its first date and its length in days, in `zone`. */
export interface WindowBounds {
  start: Prisma.Sql;
  count: Prisma.Sql;
  zone: TimeZoneName;
}

/** The window's first date and its length in days, as SQL; the length stays a plan-time constant. */
export function windowBounds(window: UsageWindow, zone: TimeZoneName): WindowBounds {
  return "days" in window
    ? {
        start: Prisma.sql`(${todayIn(zone)} - (${window.days}::int - 1))`,
        count: Prisma.sql`${window.days}::int`,
        zone,
      }
    : {
        start: Prisma.sql`${window.from}::date`,
        count: Prisma.sql`(${window.to}::date - ${window.from}::date + 1)`,
        zone,
      };
}

/** The window's dates, one row each (`day`), as a subquery. */
export function windowDates({ start, count }: WindowBounds): Prisma.Sql {
  return Prisma.sql`(SELECT ${start} + i AS day FROM generate_series(0, ${count} - 1) AS i)`;
}

/** The number of quarter hours in a UTC date: a piece of a date is a range of them. */
const QUARTERS_PER_DAY = 96;

/** QUARTERS_PER_DAY as SQL text, a constant the planner sees (a bound parameter would be text). */
export const DAY_QUARTERS = Prisma.raw(String(QUARTERS_PER_DAY));

/** The instant quarter `quarter` of the UTC date `day` begins (quarter 96 is the next date's midnight). */
export function quarterStart(day: Prisma.Sql, quarter: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${utcMidnight(day)} + (${quarter}) * interval '15 minutes')`;
}

/**
 * CTE `zone_days (day, first_local, split, regular)`: the UTC dates a window in another zone touches (its own dates,
 * one before and one after: offsets lie within a day), each with the local date its midnight falls on, the quarter
 * hour `split` at which the next local date begins (96 when none begins inside it) and whether its offset is the same
 * at both ends (`regular`: no DST change inside it). Every zone's offset has been a whole number of quarter hours
 * since 1979-10-01 (Pacific/Kiritimati was the last at -10:40), so a quarter never straddles a local midnight, and a
 * regular date holds at most one. MATERIALIZED: its time-zone arithmetic runs once per date, not once per use.
 */
function zoneDays({ start, count, zone }: WindowBounds): Prisma.Sql {
  const wall = (day: Prisma.Sql) => Prisma.sql`(${utcMidnight(day)} AT TIME ZONE ${zone}::text)`;
  return Prisma.sql`zone_days AS MATERIALIZED (
      SELECT c.day, w.first::date AS first_local,
             (extract(epoch FROM (w.first::date + 1) - w.first) / 900)::int AS split,
             w.last - w.first = interval '1 day' AS regular
      FROM (SELECT ${start} - 1 + i AS day FROM generate_series(0, ${count} + 1) AS i) c
      CROSS JOIN LATERAL (SELECT ${wall(Prisma.sql`c.day`)} AS first, ${wall(Prisma.sql`c.day + 1`)} AS last) w
    )`;
}

/**
 * The local date (in the window's zone) of quarter `quarter` of zone_days row `z`: on a regular date the one before
 * or after its split, on a date with a DST change that quarter's own (exact whatever the change does, a repeated or
 * skipped midnight included).
 */
export function localDateOfQuarter(z: string, quarter: Prisma.Sql, zone: TimeZoneName): Prisma.Sql {
  const row = Prisma.raw(z);
  return Prisma.sql`CASE WHEN ${row}.regular THEN ${row}.first_local + ((${quarter}) >= ${row}.split)::int
    ELSE (${quarterStart(Prisma.sql`${row}.day`, quarter)} AT TIME ZONE ${zone}::text)::date END`;
}

/**
 * CTE `pieces (local_day, day, q1, q2)`, after zone_days in another zone: the window's dates in its zone as pieces
 * of UTC dates, the instants of UTC date `day` from quarter q1 to quarter q2 (0 to 96) belonging to local date
 * `local_day`: a regular date gives at most two, a date with a DST change its 96 quarters. In UTC every piece is a
 * whole date, and there is no zone_days.
 */
export function windowPieces(window: WindowBounds): Prisma.Sql {
  const { start, count, zone } = window;
  if (zone === UTC)
    return Prisma.sql`pieces AS (
      SELECT ${start} + i AS local_day, ${start} + i AS day, 0 AS q1, ${DAY_QUARTERS} AS q2
      FROM generate_series(0, ${count} - 1) AS i
    )`;
  return Prisma.sql`${zoneDays(window)},
    pieces AS (
      SELECT p.local_day, z.day, p.q1, p.q2
      FROM zone_days z CROSS JOIN LATERAL (
        SELECT z.first_local AS local_day, 0 AS q1, least(z.split, ${DAY_QUARTERS}) AS q2
        WHERE z.regular
        UNION ALL
        SELECT z.first_local + 1, z.split, ${DAY_QUARTERS}
        WHERE z.regular AND z.split < ${DAY_QUARTERS}
        UNION ALL
        SELECT ${localDateOfQuarter("z", Prisma.sql`q`, zone)}, q, q + 1
        FROM generate_series(0, ${DAY_QUARTERS} - 1) AS q
        WHERE NOT z.regular
      ) p
      WHERE p.local_day >= ${start} AND p.local_day < ${start} + ${count}
    )`;
}

/** date_trunc's name for a bucket's period. */
export type UsagePeriodUnit = "day" | "week" | "month";

/** The contract's "days: 1 to 90, else BAD_USER_INPUT" (enrichmentHealth, funnel); checked before any SQL. */
export function checkWindowDays(days: number): void {
  if (days < 1 || days > 90) throw badUserInput(`days must be 1 to 90; got ${days}`, "days");
}

/**
 * The quarter hour (0 to 95) of its UTC date that a timestamptz falls in: from its epoch (a UTC day is 96 whole
 * quarters), as double arithmetic, which costs the rollup half what extracting hour and minute in UTC did. The
 * trigger of migration 20261207012000 computes it the same way.
 */
export function quarterOf(instant: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`((floor(date_part('epoch', ${instant}) / 900)::bigint % ${DAY_QUARTERS} + ${DAY_QUARTERS}) % ${DAY_QUARTERS})::smallint`;
}

const ALL_QUARTERS = Prisma.raw(`B'${"1".repeat(QUARTERS_PER_DAY)}'`);

/** usage_metrics_daily.quarters with only quarter `quarter` set: bit_or of them is a user's quarters of a date. */
export function quarterBit(quarter: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(B'1'::bit(${DAY_QUARTERS}) >> ${quarter}::int)`;
}

/** The bits of quarters q1 to q2 - 1: a user was active in that piece of a date when its quarters meet them. */
function quarterMask(q1: Prisma.Sql, q2: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`((${ALL_QUARTERS} >> ${q1}::int) & ~(${ALL_QUARTERS} >> ${q2}::int))`;
}

/** Whether quarters bits `bits` (usage_metrics_daily.quarters) meet quarters q1 to q2 - 1. */
export function quartersMeet(bits: Prisma.Sql, q1: Prisma.Sql, q2: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(${bits} & ${quarterMask(q1, q2)}) <> ${Prisma.raw(`B'${"0".repeat(QUARTERS_PER_DAY)}'`)}`;
}

/** The description of an answer's `timeZone` argument, whose omission means `whenOmitted`: one rule, stated once. */
function timeZoneArgument(whenOmitted: string): string {
  return (
    "The zone whose calendar dates the answer counts in: an IANA name as PostgreSQL lists it in pg_timezone_names " +
    '(such as "Asia/Kolkata", case-sensitive) or "UTC"; anything else is BAD_USER_INPUT. A date covers the instants ' +
    "from its local midnight to the next (23 or 25 hours across a DST change); today, every window and freshness " +
    `follow it. Null or omitted: ${whenOmitted}.`
  );
}

/** An answer of one tenant, or of all: the tenant's default zone, or UTC. */
export const TENANT_SCOPED_ZONE = timeZoneArgument(
  "the tenant's default (setTenantTimeZone) for an answer of one tenant, else UTC",
);

/** A platform-wide answer: UTC. */
export const PLATFORM_ZONE = timeZoneArgument("UTC (a platform-wide answer has no tenant's default)");

export const TIME_ZONE_FIELD = "The zone the answer's dates are in: the timeZone argument as given, else its default.";
