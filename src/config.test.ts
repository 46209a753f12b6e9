import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ConfigError, DEVELOPMENT_JWT_SECRET, loadConfig } from "./config";
import { childEnv } from "./test/child-env";

const root = join(__dirname, "..");
const secret = "a-secret-that-is-long-enough-for-hs256-0123456789";

describe("configuration", () => {
  it("defaults to the embedded database with the development secret", () => {
    const config = loadConfig({});
    expect(config.database).toEqual({ kind: "embedded", dataDir: "./.data", demoData: true });
    expect(config.jwt.secret).toBe(DEVELOPMENT_JWT_SECRET);
    expect(config.port).toBe(4000);
    expect(config.rollup).toEqual({
      enabled: true,
      cron: "0 1 * * *",
      lookbackDays: 3,
      healCron: "* * * * *",
      healBatch: 10,
    });
  });

  it.each([
    [{ PORT: "http" }, /^PORT: /],
    [{ PORT: "70000" }, /^PORT: /],
    [{ ROLLUP_CRON: "every night" }, /^ROLLUP_CRON: is not a valid cron expression/],
    [{ ROLLUP_LOOKBACK_DAYS: "-1" }, /^ROLLUP_LOOKBACK_DAYS: /],
    [{ ROLLUP_HEAL_CRON: "61 * * * *" }, /^ROLLUP_HEAL_CRON: is not a valid cron expression/],
    [{ ROLLUP_CRON: "0 1 13 * 5" }, /^ROLLUP_CRON: restricts both day-of-month and day-of-week/],
    [{ ROLLUP_HEAL_CRON: "0 */5 * 1-15 * 1-5" }, /^ROLLUP_HEAL_CRON: restricts both day-of-month and day-of-week/],
    [{ ROLLUP_HEAL_BATCH: "0" }, /^ROLLUP_HEAL_BATCH: /],
    [{ DATABASE_URL: "mysql://x" }, /^DATABASE_URL: must be a postgres/],
    [{ DIRECT_URL: "mysql://x" }, /^DIRECT_URL: must be a postgres/],
    [{ DB_POOL_MAX: "1" }, /^DB_POOL_MAX: /],
    [{ DATABASE_URL: "postgresql://h/db" }, /^JWT_SECRET: or JWT_JWKS_URL is required with DATABASE_URL/],
    [
      { JWT_SECRET: secret, JWT_JWKS_URL: "https://issuer.example/jwks.json" },
      /^JWT_SECRET: and JWT_JWKS_URL are both set/,
    ],
    [{ JWT_SECRET: "short" }, /^JWT_SECRET: must be at least 32 characters$/],
    [{ JWT_JWKS_URL: "not a url" }, /^JWT_JWKS_URL: /],
    [{ NODE_ENV: "staging" }, /^NODE_ENV: /],
    [{ CORS_ORIGINS: "https://app.example.com/" }, /^CORS_ORIGINS: must be comma-separated origins/],
    [{ CORS_ORIGINS: "app.example.com" }, /^CORS_ORIGINS: must be comma-separated origins/],
    [{ CACHE_MAX_AGE_SECONDS: "3601" }, /^CACHE_MAX_AGE_SECONDS: /],
    [{ CACHE_MAX_MB: "0" }, /^CACHE_MAX_MB: /],
  ])("refuses %j", (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("names every bad variable at once, each with what is wrong", () => {
    const bad = { PORT: "http", ROLLUP_CRON: "every night", CORS_ORIGINS: "app.example.com" };
    expect(() => loadConfig(bad)).toThrow(ConfigError);
    expect(() => loadConfig(bad)).toThrow(
      /^PORT: .+; ROLLUP_CRON: is not a valid cron expression \(got "every night"\); CORS_ORIGINS: must be comma-separated origins/,
    );
  });

  it("reports a rule between variables beside a bad variable", () => {
    expect(() => loadConfig({ PORT: "http", DATABASE_URL: "postgresql://h/db" })).toThrow(
      /^PORT: .*; JWT_SECRET: or JWT_JWKS_URL is required with DATABASE_URL/,
    );
  });

  it("reads CORS_ORIGINS as a list of origins, none by default", () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: " https://app.example.com, http://localhost:5173 ," }).corsOrigins).toEqual([
      "https://app.example.com",
      "http://localhost:5173",
    ]);
  });

  it("migrates on DIRECT_URL, the server past a transaction pooler, and on DATABASE_URL without it", () => {
    const pooled = { JWT_SECRET: secret, DATABASE_URL: "postgresql://pooler:6543/db" };
    expect(loadConfig(pooled).database).toEqual({
      kind: "postgres",
      url: pooled.DATABASE_URL,
      directUrl: pooled.DATABASE_URL,
    });
    expect(loadConfig({ ...pooled, DIRECT_URL: "postgresql://server:5432/db" }).database).toEqual({
      kind: "postgres",
      url: pooled.DATABASE_URL,
      directUrl: "postgresql://server:5432/db",
    });
  });

  it("never echoes a secret in its message", () => {
    expect(() => loadConfig({ JWT_SECRET: "short-secret" })).toThrow(/^JWT_SECRET: must be at least 32 characters$/);
  });

  it("stops the start with one line naming the variable, a non-zero exit and no stack trace", () => {
    const run = spawnSync(join(root, "node_modules", ".bin", "tsx"), ["src/main.ts"], {
      cwd: root,
      env: childEnv({ ROLLUP_CRON: "61 * * * *" }),
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      'Configuration error: ROLLUP_CRON: is not a valid cron expression (got "61 * * * *")',
    ]);
  });
});
