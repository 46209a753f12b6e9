import { validate as validateCron } from "node-cron";
import { z } from "zod";

const optionalString = z
  .string()
  .trim()
  .transform((value) => (value === "" ? undefined : value))
  .optional();

const integer = (fallback: number, min: number, max: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

const environment = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    DATABASE_URL: optionalString.pipe(
      z
        .string()
        .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// connection string")
        .optional(),
    ),
    DATA_DIR: z.string().default("./.data"),
    DEMO_DATA: z.enum(["true", "false"]).default("true"),
    PORT: integer(4000, 0, 65535),
    HOST: z.string().default("0.0.0.0"),
    JWT_SECRET: optionalString.pipe(z.string().min(32, "must be at least 32 characters").optional()),
    JWT_JWKS_URL: optionalString.pipe(z.url("must be a URL").optional()),
    JWT_ISSUER: optionalString,
    JWT_AUDIENCE: optionalString,
    ROLLUP_CRON: z
      .string()
      .default("0 1 * * *")
      .refine((expression) => validateCron(expression), "is not a valid cron expression"),
    ROLLUP_LOOKBACK_DAYS: integer(3, 0, 90),
    ROLLUP_ENABLED: z.enum(["true", "false"]).default("true"),
    DB_POOL_MAX: integer(10, 1, 200),
    DB_STATEMENT_TIMEOUT_MS: integer(15_000, 100, 600_000),
    DB_CONNECT_TIMEOUT_MS: integer(5_000, 100, 120_000),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    REPLICA_ID: optionalString,
  })
  .superRefine((env, ctx) => {
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
  });

/** Shown at start in embedded mode; never accepted with DATABASE_URL. */
export const DEVELOPMENT_JWT_SECRET = "development-secret-of-the-embedded-gateway-do-not-use";

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.infer<typeof environment>) {
  return {
    production: env.NODE_ENV === "production",
    nodeEnv: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST,
    database: env.DATABASE_URL
      ? ({ kind: "postgres", url: env.DATABASE_URL } as const)
      : ({ kind: "embedded", dataDir: env.DATA_DIR, demoData: env.DEMO_DATA === "true" } as const),
    jwt: {
      secret: env.JWT_SECRET ?? (env.JWT_JWKS_URL ? undefined : DEVELOPMENT_JWT_SECRET),
      jwksUrl: env.JWT_JWKS_URL,
      issuer: env.JWT_ISSUER,
      audience: env.JWT_AUDIENCE,
    },
    rollup: {
      enabled: env.ROLLUP_ENABLED === "true",
      cron: env.ROLLUP_CRON,
      lookbackDays: env.ROLLUP_LOOKBACK_DAYS,
    },
    pool: {
      max: env.DB_POOL_MAX,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      connectTimeoutMs: env.DB_CONNECT_TIMEOUT_MS,
    },
    logLevel: env.LOG_LEVEL,
    replicaId: env.REPLICA_ID,
  };
}

export class ConfigError extends Error {}

/** Reads the environment once; the first problem is reported as `VARIABLE: what is wrong`. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0] ?? "environment");
    const value = env[variable];
    const shown = value === undefined || /SECRET/.test(variable) ? "" : ` (got "${value}")`;
    throw new ConfigError(`${variable}: ${issue.message}${shown}`);
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
