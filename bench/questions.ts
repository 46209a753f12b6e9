import { print, type DocumentNode } from "graphql";
import type { Pool } from "pg";
import { graphql } from "../src/test/gql";
import {
  EnrichmentHealthSeriesDocument,
  ErrorFeedPageDocument,
  FunnelStagesDocument,
  PulsePlatformPulseDocument,
  RollupStatusDocument,
  TenantsTenantActivityDocument,
  UsageMetricsFullDocument,
  ViewerDocument,
} from "../src/test/gql/graphql";

/**
 * The dashboard questions of issue 6, each answered three ways, all in the
 * shape of the GraphQL response's `data`, so the bench can check that the
 * three agree before it times them:
 * - reference: the plainest correct SQL over the raw tables (node-postgres);
 * - gateway: the GraphQL operation, sent over HTTP with a signed token;
 * - naive: the original app's way, the window's rows into JS, counted in a Map.
 */
export interface Question {
  key: string;
  title: string;
  /** The Query field the operation needs; the question is skipped while the schema lacks it. */
  field: string;
  viewer: "superAdmin" | "tenantAdmin";
  operation: DocumentNode;
  variables: Record<string, unknown>;
  reference(pool: Pool, subject: Subject): Promise<unknown>;
  naive(pool: Pool, subject: Subject): Promise<unknown>;
  /** A question asked in a tenant-local zone (issue 16): the zone, and the key of the same question in UTC. */
  zone?: { timeZone: string; utcKey: string };
}

/** Who and what the questions ask about. */
export interface Subject {
  largestTenantId: string;
}

const COUNTED: [field: string, action: string][] = [
  ["totalLogins", "login"],
  ["searchesExecuted", "search_executed"],
  ["profilesViewed", "profile_viewed"],
  ["profilesEnriched", "profile_enriched"],
  ["csvExports", "csv_exported"],
  ["listsCreated", "list_created"],
  ["personasCreated", "persona_created"],
  ["lookalikeSearches", "lookalike_search"],
];
const FIELD_OF_ACTION = new Map(COUNTED.map(([field, action]) => [action, field]));

/**
 * The zones of the zone questions (issue 16): Kolkata's dates begin at :30 past a UTC hour; Chatham's at :45, and
 * it moves from +12:45 to +13:45 on the last Sunday of September, inside the 90 days of a run from then to late
 * December. A zone is spliced into the SQL as a literal: the names are these constants, never input.
 */
export const ZONES = ["Asia/Kolkata", "Pacific/Chatham"];

/** Today's date in `zone` (UTC unless given). */
const todayIn = (zone = "UTC") => `(now() AT TIME ZONE '${zone}')::date`;
const TODAY = todayIn();
/** `column` on one of the `days` dates in `zone` ending today there ($days is a parameter or a literal). */
const inWindow = (column: string, days: string, zone = "UTC") =>
  `${column} >= ((${todayIn(zone)} - (${days} - 1))::timestamp AT TIME ZONE '${zone}') AND ${column} < ((${todayIn(zone)} + 1)::timestamp AT TIME ZONE '${zone}')`;
const countsSql = COUNTED.map(
  ([field, action]) => `count(*) FILTER (WHERE action_type = '${action}')::int AS "${field}"`,
).join(",\n  ");
const coalescedCounts = (alias: string) =>
  COUNTED.map(([field]) => `coalesce(${alias}."${field}", 0) AS "${field}"`).join(", ");

// ---------------------------------------------------------------- usage

const RANGES = { LAST_7_DAYS: 7, LAST_30_DAYS: 30, LAST_90_DAYS: 90 } as const;
type Range = keyof typeof RANGES;

type Counts = Record<string, number>;
const zeroCounts = (): Counts => Object.fromEntries(COUNTED.map(([field]) => [field, 0]));

/** Daily rows zero-filled, and the totals row (date null) summed from them: one scan of the window. */
async function referenceUsage(pool: Pool, days: number, tenantId: string | null, zone = "UTC") {
  const tenantFilter = tenantId ? "tenant_id = $2 AND" : "";
  const { rows } = await pool.query<Counts & { date: string | null }>(
    `WITH counts AS (
       SELECT (created_at AT TIME ZONE '${zone}')::date AS date, ${countsSql}
       FROM activity_log
       WHERE ${tenantFilter} ${inWindow("created_at", "$1::int", zone)}
       GROUP BY 1
     ), daily AS (
       SELECT d::date AS date, ${coalescedCounts("counts")}
       FROM generate_series(${todayIn(zone)} - ($1::int - 1), ${todayIn(zone)}, interval '1 day') d
       LEFT JOIN counts ON counts.date = d::date
     )
     SELECT to_char(date, 'YYYY-MM-DD') AS date, ${COUNTED.map(([field]) => `"${field}"`).join(", ")} FROM daily
     UNION ALL
     SELECT NULL, ${COUNTED.map(([field]) => `sum("${field}")::int`).join(", ")} FROM daily
     ORDER BY date NULLS LAST`,
    tenantId ? [days, tenantId] : [days],
  );
  const daily = rows.slice(0, -1);
  const { date: _total, ...totals } = rows[rows.length - 1];
  return { daily, totals };
}

/** Every user of the tenant plus every other user with activity in it, zeros included. */
async function referenceBreakdown(pool: Pool, days: number, tenantId: string, zone = "UTC") {
  const { rows } = await pool.query<Counts & { userId: string; fullName: string | null }>(
    `WITH counts AS (
       SELECT user_id, ${countsSql}, count(*) FILTER (WHERE action_type IN (${COUNTED.map(([, a]) => `'${a}'`).join(", ")})) AS counted
       FROM activity_log
       WHERE tenant_id = $2 AND ${inWindow("created_at", "$1::int", zone)}
       GROUP BY user_id
     ), people AS (
       SELECT id AS user_id FROM users WHERE tenant_id = $2
       UNION SELECT user_id FROM counts
     )
     SELECT people.user_id::text AS "userId", users.full_name AS "fullName", ${coalescedCounts("counts")}
     FROM people LEFT JOIN counts USING (user_id) LEFT JOIN users ON users.id = people.user_id
     ORDER BY coalesce(counts.counted, 0) DESC, people.user_id`,
    [days, tenantId],
  );
  return rows;
}

/**
 * usageMetrics in a named zone (issue 16): UsageMetricsFull's fields and the answer's zone, so the zone questions
 * leave the tests' document as it is.
 */
const UsageMetricsInZone = graphql(`
  query BenchUsageMetricsInZone($range: UsageRange!, $timeZone: String) {
    usageMetrics(range: $range, timeZone: $timeZone) {
      range
      startDate
      endDate
      tenantId
      timeZone
      daily {
        date
        totalLogins
        searchesExecuted
        profilesViewed
        profilesEnriched
        csvExports
        listsCreated
        personasCreated
        lookalikeSearches
      }
      totals {
        totalLogins
        searchesExecuted
        profilesViewed
        profilesEnriched
        csvExports
        listsCreated
        personasCreated
        lookalikeSearches
      }
      userBreakdown {
        userId
        fullName
        totalLogins
        searchesExecuted
        profilesViewed
        profilesEnriched
        csvExports
        listsCreated
        personasCreated
        lookalikeSearches
      }
    }
  }
`);

/** The usage question of `range` and `scope`; with `timeZone`, asked and answered in that zone's local dates. */
function usageQuestion(range: Range, scope: "largest" | "all", timeZone?: string): Question {
  const days = RANGES[range];
  const tenantOf = (subject: Subject) => (scope === "largest" ? subject.largestTenantId : null);
  const utcKey = `usage-${scope}-${days}d`;
  const who = scope === "largest" ? "largest tenant (tenant admin)" : "all tenants";
  return {
    key: timeZone ? `${utcKey}-${timeZone}` : utcKey,
    title: timeZone ? `usageMetrics ${range} in ${timeZone}, ${who}` : `usageMetrics ${range}, ${who}`,
    field: "usageMetrics",
    viewer: scope === "largest" ? "tenantAdmin" : "superAdmin",
    operation: timeZone ? UsageMetricsInZone : UsageMetricsFullDocument,
    variables: timeZone ? { range, timeZone } : { range },
    ...(timeZone ? { zone: { timeZone, utcKey } } : {}),
    async reference(pool, subject) {
      const tenantId = tenantOf(subject);
      const { daily, totals } = await referenceUsage(pool, days, tenantId, timeZone);
      const userBreakdown = tenantId ? await referenceBreakdown(pool, days, tenantId, timeZone) : null;
      return usageData(range, tenantId, daily, totals, userBreakdown, timeZone);
    },
    async naive(pool, subject) {
      const tenantId = tenantOf(subject);
      // In a zone, the UTC dates of its local window and a day either side (every offset is within a day): the
      // rows' local dates then pick the window's.
      const [start, end] = timeZone ? windowBounds(days + 2, dateList(1, timeZone)[0], 1) : windowBounds(days);
      const { rows } = await pool.query<{ created_at: Date; action_type: string; user_id: string }>(
        `SELECT created_at, action_type, user_id FROM activity_log
         WHERE ${tenantId ? "tenant_id = $3 AND" : ""} created_at >= $1 AND created_at < $2`,
        tenantId ? [start, end, tenantId] : [start, end],
      );
      const dateOf = timeZone ? localDate(timeZone) : (at: Date) => at.toISOString().slice(0, 10);
      const byDate = new Map<string, Counts>(dateList(days, timeZone).map((date) => [date, zeroCounts()]));
      const byUser = new Map<string, Counts>();
      const totals = zeroCounts();
      for (const row of rows) {
        const counts = byDate.get(dateOf(row.created_at));
        if (!counts) continue;
        const field = FIELD_OF_ACTION.get(row.action_type);
        if (!byUser.has(row.user_id)) byUser.set(row.user_id, zeroCounts());
        if (!field) continue;
        counts[field] += 1;
        byUser.get(row.user_id)![field] += 1;
        totals[field] += 1;
      }
      const daily = [...byDate].map(([date, counts]) => ({ date, ...counts }));
      let userBreakdown = null;
      if (tenantId) {
        const members = await pool.query<{ id: string }>("SELECT id FROM users WHERE tenant_id = $1", [tenantId]);
        for (const { id } of members.rows) if (!byUser.has(id)) byUser.set(id, zeroCounts());
        const names = await pool.query<{ id: string; full_name: string | null }>(
          "SELECT id, full_name FROM users WHERE id = ANY($1::uuid[])",
          [[...byUser.keys()]],
        );
        const nameOf = new Map(names.rows.map((row) => [row.id, row.full_name]));
        const sum = (counts: Counts) => Object.values(counts).reduce((a, b) => a + b, 0);
        userBreakdown = [...byUser]
          .sort(([a, countsA], [b, countsB]) => sum(countsB) - sum(countsA) || compareCodePoints(a, b))
          .map(([userId, counts]) => ({ userId, fullName: nameOf.get(userId) ?? null, ...counts }));
      }
      return usageData(range, tenantId, daily, totals, userBreakdown, timeZone);
    },
  };
}

function usageData(
  range: Range,
  tenantId: string | null,
  daily: { date: string | null }[],
  totals: Counts,
  userBreakdown: unknown,
  timeZone?: string,
) {
  return {
    usageMetrics: {
      range,
      startDate: daily[0].date,
      endDate: daily[daily.length - 1].date,
      tenantId,
      ...(timeZone ? { timeZone } : {}),
      daily,
      totals,
      userBreakdown,
    },
  };
}

// ---------------------------------------------------------------- platform pulse

const pulse: Question = {
  key: "pulse",
  title: "platformPulse",
  field: "platformPulse",
  viewer: "superAdmin",
  operation: PulsePlatformPulseDocument,
  variables: {},
  async reference(pool) {
    const { rows } = await pool.query<Record<string, number>>(
      `SELECT p."totalProspects", p."enrichedProspects", p."enrichmentFailed",
              coalesce(round(100.0 * p."enrichedProspects" / nullif(p."totalProspects", 0), 1), 0)::float8 AS "enrichmentCoverage",
              (SELECT count(DISTINCT user_id) FROM activity_log WHERE ${inWindow("created_at", "1")})::int AS "activeUsersToday",
              (SELECT coalesce(round(sum(active) / 7.0, 1), 0)::float8 FROM (
                 SELECT count(DISTINCT user_id) AS active FROM activity_log
                 WHERE created_at >= ((${TODAY} - 7)::timestamp AT TIME ZONE 'UTC') AND created_at < (${TODAY}::timestamp AT TIME ZONE 'UTC')
                 GROUP BY (created_at AT TIME ZONE 'UTC')::date) per_date) AS "activeUsers7dAvg"
       FROM (SELECT count(*)::int AS "totalProspects",
                    count(*) FILTER (WHERE enrichment_status = 'complete')::int AS "enrichedProspects",
                    count(*) FILTER (WHERE enrichment_status = 'failed')::int AS "enrichmentFailed"
             FROM prospects) p`,
    );
    return { platformPulse: rows[0] };
  },
  async naive(pool) {
    const prospects = await pool.query<{ enrichment_status: string }>("SELECT enrichment_status FROM prospects");
    const statuses = new Map<string, number>();
    for (const row of prospects.rows)
      statuses.set(row.enrichment_status, (statuses.get(row.enrichment_status) ?? 0) + 1);
    const [start, end] = windowBounds(8);
    const activity = await pool.query<{ created_at: Date; user_id: string }>(
      "SELECT created_at, user_id FROM activity_log WHERE created_at >= $1 AND created_at < $2",
      [start, end],
    );
    const today = dateList(1)[0];
    const usersByDate = new Map<string, Set<string>>();
    for (const row of activity.rows) {
      const date = row.created_at.toISOString().slice(0, 10);
      if (!usersByDate.has(date)) usersByDate.set(date, new Set());
      usersByDate.get(date)!.add(row.user_id);
    }
    const total = prospects.rows.length;
    const enriched = statuses.get("complete") ?? 0;
    let activeBefore = 0;
    for (const [date, users] of usersByDate) if (date !== today) activeBefore += users.size;
    return {
      platformPulse: {
        totalProspects: total,
        enrichedProspects: enriched,
        enrichmentFailed: statuses.get("failed") ?? 0,
        enrichmentCoverage: total === 0 ? 0 : Math.round((1000 * enriched) / total) / 10,
        activeUsersToday: usersByDate.get(today)?.size ?? 0,
        activeUsers7dAvg: Math.round((10 * activeBefore) / 7) / 10,
      },
    };
  },
};

// ---------------------------------------------------------------- tenant activity

const SEVEN_DAY_COUNTS = `count(*) FILTER (WHERE action_type = 'search_executed')::int AS "searches7d",
  count(*) FILTER (WHERE action_type = 'profile_enriched')::int AS "enrichments7d",
  count(*) FILTER (WHERE action_type = 'csv_exported')::int AS "exports7d"`;

interface TenantUser {
  id: string;
  fullName: string | null;
  searches7d: number;
  enrichments7d: number;
  exports7d: number;
}

const tenantActivity: Question = {
  key: "tenants",
  title: "tenantActivity",
  field: "tenantActivity",
  viewer: "superAdmin",
  operation: TenantsTenantActivityDocument,
  variables: {},
  async reference(pool) {
    const tenants = await pool.query<{ id: string; lastActive: Date | null }>(
      `SELECT t.id::text AS id, t.name,
              (SELECT count(*) FROM users u WHERE u.tenant_id = t.id)::int AS "userCount",
              coalesce(a."searches7d", 0) AS "searches7d", coalesce(a."enrichments7d", 0) AS "enrichments7d",
              coalesce(a."exports7d", 0) AS "exports7d",
              (SELECT max(created_at) FROM activity_log l WHERE l.tenant_id = t.id AND ${inWindow("l.created_at", "90")}) AS "lastActive"
       FROM tenants t
       LEFT JOIN (SELECT tenant_id, ${SEVEN_DAY_COUNTS} FROM activity_log WHERE ${inWindow("created_at", "7")} GROUP BY tenant_id) a
         ON a.tenant_id = t.id
       WHERE t.is_active
       ORDER BY "searches7d" DESC, t.name COLLATE "C"`,
    );
    const users = await pool.query<TenantUser & { tenantId: string }>(
      `SELECT u.tenant_id::text AS "tenantId", u.id::text AS id, u.full_name AS "fullName",
              coalesce(a."searches7d", 0) AS "searches7d", coalesce(a."enrichments7d", 0) AS "enrichments7d",
              coalesce(a."exports7d", 0) AS "exports7d"
       FROM users u
       JOIN tenants t ON t.id = u.tenant_id AND t.is_active
       LEFT JOIN (SELECT tenant_id, user_id, ${SEVEN_DAY_COUNTS} FROM activity_log WHERE ${inWindow("created_at", "7")}
                  GROUP BY tenant_id, user_id) a ON a.tenant_id = u.tenant_id AND a.user_id = u.id
       ORDER BY "searches7d" DESC, u.id`,
    );
    const usersOf = groupBy(users.rows, (row) => row.tenantId);
    return {
      tenantActivity: tenants.rows.map((tenant) => ({
        ...tenant,
        lastActive: tenant.lastActive?.toISOString() ?? null,
        users: (usersOf.get(tenant.id) ?? []).map(({ tenantId: _tenant, ...user }) => user),
      })),
    };
  },
  async naive(pool) {
    const tenants = await pool.query<{ id: string; name: string }>("SELECT id, name FROM tenants WHERE is_active");
    const users = await pool.query<{ id: string; tenant_id: string | null; full_name: string | null }>(
      "SELECT id, tenant_id, full_name FROM users",
    );
    const [start90, end] = windowBounds(90);
    const [start7] = windowBounds(7);
    const activity = await pool.query<{ tenant_id: string; user_id: string; action_type: string; created_at: Date }>(
      "SELECT tenant_id, user_id, action_type, created_at FROM activity_log WHERE created_at >= $1 AND created_at < $2",
      [start90, end],
    );
    const counts = new Map<string, { searches7d: number; enrichments7d: number; exports7d: number }>();
    const lastActive = new Map<string, Date>();
    const bump = (key: string, action: string) => {
      if (!counts.has(key)) counts.set(key, { searches7d: 0, enrichments7d: 0, exports7d: 0 });
      const entry = counts.get(key)!;
      if (action === "search_executed") entry.searches7d += 1;
      if (action === "profile_enriched") entry.enrichments7d += 1;
      if (action === "csv_exported") entry.exports7d += 1;
    };
    for (const row of activity.rows) {
      const last = lastActive.get(row.tenant_id);
      if (!last || row.created_at > last) lastActive.set(row.tenant_id, row.created_at);
      if (row.created_at < start7) continue;
      bump(row.tenant_id, row.action_type);
      bump(`${row.tenant_id}/${row.user_id}`, row.action_type);
    }
    const zero = { searches7d: 0, enrichments7d: 0, exports7d: 0 };
    const bySearches = (a: { id: string; searches7d: number }, b: { id: string; searches7d: number }) =>
      b.searches7d - a.searches7d || compareCodePoints(a.id, b.id);
    const members = groupBy(users.rows, (user) => user.tenant_id ?? "");
    return {
      tenantActivity: tenants.rows
        .map((tenant) => ({
          id: tenant.id,
          name: tenant.name,
          userCount: members.get(tenant.id)?.length ?? 0,
          ...(counts.get(tenant.id) ?? zero),
          lastActive: lastActive.get(tenant.id)?.toISOString() ?? null,
          users: (members.get(tenant.id) ?? [])
            .map((user) => ({
              id: user.id,
              fullName: user.full_name,
              ...(counts.get(`${tenant.id}/${user.id}`) ?? zero),
            }))
            .sort(bySearches),
        }))
        .sort((a, b) => b.searches7d - a.searches7d || compareCodePoints(a.name, b.name)),
    };
  },
};

// ---------------------------------------------------------------- enrichment health

const KNOWN_SOURCES = ["contactout", "exa", "edgar", "claude"];
const knownSourcesSql = KNOWN_SOURCES.map((source) => `'${source}'`).join(", ");
/** An entry's status: the string, or an object's string `status`; null otherwise. */
const ENTRY_STATUS = `CASE jsonb_typeof(e.value)
  WHEN 'string' THEN e.value #>> '{}'
  WHEN 'object' THEN CASE WHEN jsonb_typeof(e.value -> 'status') = 'string' THEN e.value ->> 'status' END END`;
const ENTRIES_OF = (column: string) =>
  `jsonb_each(CASE WHEN jsonb_typeof(${column}) = 'object' THEN ${column} ELSE '{}'::jsonb END) e`;

const enrichmentHealth: Question = {
  key: "enrichment-14d",
  title: "enrichmentHealth 14 days",
  field: "enrichmentHealth",
  viewer: "superAdmin",
  operation: EnrichmentHealthSeriesDocument,
  variables: { days: 14 },
  async reference(pool) {
    const { rows } = await pool.query<{ date: string; source: string; success: number; failed: number }>(
      `WITH entries AS (
         SELECT (p.updated_at AT TIME ZONE 'UTC')::date AS date, e.key AS source, ${ENTRY_STATUS} AS status
         FROM prospects p, ${ENTRIES_OF("p.enrichment_source_status")}
         WHERE ${inWindow("p.updated_at", "14")}
       ), sources AS (
         SELECT source, rank FROM unnest(ARRAY[${knownSourcesSql}]) WITH ORDINALITY AS known(source, rank)
         UNION SELECT DISTINCT source, 5 FROM entries WHERE source NOT IN (${knownSourcesSql})
       ), dates AS (
         SELECT d::date AS date FROM generate_series(${TODAY} - 13, ${TODAY}, interval '1 day') d
       )
       SELECT to_char(dates.date, 'YYYY-MM-DD') AS date, sources.source,
              count(*) FILTER (WHERE entries.status = 'complete')::int AS success,
              count(*) FILTER (WHERE entries.status = 'failed')::int AS failed
       FROM dates CROSS JOIN sources
       LEFT JOIN entries ON entries.date = dates.date AND entries.source = sources.source
       GROUP BY dates.date, sources.source, sources.rank
       ORDER BY dates.date, sources.rank, sources.source COLLATE "C"`,
    );
    const byDate = groupBy(rows, (row) => row.date);
    return {
      enrichmentHealth: {
        days: 14,
        timeZone: "UTC",
        series: [...byDate].map(([date, sources]) => ({
          date,
          sources: sources.map(({ source, success, failed }) => ({ source, success, failed })),
        })),
      },
    };
  },
  async naive(pool) {
    const [start, end] = windowBounds(14);
    const { rows } = await pool.query<{ updated_at: Date; enrichment_source_status: unknown }>(
      "SELECT updated_at, enrichment_source_status FROM prospects WHERE updated_at >= $1 AND updated_at < $2",
      [start, end],
    );
    const counts = new Map<string, { success: number; failed: number }>();
    const others = new Set<string>();
    for (const row of rows) {
      const date = row.updated_at.toISOString().slice(0, 10);
      for (const [source, entry] of entriesOf(row.enrichment_source_status)) {
        if (!KNOWN_SOURCES.includes(source)) others.add(source);
        const status = statusOf(entry);
        if (status !== "complete" && status !== "failed") continue;
        const key = `${date}/${source}`;
        if (!counts.has(key)) counts.set(key, { success: 0, failed: 0 });
        counts.get(key)![status === "complete" ? "success" : "failed"] += 1;
      }
    }
    const sources = [...KNOWN_SOURCES, ...[...others].sort(compareCodePoints)];
    return {
      enrichmentHealth: {
        days: 14,
        timeZone: "UTC",
        series: dateList(14).map((date) => ({
          date,
          sources: sources.map((source) => ({
            source,
            ...(counts.get(`${date}/${source}`) ?? { success: 0, failed: 0 }),
          })),
        })),
      },
    };
  },
};

function entriesOf(column: unknown): [string, unknown][] {
  return column !== null && typeof column === "object" && !Array.isArray(column) ? Object.entries(column) : [];
}

function statusOf(entry: unknown): string | null {
  if (typeof entry === "string") return entry;
  if (entry !== null && typeof entry === "object" && !Array.isArray(entry)) {
    const status = (entry as { status?: unknown }).status;
    if (typeof status === "string") return status;
  }
  return null;
}

// ---------------------------------------------------------------- funnel

const STAGES = [
  { key: "SEARCHES", stage: "Searches", action: "search_executed" },
  { key: "PROFILE_VIEWS", stage: "Profile Views", action: "profile_viewed" },
  { key: "ENRICHMENTS", stage: "Enrichments", action: "profile_enriched" },
  { key: "EXPORTS", stage: "Exports", action: "csv_exported" },
];

function funnelData(days: number, values: number[], rates: (number | null)[]) {
  return {
    funnel: {
      days,
      tenantId: null,
      stages: STAGES.map(({ key, stage }, i) => ({ key, stage, value: values[i], conversionRate: rates[i] })),
    },
  };
}

function funnelQuestion(days: number): Question {
  return {
    key: `funnel-${days}d`,
    title: `funnel ${days} days, all tenants`,
    field: "funnel",
    viewer: "superAdmin",
    operation: FunnelStagesDocument,
    variables: { days },
    async reference(pool) {
      const { rows } = await pool.query<{
        s0: number;
        s1: number;
        s2: number;
        s3: number;
        r1: number;
        r2: number;
        r3: number;
      }>(
        `SELECT s0, s1, s2, s3, round(s1::numeric / nullif(s0, 0), 4)::float8 AS r1,
                round(s2::numeric / nullif(s1, 0), 4)::float8 AS r2, round(s3::numeric / nullif(s2, 0), 4)::float8 AS r3
         FROM (SELECT ${STAGES.map(({ action }, i) => `count(*) FILTER (WHERE action_type = '${action}')::int AS s${i}`).join(", ")}
               FROM activity_log WHERE ${inWindow("created_at", "$1::int")}) c`,
        [days],
      );
      const row = rows[0];
      return funnelData(days, [row.s0, row.s1, row.s2, row.s3], [null, row.r1, row.r2, row.r3]);
    },
    async naive(pool) {
      const [start, end] = windowBounds(days);
      const { rows } = await pool.query<{ action_type: string }>(
        "SELECT action_type FROM activity_log WHERE created_at >= $1 AND created_at < $2",
        [start, end],
      );
      const counts = new Map<string, number>();
      for (const row of rows) counts.set(row.action_type, (counts.get(row.action_type) ?? 0) + 1);
      const values = STAGES.map(({ action }) => counts.get(action) ?? 0);
      const rates = values.map((value, i) =>
        i === 0 || values[i - 1] === 0 ? null : Math.round((value * 10_000) / values[i - 1]) / 10_000,
      );
      return funnelData(days, values, rates);
    },
  };
}

// ---------------------------------------------------------------- error feed

interface SourceDetail {
  source: string;
  status: string;
  error: string | null;
  at: string | null;
}

const SOURCE_RANK = `CASE e.key ${KNOWN_SOURCES.map((source, i) => `WHEN '${source}' THEN ${i}`).join(" ")} ELSE ${KNOWN_SOURCES.length} END`;

const errorFeed: Question = {
  key: "error-feed",
  title: "errorFeed limit 50, page 1",
  field: "errorFeed",
  viewer: "superAdmin",
  operation: ErrorFeedPageDocument,
  variables: { limit: 50, page: 1 },
  async reference(pool) {
    const where = `p.enrichment_status = 'failed' AND ${inWindow("p.updated_at", "7")}`;
    const total = await pool.query<{ total: number }>(`SELECT count(*)::int AS total FROM prospects p WHERE ${where}`);
    const items = await pool.query<{ updatedAt: Date; sourceDetails: SourceDetail[] }>(
      `SELECT p.id::text AS id, p.full_name AS "fullName", u.full_name AS "userName", p.tenant_id::text AS "tenantId",
              t.name AS "tenantName", p.enrichment_status AS "enrichmentStatus", p.updated_at AS "updatedAt",
              (SELECT coalesce(json_agg(json_build_object(
                        'source', e.key,
                        'status', coalesce(${ENTRY_STATUS}, 'unknown'),
                        'error', CASE WHEN jsonb_typeof(e.value -> 'error') = 'string' THEN e.value ->> 'error' END,
                        'at', CASE WHEN jsonb_typeof(e.value -> 'at') = 'string' THEN e.value ->> 'at' END)
                      ORDER BY ${SOURCE_RANK}, e.key COLLATE "C"), '[]')
               FROM ${ENTRIES_OF("p.enrichment_source_status")}) AS "sourceDetails"
       FROM prospects p
       LEFT JOIN users u ON u.id = p.user_id
       LEFT JOIN tenants t ON t.id = p.tenant_id
       WHERE ${where}
       ORDER BY p.updated_at DESC, p.id
       LIMIT 50 OFFSET 0`,
    );
    return errorFeedData(
      total.rows[0].total,
      items.rows.map((item) => ({
        ...item,
        updatedAt: item.updatedAt.toISOString(),
        sourceDetails: item.sourceDetails.map((detail) => ({ ...detail, at: isoOrNull(detail.at) })),
      })),
    );
  },
  async naive(pool) {
    const [start, end] = windowBounds(7);
    const failed = await pool.query<{
      id: string;
      full_name: string;
      user_id: string | null;
      tenant_id: string;
      enrichment_status: string;
      enrichment_source_status: unknown;
      updated_at: Date;
    }>(
      `SELECT id, full_name, user_id, tenant_id, enrichment_status, enrichment_source_status, updated_at
       FROM prospects WHERE enrichment_status = 'failed' AND updated_at >= $1 AND updated_at < $2`,
      [start, end],
    );
    const users = await pool.query<{ id: string; full_name: string | null }>("SELECT id, full_name FROM users");
    const tenants = await pool.query<{ id: string; name: string }>("SELECT id, name FROM tenants");
    const userName = new Map(users.rows.map((user) => [user.id, user.full_name]));
    const tenantName = new Map(tenants.rows.map((tenant) => [tenant.id, tenant.name]));
    const rank = (source: string) =>
      KNOWN_SOURCES.includes(source) ? KNOWN_SOURCES.indexOf(source) : KNOWN_SOURCES.length;
    const page = failed.rows
      .sort((a, b) => b.updated_at.getTime() - a.updated_at.getTime() || compareCodePoints(a.id, b.id))
      .slice(0, 50);
    return errorFeedData(
      failed.rows.length,
      page.map((row) => ({
        id: row.id,
        fullName: row.full_name,
        userName: (row.user_id && userName.get(row.user_id)) ?? null,
        tenantId: row.tenant_id,
        tenantName: tenantName.get(row.tenant_id) ?? null,
        enrichmentStatus: row.enrichment_status,
        updatedAt: row.updated_at.toISOString(),
        sourceDetails: entriesOf(row.enrichment_source_status)
          .sort(([a], [b]) => rank(a) - rank(b) || compareCodePoints(a, b))
          .map(([source, entry]) => {
            const object = entry !== null && typeof entry === "object" ? (entry as Record<string, unknown>) : {};
            return {
              source,
              status: statusOf(entry) ?? "unknown",
              error: typeof object.error === "string" ? object.error : null,
              at: isoOrNull(typeof object.at === "string" ? object.at : null),
            };
          }),
      })),
    );
  },
};

function errorFeedData(total: number, items: unknown[]) {
  return { errorFeed: { total, page: 1, limit: 50, timeZone: "UTC", items } };
}

// ---------------------------------------------------------------- helpers

/**
 * [start of the first date, start of the day after the last) of the `days` UTC dates ending `after` dates past
 * `today` (a YYYY-MM-DD; today's UTC date unless given).
 */
function windowBounds(days: number, today = dateList(1)[0], after = 0): [Date, Date] {
  const end = new Date(`${today}T00:00:00.000Z`);
  end.setUTCDate(end.getUTCDate() + 1 + after);
  const start = new Date(end);
  start.setUTCDate(start.getUTCDate() - days);
  return [start, end];
}

/** The `days` dates in `timeZone` (UTC unless given) ending today there, oldest first, as YYYY-MM-DD. */
function dateList(days: number, timeZone = "UTC"): string[] {
  const [year, month, day] = localDate(timeZone)(new Date()).split("-").map(Number);
  return Array.from({ length: days }, (_, i) =>
    new Date(Date.UTC(year, month - 1, day - (days - 1 - i))).toISOString().slice(0, 10),
  );
}

/** An instant's date in `timeZone`, as YYYY-MM-DD (the en-CA format), from Node's own tzdata. */
function localDate(timeZone: string): (at: Date) => string {
  const format = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" });
  return (at) => format.format(at);
}

function isoOrNull(value: string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

/** Code-point order (COLLATE "C") for the bench's names and ids, which are all ASCII. */
function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(item);
  }
  return groups;
}

export const QUESTIONS: Question[] = [
  usageQuestion("LAST_7_DAYS", "largest"),
  usageQuestion("LAST_30_DAYS", "largest"),
  usageQuestion("LAST_90_DAYS", "largest"),
  usageQuestion("LAST_7_DAYS", "all"),
  usageQuestion("LAST_30_DAYS", "all"),
  usageQuestion("LAST_90_DAYS", "all"),
  ...ZONES.flatMap((zone) => [
    usageQuestion("LAST_90_DAYS", "largest", zone),
    usageQuestion("LAST_90_DAYS", "all", zone),
  ]),
  pulse,
  tenantActivity,
  enrichmentHealth,
  funnelQuestion(7),
  funnelQuestion(90),
  errorFeed,
];

/** One request of the dashboards' mix, and the role that asks it. */
export interface Mixed {
  name: string;
  token: Question["viewer"];
  body: string;
}

/** Every dashboard query: the bench's questions (usage of a tenant and of all, each range; pulse; ...), viewer, rollupStatus. */
export const DASHBOARD_MIX: Mixed[] = [
  ...QUESTIONS.map((q) => ({
    name: q.key,
    token: q.viewer,
    body: JSON.stringify({ query: print(q.operation), variables: q.variables }),
  })),
  { name: "viewer (tenant admin)", token: "tenantAdmin", body: JSON.stringify({ query: print(ViewerDocument) }) },
  { name: "viewer (super admin)", token: "superAdmin", body: JSON.stringify({ query: print(ViewerDocument) }) },
  { name: "rollupStatus", token: "superAdmin", body: JSON.stringify({ query: print(RollupStatusDocument) }) },
];
