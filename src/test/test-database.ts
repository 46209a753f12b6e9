import { randomBytes } from "node:crypto";
import { Client } from "pg";

/**
 * Tests run on the embedded database unless DATABASE_URL names a PostgreSQL
 * server; there, each test file gets its own database cloned from a
 * template that global-setup migrated once. With DIRECT_URL too (as in
 * production behind a transaction pooler), DATABASE_URL is the pooler: the
 * gateways and the tests' own statements go through it, while databases are
 * created, migrated and dropped on DIRECT_URL, the server itself.
 */
export const serverUrl = process.env.DATABASE_URL || undefined;
export const directServerUrl = serverUrl && (process.env.DIRECT_URL || serverUrl);

export function templateName(url: string): string {
  return `${new URL(url).pathname.slice(1) || "postgres"}_gateway_template`;
}

export function withDatabase(url: string, database: string): string {
  const next = new URL(url);
  next.pathname = `/${database}`;
  return next.toString();
}

export async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  /** undefined for the embedded database. */
  url: string | undefined;
  /** The same database on DIRECT_URL's server (url itself without DIRECT_URL); undefined for the embedded database. */
  directUrl: string | undefined;
  /** DATABASE_URL and, with a pooler, DIRECT_URL for a gateway on this database. */
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl || !directServerUrl)
    return { url: undefined, directUrl: undefined, env: {}, drop: () => Promise.resolve() };
  const name = `gateway_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(directServerUrl, `CREATE DATABASE "${name}" TEMPLATE "${templateName(serverUrl)}"`);
  const url = withDatabase(serverUrl, name);
  const directUrl = withDatabase(directServerUrl, name);
  return {
    url,
    directUrl,
    env: { DATABASE_URL: url, ...(directUrl !== url ? { DIRECT_URL: directUrl } : {}) },
    drop: () => adminQuery(directServerUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
