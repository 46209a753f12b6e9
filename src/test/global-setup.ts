import { Pool } from "pg";
import { applyMigrations } from "../db/migrate";
import { adminQuery, serverUrl, templateName, withDatabase } from "./test-database";

/** On PostgreSQL: one migrated template database, cloned by every test file. */
export default async function globalSetup(): Promise<void> {
  if (!serverUrl) return;
  const template = templateName(serverUrl);
  await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await adminQuery(serverUrl, `CREATE DATABASE "${template}"`);
  const pool = new Pool({ connectionString: withDatabase(serverUrl, template), max: 1 });
  try {
    await applyMigrations(pool);
  } finally {
    await pool.end();
  }
}
