import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildGatewaySchema, printGatewaySchema } from "./schema";

/** `npm run build` writes schema.graphql from the type-graphql classes. */
export const SCHEMA_FILE = join(__dirname, "..", "..", "schema.graphql");

/** Left alone when unchanged (a build never rewrites what it would write the same); replaced whole otherwise. */
function writeSchema(text: string): boolean {
  if (readFileSync(SCHEMA_FILE, { encoding: "utf8", flag: "a+" }) === text) return false;
  const next = `${SCHEMA_FILE}.${process.pid}`;
  writeFileSync(next, text);
  renameSync(next, SCHEMA_FILE);
  return true;
}

/**
 * `--check` (npm run schema:check, before the tests): fails when schema.graphql is not what the classes emit, so a
 * commit that changes the API without the regenerated file fails its own checks.
 */
if (require.main === module) {
  void buildGatewaySchema().then((schema) => {
    const text = printGatewaySchema(schema);
    if (process.argv.includes("--check")) {
      const current = existsSync(SCHEMA_FILE) && readFileSync(SCHEMA_FILE, "utf8") === text;
      if (!current) console.error(`schema.graphql is not what the classes emit: npm run schema:emit (${SCHEMA_FILE})`);
      process.exitCode = current ? 0 : 1;
      return;
    }
    const written = writeSchema(text);
    console.log(`schema.graphql ${written ? "written" : "unchanged"} (${SCHEMA_FILE})`);
  });
}
