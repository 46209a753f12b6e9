import { validate as validateCron } from "node-cron";
import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const postgresUrl = optionalString.pipe(
  z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection string")
    .optional(),
);

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/** UTC, node-cron's syntax (a leading seconds field allowed). */
const cronExpression = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((expression) => validateCron(expression), "is not a valid cron expression")
    .refine(
      (expression) => !restrictsBothDays(expression),
      "restricts both day-of-month and day-of-week, which node-cron (the schedule) reads as both and cron-parser " +
        "(the rollup's slot of a tick) as either: restrict one of them",
    );

/** Whether both day fields of a node-cron expression (5 fields, or 6 with seconds first) are other than `*`. */
function restrictsBothDays(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  const [dayOfMonth, , dayOfWeek] = fields.slice(-3);
  return [dayOfMonth, dayOfWeek].every((field) => field !== undefined && field !== "*");
}

/** Comma-separated, each exactly as a browser sends `Origin`; none by default (src/server/cors.ts). */
const originList = z
  .string()
  .default("")
  .transform((value) =>
    value
      .split(",")
      .map((origin) => origin.trim())
      .filter((origin) => origin !== ""),
  )
  .refine(
    (origins) => origins.every((origin) => URL.canParse(origin) && new URL(origin).origin === origin),
    "must be comma-separated origins such as https://dashboards.example.com (scheme, host, optional port; no path)",
  );

const environment = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: postgresUrl,
    // Prisma's and Supabase's convention: DATABASE_URL may be a transaction pooler, DIRECT_URL the server itself
    // (only read with DATABASE_URL).
    DIRECT_URL: postgresUrl,
    // A streaming replica for dashboard reads (src/db/read-replica.ts); skipped while further behind than the bound.
    DATABASE_READ_URL: postgresUrl,
    READ_REPLICA_MAX_LAG_MS: integer(5_000, 0, 3_600_000),
    DATA_DIR: z.string().default("./.data"),
    DEMO_DATA: z.enum(["true", "false"]).default("true"),
    PORT: integer(4000, 0, 65535),
    HOST: optionalString,
    JWT_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    JWT_JWKS_URL: optionalString.pipe(z.url("must be a URL").optional()),
    JWT_ISSUER: optionalString,
    JWT_AUDIENCE: optionalString,
    JWT_MAX_LIFETIME_SECONDS: integer(86_400, 60, 31_536_000),
    JWT_JWKS_REFRESH_SECONDS: integer(600, 1, 86_400),
    JWT_JWKS_COOLDOWN_SECONDS: integer(30, 1, 3_600),
    JWT_JWKS_MAX_STALE_SECONDS: integer(86_400, 1, 2_592_000),
    ROLLUP_CRON: cronExpression("0 1 * * *"),
    ROLLUP_LOOKBACK_DAYS: integer(3, 0, 90),
    ROLLUP_ENABLED: z.enum(["true", "false"]).default("true"),
    ROLLUP_HEAL_CRON: cronExpression("* * * * *"),
    ROLLUP_HEAL_BATCH: integer(10, 1, 1000),
    // A rollup run holds one connection while another commits its row as running (RollupService.recordRunning).
    DB_POOL_MAX: integer(10, 2, 200),
    DB_STATEMENT_TIMEOUT_MS: integer(15_000, 100, 600_000),
    DB_CONNECT_TIMEOUT_MS: integer(5_000, 100, 120_000),
    // Budgets per replica (src/server/budget.ts, README "Budgets").
    TENANT_MAX_STATEMENTS: integer(2, 1, 200),
    VIEWER_MAX_STATEMENTS: integer(2, 1, 200),
    TENANT_MAX_REQUESTS: integer(24, 1, 10_000),
    VIEWER_MAX_REQUESTS: integer(12, 1, 10_000),
    // One request at the query cost limit (src/server/limits.ts) at a time, beside a dashboard's cheap panels.
    TENANT_MAX_COST_IN_FLIGHT: integer(1_500, 1, 10_000_000),
    BUDGET_QUEUE_MS: integer(2_000, 0, 60_000),
    TENANT_DB_SECONDS_PER_MINUTE: integer(30, 1, 100_000),
    RECORD_ACTIVITY_PER_MINUTE: integer(300, 1, 1_000_000),
    // Answers a client asked for with Cache-Control max-age (src/server/response-cache.ts); 0 caches nothing.
    CACHE_MAX_AGE_SECONDS: integer(60, 0, 3_600),
    CACHE_MAX_MB: integer(64, 1, 65_536),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    REPLICA_ID: optionalString,
    CORS_ORIGINS: originList,
    // The HTTP edge (src/server/connections.ts, README "Operations"): slow clients are cut, idle keep-alive sockets kept
    // longer than load balancers keep theirs (60 s is common), so a balancer never reuses a socket being closed.
    HTTP_HEADERS_TIMEOUT_MS: integer(10_000, 100, 600_000),
    HTTP_REQUEST_TIMEOUT_MS: integer(15_000, 100, 600_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: integer(65_000, 1_000, 3_600_000),
    HTTP_MAX_CONNECTIONS: integer(4_096, 2, 1_000_000),
    METRICS_PORT: integer(9464, 0, 65535),
    METRICS_HOST: z.string().trim().min(1).default("127.0.0.1"),
  })
  .superRefine(
    (env, ctx) => {
      // Node refuses a headers timeout beyond the whole request's.
      if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
        ctx.addIssue({ code: "custom", path: ["HTTP_HEADERS_TIMEOUT_MS"], message: "exceeds HTTP_REQUEST_TIMEOUT_MS" });
      }
      if (env.DATABASE_READ_URL && !env.DATABASE_URL) {
        ctx.addIssue({ code: "custom", path: ["DATABASE_READ_URL"], message: "requires DATABASE_URL (the primary)" });
      }
      if (env.JWT_SECRET && env.JWT_JWKS_URL) {
        ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "and JWT_JWKS_URL are both set; set one" });
      }
      if (!env.JWT_SECRET && !env.JWT_JWKS_URL && env.DATABASE_URL) {
        ctx.addIssue({
          code: "custom",
          path: ["JWT_SECRET"],
          message:
            "or JWT_JWKS_URL is required with DATABASE_URL (the development secret is for the embedded database only)",
        });
      }
      if (!env.JWT_SECRET && !env.JWT_JWKS_URL && env.NODE_ENV === "production") {
        ctx.addIssue({
          code: "custom",
          path: ["JWT_SECRET"],
          message: "or JWT_JWKS_URL is required with NODE_ENV=production (the development secret is for the demo only)",
        });
      }
      // The development secret is printed at start and in the source: anyone can sign with it.
      if (env.JWT_SECRET === DEVELOPMENT_JWT_SECRET && (env.NODE_ENV === "production" || env.DATABASE_URL)) {
        ctx.addIssue({
          code: "custom",
          path: ["JWT_SECRET"],
          message: "is the published development secret, refused with NODE_ENV=production or DATABASE_URL",
        });
      }
    },
    // Also beside other bad variables, so that one start reports every problem.
    { when: () => true },
  );

/** Shown at start in embedded mode; never accepted with DATABASE_URL. */
export const DEVELOPMENT_JWT_SECRET = "development-secret-of-the-embedded-gateway-do-not-use";

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof environment>) {
  return {
    production: env.NODE_ENV === "production",
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    // The demo (embedded database) hands out a super admin's token: only this machine reaches it unless HOST says so.
    host: env.HOST ?? (env.DATABASE_URL ? "0.0.0.0" : "127.0.0.1"),
    database: env.DATABASE_URL
      ? ({
          kind: "postgres",
          url: env.DATABASE_URL,
          directUrl: env.DIRECT_URL ?? env.DATABASE_URL,
          readUrl: env.DATABASE_READ_URL,
        } as const)
      : ({ kind: "embedded", dataDir: env.DATA_DIR, demoData: env.DEMO_DATA === "true" } as const),
    jwt: {
      secret: env.JWT_SECRET ?? (env.JWT_JWKS_URL ? undefined : DEVELOPMENT_JWT_SECRET),
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
      maxLifetimeSeconds: env.JWT_MAX_LIFETIME_SECONDS,
      jwks: {
        refreshSeconds: env.JWT_JWKS_REFRESH_SECONDS,
        cooldownSeconds: env.JWT_JWKS_COOLDOWN_SECONDS,
        maxStaleSeconds: env.JWT_JWKS_MAX_STALE_SECONDS,
      },
    },
    rollup: {
      enabled: env.ROLLUP_ENABLED === "true",
      cron: env.ROLLUP_CRON,
      lookbackDays: env.ROLLUP_LOOKBACK_DAYS,
      healCron: env.ROLLUP_HEAL_CRON,
      healBatch: env.ROLLUP_HEAL_BATCH,
    },
    pool: {
      max: env.DB_POOL_MAX,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    },
    budget: {
      tenantStatements: env.TENANT_MAX_STATEMENTS,
      viewerStatements: env.VIEWER_MAX_STATEMENTS,
      tenantRequests: env.TENANT_MAX_REQUESTS,
      viewerRequests: env.VIEWER_MAX_REQUESTS,
      tenantCostInFlight: env.TENANT_MAX_COST_IN_FLIGHT,
      queueMs: env.BUDGET_QUEUE_MS,
      tenantDbSecondsPerMinute: env.TENANT_DB_SECONDS_PER_MINUTE,
      recordActivityPerMinute: env.RECORD_ACTIVITY_PER_MINUTE,
    },
    responseCache: {
      maxAgeSeconds: env.CACHE_MAX_AGE_SECONDS,
      maxBytes: env.CACHE_MAX_MB * 1024 * 1024,
    },
    http: {
      headersTimeoutMs: env.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: env.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: env.HTTP_MAX_CONNECTIONS,
    },
    readReplica: { maxLagMs: env.READ_REPLICA_MAX_LAG_MS },
    metrics: { port: env.METRICS_PORT, host: env.METRICS_HOST },
    logLevel: env.LOG_LEVEL,
    replicaId: env.REPLICA_ID,
    corsOrigins: env.CORS_ORIGINS,
  };
}

export class ConfigError extends Error {}

/** Reads the environment once; every bad variable is reported, `VARIABLE: what is wrong`, joined by "; ". */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    // The first problem of each variable: one is enough to fix it.
    const problems = new Map<string, string>();
    for (const issue of parsed.error.issues) {
      const variable = String(issue.path[0] ?? "environment");
      if (problems.has(variable)) continue;
      const value = env[variable];
      const shown = value === undefined || /SECRET/.test(variable) ? "" : ` (got "${value}")`;
      problems.set(variable, `${variable}: ${issue.message}${shown}`);
    }
    throw new ConfigError([...problems.values()].join("; "));
  }
  return toConfig(parsed.data);
}

/** For command-line entry points: the config, or one line on stderr and the exit code to stop with. */
export function loadConfigForCommand(): Config | { exitWith: number } {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`Configuration error: ${error.message}`);
    return { exitWith: 1 };
  }
}
