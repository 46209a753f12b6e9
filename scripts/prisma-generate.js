// `prisma generate` only checks that a schema engine exists before it runs its
// WebAssembly generator; pointing it at node skips a download that cannot
// happen offline (../shared/NOTES.md). Nothing ever runs that "engine".
const { execFileSync } = require("node:child_process");

execFileSync(process.execPath, [require.resolve("prisma/build/index.js"), "generate"], {
  stdio: ["ignore", "ignore", "inherit"],
  env: {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
  },
});
