// `prisma generate` only checks that a schema engine exists before it runs its
// WebAssembly generator; pointing it at node skips a download that cannot
// happen offline (../shared/NOTES.md). Nothing ever runs that "engine".
const { rmSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { ROOT, buildOnce, hashInputs, run } = require("./build-cache");

const INPUTS = ["prisma/schema.prisma", "prisma.config.ts", "package-lock.json", "scripts/prisma-generate.js"];
const STAMP = join(ROOT, "src", "db", "generated", ".inputs-sha256");

/** The Prisma client in src/db/generated, generated again only when its inputs changed. */
async function generate() {
  const hash = hashInputs(INPUTS);
  return buildOnce({
    name: "generate",
    hash,
    stampFile: STAMP,
    async build() {
      rmSync(STAMP, { force: true });
      await run([require.resolve("prisma/build/index.js"), "generate"], {
        stdio: ["ignore", "ignore", "inherit"],
        env: {
          ...process.env,
          PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
          PRISMA_HIDE_UPDATE_MESSAGE: "1",
        },
      });
      writeFileSync(STAMP, hash);
    },
  });
}

module.exports = { generate };

if (require.main === module) {
  generate().catch((error) => {
    console.error(error.message);
    process.exit(1);
  });
}
