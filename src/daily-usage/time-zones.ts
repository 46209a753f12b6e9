import type { Database } from "../db/database";
import { badUserInput } from "../errors";
import type { Context } from "../server/context";
import { readTimeZoneNames, tenantTimeZoneLoader } from "./time-zones.sql";
import { UTC, type TimeZoneName } from "./windows";

/**
 * Which zone an answer is in (issue 16). The accepted names are PostgreSQL's own (pg_timezone_names' IANA
 * `Area/Location` names and UTC), read once at start into the request context; a tenant's default is the
 * gateway's tenant_time_zones row, read per request.
 */

/**
 * Longer input is refused without being echoed. The longest accepted name has 32 characters
 * (America/Argentina/ComodRivadavia); twice that leaves room for any name the tzdata may add.
 */
export const TIME_ZONE_MAX_LENGTH = 64;

/** A few accepted names, for error messages. */
const EXAMPLES = '"Asia/Kolkata", "America/New_York" or "UTC"';

/** The accepted names, as the gateway reads them once at start (Context.timeZones). */
export async function loadTimeZones(db: Database): Promise<ReadonlySet<string>> {
  return new Set(await readTimeZoneNames(db.pool));
}

/**
 * A time-zone argument as the client wrote it, if it is an accepted name (exactly as listed: case matters),
 * else BAD_USER_INPUT naming the argument. An empty string, or one over TIME_ZONE_MAX_LENGTH characters (not
 * echoed), is refused as such.
 */
export function checkTimeZone(names: ReadonlySet<string>, value: string, argumentName: string): string {
  if (names.has(value)) return value;
  if (value.length === 0)
    throw badUserInput(`${argumentName} must not be empty: give a name such as ${EXAMPLES}`, argumentName);
  if (value.length > TIME_ZONE_MAX_LENGTH)
    throw badUserInput(
      `${argumentName} is ${value.length} characters long; an accepted time-zone name has at most ${TIME_ZONE_MAX_LENGTH}`,
      argumentName,
    );
  // Case is the one mistake worth naming: PostgreSQL would take "asia/kolkata", but an answer states its zone as given.
  const lower = value.toLowerCase();
  const spelled = [...names].find((name) => name.toLowerCase() === lower);
  throw badUserInput(
    `${argumentName} ${JSON.stringify(value)} is not an accepted time zone: ` +
      (spelled !== undefined
        ? `names are case-sensitive, this one is spelled ${JSON.stringify(spelled)}`
        : `give an IANA Area/Location name as PostgreSQL lists it in pg_timezone_names, such as ${EXAMPLES} ` +
          "(no abbreviations such as EST, offsets such as +05:30, or legacy names such as US/Eastern or Etc/GMT+5)"),
    argumentName,
  );
}

/**
 * The zone an answer is in: `given` (the client's timeZone argument, checked; null and undefined mean not given),
 * else, for an answer scoped to one tenant (`tenantId`, a uuid as parseTenantId or the token gives it), that
 * tenant's default, else UTC. A tenant-scoped answer given no zone costs one statement per request, shared by
 * every field of the request (a DataLoader).
 */
export async function resolveTimeZone(
  ctx: Pick<Context, "timeZones" | "loader" | "log">,
  given: string | null | undefined,
  tenantId: string | null,
  argumentName = "timeZone",
): Promise<TimeZoneName> {
  if (given !== null && given !== undefined) return checkTimeZone(ctx.timeZones, given, argumentName);
  if (tenantId === null) return UTC;
  return (await tenantTimeZone(ctx, tenantId)).timeZone;
}

/**
 * A tenant's default zone (UTC when none is set), and whether a tenants row has its id. A stored name this
 * database no longer accepts (a tzdata that dropped it, or a move to a server whose tzdata lacks it) is UTC,
 * with a warning, rather than an answer PostgreSQL cannot give.
 */
export async function tenantTimeZone(
  ctx: Pick<Context, "timeZones" | "loader" | "log">,
  tenantId: string,
): Promise<{ tenantExists: boolean; timeZone: string }> {
  const { tenantExists, timeZone } = await ctx.loader(tenantTimeZoneLoader).load(tenantId);
  if (timeZone === null) return { tenantExists, timeZone: UTC };
  if (ctx.timeZones.has(timeZone)) return { tenantExists, timeZone };
  ctx.log.warn({ tenantId, timeZone }, "a tenant's time zone is not accepted by this database: its answers are in UTC");
  return { tenantExists, timeZone: UTC };
}
