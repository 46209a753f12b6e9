import type { Pool } from "pg";

/**
 * The bench's data, generated in PostgreSQL with set-based SQL
 * (`INSERT ... SELECT FROM generate_series`) and deterministic hashing
 * (`hashint8extended(i, stream)`), so a scale is reproducible and 10M rows
 * take minutes, not hours. Rows are stamped relative to the database's
 * current UTC date, like the platform's live data.
 */

export interface Scale {
  /** activity_log rows in total: bulk + spike day + late trickle. */
  rows: number;
  tenants: number;
  users: number;
  prospects: number;
  days: number;
  /** Extra rows on SPIKE_DAYS_AGO, so one day's rollup covers 100,000+ rows. */
  spikeRows: number;
  /** Rows inserted after the rollup, stamped on the 3 dates before today. */
  lateRows: number;
}

/** The spike day: rolled up, inside the 30- and 90-day windows. */
export const SPIKE_DAYS_AGO = 10;
/** Slots of the weighted (tenant, user) pick table that every activity row draws from. */
const PICK_SLOTS = 65_536;
/** Rows per INSERT statement, so two connections can load in parallel. */
const CHUNK_ROWS = 500_000;

export function scaleFor(rows: number): Scale {
  const small = rows < 200_000;
  const spikeRows = Math.min(100_000, Math.floor(rows / 10));
  const lateRows = Math.max(20, Math.floor(rows / 1000));
  return {
    rows,
    tenants: small ? 40 : 200,
    users: small ? 600 : 5_000,
    prospects: Math.max(2_000, Math.floor(rows / 8)),
    days: 120,
    spikeRows,
    lateRows,
  };
}

/** Deterministic uniform [0, 1) from an integer and a stream number, in SQL. */
const u = (expr: string, stream: number): string =>
  `((hashint8extended((${expr})::bigint, ${stream}) & 2147483647)::float8 / 2147483648)`;

const TODAY = `(now() AT TIME ZONE 'UTC')::date`;
const TODAY_START = `(${TODAY}::timestamp AT TIME ZONE 'UTC')`;

export interface GenerationTimings {
  tenantsAndUsers: number;
  activity: number;
  prospects: number;
  analyze: number;
}

/** Tenants, users, prospects and the bulk of activity_log (everything but the late trickle). */
export async function generate(pool: Pool, scale: Scale, log: (line: string) => void): Promise<GenerationTimings> {
  const timed = async (work: () => Promise<unknown>) => {
    const start = performance.now();
    await work();
    return performance.now() - start;
  };
  const tenantsAndUsers = await timed(() => generateTenantsAndUsers(pool, scale));
  log(`tenants ${scale.tenants}, users ${scale.users}: ${ms(tenantsAndUsers)}`);
  const activity = await timed(() => generateActivity(pool, scale));
  log(`activity_log ${scale.rows - scale.lateRows} rows: ${ms(activity)}`);
  const prospects = await timed(() => generateProspects(pool, scale));
  log(`prospects ${scale.prospects} rows: ${ms(prospects)}`);
  const analyze = await timed(() => pool.query("VACUUM ANALYZE"));
  log(`vacuum analyze: ${ms(analyze)}`);
  return { tenantsAndUsers, activity, prospects, analyze };
}

async function generateTenantsAndUsers(pool: Pool, scale: Scale): Promise<void> {
  // Tenant 0 is the largest; activity weight falls off as a power law, so a
  // few tenants carry most rows. The last two tenants never did anything.
  // Every tenth is inactive (never the largest). Some names start in lower
  // case, so code-point ordering differs from a locale's.
  await pool.query(`
    INSERT INTO tenants (id, name, is_active, created_at)
    SELECT md5('bench-tenant-' || t)::uuid,
           CASE WHEN t % 7 = 3 THEN 'tenant ' ELSE 'Tenant ' END || lpad(t::text, 3, '0') || ' '
             || (ARRAY['Recruiting', 'Talent', 'Staffing', 'Search', 'Hiring'])[1 + t % 5],
           t % 10 <> 9,
           now() - make_interval(days => 400 - t)
    FROM generate_series(0, ${scale.tenants - 1}) t`);
  // Users are spread over tenants by weight^0.6 (large tenants have many
  // users, small ones a handful); the first user of each tenant is its
  // admin. The last 20 users are platform staff with no tenant.
  const members = scale.users - 20;
  await pool.query(`
    WITH ${tenantBuckets(scale, 0.66)}, members AS (
      SELECT n, b.ts[width_bucket((n + 0.5) / ${members}, b.los)] AS t FROM generate_series(0, ${members - 1}) n, buckets b
    )
    INSERT INTO users (id, tenant_id, full_name, email, role, created_at)
    SELECT md5('bench-user-' || n)::uuid, md5('bench-tenant-' || t)::uuid,
           CASE WHEN n % 97 = 5 THEN NULL ELSE 'User ' || n END,
           'user' || n || '@bench.example',
           CASE WHEN row_number() OVER (PARTITION BY t ORDER BY n) = 1 THEN 'tenant_admin'
                WHEN n % 4 = 0 THEN 'assistant' ELSE 'agent' END,
           now() - make_interval(days => 300 - n % 200)
    FROM members
    UNION ALL
    SELECT md5('bench-user-' || n)::uuid, NULL, 'Staff ' || n, 'staff' || n || '@bench.example', 'super_admin', now() - interval '500 days'
    FROM generate_series(${members}, ${scale.users - 1}) n`);
  // The pick table: slot -> (tenant, user), tenants by activity weight, users
  // uniformly within their tenant. 1% of slots are users with no users row
  // (deleted), 0.2% a tenant id with no tenants row.
  await pool.query(`
    CREATE TABLE bench_pick AS
    WITH ${tenantBuckets(scale, 1.1)}, members AS (
      SELECT tenant_id, id, (row_number() OVER (PARTITION BY tenant_id ORDER BY id) - 1)::int AS rank,
             count(*) OVER (PARTITION BY tenant_id)::int AS size
      FROM users WHERE tenant_id IS NOT NULL
    ), sizes AS (
      SELECT DISTINCT tenant_id, size FROM members
    ), slots AS (
      SELECT s, sizes.tenant_id, floor(${u("s", 11)} * sizes.size)::int AS rank
      FROM generate_series(0, ${PICK_SLOTS - 1}) s CROSS JOIN buckets b
      JOIN sizes ON sizes.tenant_id = md5('bench-tenant-' || b.ts[width_bucket((s + 0.5) / ${PICK_SLOTS}, b.los)])::uuid
    )
    SELECT s AS slot,
           CASE WHEN s % 500 = 7 THEN md5('bench-orphan-tenant-' || s % 3)::uuid ELSE slots.tenant_id END AS tenant_id,
           CASE WHEN s % 100 = 3 OR s % 500 = 7 THEN md5('bench-ghost-' || s % 50)::uuid ELSE members.id END AS user_id
    FROM slots JOIN members USING (tenant_id, rank)`);
  await pool.query("ALTER TABLE bench_pick ADD PRIMARY KEY (slot)");
}

/**
 * `buckets(los, ts)`: tenant t takes a share weight(t) = (t + 1)^-exponent of
 * [0, 1), so `ts[width_bucket(x, los)]` maps a uniform x to a tenant. The last
 * two tenants weigh nothing (no users, no activity).
 */
function tenantBuckets(scale: Scale, exponent: number): string {
  return `w AS (
      SELECT t, power(t + 1, -${exponent}) AS w FROM generate_series(0, ${scale.tenants - 3}) t
    ), buckets AS (
      SELECT array_agg(lo ORDER BY t) AS los, array_agg(t ORDER BY t) AS ts
      FROM (SELECT t, (sum(w) OVER (ORDER BY t) - w) / sum(w) OVER () AS lo FROM w) ranges
    )`;
}

/** The action type for a uniform a: the platform's mix, and 0.5% of a type counted nowhere. */
const ACTION = (a: string) => `CASE
  WHEN ${a} < 0.15 THEN 'login'
  WHEN ${a} < 0.50 THEN 'search_executed'
  WHEN ${a} < 0.74 THEN 'profile_viewed'
  WHEN ${a} < 0.86 THEN 'profile_enriched'
  WHEN ${a} < 0.905 THEN 'csv_exported'
  WHEN ${a} < 0.945 THEN 'list_created'
  WHEN ${a} < 0.97 THEN 'persona_created'
  WHEN ${a} < 0.995 THEN 'lookalike_search'
  ELSE 'LOGIN' END`;

/** Seconds elapsed today (UTC), so no row is stamped after now. */
const ELAPSED_TODAY = `extract(epoch FROM now() - ${TODAY_START})`;

/**
 * Rows [from, to] of activity_log, stamped by `stamp(i)`. `OFFSET 0` keeps
 * the hashes computed once per row (the planner would otherwise inline them
 * into every CASE branch).
 */
function activityInsert(from: number, to: number, stamp: (i: string) => string): string {
  return `
    INSERT INTO activity_log (tenant_id, user_id, action_type, metadata, created_at)
    SELECT p.tenant_id, p.user_id, ${ACTION("g.a")},
           CASE WHEN g.i % 3 = 0 THEN '{"client": "web", "v": 2}'::jsonb END,
           g.created_at
    FROM (SELECT i, floor(${u("i", 1)} * ${PICK_SLOTS})::int AS slot, ${u("i", 3)} AS a,
                 date_trunc('milliseconds', ${stamp("i")}) AS created_at
          FROM generate_series(${from}, ${to}) i OFFSET 0) g
    JOIN bench_pick p ON p.slot = g.slot`;
}

/**
 * Row ids [1, bulk] in time order, as the platform appends them, from 119
 * days ago to now, denser towards today; then the spike day.
 */
async function generateActivity(pool: Pool, scale: Scale): Promise<void> {
  const bulk = scale.rows - scale.lateRows - scale.spikeRows;
  const span = `(${(scale.days - 1) * 86400} + ${ELAPSED_TODAY})`;
  const statements: string[] = [];
  for (let from = 1; from <= bulk; from += CHUNK_ROWS) {
    const to = Math.min(bulk, from + CHUNK_ROWS - 1);
    statements.push(
      activityInsert(
        from,
        to,
        (i) => `now() - make_interval(secs => ${span} * power(1 - (${i} - 0.5) / ${bulk}, 1.25))`,
      ),
    );
  }
  if (scale.spikeRows > 0) {
    const first = bulk + 1;
    statements.push(
      activityInsert(
        first,
        bulk + scale.spikeRows,
        (i) =>
          `${TODAY_START} - interval '${SPIKE_DAYS_AGO} days' + make_interval(secs => 86400 * (${i} - ${first} + 0.5) / ${scale.spikeRows})`,
      ),
    );
  }
  await inParallel(statements, 2, (sql) => pool.query(sql));
}

/** The late trickle: rows that arrive after the rollup, stamped on the 3 dates before today (the lookback). */
export async function insertLateRows(pool: Pool, scale: Scale): Promise<void> {
  const from = scale.rows - scale.lateRows + 1;
  await pool.query(
    activityInsert(
      from,
      scale.rows,
      (i) => `${TODAY_START} - make_interval(days => 1 + floor(${u(i, 5)} * 3)::int, secs => 86400 * ${u(i, 6)})`,
    ),
  );
  await pool.query("DROP TABLE bench_pick");
  // What autovacuum would soon do on a live database: index-only scans (the reference's and the gateway's alike)
  // then skip the heap for the rows of the late trickle and of the rollups' rewrites.
  for (const table of ["activity_log", "usage_metrics_daily", "usage_metrics_daily_tenant_totals", "usage_deltas"])
    await pool.query(`VACUUM ANALYZE ${table}`);
}

/** One enrichment_source_status entry for a uniform r: both shapes, and a few entries that count nowhere. */
const SOURCE_ENTRY = (r: string, pick: number) => `CASE
  WHEN ${r} < 0.10 THEN NULL
  WHEN ${r} < 0.55 - bias THEN '"complete"'::jsonb
  WHEN ${r} < 0.70 - bias THEN jsonb_build_object('status', 'complete', 'at', at)
  WHEN ${r} < 0.90 THEN jsonb_build_object('status', 'failed',
       'error', (ARRAY['429 Too Many Requests', '404 Not Found', 'timeout after 30s', '500 Internal Server Error'])[1 + (i + ${pick}) % 4],
       'at', at)
  WHEN ${r} < 0.95 THEN '"failed"'::jsonb
  WHEN ${r} < 0.98 THEN '"pending"'::jsonb
  WHEN ${r} < 0.99 THEN '{"code": 500}'::jsonb
  ELSE '42'::jsonb END`;

/** Prospects updated over the 120 days (denser towards today); failed ones lean to failed sources. */
async function generateProspects(pool: Pool, scale: Scale): Promise<void> {
  const statements: string[] = [];
  for (let from = 1; from <= scale.prospects; from += CHUNK_ROWS) {
    const to = Math.min(scale.prospects, from + CHUNK_ROWS - 1);
    statements.push(`
      INSERT INTO prospects (id, tenant_id, user_id, full_name, enrichment_status, enrichment_source_status, created_at, updated_at)
      SELECT md5('bench-prospect-' || i)::uuid, p.tenant_id, p.user_id, 'Prospect ' || i, status,
             CASE
               WHEN status = 'pending' THEN CASE WHEN i % 5 = 0 THEN '{}'::jsonb END
               WHEN i % 200 = 1 THEN '["contactout"]'::jsonb
               WHEN i % 200 = 2 THEN '"complete"'::jsonb
               ELSE jsonb_strip_nulls(jsonb_build_object(
                 'contactout', ${SOURCE_ENTRY("r1", 1)},
                 'exa', ${SOURCE_ENTRY("r2", 2)},
                 'edgar', ${SOURCE_ENTRY("r3", 3)},
                 'claude', ${SOURCE_ENTRY("r4", 4)},
                 'apollo', CASE WHEN i % 20 = 0 THEN ${SOURCE_ENTRY("r5", 5)} END,
                 'pdl', CASE WHEN i % 50 = 0 THEN '"complete"'::jsonb END))
             END,
             updated_at - make_interval(days => (i % 9)::int),
             updated_at
      FROM (
        SELECT i, slot, status, updated_at, r1, r2, r3, r4, r5,
               CASE WHEN status = 'failed' THEN 0.3 ELSE 0 END AS bias,
               to_char((updated_at - interval '3 minutes') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at
        FROM (
          SELECT i, floor(${u("i", 31)} * ${PICK_SLOTS})::int AS slot,
                 CASE WHEN s < 0.65 THEN 'complete' WHEN s < 0.80 THEN 'failed' WHEN s < 0.92 THEN 'pending' ELSE 'in_progress' END AS status,
                 date_trunc('milliseconds', now() - make_interval(secs => ${`(${(scale.days - 1) * 86400} + ${ELAPSED_TODAY})`} * power(t, 1.25))) AS updated_at,
                 r1, r2, r3, r4, r5
          FROM (
            SELECT i, ${u("i", 32)} AS s, ${u("i", 33)} AS t, ${u("i", 21)} AS r1, ${u("i", 22)} AS r2,
                   ${u("i", 23)} AS r3, ${u("i", 24)} AS r4, ${u("i", 25)} AS r5
            FROM generate_series(${from}, ${to}) i OFFSET 0
          ) h OFFSET 0
        ) s
      ) g
      JOIN bench_pick p ON p.slot = g.slot`);
  }
  await inParallel(statements, 2, (sql) => pool.query(sql));
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: width }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
    }),
  );
}

export function ms(value: number): string {
  return value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
}
