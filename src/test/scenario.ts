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

/** A small deterministic PRNG (mulberry32): the same seed gives the same scenario. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const KNOWN_ACTIONS = [
  "login",
  "search_executed",
  "profile_viewed",
  "profile_enriched",
  "csv_exported",
  "list_created",
  "persona_created",
  "lookalike_search",
];
/** Stored, counted nowhere (case matters: LOGIN is unknown). */
const UNKNOWN_ACTIONS = ["LOGIN", "api_call", "Search_Executed", ""];
/** The contract's known enrichment sources, in its order. */
export const KNOWN_SOURCES = ["contactout", "exa", "edgar", "claude"];
const OTHER_SOURCES = ["apollo", "hunter", "Zeta", "b-source"];
const STATUSES = ["pending", "in_progress", "complete", "failed", "queued"];
const ERRORS = ["429 Too Many Requests", "ETIMEDOUT: upstream timed out after 30000 ms", "502 Bad Gateway"];
/** Windows whose first and last dates the scenario stamps at both edges. */
const WINDOW_LENGTHS = [1, 7, 8, 14, 30, 90];
const DAY = 86_400_000;

/** A JSON object (not an array, not null), as the oracles read enrichment_source_status. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export interface Scenario {
  today: string;
  tenantIds: string[];
  /** A tenant id with activity and prospects but no tenants row. */
  danglingTenantId: string;
  inactiveTenantId: string;
  emptyTenantId: string;
  superAdmin: { id: string; role: Role; tenantId: null };
  adminOf: Record<string, { id: string; role: Role; tenantId: string }>;
}

export async function databaseToday(pool: Pool): Promise<string> {
  const { rows } = await pool.query<{ today: string }>(
    `SELECT to_char((now() AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS today`,
  );
  return rows[0].today;
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00.000Z`) + days * DAY).toISOString().slice(0, 10);
}

/**
 * Generated data with every edge the contract names: rows at 00:00:00.000
 * and 23:59:59.999 UTC on each window's first and last date and the day
 * outside it, late rows, dangling user and tenant ids, an inactive tenant, a
 * tenant with no users, a user active in another tenant, unknown action types
 * and sources, both jsonb shapes in one row, malformed entries, statuses
 * other than complete/failed, and ties in every ordering.
 */
export async function seedScenario(pool: Pool, seed: number): Promise<Scenario> {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const today = await databaseToday(pool);
  const todayStart = Date.parse(`${today}T00:00:00.000Z`);

  // Names that sort differently by code point than by locale, and a tie on searches.
  const names = ["beta Works", "Beta Works", "Älpha Leads", "alpha leads", `Zeta ${seed}`];
  const tenantIds: string[] = [];
  for (const name of names) tenantIds.push(await createTenant(pool, { name: `${name} ${seed}` }));
  const inactiveTenantId = await createTenant(pool, { name: `Dormant ${seed}`, isActive: false });
  const emptyTenantId = await createTenant(pool, { name: `Empty ${seed}` });
  const danglingTenantId = randomUUID();

  const usersByTenant = new Map<string, string[]>();
  const adminOf: Scenario["adminOf"] = {};
  for (const tenantId of [...tenantIds, inactiveTenantId]) {
    const ids: string[] = [];
    const count = 2 + Math.floor(random() * 4);
    for (let i = 0; i < count; i += 1) {
      const role = i === 0 ? Role.TENANT_ADMIN : pick([Role.AGENT, Role.ASSISTANT]);
      const user = await createUser(pool, { tenantId, role, fullName: random() < 0.15 ? null : `User ${seed}-${i}` });
      if (i === 0) adminOf[tenantId] = user as Scenario["adminOf"][string];
      ids.push(user.id);
    }
    usersByTenant.set(tenantId, ids);
  }
  const staff = await createUser(pool, { tenantId: null, role: Role.SUPER_ADMIN, fullName: `Staff ${seed}` });
  // Gone from users, still in activity and prospects.
  const deletedUsers = [randomUUID(), randomUUID()];

  const activity: ActivityRow[] = [];
  const actors = (tenantId: string) => [...(usersByTenant.get(tenantId) ?? []), ...deletedUsers, staff.id];
  const activeTenants = [...tenantIds, inactiveTenantId, danglingTenantId];
  for (let day = 0; day <= 95; day += 1) {
    const dayStart = todayStart - day * DAY;
    const rows = Math.floor(random() * 12);
    for (let i = 0; i < rows; i += 1) {
      const tenantId = pick(activeTenants);
      activity.push({
        tenantId,
        userId: pick(actors(tenantId)),
        actionType: random() < 0.08 ? pick(UNKNOWN_ACTIONS) : pick(KNOWN_ACTIONS),
        createdAt: new Date(dayStart + Math.floor(random() * DAY)),
        metadata: random() < 0.05 ? { late: true } : undefined,
      });
    }
  }
  // Every window's first date, the day before it, and today, at both edges of the day.
  for (const length of WINDOW_LENGTHS) {
    for (const day of [length - 1, length]) {
      for (const offset of [0, DAY - 1]) {
        const tenantId = pick(tenantIds);
        activity.push({
          tenantId,
          userId: pick(actors(tenantId)),
          actionType: pick(KNOWN_ACTIONS),
          createdAt: new Date(todayStart - day * DAY + offset),
        });
      }
    }
  }
  for (const offset of [0, DAY - 1]) {
    activity.push({
      tenantId: tenantIds[0],
      userId: pick(actors(tenantIds[0])),
      actionType: "search_executed",
      createdAt: new Date(todayStart + offset),
    });
  }
  // A user of one tenant active in another (counted in that tenant's breakdown).
  const visitor = usersByTenant.get(tenantIds[1])?.[0] as string;
  activity.push({
    tenantId: tenantIds[0],
    userId: visitor,
    actionType: "csv_exported",
    createdAt: new Date(todayStart - 2 * DAY),
  });
  await insertActivity(pool, activity);

  const prospects: ProspectRow[] = [];
  const tiedUpdatedAt = new Date(todayStart - 3 * DAY + 12 * 3_600_000);
  for (let i = 0; i < 120 + Math.floor(random() * 60); i += 1) {
    const tenantId = pick([...tenantIds, inactiveTenantId, danglingTenantId]);
    const day = Math.floor(random() * 20);
    const updatedAt =
      random() < 0.1
        ? tiedUpdatedAt
        : new Date(todayStart - day * DAY + (random() < 0.2 ? pick([0, DAY - 1]) : Math.floor(random() * DAY)));
    prospects.push({
      tenantId,
      userId: random() < 0.1 ? null : pick(actors(tenantId)),
      fullName: random() < 0.1 ? "Same Name" : undefined,
      enrichmentStatus: pick(STATUSES),
      enrichmentSourceStatus: sourceStatus(random, pick),
      updatedAt,
    });
  }
  // The edges of the error feed's 7-day window.
  for (const day of [6, 7]) {
    for (const offset of [0, DAY - 1]) {
      prospects.push({
        tenantId: tenantIds[0],
        userId: null,
        enrichmentStatus: "failed",
        enrichmentSourceStatus: {
          exa: { status: "failed", error: pick(ERRORS), at: new Date(todayStart).toISOString() },
        },
        updatedAt: new Date(todayStart - day * DAY + offset),
      });
    }
  }
  // Fixed rows (no random draws, so the rows above stay as they were): `at` values that are no timestamp
  // PostgreSQL and JS both read, an error that is no string, a failed row stamped later today, and the
  // edges of a 90-day window.
  prospects.push({
    tenantId: tenantIds[1],
    userId: staff.id,
    enrichmentStatus: "failed",
    enrichmentSourceStatus: {
      contactout: { status: "failed", error: { code: 429 }, at: "yesterday" },
      exa: { status: "failed", error: "502 Bad Gateway", at: "2026-02-30T10:00:00Z" },
      edgar: { status: "failed", at: "2026-02-25T10:00:00" },
      claude: { status: "complete", at: 1767225600 },
      apollo: { status: "failed", at: "2026-02-25 10:00:00Z" },
      hunter: { status: "failed", at: "2024-02-29T23:59:59.123456+15:59" },
      Zeta: { status: "failed", at: "2026-02-25T10:00:00+16:00" },
      "b-source": { status: "failed", at: "0000-01-01T00:00:00Z" },
      "c-source": { status: "failed", at: "2026-02-25T24:00:00Z" },
    },
    updatedAt: new Date(todayStart - DAY + 5 * 3_600_000),
  });
  prospects.push({
    tenantId: danglingTenantId,
    userId: deletedUsers[0],
    enrichmentStatus: "failed",
    enrichmentSourceStatus: { claude: "failed", exa: { status: "complete" } },
    updatedAt: new Date(todayStart + DAY - 1),
  });
  for (const updatedAt of [todayStart - 89 * DAY, todayStart - 89 * DAY - 1]) {
    prospects.push({
      tenantId: tenantIds[2],
      userId: staff.id,
      enrichmentStatus: "complete",
      enrichmentSourceStatus: { edgar: "complete", claude: { status: "failed" }, "far-source": "complete" },
      updatedAt: new Date(updatedAt),
    });
  }
  await insertProspects(pool, prospects);

  return {
    today,
    tenantIds,
    danglingTenantId,
    inactiveTenantId,
    emptyTenantId,
    superAdmin: { id: staff.id, role: Role.SUPER_ADMIN, tenantId: null },
    adminOf,
  };
}

/** Both shapes, mixed in one value; unknown sources; entries and values the contract says count nowhere. */
function sourceStatus(random: () => number, pick: <T>(items: readonly T[]) => T): unknown {
  const roll = random();
  if (roll < 0.05) return undefined;
  if (roll < 0.08) return pick([["complete"], "complete", 42, null]);
  const value: Record<string, unknown> = {};
  for (const source of [...KNOWN_SOURCES, ...OTHER_SOURCES]) {
    const presence = KNOWN_SOURCES.includes(source) ? 0.7 : 0.15;
    if (random() > presence) continue;
    const status = pick(["complete", "failed", "pending", "complete", "failed"]);
    const shape = random();
    value[source] =
      shape < 0.45
        ? status
        : shape < 0.9
          ? {
              status,
              ...(status === "failed"
                ? { error: pick(ERRORS), at: new Date(Date.now() - Math.floor(random() * 5 * DAY)).toISOString() }
                : {}),
            }
          : pick([7, null, { error: "no status" }, { status: 3 }, ["failed"], true]);
  }
  return value;
}

/**
 * seedScenario(seed), then a rollup (with `rollUp`) of every third date of the 95 before today, then late rows on
 * the twelve latest of those (at 00:00:00.000 and 23:59:59.999 UTC; stage actions and an unknown one; the scenario's
 * first tenant and its dangling tenant id; its admin and a user with no users row), then an UPDATE of one row of a
 * rolled-up date. Answers that read the rollup then mix rolled-up dates, the deltas of late rows on them, a stale
 * date and dates never rolled up, while an oracle over activity_log sees only rows.
 */
export async function seedRolledUpScenario(
  pool: Pool,
  seed: number,
  rollUp: (date: string) => Promise<unknown>,
): Promise<Scenario> {
  const scenario = await seedScenario(pool, seed);
  const rolled = Array.from({ length: 32 }, (_, i) => addDays(scenario.today, -1 - 3 * i));
  for (const date of rolled) await rollUp(date);
  const random = prng(seed);
  const admin = scenario.adminOf[scenario.tenantIds[0]];
  const actions = ["search_executed", "profile_viewed", "profile_enriched", "csv_exported", "LOGIN"];
  const late: ActivityRow[] = rolled.slice(0, 12).flatMap((date) =>
    ["T00:00:00.000Z", "T23:59:59.999Z"].map((time) => ({
      tenantId: random() < 0.7 ? admin.tenantId : scenario.danglingTenantId,
      userId: random() < 0.8 ? admin.id : randomUUID(),
      actionType: actions[Math.floor(random() * actions.length)],
      createdAt: `${date}${time}`,
    })),
  );
  await insertActivity(pool, late);
  await pool.query(
    `UPDATE activity_log SET action_type = 'csv_exported'
      WHERE id = (SELECT min(id) FROM activity_log
                   WHERE created_at >= $1::timestamp AT TIME ZONE 'UTC'
                     AND created_at < ($1::date + 1)::timestamp AT TIME ZONE 'UTC')`,
    [rolled[1]],
  );
  return scenario;
}
