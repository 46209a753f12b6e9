import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { execFileSync } from "node:child_process";
import { buildSchema, findBreakingChanges, isObjectType, type GraphQLSchema } from "graphql";
import { SCHEMA_FILE } from "./emit-schema";
import { buildGatewaySchema, printGatewaySchema } from "./schema";

const root = join(__dirname, "..", "..");
/** The contract beside this checkout, where it is (../shared); else the copy pinned in contract/. */
const sharedContractFile = join(root, "..", "shared", "contract", "schema.graphql");
const pinnedContractFile = join(root, "contract", "schema.graphql");
const contractFile = existsSync(sharedContractFile) ? sharedContractFile : pinnedContractFile;

function authRoles(
  node: { directives?: readonly { name: { value: string }; arguments?: readonly unknown[] }[] } | null | undefined,
) {
  const directive = node?.directives?.find((d) => d.name.value === "auth");
  if (!directive) return null;
  const [argument] = directive.arguments as { value: { values: { value: string }[] } }[];
  return argument.value.values
    .map((v) => v.value)
    .sort()
    .join(",");
}

describe("schema.graphql", () => {
  let emitted: string;
  beforeAll(async () => {
    emitted = printGatewaySchema(await buildGatewaySchema());
  });

  it("is what the type-graphql classes emit (npm run build rewrites it)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(emitted);
  });

  (existsSync(sharedContractFile) ? it : it.skip)("pins a copy of the contract that is the contract", () => {
    expect(readFileSync(pinnedContractFile, "utf8")).toBe(readFileSync(sharedContractFile, "utf8"));
  });

  it("keeps the whole contract: no breaking change, the same @auth roles on every field", () => {
    const contract = buildSchema(readFileSync(contractFile, "utf8"));
    const ours: GraphQLSchema = buildSchema(emitted);
    expect(findBreakingChanges(contract, ours).map((change) => change.description)).toEqual([]);
    const differences: string[] = [];
    for (const type of Object.values(contract.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__")) continue;
      const mine = ours.getType(type.name);
      if (!isObjectType(mine)) continue;
      for (const [name, field] of Object.entries(type.getFields())) {
        const want = authRoles(field.astNode);
        const got = authRoles(mine.getFields()[name]?.astNode);
        if (want !== got) differences.push(`${type.name}.${name}: ${want} -> ${got}`);
      }
    }
    expect(differences).toEqual([]);
    expect(ours.getDirective("auth")).toBeDefined();
  });

  it("has typed documents in src/test/gql that match the operations (npm run codegen)", () => {
    // In a child process: the code generator is ESM-heavy and jest's module system is not.
    const script = `const cli = require("@graphql-codegen/cli");
      cli.loadCodegenConfig({ configFilePath: "codegen.ts" })
        .then(({ config }) => cli.generate({ ...config, silent: true }, false))
        .then((files) => process.stdout.write(JSON.stringify(files)));`;
    const output = execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
    const files = JSON.parse(output) as { filename: string; content: string }[];
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      expect({ file: file.filename, content: readFileSync(join(root, file.filename), "utf8") }).toEqual({
        file: file.filename,
        content: file.content,
      });
    }
  });
});
