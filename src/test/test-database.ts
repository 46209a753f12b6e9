import { randomBytes } from "node:crypto";
import { Client } from "pg";

/**
 * Tests run on the embedded database unless DATABASE_URL names a PostgreSQL
 * server; there, each test file gets its own database cloned from a
 * template that global-setup migrated once.
 */
export const serverUrl = process.env.DATABASE_URL || undefined;

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
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl) return { url: undefined, drop: async () => undefined };
  const name = `gateway_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  await adminQuery(serverUrl, `CREATE DATABASE "${name}" TEMPLATE "${templateName(serverUrl)}"`);
  return {
    url: withDatabase(serverUrl, name),
    drop: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}
