import type { Pool } from "pg";
import { Role } from "../auth/role";

export interface DemoUser {
  id: string;
  role: Role;
  tenantId: string | null;
  fullName: string;
  email: string;
}

interface SeedTenant {
  id: string;
  name: string;
  isActive: boolean;
  domain: string;
  createdDaysAgo: number;
  /** Searches per weekday of a user of weight 1; 0: the tenant never did anything. */
  volume: number;
  /** Silent for the last N days: deactivated then. */
  quietDays: number;
  prospects: number;
}

interface SeedUser extends Omit<DemoUser, "fullName"> {
  fullName: string | null;
  /** Scales the user's daily volume; 0: invited, never signed in. */
  weight: number;
  joinedDaysAgo: number;
}

const ACTIVITY_DAYS = 120;
/** Serialises seeders starting together on one fresh database. */
const SEED_LOCK = 5_336_001;

function tenant(id: string, name: string, createdDaysAgo: number, traits: Partial<SeedTenant> = {}): SeedTenant {
  const domain = `${name.toLowerCase().replace(/[^a-z]/g, "")}.example`;
  return { id, name, domain, createdDaysAgo, isActive: true, volume: 0, quietDays: 0, prospects: 0, ...traits };
}

const TENANTS: SeedTenant[] = [
  tenant("a0000000-0000-4000-8000-000000000001", "Acme Recruiting", 420, { volume: 9, prospects: 600 }),
  tenant("a0000000-0000-4000-8000-000000000002", "Northwind Talent", 380, { volume: 7, prospects: 400 }),
  tenant("a0000000-0000-4000-8000-000000000003", "Globex Staffing", 300, { volume: 5, prospects: 300 }),
  tenant("a0000000-0000-4000-8000-000000000004", "Vandelay Search Partners", 200, { volume: 3, prospects: 150 }),
  // Churned two weeks ago.
  tenant("a0000000-0000-4000-8000-000000000005", "Umbrella Hiring", 360, {
    isActive: false,
    volume: 4,
    quietDays: 14,
    prospects: 150,
  }),
  // Onboarded its users, has not used the product yet.
  tenant("a0000000-0000-4000-8000-000000000006", "Initech Careers", 45),
  // Signed up this week, no users yet.
  tenant("a0000000-0000-4000-8000-000000000007", "Brightpath Executive Search", 3),
];

/** Reads as tenant and user number: tenant 1, user 2 is b0000000-0000-4000-8000-000000000102. */
const userId = (tenant: number, n: number) => `b0000000-0000-4000-8000-${String(tenant * 100 + n).padStart(12, "0")}`;

/** "Sofía Álvarez" → sofia.alvarez */
const mailbox = (fullName: string) =>
  fullName
    .normalize("NFD")
    .replace(/[^A-Za-z ]/g, "")
    .toLowerCase()
    .replaceAll(" ", ".");

/**
 * A tenant's people: full name -> weight by role, numbered as written (the admin is user 1), and
 * days since they joined where not 400 (one figure for the whole team, or by full name).
 */
interface Team {
  joined?: number | Record<string, number>;
  [Role.TENANT_ADMIN]: Record<string, number>;
  [Role.AGENT]: Record<string, number>;
  [Role.ASSISTANT]: Record<string, number>;
  /** An assistant invited that many days ago: no name yet, never signed in (numbered last). */
  invitedDaysAgo?: number;
}

const TEAM_ROLES = [Role.TENANT_ADMIN, Role.AGENT, Role.ASSISTANT] as const;

function team(tenant: number, { joined = {}, invitedDaysAgo, ...roles }: Team): SeedUser[] {
  const { id: tenantId, domain } = TENANTS[tenant - 1];
  const people: Omit<SeedUser, "id" | "tenantId" | "email">[] = TEAM_ROLES.flatMap((role) =>
    Object.entries(roles[role]).map(([fullName, weight]) => ({
      role,
      fullName,
      weight,
      joinedDaysAgo: (typeof joined === "number" ? joined : joined[fullName]) ?? 400,
    })),
  );
  if (invitedDaysAgo !== undefined)
    people.push({ role: Role.ASSISTANT, fullName: null, weight: 0, joinedDaysAgo: invitedDaysAgo });
  return people.map(({ fullName, ...traits }, i) => {
    const email = `${fullName ? mailbox(fullName) : `invite${i + 1}`}@${domain}`;
    return { id: userId(tenant, i + 1), tenantId, fullName, email, ...traits };
  });
}

function staff(n: number, fullName: string): SeedUser {
  const id = `c0000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const email = `${mailbox(fullName)}@platform.example`;
  return { id, role: Role.SUPER_ADMIN, tenantId: null, fullName, email, weight: 0, joinedDaysAgo: 500 };
}

const USERS: SeedUser[] = [
  ...team(1, {
    tenant_admin: { "Maya Chen": 0.3 },
    agent: { "Daniel Okafor": 1.4, "Priya Raman": 1.1, "Lucas Moreau": 0.9, "Sofía Álvarez": 0.8, "Ethan Brooks": 0.6 },
    assistant: { "Hannah Kim": 0.5, "Omar Haddad": 0.4 },
    joined: { "Sofía Álvarez": 25 },
  }),
  ...team(2, {
    tenant_admin: { "Grace Whitfield": 0.3 },
    agent: { "Marcus Lee": 1.2, "Elena Petrova": 1.0, "Jonas Berg": 0.7 },
    assistant: { "Aisha Bello": 0.5 },
    invitedDaysAgo: 2,
  }),
  ...team(3, {
    tenant_admin: { "Robert Hayes": 0.3 },
    agent: { "Chloé Dubois": 1.2, "Tom Nguyen": 0.9, "Kenji Watanabe": 0.8 },
    assistant: { "Laura Schmidt": 0.5 },
    joined: { "Kenji Watanabe": 60 },
  }),
  ...team(4, {
    tenant_admin: { "Nora Quinn": 0.4 },
    agent: { "Isabel Ortiz": 1.0, "Sam Patel": 0.8 },
    assistant: { "Leo Fischer": 0.5 },
  }),
  ...team(5, {
    tenant_admin: { "Victor Lang": 0.3 },
    agent: { "Mei Tanaka": 1.0, "Carlos Mendes": 0.9 },
    assistant: { "Ruth Adeyemi": 0.5 },
  }),
  ...team(6, {
    joined: 40,
    tenant_admin: { "Peter Novak": 0.3 },
    agent: { "Samira Khan": 1.0, "Owen Gallagher": 1.0 },
    assistant: { "Julia Costa": 0.5 },
  }),
  staff(1, "Riley Morgan"),
  staff(2, "Jordan Ellis"),
];

function pick(id: string): DemoUser {
  const { role, tenantId, fullName, email } = USERS.find((user) => user.id === id)!;
  return { id, role, tenantId, fullName: fullName!, email };
}

export const DEMO_USERS: Record<Role, DemoUser> = {
  [Role.AGENT]: pick("b0000000-0000-4000-8000-000000000102"),
  [Role.ASSISTANT]: pick("b0000000-0000-4000-8000-000000000107"),
  [Role.TENANT_ADMIN]: pick("b0000000-0000-4000-8000-000000000101"),
  [Role.SUPER_ADMIN]: pick("c0000000-0000-4000-8000-000000000001"),
};

/** Acme's former agent: the user row is gone, their activity and prospects stay. */
const DELETED_USER = userId(1, 99);

/** Rows the gateway must store but count carefully: foreign keys dangle, action types it does not know. */
const STRAY_ACTIVITY = [
  {
    tenantId: TENANTS[0].id,
    userId: DELETED_USER,
    rows: 120,
    fromDaysAgo: 60,
    toDaysAgo: 3,
    metadata: null,
    actions: ["login", "search_executed", "search_executed", "profile_viewed", "profile_enriched", "csv_exported"],
  },
  // An old SSO bridge logs the enum name rather than the stored form.
  {
    tenantId: TENANTS[0].id,
    userId: userId(1, 3),
    rows: 14,
    fromDaysAgo: 20,
    toDaysAgo: 0,
    metadata: { via: "sso-bridge" },
    actions: ["LOGIN"],
  },
  {
    tenantId: TENANTS[1].id,
    userId: userId(2, 2),
    rows: 25,
    fromDaysAgo: 30,
    toDaysAgo: 0,
    metadata: { client: "zapier" },
    actions: ["api_call"],
  },
  // A tenant deleted outright; its activity_log rows were never cleaned up.
  {
    tenantId: "a0000000-0000-4000-8000-000000000099",
    userId: userId(99, 1),
    rows: 30,
    fromDaysAgo: 100,
    toDaysAgo: 40,
    metadata: null,
    actions: ["login", "search_executed", "profile_viewed"],
  },
];

const FIRST_NAMES = [
  "Olivia",
  "Liam",
  "Emma",
  "Noah",
  "Ava",
  "Mateo",
  "Sophia",
  "Arjun",
  "Isabella",
  "Wei",
  "Amara",
  "Jakob",
  "Zoë",
  "Santiago",
  "Fatima",
  "Hiroshi",
  "Ingrid",
  "Kwame",
  "Léa",
  "Mohammed",
  "Nadia",
  "Oscar",
  "Priyanka",
  "Rafael",
  "Sienna",
  "Tobias",
  "Yara",
  "Ximena",
  "Björn",
  "Chiara",
  "Dmitri",
  "Elif",
  "Finn",
  "Gabriela",
  "Hassan",
  "Maja",
];
const LAST_NAMES = [
  "Anderson",
  "Bianchi",
  "Carter",
  "Dubois",
  "Eriksson",
  "Fernández",
  "García",
  "Hughes",
  "Ivanova",
  "Johansson",
  "Kowalski",
  "Larsen",
  "Martínez",
  "Nakamura",
  "O'Brien",
  "Patel",
  "Rossi",
  "Schmidt",
  "Thompson",
  "Újvári",
  "Valdez",
  "Walsh",
  "Xu",
  "Yılmaz",
  "Zhang",
  "Müller",
  "Nguyen",
  "Okonkwo",
  "Singh",
  "Brennan",
];
/** The source that failed a failed prospect: contactout and exa rate-limit, edgar rarely breaks. */
const FLAKY_SOURCES = ["contactout", "contactout", "contactout", "exa", "exa", "claude", "edgar"];
const ERRORS = [
  "429 Too Many Requests",
  "429 Too Many Requests",
  "ETIMEDOUT: upstream timed out after 30000 ms",
  "502 Bad Gateway",
];

// Deterministic noise: a uniform [0, 1) drawn from the md5 of a key, the same on PGlite and PostgreSQL.
const CREATE_UNIT = `CREATE FUNCTION pg_temp.unit(key text) RETURNS float8 LANGUAGE sql IMMUTABLE
  AS $$ SELECT ('x' || left(md5(key), 8))::bit(32)::bigint / 4294967296::float8 $$`;

// A UTC date N days before $1 as a timestamptz (midnight), and the part of it that has passed (all of it but today),
// so rows of today are never in the future.
const DAY_START = (daysAgo: string) =>
  `((($1::timestamptz AT TIME ZONE 'UTC')::date - ${daysAgo})::timestamp AT TIME ZONE 'UTC')`;
const ELAPSED = (start: string) => `least(interval '1 day', $1::timestamptz - ${start})`;

const INSERT_TENANTS = `
  INSERT INTO tenants (id, name, is_active, created_at)
  SELECT id, name, "isActive", $1::timestamptz - "createdDaysAgo" * interval '1 day'
  FROM jsonb_to_recordset($2::jsonb) AS t(id uuid, name text, "isActive" boolean, "createdDaysAgo" int)`;

const INSERT_USERS = `
  INSERT INTO users (id, tenant_id, full_name, email, role, created_at)
  SELECT id, "tenantId", "fullName", email, role, $1::timestamptz - "joinedDaysAgo" * interval '1 day'
  FROM jsonb_to_recordset($2::jsonb) AS u(id uuid, "tenantId" uuid, "fullName" text, email text, role text, "joinedDaysAgo" int)`;

// One cell per (user, day, action): an expected count shaped by tenant volume, user weight, weekday and a slow
// growth, made whole by stochastic rounding; then one row per unit, in business hours. Ids follow time, as the
// platform's would, except the late rows, which arrived last.
const INSERT_ACTIVITY = `
  WITH tenant AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS t(id uuid, volume float8, "quietDays" int)),
  member AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS u(id uuid, "tenantId" uuid, weight float8, "joinedDaysAgo" int)),
  day AS (SELECT d, ${DAY_START("d")} AS start FROM generate_series(0, ${ACTIVITY_DAYS - 1}) AS d),
  action (type, per_search) AS (VALUES
    ('login', NULL::float8), ('search_executed', 1.0), ('profile_viewed', 0.6), ('profile_enriched', 0.3),
    ('lookalike_search', 0.12), ('csv_exported', 0.08), ('list_created', 0.05), ('persona_created', 0.02)),
  cell AS (
    SELECT t.id AS tenant_id, m.id AS user_id, a.type, day.d, day.start, ${ELAPSED("day.start")} AS span,
      floor(
        coalesce(a.per_search * t.volume * m.weight, 1.2)
        * (ARRAY[1, 1, 1, 0.95, 0.8, 0.2, 0.1])[extract(isodow FROM day.start AT TIME ZONE 'UTC')::int]
        * (0.7 + 0.4 * (${ACTIVITY_DAYS - 1} - day.d) / ${ACTIVITY_DAYS - 1})
        * (0.6 + 0.8 * pg_temp.unit(m.id || ':' || day.d || ':' || a.type))
        + pg_temp.unit(m.id || ':' || day.d || ':' || a.type || ':round')
      )::int AS n
    FROM tenant t JOIN member m ON m."tenantId" = t.id CROSS JOIN day CROSS JOIN action a
    WHERE t.volume > 0 AND m.weight > 0 AND day.d BETWEEN t."quietDays" AND m."joinedDaysAgo"
  ),
  event AS (
    SELECT c.*, c.user_id || ':' || c.d || ':' || c.type || ':' || i AS k FROM cell c CROSS JOIN generate_series(1, c.n) AS i
  )
  INSERT INTO activity_log (tenant_id, user_id, action_type, metadata, created_at)
  SELECT tenant_id, user_id, type, CASE WHEN late THEN coalesce(metadata, '{}') || '{"late": true}' ELSE metadata END, created_at
  FROM (
    SELECT tenant_id, user_id, type,
      start + span * ((7 + 11 * (pg_temp.unit(k || ':h1') + pg_temp.unit(k || ':h2')) / 2) / 24) AS created_at,
      CASE WHEN type = 'search_executed' THEN jsonb_build_object('results', floor(800 * pg_temp.unit(k || ':results'))::int) END AS metadata,
      d BETWEEN 2 AND 5 AND pg_temp.unit(k || ':late') < 0.02 AS late
    FROM event
  ) e
  ORDER BY late, created_at`;

const INSERT_STRAY_ACTIVITY = `
  INSERT INTO activity_log (tenant_id, user_id, action_type, metadata, created_at)
  SELECT s."tenantId", s."userId", s.actions[1 + floor(pg_temp.unit(k || ':action') * cardinality(s.actions))::int], s.metadata,
    day.start + ${ELAPSED("day.start")} * ((7 + 11 * pg_temp.unit(k || ':h')) / 24) AS created_at
  FROM jsonb_to_recordset($2::jsonb)
    AS s("tenantId" uuid, "userId" uuid, rows int, "fromDaysAgo" int, "toDaysAgo" int, metadata jsonb, actions text[])
  CROSS JOIN generate_series(1, s.rows) AS i
  CROSS JOIN LATERAL (SELECT s."userId" || ':' || s.actions[1] || ':' || i AS k) AS key
  CROSS JOIN LATERAL (SELECT ${DAY_START(`(s."toDaysAgo" + floor(pg_temp.unit(k || ':d') * (s."fromDaysAgo" - s."toDaysAgo" + 1))::int)`)} AS start) AS day
  ORDER BY created_at`;

// Status mix, then per source an entry in either shape. A failed prospect has one source that failed for sure;
// contactout's key was revoked 3-4 days ago (a spike in the health chart and the error feed); a few entries and
// columns are malformed the way a legacy writer left them.
const INSERT_PROSPECTS = `
  WITH tenant AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS t(id uuid, prospects int, "quietDays" int)),
  member AS (SELECT * FROM jsonb_to_recordset($3::jsonb) AS u(id uuid, "tenantId" uuid, weight float8)),
  prospect AS (
    SELECT overlay(overlay(md5('prospect:' || k) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid AS id, t.id AS tenant_id, k, y.d,
      CASE WHEN pg_temp.unit(k || ':owner') < 0.02 THEN $4::uuid
           WHEN pg_temp.unit(k || ':owner') < 0.03 THEN NULL
           ELSE o.ids[1 + floor(pg_temp.unit(k || ':who') * cardinality(o.ids))::int] END AS user_id,
      ($5::text[])[1 + floor(pg_temp.unit(k || ':first') * cardinality($5::text[]))::int] || ' '
        || ($6::text[])[1 + floor(pg_temp.unit(k || ':last') * cardinality($6::text[]))::int] AS full_name,
      CASE WHEN y.s < 0.55 THEN 'complete' WHEN y.s < 0.7 THEN 'failed' WHEN y.s < 0.8 THEN 'in_progress' ELSE 'pending' END AS status,
      day.start + ${ELAPSED("day.start")} * ((6 + 14 * pg_temp.unit(k || ':h')) / 24) AS updated_at
    FROM tenant t
    CROSS JOIN LATERAL (SELECT array_agg(m.id ORDER BY m.id) AS ids FROM member m WHERE m."tenantId" = t.id AND m.weight > 0) AS o
    CROSS JOIN generate_series(1, t.prospects) AS i
    CROSS JOIN LATERAL (SELECT t.id || ':' || i AS k) AS key
    CROSS JOIN LATERAL (SELECT t."quietDays" + floor(30 * pg_temp.unit(k || ':day'))::int AS d, pg_temp.unit(k || ':status') AS s) AS y
    CROSS JOIN LATERAL (SELECT ${DAY_START("y.d")} AS start) AS day
  ),
  shaped AS (
    SELECT p.*, CASE WHEN p.status = 'failed' THEN ($8::text[])[1 + floor(cardinality($8::text[]) * pg_temp.unit(k || ':failing'))::int] END AS failing
    FROM prospect p
  )
  INSERT INTO prospects (id, tenant_id, user_id, full_name, enrichment_status, enrichment_source_status, created_at, updated_at)
  SELECT p.id, p.tenant_id, p.user_id, p.full_name, p.status,
    CASE
      WHEN p.status = 'pending' AND pg_temp.unit(k || ':untouched') < 0.6 THEN NULL -- no source tried yet
      WHEN p.status = 'failed' AND pg_temp.unit(k || ':legacy') < 0.02 THEN '"failed"'
      WHEN p.status = 'failed' AND pg_temp.unit(k || ':legacy') < 0.03 THEN '[]'
      ELSE (
        SELECT jsonb_object_agg(src, CASE
          WHEN r < 0.002 THEN to_jsonb(429) -- an HTTP code alone, no status
          WHEN r < 0.003 THEN jsonb_build_object('error', 'ECONNRESET: socket hang up')
          WHEN p.status = 'pending' THEN to_jsonb('pending'::text)
          WHEN incident OR src = p.failing OR r2 < CASE p.status WHEN 'failed' THEN 0.35 WHEN 'in_progress' THEN 0.15 ELSE 0.05 END THEN
            CASE WHEN r3 < 0.2 AND NOT incident THEN to_jsonb('failed'::text)
                 ELSE jsonb_build_object('status', 'failed', 'at', at, 'error',
                   CASE WHEN incident THEN '401 Unauthorized: API key revoked' ELSE ($7::text[])[1 + floor(r4 * cardinality($7::text[]))::int] END) END
          WHEN p.status = 'in_progress' AND r2 < 0.6 THEN to_jsonb('pending'::text)
          WHEN r3 < 0.3 THEN jsonb_build_object('status', 'complete', 'at', at)
          ELSE to_jsonb('complete'::text)
        END)
        FROM unnest(ARRAY['contactout', 'exa', 'edgar', 'claude',
          CASE WHEN pg_temp.unit(k || ':extra') < 0.04 THEN 'apollo' WHEN pg_temp.unit(k || ':extra') < 0.07 THEN 'hunter' END]) AS src
        CROSS JOIN LATERAL (SELECT pg_temp.unit(k || ':' || src) AS r, pg_temp.unit(k || ':' || src || ':2') AS r2,
          pg_temp.unit(k || ':' || src || ':3') AS r3, pg_temp.unit(k || ':' || src || ':4') AS r4,
          src = 'contactout' AND p.d IN (3, 4) AND p.status <> 'pending' AND pg_temp.unit(k || ':incident') < 0.7 AS incident,
          to_char((p.updated_at - pg_temp.unit(k || ':' || src || ':at') * interval '15 minutes') AT TIME ZONE 'UTC',
            'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at) AS q
        -- edgar only covers public companies
        WHERE src IS NOT NULL AND (src <> 'edgar' OR src = p.failing OR pg_temp.unit(k || ':edgar') >= 0.3)
      )
    END,
    p.updated_at - pg_temp.unit(k || ':age') * interval '20 days', p.updated_at
  FROM shaped p
  ORDER BY p.updated_at, p.id`;

/** Seeds demo data once: does nothing (returns false) if the tenants table already has rows. Returns true when it seeded. */
export async function seedDemoData(pool: Pool, now: Date = new Date()): Promise<boolean> {
  const c = await pool.connect();
  try {
    await c.query("BEGIN");
    await c.query("SELECT pg_advisory_xact_lock($1)", [SEED_LOCK]);
    const { rows } = await c.query<{ seeded: boolean }>("SELECT EXISTS (SELECT 1 FROM tenants) AS seeded");
    if (rows[0].seeded) {
      await c.query("ROLLBACK");
      return false;
    }
    const tenants = JSON.stringify(TENANTS);
    const users = JSON.stringify(USERS);
    // Compiling these one-off queries with JIT costs PostgreSQL seconds; running them takes a fraction of that.
    await c.query("SET LOCAL jit = off");
    await c.query(CREATE_UNIT);
    await c.query(INSERT_TENANTS, [now, tenants]);
    await c.query(INSERT_USERS, [now, users]);
    await c.query(INSERT_ACTIVITY, [now, tenants, users]);
    await c.query(INSERT_STRAY_ACTIVITY, [now, JSON.stringify(STRAY_ACTIVITY)]);
    await c.query(INSERT_PROSPECTS, [
      now,
      tenants,
      users,
      DELETED_USER,
      FIRST_NAMES,
      LAST_NAMES,
      ERRORS,
      FLAKY_SOURCES,
    ]);
    await c.query("DROP FUNCTION pg_temp.unit(text)");
    await c.query("COMMIT");
    return true;
  } catch (error) {
    await c.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    c.release();
  }
}
