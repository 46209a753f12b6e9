/**
 * Issue 7's load test. `npm run load` (`--seconds 30 --connections 50 --rows 200000`):
 * a production gateway process on a fresh database of the PostgreSQL server
 * that DATABASE_URL names (generated at a modest scale and rolled up), then
 * autocannon on 127.0.0.1 mixing every dashboard query with signed tokens.
 * Reports throughput, latency, failures (HTTP and, from the gateway's
 * /metrics, GraphQL outcomes) and the gateway's RSS; exits 1 on any failure.
 */
import { loadavg, cpus } from "node:os";
import autocannon from "autocannon";
import { print } from "graphql";
import { applyMigrations } from "../src/db/migrate";
import { RollupRunRollupDocument } from "../src/test/gql/graphql";
import { generate, insertLateRows, scaleFor } from "./generate";
import {
  admin,
  benchPool,
  benchTokens,
  exitWith,
  lastOutput,
  logFailure,
  RAISED_BUDGETS,
  startGateway,
  statusMb,
  withDatabase,
  type GatewayProcess,
} from "./gateway-process";
import { DASHBOARD_MIX as MIX } from "./questions";
import { randomBytes } from "node:crypto";

const started = performance.now();
const log = (line: string) =>
  process.stderr.write(`[load ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${line}\n`);

function option(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]?.replace(/_/g, ""));
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} needs a positive integer`);
  return n;
}

/** gateway_graphql_requests_total summed by outcome (ok, error, rejected, failed). */
async function outcomes(metricsBase: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${metricsBase}/metrics`)).text();
  const sums: Record<string, number> = { ok: 0, error: 0, rejected: 0, failed: 0 };
  for (const [, outcome, value] of text.matchAll(
    /^gateway_graphql_requests_total\{[^}]*outcome="(\w+)"[^}]*\} (\S+)$/gm,
  ))
    sums[outcome] = (sums[outcome] ?? 0) + Number(value);
  return sums;
}

async function post(
  base: string,
  body: string,
  token: string,
): Promise<{ status: number; json: { data?: unknown; errors?: { message: string }[] } }> {
  const response = await fetch(`${base}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body,
  });
  return {
    status: response.status,
    json: (await response.json()) as { data?: unknown; errors?: { message: string }[] },
  };
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const seconds = option(argv, "--seconds", 30);
  const connections = option(argv, "--connections", 50);
  const rows = option(argv, "--rows", 200_000);
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl || !/^postgres(ql)?:\/\//.test(serverUrl)) {
    log("DATABASE_URL must name a PostgreSQL server, e.g. postgresql://postgres@127.0.0.1:5432/postgres");
    return 2;
  }
  const loadAtStart = loadavg()[0].toFixed(1);
  const dbName = `gateway_load_${process.pid}`;
  const dbUrl = withDatabase(serverUrl, dbName);
  await admin(serverUrl, `CREATE DATABASE "${dbName}"`);
  const pool = benchPool({ connectionString: dbUrl, max: 2, application_name: "gateway-load" }, log);
  let gateway: GatewayProcess | null = null;
  const stopAll = async () => {
    await gateway?.stop();
    await pool.end();
    await admin(serverUrl, `DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    log(`dropped database ${dbName}`);
  };
  process.once("SIGINT", () => void stopAll().finally(() => process.exit(130)));
  try {
    const scale = scaleFor(rows);
    await applyMigrations(pool);
    await generate(pool, scale, log);
    const secret = randomBytes(36).toString("base64url");
    gateway = await startGateway(dbUrl, secret, log, RAISED_BUDGETS);
    const { base, pid } = gateway;
    const { tokens } = await benchTokens(pool, secret);

    // Every past date rolled up through the gateway, as the scheduler would have, then late rows.
    const dates = (
      await pool.query<{ date: string }>(
        `SELECT to_char(d, 'YYYY-MM-DD') AS date FROM generate_series(
           (now() AT TIME ZONE 'UTC')::date - $1::int, (now() AT TIME ZONE 'UTC')::date - 1, interval '1 day') d`,
        [scale.days],
      )
    ).rows.map((row) => row.date);
    for (const date of dates) {
      const { json } = await post(
        base,
        JSON.stringify({ query: print(RollupRunRollupDocument), variables: { date } }),
        tokens.superAdmin,
      );
      const run = (json.data as { runRollup?: { status: string; error: string | null } } | undefined)?.runRollup;
      if (run?.status !== "succeeded") throw new Error(`runRollup(${date}): ${JSON.stringify(json)}`);
    }
    await insertLateRows(pool, scale);
    log(`${rows} rows generated, ${dates.length} dates rolled up`);

    // Sample verification: each request of the mix answers 200 with data and no errors before the run.
    for (const request of MIX) {
      const { status, json } = await post(base, request.body, tokens[request.token]);
      if (status !== 200 || json.errors || !json.data)
        throw new Error(`${request.name}: HTTP ${status} ${JSON.stringify(json.errors ?? json).slice(0, 300)}`);
    }

    const before = await outcomes(gateway.metricsBase);
    const rss: number[] = [];
    const sample = () => rss.push(statusMb(pid, "VmRSS"));
    sample();
    const sampler = setInterval(sample, 1000);
    log(`autocannon: ${connections} connections, ${seconds} s, ${MIX.length} queries in the mix`);
    const result = await autocannon({
      url: base,
      connections,
      duration: seconds,
      requests: MIX.map((request) => ({
        method: "POST",
        path: "/graphql",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens[request.token]}` },
        body: request.body,
      })),
    });
    // A few seconds idle after the run: does RSS come back down?
    await new Promise((resolve) => setTimeout(resolve, 3000));
    clearInterval(sampler);
    sample();
    const after = await outcomes(gateway.metricsBase);
    const delta = Object.fromEntries(Object.keys(after).map((key) => [key, after[key] - (before[key] ?? 0)]));
    await gateway.stop();
    const loggedErrors = /"level":(50|60)/.test(gateway.output());

    const memory = { start: rss[0], peak: Math.max(...rss), end: rss[rss.length - 1] };
    const failures = [
      result["5xx"] > 0 && `${result["5xx"]} responses 5xx`,
      result.non2xx > 0 && `${result.non2xx} responses not 2xx`,
      result.errors + result.timeouts > 0 && `${result.errors} connection errors, ${result.timeouts} timeouts`,
      delta.failed > 0 && `${delta.failed} GraphQL requests failed (INTERNAL_SERVER_ERROR)`,
      delta.error + delta.rejected > 0 && `${delta.error + delta.rejected} GraphQL requests with client errors`,
      loggedErrors && "the gateway logged errors",
    ].filter((failure): failure is string => typeof failure === "string");
    const counts = (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM activity_log")).rows[0].n;
    const postgres = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    const mb = (value: number) => `${value.toFixed(0)} MB`;
    const section = [
      `### Load test: ${connections} connections, ${seconds} s, every dashboard query (\`npm run load\`)`,
      "",
      `${new Date().toISOString().slice(0, 10)}; ${counts.toLocaleString("en")} activity_log rows (${scale.tenants} tenants, ${scale.users} users, ${dates.length} dates rolled up); ` +
        `${cpus().length} CPUs, load ${loadAtStart} at the start, ${loadavg()[0].toFixed(1)} at the end; Node ${process.version}, PostgreSQL ${postgres}; ` +
        `gateway in production mode on 127.0.0.1. Mix, round robin per connection: ${MIX.map((request) => request.name).join(", ")}.`,
      "",
      "| figure | value |",
      "| --- | --- |",
      `| requests | ${result.requests.total.toLocaleString("en")} (${result.requests.average.toFixed(0)} req/s) |`,
      `| latency | p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms |`,
      `| non-2xx / 5xx | ${result.non2xx} / ${result["5xx"]} |`,
      `| connection errors / timeouts | ${result.errors} / ${result.timeouts} |`,
      `| GraphQL outcomes (gateway /metrics) | ok ${delta.ok}, error ${delta.error}, rejected ${delta.rejected}, failed ${delta.failed} |`,
      `| gateway RSS (every second) | start ${mb(memory.start)}, peak ${mb(memory.peak)}, end ${mb(memory.end)} (3 s after the run) |`,
      `| result | ${failures.length === 0 ? "no failures" : failures.join("; ")} |`,
    ].join("\n");
    process.stdout.write(`\n${section}\n`);
    if (loggedErrors) log(lastOutput(gateway));
    return failures.length === 0 ? 0 : 1;
  } catch (error) {
    return logFailure(log, error, gateway);
  } finally {
    await stopAll();
  }
}

exitWith(main, log);
