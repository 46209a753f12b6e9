// npm run schema:check: the contract's own tool (../shared/tools/contract-check.mjs) where the contract sits beside
// this checkout; elsewhere (a clone of its own) the schema test, which compares schema.graphql with the copy pinned
// in contract/ the same way: no breaking change, the same @auth roles on every field.
const { spawnSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..");
const tool = join(root, "..", "shared", "tools", "contract-check.mjs");
const run = (command, args) => spawnSync(command, args, { cwd: root, stdio: "inherit" }).status ?? 1;

if (existsSync(tool)) process.exit(run(process.execPath, [tool]));
console.log("schema:check: no ../shared beside this checkout; checking schema.graphql against contract/schema.graphql");
const generated = run(process.execPath, [join(root, "scripts", "prisma-generate.js")]);
if (generated !== 0) process.exit(generated);
const jest = join(root, "node_modules", "jest", "bin", "jest.js");
process.exit(
  run(process.execPath, [
    "--experimental-vm-modules",
    "--disable-warning=ExperimentalWarning",
    jest,
    "src/server/schema.test.ts",
  ]),
);
