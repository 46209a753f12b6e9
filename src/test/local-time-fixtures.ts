import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { Role } from "../auth/role";
import {
  createTenant,
  createUser,
  insertActivity,
  insertProspects,
  type ActivityRow,
  type ProspectRow,
} from "./factories";
import { databaseToday, KNOWN_ACTIONS, KNOWN_SOURCES, prng } from "./scenario";

/**
 * The zones of issue 16's oracle tests: both hemispheres' DST (New York, London, Sydney, Chatham's +12:45/+13:45),
 * half- and three-quarter-hour offsets (Kolkata, Kathmandu, Chatham), and the two ends of the clock (Kiritimati
 * +14, Pago Pago -11), whose local dates are a whole day apart. Beyond the list, Santiago changes at local
 * midnight: in September its midnight is skipped (the date starts at 01:00), in April the date before gets 25 hours;
 * St John's has DST on a half-hour offset west of UTC (-03:30/-02:30).
 */
export const LOCAL_TIME_ZONES = [
  "America/New_York",
  "Europe/London",
  "Australia/Sydney",
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Pacific/Chatham",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
  "America/Santiago",
  "America/St_Johns",
] as const;
export type LocalTimeZone = (typeof LOCAL_TIME_ZONES)[number];

/** Stored, counted nowhere (case matters). */
const UNKNOWN_ACTIONS = ["LOGIN", "api_call", "Search_Executed"];
const OTHER_SOURCES = ["apollo", "hunter", "Zeta"];
const ERRORS = ["429 Too Many Requests", "ETIMEDOUT: upstream timed out after 30000 ms", "502 Bad Gateway"];
const SECOND = 1000;
const DAY = 86_400_000;
/** Rows one second either side of each edge, and on it (the edge instant is the later date's first). */
const AROUND = [-SECOND, 0, SECOND];

/** Local dates (days from the zone's today) whose midnights get activity: the windows' first dates and the days outside. */
const ACTIVITY_DAYS = [
  1,
  ...Array.from({ length: 16 }, (_, i) => -i),
  -29,
  -30,
  -59,
  -60,
  -89,
  -90,
  -91,
  -179,
  -180,
  -365,
  -366,
];
/** The same for prospects: enrichment health's windows (up to 90 days) and the error feed's 7. */
const PROSPECT_DAYS = [1, ...Array.from({ length: 11 }, (_, i) => -i), -13, -14, -15, -89, -90];

export interface ZoneEdges {
  zone: string;
  /** The zone's date at the database's now(). */
  today: string;
  /** Local midnights (the first instant of `date` in the zone) of the dates the fixtures stamp. */
  midnights: Array<{ date: string; at: Date }>;
  /** The zone's offset changes (DST) in the last 400 days: the first instant of the new offset. */
  changes: Array<{ at: Date; localDate: string }>;
}

/**
 * A zone's edges, read from PostgreSQL's time-zone database (never JavaScript's, never the host's): local midnights
 * of the given days from its today, of each month's first day over the last 13 months and of its year's first day,
 * and of the days of each offset change, found at 15-minute resolution (every zone's changes fall on quarter hours).
 */
export async function zoneEdges(pool: Pool, zone: string, days: number[]): Promise<ZoneEdges> {
  const { rows: changeRows } = await pool.query<{ at: Date; local_date: string }>(
    `WITH offsets AS (
       SELECT day, (day AT TIME ZONE $1) - (day AT TIME ZONE 'UTC') AS offset_at
         FROM generate_series(now() - interval '400 days', now(), interval '24 hours') day),
     changed AS (
       SELECT day FROM (SELECT day, offset_at, lead(offset_at) OVER (ORDER BY day) AS next_offset FROM offsets) o
        WHERE next_offset <> offset_at)
     SELECT t + interval '15 minutes' AS at,
            to_char((t + interval '15 minutes') AT TIME ZONE $1, 'YYYY-MM-DD') AS local_date
       FROM changed, generate_series(day, day + interval '24 hours', interval '15 minutes') t
      WHERE (t AT TIME ZONE $1) - (t AT TIME ZONE 'UTC')
         <> ((t + interval '15 minutes') AT TIME ZONE $1) - ((t + interval '15 minutes') AT TIME ZONE 'UTC')
      ORDER BY 1`,
    [zone],
  );
  const changes = changeRows.map((row) => ({ at: row.at, localDate: row.local_date }));
  const { rows } = await pool.query<{ today: string; date: string; at: Date }>(
    `WITH z AS (SELECT (now() AT TIME ZONE $1)::date AS today),
     dates AS (
       SELECT today + k AS d FROM z, unnest($2::int[]) k
       UNION SELECT (date_trunc('month', today) - make_interval(months => m))::date FROM z, generate_series(0, 12) m
       UNION SELECT make_date(extract(year FROM today)::int, 1, 1) FROM z
       UNION SELECT c + k FROM unnest($3::date[]) c, unnest(ARRAY[0, 1]) k)
     SELECT to_char(today, 'YYYY-MM-DD') AS today, to_char(d, 'YYYY-MM-DD') AS date, d::timestamp AT TIME ZONE $1 AS at
       FROM dates, z ORDER BY d`,
    [zone, days, changes.map((change) => change.localDate)],
  );
  return {
    zone,
    today: rows[0].today,
    midnights: rows.map(({ date, at }) => ({ date, at })),
    changes,
  };
}

export interface LocalTimeScenario {
  /** One tenant per zone, its rows stamped at that zone's edges (every answer also sees the others' rows). */
  tenantOf: Record<LocalTimeZone, string>;
  adminOf: Record<LocalTimeZone, { id: string; role: Role; tenantId: string }>;
  edges: Record<LocalTimeZone, ZoneEdges>;
  /** A tenant id with activity and prospects but no tenants row. */
  danglingTenantId: string;
  /** A tenant with no users, no activity and no prospects. */
  emptyTenantId: string;
  inactiveTenantId: string;
  superAdmin: { id: string; role: Role; tenantId: null };
  /** The UTC dates the rollup ran for before the late rows came. */
  rolledUp: string[];
}

/**
 * Generated data (seeded: the same seed gives the same rows, relative to the database's today) for the local-time
 * oracles. Per zone: activity_log rows one second either side of, and on, each local midnight the windows turn on
 * (first dates and the days outside them, month and year starts, tomorrow) and each DST change in the last 400 days,
 * plus random rows over 400 days; prospects of both enrichment_source_status shapes at the local midnights of
 * enrichment health's and the error feed's windows and at the changes of the last 95 days. Then the rollup
 * (`rollUp`, the gateway's own) of every UTC date those edges touch in the last 16 days and around each change and
 * the year's start, then late rows and prospects on old local dates (their rollups already ran), rolled-up rows
 * updated, moved across a local midnight and deleted, and prospects moved across one and deleted. Unknown action
 * types, user ids with no users row, a tenant id with no tenants row, an inactive tenant and an empty tenant are
 * among them.
 */
export async function seedLocalTimeScenario(
  pool: Pool,
  seed: number,
  rollUp: (date: string) => Promise<unknown>,
): Promise<LocalTimeScenario> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const danglingTenantId = randomUUID();
  const emptyTenantId = await createTenant(pool, { name: `Empty ${seed}` });
  const inactiveTenantId = await createTenant(pool, { name: `Dormant ${seed}`, isActive: false });
  const inactiveUser = await createUser(pool, { tenantId: inactiveTenantId });
  const staff = await createUser(pool, { tenantId: null, role: Role.SUPER_ADMIN, fullName: `Staff ${seed}` });
  const deletedUsers = [randomUUID(), randomUUID()];

  const tenantOf = {} as LocalTimeScenario["tenantOf"];
  const adminOf = {} as LocalTimeScenario["adminOf"];
  const usersOf = new Map<string, string[]>();
  const edges = {} as LocalTimeScenario["edges"];
  for (const zone of LOCAL_TIME_ZONES) {
    const tenantId = await createTenant(pool, { name: `${zone} ${seed}` });
    tenantOf[zone] = tenantId;
    const admin = await createUser(pool, { tenantId, role: Role.TENANT_ADMIN, fullName: `Admin of ${zone}` });
    adminOf[zone] = admin as LocalTimeScenario["adminOf"][LocalTimeZone];
    const agents = [
      await createUser(pool, { tenantId, role: Role.AGENT }),
      await createUser(pool, { tenantId, role: Role.ASSISTANT, fullName: null }),
    ];
    usersOf.set(tenantId, [admin.id, ...agents.map((agent) => agent.id)]);
    edges[zone] = await zoneEdges(pool, zone, ACTIVITY_DAYS);
  }
  usersOf.set(inactiveTenantId, [inactiveUser.id]);

  const actorOf = (tenantId: string) => pick([...(usersOf.get(tenantId) ?? []), ...deletedUsers, staff.id]);
  const homeOr = (tenantId: string) =>
    random() < 0.85 ? tenantId : pick([danglingTenantId, inactiveTenantId, ...Object.values(tenantOf)]);
  const activityAt = (tenantId: string, at: number): ActivityRow => {
    const tenant = homeOr(tenantId);
    return {
      tenantId: tenant,
      userId: actorOf(tenant),
      actionType: random() < 0.08 ? pick(UNKNOWN_ACTIONS) : pick(KNOWN_ACTIONS),
      createdAt: new Date(at),
    };
  };

  const activity: ActivityRow[] = [];
  const prospects: ProspectRow[] = [];
  const now = Date.now();
  for (const zone of LOCAL_TIME_ZONES) {
    const tenantId = tenantOf[zone];
    const { midnights, changes, today } = edges[zone];
    for (const { at } of midnights)
      for (const delta of AROUND) activity.push(activityAt(tenantId, at.getTime() + delta));
    for (const { at } of changes) for (const delta of AROUND) activity.push(activityAt(tenantId, at.getTime() + delta));
    for (let i = 0; i < 160; i += 1) {
      const back = random() < 0.75 ? random() * 100 * DAY : random() * 400 * DAY;
      activity.push(activityAt(tenantId, now - Math.floor(back)));
    }

    const prospectDates = new Set(PROSPECT_DAYS.map((days) => addLocalDays(today, days)));
    // On each edge and a second before it the prospect has failed, so the error feed's bounds have a row each side.
    const prospectInstants = [
      ...midnights.filter((midnight) => prospectDates.has(midnight.date)).map((midnight) => midnight.at.getTime()),
      ...changes.map((change) => change.at.getTime()).filter((at) => at > now - 95 * DAY),
    ].flatMap((at) => AROUND.map((delta) => ({ at: at + delta, failed: delta <= 0 })));
    for (let i = 0; i < 20; i += 1) prospectInstants.push({ at: now - Math.floor(random() * 95 * DAY), failed: false });
    for (const { at, failed } of prospectInstants) {
      const tenant = homeOr(tenantId);
      prospects.push({
        tenantId: tenant,
        userId: random() < 0.15 ? null : actorOf(tenant),
        fullName: random() < 0.1 ? "Same Name" : undefined,
        enrichmentStatus: failed ? "failed" : pick(["failed", "failed", "complete", "pending"]),
        enrichmentSourceStatus: sourceStatus(random, pick, at),
        updatedAt: new Date(at),
      });
    }
  }
  await insertActivity(pool, activity);
  await insertProspects(pool, prospects);

  // The rollup of every UTC date the last 16 days' edges touch, and of those around each change and the year's start.
  const utcDates = new Set<string>();
  const utcToday = await databaseToday(pool);
  for (let back = 1; back <= 16; back += 1) utcDates.add(addLocalDays(utcToday, -back));
  for (const zone of LOCAL_TIME_ZONES) {
    const { changes, midnights } = edges[zone];
    const yearStart = midnights.find((midnight) => midnight.date.endsWith("-01-01"));
    for (const at of [...changes.map((change) => change.at), ...(yearStart ? [yearStart.at] : [])]) {
      for (const days of [-1, 0, 1]) utcDates.add(addLocalDays(at.toISOString().slice(0, 10), days));
    }
  }
  const rolledUp = [...utcDates].filter((date) => date < utcToday).sort();
  for (const date of rolledUp) await rollUp(date);

  // Late rows on old local dates, at their midnights' edges: each lands on a date whose rollup already ran.
  const late: ActivityRow[] = [];
  for (const zone of LOCAL_TIME_ZONES) {
    const { midnights, changes, today } = edges[zone];
    const lateDates = new Set([-2, -5, -9].map((days) => addLocalDays(today, days)));
    const instants = [
      ...midnights.filter((midnight) => lateDates.has(midnight.date)).map((midnight) => midnight.at.getTime()),
      ...changes.map((change) => change.at.getTime()),
    ];
    for (const at of instants) for (const delta of AROUND) late.push(activityAt(tenantOf[zone], at + delta));
  }
  await insertActivity(pool, late);
  // And prospects written after the runs compacted enrichment health's deltas, at the edges of two old local dates.
  const lateProspects: ProspectRow[] = [];
  for (const zone of LOCAL_TIME_ZONES) {
    const lateDates = new Set([-1, -4].map((days) => addLocalDays(edges[zone].today, days)));
    for (const { date, at } of edges[zone].midnights) {
      if (!lateDates.has(date)) continue;
      for (const delta of AROUND) {
        const tenant = homeOr(tenantOf[zone]);
        lateProspects.push({
          tenantId: tenant,
          userId: actorOf(tenant),
          enrichmentStatus: pick(["failed", "complete"]),
          enrichmentSourceStatus: sourceStatus(random, pick, at.getTime() + delta),
          updatedAt: new Date(at.getTime() + delta),
        });
      }
    }
  }
  await insertProspects(pool, lateProspects);
  const changed = async (sql: string, params: unknown[]) => {
    const { rowCount } = await pool.query(sql, params);
    if (!rowCount) throw new Error(`the fixture's edit found no row: ${sql}`);
  };
  // One rolled-up row changed in place: its date is read raw until its next rollup.
  await changed(
    `UPDATE activity_log SET action_type = 'csv_exported'
      WHERE id = (SELECT min(id) FROM activity_log WHERE created_at >= $1::date::timestamp AT TIME ZONE 'UTC'
                    AND created_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC' AND tenant_id = $2)`,
    [rolledUp[rolledUp.length - 3], tenantOf["Asia/Kolkata"]],
  );
  // Rolled-up rows moved across a local midnight within their UTC date (Sydney's, five days ago: 13:00 or 14:00
  // UTC), and deleted on one (Chatham's, nine days ago): the rollup's pieces of those dates change under it.
  const midnightOf = (zone: LocalTimeZone, days: number) =>
    edges[zone].midnights.find((midnight) => midnight.date === addLocalDays(edges[zone].today, days));
  const sydney = midnightOf("Australia/Sydney", -5);
  if (sydney)
    await changed(`UPDATE activity_log SET created_at = created_at + interval '2 seconds' WHERE created_at = $1`, [
      new Date(sydney.at.getTime() - SECOND),
    ]);
  const chatham = midnightOf("Pacific/Chatham", -9);
  if (chatham)
    await changed(`DELETE FROM activity_log WHERE created_at = ANY($1::timestamptz[])`, [
      [new Date(chatham.at.getTime() - SECOND), chatham.at],
    ]);
  // Prospects moved across a local midnight (their trigger's deltas move with them): a second before Kathmandu's
  // midnight three days ago to a second after it, and Sydney's failed ones of the last week to complete.
  const kathmandu = midnightOf("Asia/Kathmandu", -3);
  if (kathmandu)
    await changed(`UPDATE prospects SET updated_at = updated_at + interval '2 seconds' WHERE updated_at = $1`, [
      new Date(kathmandu.at.getTime() - SECOND),
    ]);
  await pool.query(
    `UPDATE prospects SET enrichment_status = 'complete', enrichment_source_status = '{"exa": "complete"}'
      WHERE tenant_id = $1 AND enrichment_status = 'failed' AND updated_at > now() - interval '7 days'
        AND id IN (SELECT id FROM prospects WHERE tenant_id = $1 ORDER BY id LIMIT 10)`,
    [tenantOf["Australia/Sydney"]],
  );
  // And one deleted at Kolkata's midnight two days ago.
  const kolkata = midnightOf("Asia/Kolkata", -2);
  if (kolkata) await changed(`DELETE FROM prospects WHERE updated_at = $1`, [kolkata.at]);

  return {
    tenantOf,
    adminOf,
    edges,
    danglingTenantId,
    emptyTenantId,
    inactiveTenantId,
    superAdmin: { id: staff.id, role: Role.SUPER_ADMIN, tenantId: null },
    rolledUp,
  };
}

/** A calendar date plus days: pure date arithmetic, no zone involved. */
export function addLocalDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY).toISOString().slice(0, 10);
}

/** Both shapes (a status string, or an object with status, error and at), unknown sources, values counted nowhere. */
function sourceStatus(random: () => number, pick: <T>(items: readonly T[]) => T, at: number): unknown {
  const roll = random();
  if (roll < 0.05) return undefined;
  if (roll < 0.08) return pick([["complete"], "complete", 42, null]);
  const value: Record<string, unknown> = {};
  for (const source of [...KNOWN_SOURCES, ...OTHER_SOURCES]) {
    if (random() > (KNOWN_SOURCES.includes(source) ? 0.7 : 0.2)) continue;
    const status = pick(["complete", "failed", "pending", "complete", "failed"]);
    const shape = random();
    value[source] =
      shape < 0.45
        ? status
        : shape < 0.9
          ? {
              status,
              ...(status === "failed" ? { error: pick(ERRORS), at: new Date(at - SECOND).toISOString() } : {}),
            }
          : pick([7, null, { error: "no status" }, { status: 3 }]);
  }
  return value;
}
