import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildGatewaySchema, printGatewaySchema } from "./schema";

/** `npm run build` writes schema.graphql from the type-graphql classes. */
export const SCHEMA_FILE = join(__dirname, "..", "..", "schema.graphql");

if (require.main === module) {
  void buildGatewaySchema().then((schema) => {
    writeFileSync(SCHEMA_FILE, printGatewaySchema(schema));
    console.log(`schema.graphql written (${SCHEMA_FILE})`);
  });
}
