/**
 * Issue 6's benchmark, issue 12's hostile neighbour and issue 17's growth, throughput and write cost.
 * `npm run bench -- --rows 1000000` (default), `--smoke` (CI: tiny scale, seconds, writes no BENCHMARKS.md),
 * `--keep` (keep the database), `--reuse` (use a kept one) and `--adopt` (the platform's tables filled before the
 * gateway's first start, which applies the other migrations and catches up; a section of its own). DATABASE_URL
 * names a PostgreSQL server; the bench creates its own database there and drops it at the end.
 */
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import autocannon from "autocannon";
import type { ResultOf } from "@graphql-typed-document-node/core";
import { print, type DocumentNode } from "graphql";
import pg from "pg";
import { usageDateSource } from "../src/daily-usage/exactness.sql";
import { Prisma } from "../src/db/generated/client";
import { PROSPECT_COUNT_TRIGGERS } from "../src/db/prospect-counts";
import { TODAY_DELTAS_MAX } from "../src/rollup/rollup.sql";
import { applyMigrations, readMigrations } from "../src/db/migrate";
import { graphql } from "../src/test/gql";
import { RollupRunRollupDocument, UsageMetricsFullDocument } from "../src/test/gql/graphql";
import {
  admin,
  benchPool,
  benchTokens,
  exitWith,
  logFailure,
  RAISED_BUDGETS,
  startGateway,
  wallTokens,
  withDatabase,
  type GatewayProcess,
} from "./gateway-process";
import { generate, insertLateRows, ms, scaleFor, SPIKE_DAYS_AGO, type Scale } from "./generate";
import { DASHBOARD_MIX, QUESTIONS, type Question, type Subject } from "./questions";
import {
  BASE_ROWS,
  baselineOf,
  mergeBenchmarks,
  missedTargets,
  renderSection,
  summarize,
  thousands,
  type AttackOutcomes,
  type HostileResult,
  type QuestionResult,
  type RollupResult,
  type ScaleReport,
  type ThroughputResult,
  type ThroughputSetup,
  type WriteCost,
  type WriteCostResult,
} from "./report";

const ROOT = join(__dirname, "..");

interface Options {
  rows: number;
  smoke: boolean;
  keep: boolean;
  reuse: boolean;
  allowMissing: boolean;
  adopt: boolean;
  /** Whether the naive variant runs: it holds the window's rows in the bench's memory. */
  naive: boolean;
  iterations: number;
  warmup: number;
  rollupIterations: number;
  throughputSeconds: number;
  /** Time one variant of one question may take, beyond its minimum of 3 rounds. */
  budgetMs: number;
  /** Each phase of the hostile neighbour: A idle, then A attacking. */
  hostileSeconds: number;
}

/**
 * Above this scale the naive variant is not run: its 90-day windows would hold 25M+ rows as JS objects (several GB,
 * past node's default heap) for minutes per round, and its target (>= 10x the gateway) is set at 1,000,000 rows.
 */
const NAIVE_MAX_ROWS = 10_000_000;

function parseOptions(argv: string[]): Options {
  const flags = new Set(argv.filter((arg) => arg.startsWith("--")));
  const value = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const n = Number(argv[i + 1]?.replace(/_/g, ""));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer`);
    return n;
  };
  const known = [
    "--rows",
    "--smoke",
    "--keep",
    "--reuse",
    "--allow-missing",
    "--adopt",
    "--iterations",
    "--warmup",
    "--seconds",
  ];
  for (const flag of flags)
    if (!known.includes(flag)) throw new Error(`unknown option ${flag} (known: ${known.join(" ")})`);
  const smoke = flags.has("--smoke");
  const rows = value("--rows") ?? (smoke ? 20_000 : 1_000_000);
  return {
    rows,
    smoke,
    keep: flags.has("--keep"),
    reuse: flags.has("--reuse"),
    allowMissing: flags.has("--allow-missing"),
    adopt: flags.has("--adopt"),
    naive: rows <= NAIVE_MAX_ROWS,
    iterations: value("--iterations") ?? (smoke ? 3 : 30),
    warmup: value("--warmup") ?? (smoke ? 1 : 3),
    rollupIterations: smoke ? 2 : 20,
    throughputSeconds: value("--seconds") ?? (smoke ? 1 : 20),
    budgetMs: smoke ? 5_000 : 20_000,
    hostileSeconds: smoke ? 1 : 15,
  };
}

const started = performance.now();
const log = (line: string) =>
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

// ---------------------------------------------------------------- GraphQL over HTTP

interface GraphQLClient {
  /** data of one operation; throws on HTTP or GraphQL errors. */
  request(
    operation: DocumentNode,
    variables: Record<string, unknown>,
    token: string,
  ): Promise<{ data: unknown; statements: number }>;
  body(operation: DocumentNode, variables: Record<string, unknown>): string;
}

function graphqlClient(base: string): GraphQLClient {
  const body = (document: DocumentNode, variables: Record<string, unknown>) =>
    JSON.stringify({ query: print(document), variables });
  return {
    body,
    async request(query, variables, token) {
      const send = () =>
        fetch(`${base}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: body(query, variables),
        });
      // A kept-alive socket the server closed after its idle timeout (a slow naive
      // run in between) fails before any response: send once more on a new one.
      const response = await send().catch((error: unknown) => {
        const code = (error as { cause?: { code?: string } }).cause?.code;
        if (code === "UND_ERR_SOCKET" || code === "ECONNRESET") return send();
        throw error;
      });
      const json = (await response.json()) as {
        data?: unknown;
        errors?: { message: string; extensions?: { code?: string } }[];
      };
      if (response.status !== 200 || json.errors?.length) {
        const errors = (json.errors ?? []).map((e) => `${e.extensions?.code ?? "?"}: ${e.message}`).join("; ");
        throw new Error(`HTTP ${response.status} ${errors}`);
      }
      return { data: json.data, statements: Number(response.headers.get("x-sql-statements") ?? NaN) };
    },
  };
}

// ---------------------------------------------------------------- checks

/** The first path where two answers differ, or null. */
function difference(a: unknown, b: unknown, path = "data"): string | null {
  if (a === b) return null;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: ${a.length} entries vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const found = difference(a[i], b[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (a && b && typeof a === "object" && typeof b === "object" && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = difference(
        (a as Record<string, unknown>)[key],
        (b as Record<string, unknown>)[key],
        `${path}.${key}`,
      );
      if (found) return found;
    }
    return null;
  }
  return `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

// ---------------------------------------------------------------- phases

/** Which fields the gateway has yet: questions whose field is missing are skipped. */
const FIELDS_OPERATION = graphql(`
  query BenchSchemaFields {
    query: __type(name: "Query") {
      fields {
        name
      }
    }
    mutation: __type(name: "Mutation") {
      fields {
        name
      }
    }
  }
`);

type RunRollupData = ResultOf<typeof RollupRunRollupDocument>;

/** At smoke scale, only the most recent past dates are rolled through the gateway. */
const SMOKE_GATEWAY_ROLLUPS = 7;

const BARE_ROLLUP = `
  INSERT INTO usage_metrics_daily (date, tenant_id, user_id, total_logins, searches_executed, profiles_viewed,
    profiles_enriched, csv_exports, lists_created, personas_created, lookalike_searches)
  SELECT $1::date, tenant_id, user_id,
    count(*) FILTER (WHERE action_type = 'login'), count(*) FILTER (WHERE action_type = 'search_executed'),
    count(*) FILTER (WHERE action_type = 'profile_viewed'), count(*) FILTER (WHERE action_type = 'profile_enriched'),
    count(*) FILTER (WHERE action_type = 'csv_exported'), count(*) FILTER (WHERE action_type = 'list_created'),
    count(*) FILTER (WHERE action_type = 'persona_created'), count(*) FILTER (WHERE action_type = 'lookalike_search')
  FROM activity_log
  WHERE created_at >= ($1::date::timestamp AT TIME ZONE 'UTC') AND created_at < (($1::date + 1)::timestamp AT TIME ZONE 'UTC')
  GROUP BY tenant_id, user_id
  ON CONFLICT (date, tenant_id, user_id) DO UPDATE SET
    total_logins = EXCLUDED.total_logins, searches_executed = EXCLUDED.searches_executed,
    profiles_viewed = EXCLUDED.profiles_viewed, profiles_enriched = EXCLUDED.profiles_enriched,
    csv_exports = EXCLUDED.csv_exports, lists_created = EXCLUDED.lists_created,
    personas_created = EXCLUDED.personas_created, lookalike_searches = EXCLUDED.lookalike_searches`;

/** A fingerprint of one date's rollup rows, to check the gateway's against the bare statement's. */
const ROLLUP_FINGERPRINT = `SELECT count(*)::int AS rows, md5(coalesce(string_agg(
    concat_ws(',', tenant_id, user_id, total_logins, searches_executed, profiles_viewed, profiles_enriched,
              csv_exports, lists_created, personas_created, lookalike_searches), ';' ORDER BY tenant_id, user_id), '')) AS digest
  FROM usage_metrics_daily WHERE date = $1::date`;

function pastDates(pool: pg.Pool, days: number): Promise<string[]> {
  return pool
    .query<{ date: string }>(
      `SELECT to_char(d, 'YYYY-MM-DD') AS date
       FROM generate_series((now() AT TIME ZONE 'UTC')::date - $1::int, (now() AT TIME ZONE 'UTC')::date - 1, interval '1 day') d`,
      [days - 1],
    )
    .then((result) => result.rows.map((row) => row.date));
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [performance.now() - start, result];
}

interface Run {
  options: Options;
  pool: pg.Pool;
  client: GraphQLClient;
  tokens: Record<Question["viewer"] | "neighbourAdmin", string>;
  subject: Subject;
  problems: string[];
}

async function measureQuestion(run: Run, question: Question): Promise<QuestionResult> {
  const { options, pool, client, tokens, subject } = run;
  const token = tokens[question.viewer];
  let statements = NaN;
  const variants = {
    reference: () => question.reference(pool, subject),
    gateway: async () => {
      const response = await client.request(question.operation, question.variables, token);
      statements = response.statements;
      return response.data;
    },
    naive: () => question.naive(pool, subject),
  };
  const samples = { reference: [] as number[], gateway: [] as number[], naive: [] as number[] };
  const answers: Record<string, unknown> = {};
  const runs = { reference: options.iterations, gateway: options.iterations, naive: options.iterations };
  const slow = { reference: false, gateway: false, naive: false };
  for (let round = -options.warmup; round < options.iterations; round++) {
    for (const name of ["reference", "gateway", "naive"] as const) {
      if (round >= runs[name] || (name === "naive" && !options.naive)) continue;
      // A variant slower than a tenth of the budget needs no cache warming: its checking round is enough.
      if (round < 0 && round > -options.warmup && slow[name]) continue;
      const [elapsed, answer] = await timed(variants[name]).catch((error: unknown) => {
        throw new Error(`${question.key} (${name}): ${error instanceof Error ? error.message : String(error)}`, {
          cause: error,
        });
      });
      if (round === -options.warmup) {
        // The first round checks that the three answer the same before anything is timed.
        answers[name] = answer;
        slow[name] = elapsed > options.budgetMs / 10;
        if (name !== "reference") {
          const found = difference(answers.reference, answer);
          if (found) run.problems.push(`${question.key}: ${name} differs from the reference at ${found}`);
        }
      }
      if (round >= 0) samples[name].push(elapsed);
      // A very slow variant (naive at 10M rows) gets as many rounds as fit the budget, at least one.
      if (round === -1 || (round === -options.warmup && slow[name]))
        runs[name] = Math.max(1, Math.min(options.iterations, Math.floor(options.budgetMs / elapsed)));
    }
  }
  const result: QuestionResult = {
    key: question.key,
    title: question.title,
    reference: summarize(samples.reference),
    gateway: summarize(samples.gateway),
    naive: summarize(samples.naive),
    statements,
    zone: question.zone,
  };
  log(
    `${question.key}: reference ${result.reference.median.toFixed(1)} ms, gateway ${result.gateway.median.toFixed(1)} ms (n ${result.gateway.n}), naive ${result.naive.median.toFixed(1)} ms (n ${result.naive.n})`,
  );
  return result;
}

/**
 * Rolls up every past date, as production would have: through runRollup, or
 * (the older dates at smoke scale, to stay within seconds; every date while
 * the schema lacks runRollup) the bench's bare statement.
 */
async function rollupAll(run: Run, dates: string[], viaGateway: boolean): Promise<void> {
  const firstViaGateway = run.options.smoke ? dates.length - SMOKE_GATEWAY_ROLLUPS : 0;
  for (const [i, date] of dates.entries()) {
    if (viaGateway && i >= firstViaGateway) {
      const { data } = await run.client.request(RollupRunRollupDocument, { date }, run.tokens.superAdmin);
      const { runRollup } = data as RunRollupData;
      if (runRollup.status !== "succeeded")
        throw new Error(`runRollup(${date}): ${runRollup.status} ${runRollup.error ?? ""}`);
    } else {
      await run.pool.query(BARE_ROLLUP, [date]);
    }
  }
  await run.pool.query("ANALYZE usage_metrics_daily");
}

/**
 * The bench's gateways run without their schedules (their runs would land among the measurements), so today is
 * rolled here when the healer would roll it (TODAY_DELTAS_MAX): through runRollup, before any measurement. Says what
 * it did, for the report.
 */
async function rollTodayAsTheHealerWould(run: Run): Promise<string> {
  const { rows } = await run.pool.query<{ today: string; deltas: number }>(
    `SELECT to_char(d, 'YYYY-MM-DD') AS today, (SELECT count(*)::int FROM usage_deltas WHERE date = d) AS deltas
       FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS d) AS today`,
  );
  const { today, deltas } = rows[0];
  if (deltas <= TODAY_DELTAS_MAX) return `; today's ${thousands(deltas)} deltas left as they are`;
  const [elapsed, { data }] = await timed(() =>
    run.client.request(RollupRunRollupDocument, { date: today }, run.tokens.superAdmin),
  );
  const { runRollup } = data as RunRollupData;
  if (runRollup.status !== "succeeded")
    throw new Error(`runRollup(${today}): ${runRollup.status} ${runRollup.error ?? ""}`);
  log(`rolled up today (${today}: ${deltas} deltas) in ${ms(elapsed)}`);
  return `; today rolled up by runRollup in ${ms(elapsed)}, as the healer rolls it beyond ${thousands(TODAY_DELTAS_MAX)} deltas (it held ${thousands(deltas)})`;
}

async function measureRollup(run: Run, date: string): Promise<RollupResult> {
  const gateway: number[] = [];
  const bare: number[] = [];
  let rowsWritten = 0;
  const fingerprints: string[] = [];
  const fingerprint = async () => JSON.stringify((await run.pool.query(ROLLUP_FINGERPRINT, [date])).rows[0]);
  for (let round = -1; round < run.options.rollupIterations; round++) {
    const [g, response] = await timed(() =>
      run.client.request(RollupRunRollupDocument, { date }, run.tokens.superAdmin),
    );
    const { runRollup } = response.data as RunRollupData;
    if (runRollup.status !== "succeeded")
      throw new Error(`runRollup(${date}): ${runRollup.status} ${runRollup.error ?? ""}`);
    rowsWritten = runRollup.rowsWritten ?? NaN;
    if (round === -1) fingerprints.push(await fingerprint());
    const [b, result] = await timed(() => run.pool.query(BARE_ROLLUP, [date]));
    if (round === -1) {
      fingerprints.push(await fingerprint());
      if (fingerprints[0] !== fingerprints[1])
        run.problems.push(`rollup of ${date}: the gateway's rows differ from the bare statement's`);
      if (result.rowCount !== rowsWritten)
        run.problems.push(`rollup of ${date}: rowsWritten ${rowsWritten}, bare statement ${result.rowCount}`);
    }
    if (round >= 0) {
      gateway.push(g);
      bare.push(b);
    }
  }
  const rows = (
    await run.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM activity_log
       WHERE created_at >= ($1::date::timestamp AT TIME ZONE 'UTC') AND created_at < (($1::date + 1)::timestamp AT TIME ZONE 'UTC')`,
      [date],
    )
  ).rows[0].n;
  log(
    `rollup of ${date} (${rows} rows): gateway ${summarize(gateway).median.toFixed(1)} ms, bare ${summarize(bare).median.toFixed(1)} ms`,
  );
  return { date, rows, rowsWritten, gateway: summarize(gateway), bare: summarize(bare) };
}

/** Screens of the dashboard wall per role (platform staff; admins of the largest tenants). */
const WALL_SCREENS = 3;

/**
 * The dashboards' mix (every query, each role's by each of its screens), round robin per connection, at 10 and 50
 * connections, each without and then with `Cache-Control: max-age=10`.
 */
async function throughput(
  run: Run,
  gateway: GatewayProcess,
  secret: string,
): Promise<{ results: ThroughputResult[]; setup: ThroughputSetup }> {
  const wall = await wallTokens(run.pool, secret, WALL_SCREENS);
  const requests = Array.from({ length: WALL_SCREENS }, (_, screen) =>
    DASHBOARD_MIX.map((request) => ({ ...request, token: wall[request.token][screen % wall[request.token].length] })),
  ).flat();
  // Each request answers without errors once before the runs.
  for (const request of requests) {
    const response = await post(gateway.base, request.token, request.body);
    if (outcomeOf(response) !== "ok")
      throw new Error(`throughput ${request.name}: HTTP ${response.status} ${response.codes.join(", ")}`);
  }
  const results: ThroughputResult[] = [];
  for (const connections of [10, 50]) {
    for (const maxAge of [false, true]) {
      // Answers with GraphQL errors, as they arrive (the gateway's own counts would add the requests in flight
      // that autocannon abandons at the end).
      let graphqlErrors = 0;
      // Each connection goes round the mix from its own place in it, as screens that started at different times
      // would: in lockstep, every connection would ask the same panel at the same instant.
      let rounds = 0;
      const stride = Math.max(1, Math.floor(requests.length / connections));
      const result = await autocannon({
        url: gateway.base,
        connections,
        duration: run.options.throughputSeconds,
        requests: requests.map((_, index) => ({
          method: "POST",
          path: "/graphql",
          // autocannon gives each connection a context of its own, emptied when it starts the round again.
          setupRequest: (request: autocannon.Request, context: { start?: number }) => {
            context.start ??= (rounds++ * stride) % requests.length;
            const { token, body } = requests[(context.start + index) % requests.length];
            return {
              ...request,
              headers: {
                "content-type": "application/json",
                authorization: `Bearer ${token}`,
                ...(maxAge ? { "cache-control": "max-age=10" } : {}),
              },
              body,
            };
          },
          onResponse: (status: number, body: string) => {
            if (status === 200 && body.includes('"errors"')) graphqlErrors += 1;
          },
        })),
      });
      const errors = result.errors + result.timeouts + result.non2xx + graphqlErrors;
      results.push({
        connections,
        maxAge,
        seconds: run.options.throughputSeconds,
        requestsPerSecond: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        requests: result.requests.total,
        errors,
      });
      log(
        `throughput x${connections}${maxAge ? " max-age=10" : ""}: ${result.requests.average.toFixed(0)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, errors ${errors} (connection ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}, GraphQL ${graphqlErrors})`,
      );
    }
  }
  const setup: ThroughputSetup = {
    mix: DASHBOARD_MIX.map((request) => request.name),
    viewers: `a wall of ${WALL_SCREENS} platform staff screens (super admins) and the tenant admins of the ${WALL_SCREENS} largest tenants, each screen sending the mix of its role (${requests.length} requests in a round, each connection starting it at its own place)`,
    budgets: `the per-tenant and per-viewer budgets raised out of the way (bench/gateway-process.ts RAISED_BUDGETS: ${Object.entries(
      RAISED_BUDGETS,
    )
      .map(([name, value]) => `${name}=${value}`)
      .join(", ")})`,
  };
  return { results, setup };
}

// ---------------------------------------------------------------- write cost (issue 17)

/** The triggers issue 17 added, by table: disabled, the table is written as before the issue. */
const ISSUE_17_TRIGGERS: Record<string, readonly string[]> = { prospects: PROSPECT_COUNT_TRIGGERS };

/** Each way a write is measured: every trigger as migrated, without issue 17's, without any user trigger. */
type WriteWay = "on" | "before" | "off";

/** One table's rows, written in bulk (one INSERT ... SELECT) or one row per statement, stamped now. */
const WRITES: Record<string, { bulk: string; single: string }> = {
  activity_log: {
    bulk: `INSERT INTO activity_log (tenant_id, user_id, action_type, created_at)
      SELECT u.tenant_id, u.id, (ARRAY['login', 'search_executed', 'profile_viewed', 'profile_enriched'])[1 + i % 4],
             now() - make_interval(secs => i % 3600)
      FROM generate_series(1, $1::int) i
      JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, tenant_id, id FROM users WHERE tenant_id IS NOT NULL) u
        ON u.n = i % (SELECT count(*) FROM users WHERE tenant_id IS NOT NULL)`,
    single: `INSERT INTO activity_log (tenant_id, user_id, action_type, created_at) VALUES ($1::uuid, $2::uuid, 'search_executed', now())`,
  },
  prospects: {
    bulk: `INSERT INTO prospects (id, tenant_id, user_id, full_name, enrichment_status, enrichment_source_status, created_at, updated_at)
      SELECT gen_random_uuid(), u.tenant_id, u.id, 'Written ' || i,
             (ARRAY['complete', 'failed', 'pending', 'in_progress'])[1 + i % 4],
             CASE WHEN i % 4 = 1 THEN jsonb_build_object('exa', jsonb_build_object('status', 'failed', 'error', 'timeout after 30s'))
                  ELSE '{"exa": "complete"}'::jsonb END,
             now(), now()
      FROM generate_series(1, $1::int) i
      JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS n, tenant_id, id FROM users WHERE tenant_id IS NOT NULL) u
        ON u.n = i % (SELECT count(*) FROM users WHERE tenant_id IS NOT NULL)`,
    single: `INSERT INTO prospects (id, tenant_id, user_id, full_name, enrichment_status, enrichment_source_status, created_at, updated_at)
      VALUES (gen_random_uuid(), $1::uuid, $2::uuid, 'Written', 'failed', '{"exa": {"status": "failed", "error": "timeout after 30s"}}', now(), now())`,
  },
};

/**
 * Rows/s written to each table, bulk and one row per statement, with its triggers as migrated and with its user
 * triggers disabled, interleaved; each in a transaction rolled back, so the bench's data stay as generated.
 */
async function writeCost(run: Run): Promise<WriteCost> {
  const rounds = run.options.smoke ? 1 : 3;
  const sizes = { bulk: run.options.smoke ? 5_000 : 50_000, single: run.options.smoke ? 200 : 1_000 };
  const triggers: Record<string, string[]> = {};
  for (const table of Object.keys(WRITES)) {
    const { rows } = await run.pool.query<{ name: string }>(
      "SELECT tgname AS name FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY tgname",
      [table],
    );
    triggers[table] = rows.map((row) => row.name);
  }
  const writer = (
    await run.pool.query<{ tenant_id: string; id: string }>(
      "SELECT tenant_id::text, id::text FROM users WHERE tenant_id IS NOT NULL ORDER BY id LIMIT 1",
    )
  ).rows[0];
  const samples = new Map<string, Record<WriteWay, number[]>>();
  const client = await run.pool.connect();
  try {
    for (let round = 0; round < rounds; round++) {
      for (const [table, statements] of Object.entries(WRITES)) {
        const added = ISSUE_17_TRIGGERS[table] ?? [];
        const ways: WriteWay[] = added.length > 0 ? ["on", "before", "off"] : ["on", "off"];
        for (const kind of ["bulk", "single"] as const) {
          // Rotate which way goes first, so none always meets the others' dead rows.
          for (const way of ways.map((_, i) => ways[(i + round) % ways.length])) {
            await client.query("BEGIN");
            try {
              if (way === "off") await client.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
              if (way === "before")
                for (const trigger of added) await client.query(`ALTER TABLE ${table} DISABLE TRIGGER ${trigger}`);
              const [elapsed] = await timed(async () => {
                if (kind === "bulk") await client.query(statements.bulk, [sizes.bulk]);
                else
                  for (let i = 0; i < sizes.single; i++)
                    await client.query(statements.single, [writer.tenant_id, writer.id]);
              });
              const key = `${table}\u0000${kind}`;
              if (!samples.has(key)) samples.set(key, { on: [], before: [], off: [] });
              samples.get(key)![way].push((sizes[kind] / elapsed) * 1000);
            } finally {
              await client.query("ROLLBACK");
            }
          }
        }
      }
    }
  } finally {
    client.release();
  }
  const results: WriteCostResult[] = [...samples].map(([key, { on, before, off }]) => {
    const [table, kind] = key.split("\u0000") as [string, "bulk" | "single"];
    return {
      table,
      statement: kind === "bulk" ? "one INSERT ... SELECT" : "one-row INSERTs, one after the other",
      rows: sizes[kind],
      withTriggers: summarize(on),
      beforeIssue17: before.length > 0 ? summarize(before) : null,
      withoutTriggers: summarize(off),
    };
  });
  for (const r of results)
    log(
      `write cost ${r.table} ${r.statement}: ${r.withTriggers.median.toFixed(0)} rows/s with triggers, ${r.withoutTriggers.median.toFixed(0)} without`,
    );
  return { rounds, triggers, results };
}

// ---------------------------------------------------------------- hostile neighbour (issue 12)

const COUNTERS =
  "totalLogins searchesExecuted profilesViewed profilesEnriched csvExports listsCreated personasCreated lookalikeSearches";

/** The attack of issue 12 came from ten concurrent clients. */
const HOSTILE_ATTACKERS = 10;

/** Issue 12's attack as it was sent: six year-long windows in aliases. */
const ALIASED_YEARS = `query HostileAliasedYears($from: Date!, $to: Date!) {
  ${Array.from({ length: 6 }, (_, i) => `y${i}: usageMetrics(from: $from, to: $to) { daily { date ${COUNTERS} } totals { ${COUNTERS} } }`).join("\n  ")}
}`;

/** The heaviest request the cost limit admits (cost.ts: 366 dates, three statements, every field): A's loop. */
const HEAVIEST_ADMITTED = `query HostileHeaviest($from: Date!, $to: Date!) {
  usageMetrics(from: $from, to: $to, granularity: WEEK) {
    startDate endDate
    daily { date ${COUNTERS} }
    buckets { periodStart periodEnd partial ${COUNTERS} }
    totals { ${COUNTERS} }
    previousTotals { ${COUNTERS} }
    changes { ${COUNTERS.split(" ")
      .map((counter) => `${counter} { current previous absolute percent }`)
      .join(" ")} }
    userBreakdown { userId fullName ${COUNTERS} }
  }
}`;

interface Answer {
  status: number;
  codes: string[];
  statements: number;
}

async function post(base: string, token: string, body: string): Promise<Answer> {
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body,
    // A request the gateway never answers must not hold the phase open.
    signal: AbortSignal.timeout(60_000),
  });
  const json = (await response.json().catch(() => ({}))) as { errors?: { extensions?: { code?: string } }[] };
  return {
    status: response.status,
    codes: (json.errors ?? []).map((error) => String(error.extensions?.code)),
    statements: Number(response.headers.get("x-sql-statements") ?? NaN),
  };
}

function outcomeOf(answer: Answer | null): keyof AttackOutcomes {
  if (answer === null) return "other";
  if (answer.status === 429 || answer.codes.includes("RATE_LIMITED")) return "rateLimited";
  if (answer.codes.includes("QUERY_LIMIT_COST")) return "costLimit";
  if (answer.status >= 500) return "serverError";
  return answer.status === 200 && answer.codes.length === 0 ? "ok" : "other";
}

/**
 * Tenant B's admin asks its 7-day and 30-day usage in turn, one request at a time, until `deadline`: the latencies
 * of its answers, and how many failed.
 */
async function neighbourLoop(run: Run, base: string, deadline: number): Promise<{ samples: number[]; failed: number }> {
  const bodies = ["LAST_7_DAYS", "LAST_30_DAYS"].map((range) => run.client.body(UsageMetricsFullDocument, { range }));
  const samples: number[] = [];
  let failed = 0;
  for (let i = 0; performance.now() < deadline; i++) {
    const [elapsed, answer] = await timed(() => post(base, run.tokens.neighbourAdmin, bodies[i % 2]).catch(() => null));
    if (outcomeOf(answer) === "ok") samples.push(elapsed);
    else failed += 1;
  }
  return { samples, failed };
}

/**
 * Issue 12's hostile neighbour: B's latency with A idle, then with A's admin looping the heaviest request the cost
 * limit admits from ten clients at once, back to back in one run. A's answers are counted, not checked: refusals
 * (429 from the tenant's budget, QUERY_LIMIT_COST) are the gateway defending B.
 */
async function hostileNeighbour(run: Run, base: string): Promise<HostileResult> {
  const { options, tokens } = run;
  const year = (
    await run.pool.query<{ from: string; to: string }>(
      `SELECT to_char(d - 365, 'YYYY-MM-DD') AS "from", to_char(d, 'YYYY-MM-DD') AS "to" FROM (SELECT (now() AT TIME ZONE 'UTC')::date AS d) today`,
    )
  ).rows[0];
  const attackBody = JSON.stringify({ query: HEAVIEST_ADMITTED, variables: year });

  const aliased = await post(base, tokens.tenantAdmin, JSON.stringify({ query: ALIASED_YEARS, variables: year }));
  const refused = `HTTP ${aliased.status} ${aliased.codes.join(", ") || "no error"}, ${aliased.statements} SQL statements`;
  if (aliased.status !== 400 || !aliased.codes.includes("QUERY_LIMIT_COST") || aliased.statements !== 0)
    run.problems.push(`hostile neighbour: six year-long aliases were not refused before any SQL (${refused})`);
  const heaviest = await post(base, tokens.tenantAdmin, attackBody);
  if (outcomeOf(heaviest) !== "ok")
    run.problems.push(
      `hostile neighbour: A's loop request is not admitted (HTTP ${heaviest.status} ${heaviest.codes.join(", ")})`,
    );

  // Warm-up: B's documents compiled and its pages cached, as a dashboard that is open already.
  await neighbourLoop(run, base, performance.now() + Math.min(2_000, options.hostileSeconds * 500));
  const idle = await neighbourLoop(run, base, performance.now() + options.hostileSeconds * 1000);
  log(
    `hostile neighbour, A idle: B p50 ${summarize(idle.samples).median.toFixed(1)} ms, p99 ${summarize(idle.samples).p99.toFixed(1)} ms (n ${idle.samples.length})`,
  );

  const outcomes: AttackOutcomes = { ok: 0, rateLimited: 0, costLimit: 0, serverError: 0, other: 0 };
  const deadline = performance.now() + options.hostileSeconds * 1000;
  const attacker = async () => {
    while (performance.now() < deadline)
      outcomes[outcomeOf(await post(base, tokens.tenantAdmin, attackBody).catch(() => null))] += 1;
  };
  const attackers = Array.from({ length: HOSTILE_ATTACKERS }, attacker);
  const attacked = await neighbourLoop(run, base, deadline);
  await Promise.all(attackers);
  const result: HostileResult = {
    seconds: options.hostileSeconds,
    attackers: HOSTILE_ATTACKERS,
    attack: "a 366-day usageMetrics with weekly buckets, previousTotals, changes and userBreakdown (cost about 1,110)",
    refused,
    idle: summarize(idle.samples),
    attacked: summarize(attacked.samples),
    failures: { idle: idle.failed, attacked: attacked.failed },
    outcomes,
  };
  log(
    `hostile neighbour, A attacking: B p50 ${result.attacked.median.toFixed(1)} ms, p99 ${result.attacked.p99.toFixed(1)} ms (n ${result.attacked.n}); A ${JSON.stringify(outcomes)}`,
  );
  return result;
}

/** Stops a bench gateway; an error line it logged is a problem of the run. */
async function stopChecked(problems: string[], gateway: GatewayProcess): Promise<void> {
  await gateway.stop();
  log("gateway stopped");
  const errorLines = gateway
    .output()
    .split("\n")
    .filter((line) => /"level":(50|60)/.test(line));
  if (errorLines.length > 0) {
    const messages = new Set(errorLines.map((line) => /"msg":"([^"]*)"/.exec(line)?.[1] ?? line.slice(0, 200)));
    problems.push(`the gateway logged ${errorLines.length} error line(s): ${[...messages].join("; ")}`);
  }
}

// ---------------------------------------------------------------- adoption (issue 17)

/** The platform's history written as it was before the gateway: none of the gateway's triggers fire on it. */
async function withoutTriggers<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> {
  const tables = ["activity_log", "prospects"];
  for (const table of tables) await pool.query(`ALTER TABLE ${table} DISABLE TRIGGER USER`);
  try {
    return await work();
  } finally {
    for (const table of tables) await pool.query(`ALTER TABLE ${table} ENABLE TRIGGER USER`);
  }
}

/** How all-tenant answers read today's date (usageDateSource): 'rollup', 'deltas' or 'raw'. */
async function todaysSource(pool: pg.Pool): Promise<string> {
  const statement = Prisma.sql`SELECT ${usageDateSource(Prisma.sql`(now() AT TIME ZONE 'UTC')::date`, null)} AS source`;
  return (await pool.query<{ source: string }>(statement.text, statement.values)).rows[0].source;
}

/** How long the migrations at the first start, and then the catch-up, may each take before the bench gives up. */
const ADOPTION_TIMEOUT_MS = 3_600_000;

/**
 * The gateway's first start on the platform's history: it applies the other migrations, then its catch-up rolls up
 * every date that needs it in one pass (a batch of 1000). Returns the gateway, its catch-up done, and what happened.
 */
async function adoptingGateway(pool: pg.Pool, dbUrl: string, secret: string): Promise<[GatewayProcess, string]> {
  const [startMs, gateway] = await timed(() =>
    startGateway(
      dbUrl,
      secret,
      log,
      {
        ROLLUP_ENABLED: "true",
        ROLLUP_HEAL_BATCH: "1000",
        ROLLUP_CRON: "0 0 1 1 *",
      },
      ADOPTION_TIMEOUT_MS,
    ),
  );
  // A catch-up that fails or never ends must not leave the gateway running: the bench stops only the one it holds.
  try {
    log(`adopting gateway ready (migrations applied) in ${ms(startMs)}; today's source ${await todaysSource(pool)}`);
    const [catchUpMs] = await timed(async () => {
      const deadline = performance.now() + ADOPTION_TIMEOUT_MS;
      for (;;) {
        const metrics = await (await fetch(`${gateway.metricsBase}/metrics`)).text();
        if (/^gateway_rollup_dates_to_heal 0$/m.test(metrics)) return;
        if (performance.now() > deadline)
          throw new Error(`the catch-up at start did not end within ${ms(ADOPTION_TIMEOUT_MS)}`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    });
    const runs = (
      await pool.query<{ n: number; today: boolean }>(
        `SELECT count(*)::int AS n, bool_or(date = (now() AT TIME ZONE 'UTC')::date) AS today
         FROM rollup_runs WHERE trigger = 'catch-up' AND status = 'succeeded'`,
      )
    ).rows[0];
    const source = await todaysSource(pool);
    const summary = `by the gateway's catch-up at its first start (migrations applied before it was ready, in ${ms(startMs)}): ${runs.n} dates rolled up in ${ms(catchUpMs)}, today ${runs.today ? "included" : "not included"} (today read from '${source}')`;
    log(summary);
    return [gateway, summary];
  } catch (error) {
    await gateway.stop();
    throw error;
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  // Other work on the machine skews every figure: the report states the load.
  const loadAtStart = loadavg()[0].toFixed(1);
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl || !/^postgres(ql)?:\/\//.test(serverUrl)) {
    log("DATABASE_URL must name a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/postgres");
    return 2;
  }
  const scale: Scale = scaleFor(options.rows);
  const persistent = options.keep || options.reuse;
  const kind = options.adopt ? "_adopt" : "";
  const dbName = options.smoke
    ? `gateway_bench_smoke${kind}_${process.pid}`
    : `gateway_bench_${options.rows}${kind}${persistent ? "" : `_${process.pid}`}`;
  const dbUrl = withDatabase(serverUrl, dbName);
  const exists = (await admin(serverUrl, `SELECT 1 FROM pg_database WHERE datname = '${dbName}'`)) > 0;
  const reused = options.reuse && exists;
  if (!reused) {
    if (exists) await admin(serverUrl, `DROP DATABASE "${dbName}" WITH (FORCE)`);
    await admin(serverUrl, `CREATE DATABASE "${dbName}"`);
  }
  log(`database ${dbName}${reused ? " (reused)" : ""}`);
  // JIT off for the reference and naive statements: on this server it compiles for 0.3-3 s per
  // statement, more than the queries take; the gateway runs with the server's settings.
  const pool = benchPool(
    { connectionString: dbUrl, max: 4, application_name: "gateway-bench", options: "-c jit=off" },
    log,
  );
  let gateway: GatewayProcess | null = null;
  const stopAll = async () => {
    await gateway?.stop();
    await pool.end();
    if (!options.keep) await admin(serverUrl, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    log(options.keep ? `kept database ${dbName} (re-run with --reuse)` : `dropped database ${dbName}`);
  };
  const interrupted = () => {
    log("interrupted: cleaning up");
    void stopAll().finally(() => process.exit(130));
  };
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  try {
    // Adopting, the platform's tables come first (the first migration) and the gateway's start applies the others.
    const migrations = readMigrations();
    await applyMigrations(pool, options.adopt && !reused ? migrations.slice(0, 1) : migrations);
    const rolledBefore = reused && (await pool.query("SELECT 1 FROM usage_metrics_daily LIMIT 1")).rowCount === 1;
    let generation: string;
    if (reused) {
      const meta = await pool.query<{ generation: string }>("SELECT generation FROM bench_meta").catch(() => null);
      generation = `reused (--reuse); when generated: ${meta?.rows[0]?.generation ?? "not recorded"}`;
    } else {
      const [total, timings] = await timed(() =>
        options.adopt ? withoutTriggers(pool, () => generate(pool, scale, log)) : generate(pool, scale, log),
      );
      generation = `${ms(total)} (tenants and users ${ms(timings.tenantsAndUsers)}, activity_log ${ms(timings.activity)}, prospects ${ms(timings.prospects)}, vacuum analyze ${ms(timings.analyze)})`;
      // For a later --reuse run's report.
      await pool.query("CREATE TABLE bench_meta (generation text NOT NULL)");
      await pool.query("INSERT INTO bench_meta (generation) VALUES ($1)", [generation]);
    }

    const secret = randomBytes(36).toString("base64url");
    const problems: string[] = [];
    let adoption: string | null = null;
    if (options.adopt && !reused) {
      [gateway, adoption] = await adoptingGateway(pool, dbUrl, secret);
      await stopChecked(problems, gateway);
    }
    gateway = await startGateway(dbUrl, secret, log, RAISED_BUDGETS);
    log(`gateway ready (pid ${gateway.pid}, ${gateway.idleMb.toFixed(0)} MB)`);
    const client = graphqlClient(gateway.base);
    const { largestTenantId, tokens } = await benchTokens(pool, secret);
    const run: Run = { options, pool, client, tokens, subject: { largestTenantId }, problems };

    const fields = (await client.request(FIELDS_OPERATION, {}, tokens.superAdmin)).data as ResultOf<
      typeof FIELDS_OPERATION
    >;
    const has = new Set(
      [...(fields.query?.fields ?? []), ...(fields.mutation?.fields ?? [])].map((field) => field.name),
    );
    const skipped: string[] = [];

    const dates = await pastDates(pool, scale.days);
    const viaGateway = has.has("runRollup");
    if (!viaGateway)
      skipped.push(
        "runRollup is not in the schema yet: dates rolled up by the bench's bare statement, rollup not measured",
      );
    let rolledUp = adoption
      ? `${adoption}, then ${scale.lateRows} late rows on the 3 dates before today`
      : "in the reused database";
    if (adoption) await insertLateRows(pool, scale);
    else if (!rolledBefore) {
      const [elapsed] = await timed(() => rollupAll(run, dates, viaGateway));
      const how = !viaGateway
        ? "the bench's bare statement"
        : options.smoke
          ? `runRollup for the last ${SMOKE_GATEWAY_ROLLUPS}, the bench's bare statement for the others`
          : "runRollup, one call per date";
      rolledUp = `${dates.length} dates (${how}) in ${ms(elapsed)}, then ${scale.lateRows} late rows on the 3 dates before today`;
      log(`rolled up ${rolledUp}`);
      await insertLateRows(pool, scale);
    }

    if (viaGateway) rolledUp += await rollTodayAsTheHealerWould(run);

    const spikeDate = dates[dates.length - SPIKE_DAYS_AGO];
    const rollup = viaGateway ? await measureRollup(run, spikeDate) : null;

    const questions: QuestionResult[] = [];
    for (const question of QUESTIONS) {
      if (!has.has(question.field)) {
        skipped.push(`${question.key}: ${question.field} is not in the schema yet`);
        continue;
      }
      questions.push(await measureQuestion(run, question));
    }

    // The mix needs every dashboard field: while one is missing, the latency table says which.
    const mixed = skipped.length === 0 ? await throughput(run, gateway, secret) : null;
    const throughputResults = mixed?.results ?? [];

    const memory = { idleMb: gateway.idleMb, peakMb: gateway.peakMb() };
    await stopChecked(run.problems, gateway);

    // The hostile neighbour needs the budgets the raw-speed runs raise: a gateway of its own, with the defaults.
    let hostile: HostileResult | null = null;
    if (has.has("usageMetrics")) {
      gateway = await startGateway(dbUrl, secret, log);
      hostile = await hostileNeighbour(run, gateway.base);
      await stopChecked(run.problems, gateway);
    }

    const writes = await writeCost(run);

    const counts: Record<string, number> = {};
    for (const table of ["tenants", "users", "activity_log", "prospects", "usage_metrics_daily"]) {
      counts[table] = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    }
    const environment = {
      date: new Date().toISOString(),
      nproc: cpus().length,
      memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
      load: `${loadAtStart} at the start, ${loadavg()[0].toFixed(1)} at the end`,
      node: process.version,
      postgres: (await pool.query<{ version: string }>("SELECT version()")).rows[0].version,
      command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
    };
    const file = join(ROOT, "BENCHMARKS.md");
    const existing = existsSync(file) ? readFileSync(file, "utf8") : "";
    const partial = {
      rows: options.rows,
      adopted: options.adopt,
      environment,
      counts,
      generation,
      rolledUp,
      iterations: options.iterations,
      warmup: options.warmup,
      questions,
      rollup,
      throughput: throughputResults,
      throughputSetup: mixed?.setup ?? null,
      writeCost: writes,
      baseline: options.rows === BASE_ROWS ? null : baselineOf(existing, options.adopt),
      hostile,
      memory,
      skipped,
      problems: run.problems,
    };
    // At smoke scale fixed costs (HTTP, GraphQL) dominate: the targets are about the real scales.
    const report: ScaleReport = { ...partial, misses: options.smoke ? [] : missedTargets(partial) };
    const section = renderSection(report);
    process.stdout.write(`\n${section}\n`);
    if (!options.smoke) {
      writeFileSync(file, mergeBenchmarks(existing, { rows: options.rows, adopted: options.adopt }, section));
      log(`BENCHMARKS.md updated (section ${options.rows} rows${options.adopt ? ", adopted" : ""})`);
    }
    const failed =
      run.problems.length > 0 ||
      throughputResults.some((t) => t.errors > 0) ||
      (skipped.length > 0 && !options.allowMissing);
    if (skipped.length > 0 && !options.allowMissing)
      log("some questions were skipped (pass --allow-missing while features are missing)");
    return failed ? 1 : 0;
  } catch (error) {
    return logFailure(log, error, gateway);
  } finally {
    await stopAll();
  }
}

exitWith(main, log);
