import { Pool } from "pg";
import { applyMigrations } from "../db/migrate";
import { adminQuery, directServerUrl, serverUrl, templateName, withDatabase } from "./test-database";

/** On PostgreSQL: one migrated template database, cloned by every test file. */
export default async function globalSetup(): Promise<void> {
  if (!serverUrl || !directServerUrl) return;
  const template = templateName(serverUrl);
  await adminQuery(directServerUrl, `DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`);
  await adminQuery(directServerUrl, `CREATE DATABASE "${template}"`);
  const pool = new Pool({ connectionString: withDatabase(directServerUrl, template), max: 1 });
  try {
    await applyMigrations(pool);
  } finally {
    await pool.end();
  }
}
