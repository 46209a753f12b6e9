import { readFileSync, renameSync, writeFileSync } from "node:fs";
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

if (require.main === module) {
  void buildGatewaySchema().then((schema) => {
    const written = writeSchema(printGatewaySchema(schema));
    console.log(`schema.graphql ${written ? "written" : "unchanged"} (${SCHEMA_FILE})`);
  });
}
