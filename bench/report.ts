/** Statistics of the bench's samples and the markdown of BENCHMARKS.md. */

export interface Summary {
  n: number;
  median: number;
  p95: number;
  p99: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 1 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { n: sorted.length, median, p95: at(0.95), p99: at(0.99) };
}

export interface QuestionResult {
  key: string;
  title: string;
  reference: Summary;
  gateway: Summary;
  naive: Summary;
  /** SQL statements the gateway sent for one request (x-sql-statements). */
  statements: number;
  /** A question asked in a tenant-local zone: the zone, and the key of the same question in UTC. */
  zone?: { timeZone: string; utcKey: string };
}

export interface ThroughputResult {
  connections: number;
  /** Sent with the request header \`Cache-Control: max-age=10\`. */
  maxAge: boolean;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  /** Connection errors, timeouts, non-2xx answers and answers with GraphQL errors. */
  errors: number;
}

/** The dashboard wall the throughput runs drive: its mix and its viewers. */
export interface ThroughputSetup {
  mix: string[];
  viewers: string;
  budgets: string;
}

/** Rows per second written to one table one way, with its triggers as migrated and with none. */
export interface WriteCostResult {
  table: string;
  statement: string;
  rows: number;
  /** Rows/s per round, all triggers on / all user triggers disabled. */
  withTriggers: Summary;
  /** With every trigger but those issue 17 added (the table as written before it); null for a table it added none to. */
  beforeIssue17: Summary | null;
  withoutTriggers: Summary;
}

export interface WriteCost {
  rounds: number;
  /** The table's user triggers (pg_trigger, not internal), by table. */
  triggers: Record<string, string[]>;
  results: WriteCostResult[];
}

export interface RollupResult {
  date: string;
  rows: number;
  rowsWritten: number;
  gateway: Summary;
  bare: Summary;
}

/** What became of the attacker's requests (issue 12). */
export interface AttackOutcomes {
  ok: number;
  /** 429 RATE_LIMITED: the tenant's budget refused it. */
  rateLimited: number;
  costLimit: number;
  serverError: number;
  /** Any other answer, or none (a timeout, a reset). */
  other: number;
}

/** Tenant B's latency with tenant A idle, then with A attacking (issue 12's hostile neighbour). */
export interface HostileResult {
  seconds: number;
  attackers: number;
  /** A's request: the heaviest the cost limit admits. */
  attack: string;
  /** What A's original attack (six year-long aliases) got. */
  refused: string;
  idle: Summary;
  attacked: Summary;
  /** B's requests that did not answer 200 without errors, per phase. */
  failures: { idle: number; attacked: number };
  outcomes: AttackOutcomes;
}

export interface Environment {
  date: string;
  nproc: number;
  memory: string;
  /** 1-minute load average. */
  load: string;
  node: string;
  postgres: string;
  command: string;
}

export interface ScaleReport {
  rows: number;
  /** The data were in place before the gateway's first start (\`--adopt\`). */
  adopted: boolean;
  environment: Environment;
  counts: Record<string, number>;
  generation: string;
  /** How the past dates were rolled up before measuring. */
  rolledUp: string;
  iterations: number;
  warmup: number;
  questions: QuestionResult[];
  rollup: RollupResult | null;
  throughput: ThroughputResult[];
  throughputSetup: ThroughputSetup | null;
  writeCost: WriteCost | null;
  /**
   * The same run's gateway p50 at 1,000,000 rows, by question title, read from BENCHMARKS.md (the growth column);
   * null for the 1,000,000-row run itself, a string when the 1M section is missing (why).
   */
  baseline: Record<string, number> | string | null;
  hostile: HostileResult | null;
  memory: { idleMb: number; peakMb: number };
  skipped: string[];
  problems: string[];
  /** Targets that the run misses, as sentences. */
  misses: string[];
}

const fmt = (value: number) => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const ratio = (value: number, base: number) => `${(value / base).toFixed(2)}x`;
export const thousands = (value: number) => value.toLocaleString("en-US");

/** Issue 12: B's p99 with A attacking at most this many times its p99 with A idle. */
const HOSTILE_TARGET = 3;

/** Issue 16, at 10M rows: a zone's p50 at most this many times the same question's in UTC... */
const ZONE_OVER_UTC_TARGET = 1.5;
/** ...and below this fraction of the reference's in that zone. */
const ZONE_OVER_REFERENCE_TARGET = 0.1;

/** Issue 17: a p50 at any scale at most this many times its p50 at 1,000,000 rows... */
const GROWTH_TARGET = 1.3;
/** ...or at most this many ms above it. */
const GROWTH_SLACK_MS = 2;
/** Issue 17: requests/s of the dashboard mix with \`max-age=10\` at least this many times without. */
const MAX_AGE_TARGET = 5;

/** The scale every other scale's p50 is compared with. */
export const BASE_ROWS = 1_000_000;

const withinGrowth = (p50: number, base: number) => p50 <= base * GROWTH_TARGET || p50 - base <= GROWTH_SLACK_MS;

/** Requests/s with \`max-age\` over without, at each connection count measured both ways. */
function maxAgeRatios(throughput: ThroughputResult[]): { connections: number; ratio: number }[] {
  return throughput.flatMap((with_) => {
    const without = throughput.find((t) => !t.maxAge && t.connections === with_.connections);
    // A run that finished nothing (smoke scale: 1 s) has no ratio.
    return with_.maxAge && without && without.requestsPerSecond > 0
      ? [{ connections: with_.connections, ratio: with_.requestsPerSecond / without.requestsPerSecond }]
      : [];
  });
}

/** A zone question with the same question in UTC from the same run, when both were measured. */
function zonePairs(questions: QuestionResult[]): { q: QuestionResult; utc: QuestionResult; timeZone: string }[] {
  return questions.flatMap((q) => {
    const utc = q.zone && questions.find((other) => other.key === q.zone!.utcKey);
    return q.zone && utc ? [{ q, utc, timeZone: q.zone.timeZone }] : [];
  });
}

/**
 * Targets of issues 6 and 16. The 50 ms and 10x-vs-reference usage targets and the zone ones are set at 10M rows,
 * the naive one at 1M.
 */
export function missedTargets(report: Omit<ScaleReport, "misses">): string[] {
  const misses: string[] = [];
  for (const q of report.questions) {
    const overReference = q.gateway.median / q.reference.median;
    if (q.zone) {
      const utc = report.questions.find((other) => other.key === q.zone!.utcKey);
      if (report.rows >= 10_000_000 && utc && q.gateway.median / utc.gateway.median > ZONE_OVER_UTC_TARGET)
        misses.push(
          `${q.key}: gateway p50 ${ratio(q.gateway.median, utc.gateway.median)} the same question's in UTC (target <= ${ZONE_OVER_UTC_TARGET}x)`,
        );
      if (report.rows >= 10_000_000 && overReference >= ZONE_OVER_REFERENCE_TARGET)
        misses.push(
          `${q.key}: gateway p50 ${ratio(q.gateway.median, q.reference.median)} the reference in its zone (target < ${ZONE_OVER_REFERENCE_TARGET}x)`,
        );
    } else if (q.key === "usage-largest-90d" || q.key === "usage-all-90d") {
      if (report.rows >= 10_000_000 && q.gateway.median >= 50)
        misses.push(`${q.key}: p50 ${fmt(q.gateway.median)} ms (target < 50 ms)`);
      if (report.rows >= 10_000_000 && q.reference.median / q.gateway.median < 10) {
        misses.push(
          `${q.key}: ${(q.reference.median / q.gateway.median).toFixed(1)}x faster than the reference (target >= 10x)`,
        );
      }
    } else if (overReference > 1.3) {
      misses.push(
        `${q.key}: gateway p50 ${ratio(q.gateway.median, q.reference.median)} the reference (target <= 1.3x)`,
      );
    }
    if (report.rows >= 1_000_000 && q.naive.n > 0 && q.naive.median / q.gateway.median < 10) {
      misses.push(
        `${q.key}: only ${(q.naive.median / q.gateway.median).toFixed(1)}x faster than naive (target >= 10x)`,
      );
    }
  }
  if (typeof report.baseline === "object" && report.baseline !== null) {
    for (const q of report.questions) {
      const base = report.baseline[q.title];
      if (base !== undefined && !withinGrowth(q.gateway.median, base))
        misses.push(
          `${q.key}: gateway p50 ${fmt(q.gateway.median)} ms, ${ratio(q.gateway.median, base)} its ${fmt(base)} ms at ${thousands(BASE_ROWS)} rows (target <= ${GROWTH_TARGET}x or ${GROWTH_SLACK_MS} ms more)`,
        );
    }
  }
  if (report.rollup && report.rollup.gateway.median / report.rollup.bare.median > 1.3) {
    misses.push(
      `rollup of ${report.rollup.date}: ${ratio(report.rollup.gateway.median, report.rollup.bare.median)} the bare statement (target <= 1.3x)`,
    );
  }
  for (const t of report.throughput) {
    if (t.errors > 0)
      misses.push(
        `throughput at ${t.connections} connections${t.maxAge ? " with max-age=10" : ""}: ${t.errors} errors (target 0)`,
      );
  }
  for (const { connections, ratio: r } of maxAgeRatios(report.throughput)) {
    if (r < MAX_AGE_TARGET)
      misses.push(
        `throughput at ${connections} connections: ${r.toFixed(2)}x the requests/s with max-age=10 than without (target >= ${MAX_AGE_TARGET}x)`,
      );
  }
  const hostile = report.hostile;
  if (hostile && hostile.attacked.p99 / hostile.idle.p99 > HOSTILE_TARGET) {
    misses.push(
      `hostile neighbour: B's p99 with A attacking ${ratio(hostile.attacked.p99, hostile.idle.p99)} its p99 with A idle (target <= ${HOSTILE_TARGET}x)`,
    );
  }
  if (hostile && hostile.failures.idle + hostile.failures.attacked > 0) {
    misses.push(
      `hostile neighbour: ${hostile.failures.idle} of B's requests failed with A idle, ${hostile.failures.attacked} with A attacking (target 0)`,
    );
  }
  return misses;
}

const growthHeader = (report: ScaleReport) =>
  typeof report.baseline === "object" && report.baseline !== null ? " | p50 / p50 at 1M" : "";

function growthCell(report: ScaleReport, q: QuestionResult): string {
  if (!growthHeader(report)) return "";
  const base = (report.baseline as Record<string, number>)[q.title];
  if (base === undefined) return " | –";
  return ` | ${ratio(q.gateway.median, base)}${withinGrowth(q.gateway.median, base) ? "" : " (missed)"}`;
}

function growthNote(report: ScaleReport): string[] {
  const base = `the gateway p50 at ${thousands(BASE_ROWS)} rows${report.adopted ? " (adopted)" : ""} in BENCHMARKS.md`;
  if (typeof report.baseline === "string") return [`No growth column: ${report.baseline}.`, ""];
  if (report.baseline === null) return [];
  return [
    `p50 / p50 at 1M: this gateway p50 over ${base}, matched by question (– where it has none); target <= ${GROWTH_TARGET}x or at most ${GROWTH_SLACK_MS} ms more.`,
    "",
  ];
}

/** A "###" section: its title, a paragraph, and a table. */
function tableSection(title: string, intro: string, columns: string[], rows: string[][]): string[] {
  const row = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [`### ${title}`, "", intro, "", row(columns), row(columns.map(() => "---")), ...rows.map(row), ""];
}

export function renderSection(report: ScaleReport): string {
  const env = report.environment;
  const lines = [
    `## ${thousands(report.rows)} activity rows${report.adopted ? ", adopted (history in place before the gateway's first start)" : ""}`,
    "",
    `- Date: ${env.date}; \`nproc\` ${env.nproc}; memory ${env.memory}; load average ${env.load}; Node ${env.node}`,
    `- PostgreSQL: ${env.postgres}`,
    `- Command: \`${env.command}\``,
    `- Rows: ${Object.entries(report.counts)
      .map(([table, count]) => `${table} ${thousands(count)}`)
      .join(", ")}`,
    `- Generation: ${report.generation}`,
    `- Rolled up before measuring: ${report.rolledUp}`,
    "- Reference and naive statements run with `jit = off` (node-postgres `options`); the gateway with the server's settings",
    "- Budgets: latency, rollup and throughput on a gateway with the per-tenant and per-viewer budgets raised out of the way (bench/gateway-process.ts `RAISED_BUDGETS`: latency and rollup send one token per role, throughput a wall of viewers driving up to 50 connections); the hostile neighbour on a gateway with the defaults",
    `- Latency: ${report.warmup} warm-up rounds discarded, then ${report.iterations} rounds interleaved (reference, gateway, naive); a variant slower than 20 s per question in total gets fewer rounds, at least one, and one slower than 2 s a round no warm-up (n)`,
    "",
    "### Latency (ms)",
    "",
    ...growthNote(report),
    `| question | reference p50 / p95 | gateway p50 / p95 (n) | gateway / reference | naive p50 / p95 (n) | naive / gateway | SQL statements${growthHeader(report)} |`,
    `| --- | --- | --- | --- | --- | --- | ---${growthHeader(report) ? " | ---" : ""} |`,
    ...report.questions.map(
      (q) =>
        `| ${q.title} | ${fmt(q.reference.median)} / ${fmt(q.reference.p95)} | ${fmt(q.gateway.median)} / ${fmt(q.gateway.p95)} (${q.gateway.n}) | ${ratio(q.gateway.median, q.reference.median)} | ${q.naive.n === 0 ? "not run" : `${fmt(q.naive.median)} / ${fmt(q.naive.p95)} (${q.naive.n})`} | ${q.naive.n === 0 ? "–" : ratio(q.naive.median, q.gateway.median)} | ${q.statements}${growthCell(report, q)} |`,
    ),
    "",
  ];
  const pairs = zonePairs(report.questions);
  if (pairs.length > 0) {
    lines.push(
      "### Tenant-local zones (issue 16)",
      "",
      `The 90-day usage questions asked with \`timeZone\`, beside the same question without it (UTC) from the same run; the reference groups the raw rows by \`(created_at AT TIME ZONE zone)::date\`. Targets at 10,000,000 rows: gateway p50 in the zone at most ${ZONE_OVER_UTC_TARGET}x its p50 in UTC, and below ${ZONE_OVER_REFERENCE_TARGET}x the reference's in the zone.`,
      "",
      "| question | zone | gateway p50 in zone ms | gateway p50 in UTC ms | zone / UTC | reference p50 in zone ms | gateway / reference in zone | SQL statements in zone / UTC |",
      "| --- | --- | --- | --- | --- | --- | --- | --- |",
      ...pairs.map(
        ({ q, utc, timeZone }) =>
          `| ${utc.title} | ${timeZone} | ${fmt(q.gateway.median)} | ${fmt(utc.gateway.median)} | ${ratio(q.gateway.median, utc.gateway.median)} | ${fmt(q.reference.median)} | ${ratio(q.gateway.median, q.reference.median)} | ${q.statements} / ${utc.statements} |`,
      ),
      "",
    );
  }
  if (report.rollup) {
    const r = report.rollup;
    lines.push(
      ...tableSection(
        "Rollup of one day",
        `${r.date}: ${thousands(r.rows)} activity rows, ${thousands(r.rowsWritten)} (tenant, user) rows written; ${r.gateway.n} runs each, interleaved.`,
        ["variant", "p50 ms", "p95 ms", "/ bare"],
        [
          ["bare INSERT ... SELECT ... GROUP BY ... ON CONFLICT", fmt(r.bare.median), fmt(r.bare.p95), "1.00x"],
          [
            "gateway runRollup (HTTP)",
            fmt(r.gateway.median),
            fmt(r.gateway.p95),
            ratio(r.gateway.median, r.bare.median),
          ],
        ],
      ),
    );
  }
  if (report.throughput.length > 0 && report.throughputSetup) {
    const setup = report.throughputSetup;
    const ratios = maxAgeRatios(report.throughput);
    lines.push(
      ...tableSection(
        "Throughput: the dashboard mix, with and without `Cache-Control: max-age=10` (autocannon, 127.0.0.1)",
        `Each connection sends the mix round robin (${setup.mix.length} requests: ${setup.mix.join(", ")}) as ${setup.viewers}; ${setup.budgets}. Without and with the request header \`Cache-Control: max-age=10\`, one after the other at each connection count. Errors: connection errors, timeouts, non-2xx answers and answers with GraphQL errors. Target: at least ${MAX_AGE_TARGET}x the requests/s with max-age=10, zero errors.`,
        [
          "connections",
          "max-age=10",
          "seconds",
          "requests/s",
          "p50 ms",
          "p99 ms",
          "requests",
          "errors",
          "with / without",
        ],
        report.throughput.map((t) => {
          const r = t.maxAge ? ratios.find((m) => m.connections === t.connections) : undefined;
          return [
            String(t.connections),
            t.maxAge ? "yes" : "no",
            String(t.seconds),
            t.requestsPerSecond.toFixed(0),
            String(t.p50),
            String(t.p99),
            thousands(t.requests),
            String(t.errors),
            r ? `${r.ratio.toFixed(2)}x` : "–",
          ];
        }),
      ),
    );
  }
  if (report.writeCost) {
    const w = report.writeCost;
    const triggers = Object.entries(w.triggers)
      .map(([table, names]) => `${table} ${names.length === 0 ? "none" : names.join(", ")}`)
      .join("; ");
    lines.push(
      ...tableSection(
        "Write cost of the triggers",
        `Rows per second written, each way in its own transaction that is rolled back (the bench database keeps none of them), interleaved over ${w.rounds} round(s), the way first rotating: with every trigger as migrated, with the triggers issue 17 added disabled (the table as written before it: prospects' prospects_counts_*; activity_log got none), and with the table's user triggers disabled (\`ALTER TABLE ... DISABLE TRIGGER USER\`: constraint triggers, if any, stay). Rows stamped now; single-row statements sent one after the other in one transaction. Triggers: ${triggers}.`,
        [
          "table",
          "statement",
          "rows",
          "rows/s with triggers p50",
          "rows/s before issue 17 p50",
          "time with / before issue 17",
          "rows/s without p50",
          "time with / without",
        ],
        w.results.map((r) => [
          r.table,
          r.statement,
          thousands(r.rows),
          thousands(Math.round(r.withTriggers.median)),
          r.beforeIssue17 ? thousands(Math.round(r.beforeIssue17.median)) : "– (none added)",
          r.beforeIssue17 ? ratio(r.beforeIssue17.median, r.withTriggers.median) : "–",
          thousands(Math.round(r.withoutTriggers.median)),
          ratio(r.withoutTriggers.median, r.withTriggers.median),
        ]),
      ),
    );
  }
  if (report.hostile) {
    const h = report.hostile;
    const o = h.outcomes;
    lines.push(
      "### Hostile neighbour (issue 12)",
      "",
      `Tenant B's admin (a mid-size tenant) asks its 7-day and 30-day usageMetrics in turn, one at a time, for ${h.seconds} s with tenant A idle, then ${h.seconds} s while A's admin (the largest tenant) runs ${h.attackers} clients each looping ${h.attack}. A's original attack (six year-long usageMetrics aliases): ${h.refused}.`,
      "",
      "| tenant A | B requests | B p50 ms | B p99 ms | B failed | A ok | A 429 | A QUERY_LIMIT_COST | A 5xx | A other |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      `| idle | ${h.idle.n} | ${fmt(h.idle.median)} | ${fmt(h.idle.p99)} | ${h.failures.idle} | – | – | – | – | – |`,
      `| attacking | ${h.attacked.n} | ${fmt(h.attacked.median)} | ${fmt(h.attacked.p99)} | ${h.failures.attacked} | ${thousands(o.ok)} | ${thousands(o.rateLimited)} | ${thousands(o.costLimit)} | ${thousands(o.serverError)} | ${thousands(o.other)} |`,
      "",
      `B's p99 with A attacking is ${ratio(h.attacked.p99, h.idle.p99)} its p99 with A idle (target <= ${HOSTILE_TARGET}x); p50 ${ratio(h.attacked.median, h.idle.median)}.`,
      "",
    );
  }
  lines.push(
    "### Gateway memory",
    "",
    `RSS after start ${report.memory.idleMb.toFixed(0)} MB; peak (VmHWM) over the whole run ${report.memory.peakMb.toFixed(0)} MB.`,
    "",
    "### Targets",
    "",
    ...(report.misses.length === 0
      ? [
          report.rows < 1_000_000
            ? "Not evaluated below 1,000,000 rows (fixed costs dominate)."
            : "Every target of issues 6 and 16 that applies at this scale is met.",
        ]
      : report.misses.map((m) => `- MISSED: ${m}`)),
    ...report.skipped.map((s) => `- skipped: ${s}`),
    ...report.problems.map((p) => `- PROBLEM: ${p}`),
    "",
  );
  return lines.join("\n");
}

const HEADER = `# Benchmarks

Written by \`npm run bench\` (bench/bench.ts); do not edit by hand. Each
\`npm run bench -- --rows N\` run rewrites the section of its scale and keeps
the others. The questions, the reference SQL and the naive variant are in
bench/questions.ts; issue 6 states the targets.
`;

const SECTION = /<!-- bench:rows=(\d+)(-adopt)? -->\n([\s\S]*?)<!-- bench:end -->\n?/g;

/** A section's key: its rows, and whether the data were adopted (--adopt). */
export interface SectionKey {
  rows: number;
  adopted: boolean;
}

const markerOf = (key: SectionKey) => `${key.rows}${key.adopted ? "-adopt" : ""}`;

/** BENCHMARKS.md with `section` for `key` replacing that scale's previous one. */
export function mergeBenchmarks(existing: string, key: SectionKey, section: string): string {
  const sections = new Map<string, { key: SectionKey; text: string }>();
  for (const match of existing.matchAll(SECTION)) {
    const found = { rows: Number(match[1]), adopted: match[2] !== undefined };
    sections.set(markerOf(found), { key: found, text: match[3] });
  }
  sections.set(markerOf(key), { key, text: section.endsWith("\n") ? section : `${section}\n` });
  const ordered = [...sections.values()].sort(
    (a, b) => a.key.rows - b.key.rows || Number(a.key.adopted) - Number(b.key.adopted),
  );
  return [
    HEADER,
    ...ordered.map(({ key: k, text }) => `<!-- bench:rows=${markerOf(k)} -->\n${text}<!-- bench:end -->\n`),
  ].join("\n");
}

/**
 * The gateway p50 of each question (by title) in the latency table of BENCHMARKS.md's 1,000,000-row section of the
 * same kind (adopted or not), or why there is none.
 */
export function baselineOf(existing: string, adopted: boolean): Record<string, number> | string {
  const marker = markerOf({ rows: BASE_ROWS, adopted });
  const section = [...existing.matchAll(SECTION)].find((match) => `${match[1]}${match[2] ?? ""}` === marker)?.[3];
  const what = `BENCHMARKS.md has no ${thousands(BASE_ROWS)}-row section${adopted ? " of an adopted run (--adopt)" : ""}`;
  if (section === undefined) return what;
  const table = section
    .split("### Latency (ms)")[1]
    ?.split("\n\n")
    .find((block) => block.startsWith("| question"));
  const p50s: Record<string, number> = {};
  for (const line of table?.split("\n").slice(2) ?? []) {
    const cells = line.split("|").map((cell) => cell.trim());
    const p50 = Number.parseFloat(cells[3] ?? "");
    if (cells[1] && Number.isFinite(p50)) p50s[cells[1]] = p50;
  }
  return Object.keys(p50s).length > 0 ? p50s : `${what} with a latency table`;
}
