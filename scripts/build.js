// `npm run build` and the first half of `npm start`: the Prisma client, then
// dist/ and schema.graphql, then the dashboards' bundle (build-web.js), each
// only when its inputs changed. dist/ is
// compiled beside it and renamed into place with its stamp inside, so a
// process never starts from a half-written dist/.
const { existsSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { ROOT, buildOnce, hashInputs, run } = require("./build-cache");
const { buildWeb } = require("./build-web");
const { generate } = require("./prisma-generate");

const DIST = join(ROOT, "dist");
const STAMP = ".inputs-sha256";
/** What tsc reads (tsconfig.build.json's include and exclude, the generated client included) and how it is run. */
const INPUTS = ["src", "tsconfig.json", "tsconfig.build.json", "package-lock.json", "scripts/build.js"];
const compiled = (path) => !path.endsWith(".test.ts") && !path.startsWith("src/test/");

async function build() {
  await generate();
  const hash = hashInputs(INPUTS, compiled);
  return buildOnce({
    name: "dist",
    hash,
    stampFile: join(DIST, STAMP),
    async build() {
      // A sibling of dist/, so the source maps' relative paths stay right after the rename.
      const next = join(ROOT, `.build-dist-${process.pid}`);
      const previous = `${next}-previous`;
      try {
        await run([require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", next]);
        await run([join(next, "server", "emit-schema.js")]);
        writeFileSync(join(next, STAMP), hash);
        if (existsSync(DIST)) renameSync(DIST, previous);
        renameSync(next, DIST);
      } finally {
        rmSync(next, { recursive: true, force: true });
        rmSync(previous, { recursive: true, force: true });
      }
    },
  });
}

// One after the other: proper-lockfile keys its in-process locks by the locked path (ROOT for both), so two held at
// once in one process release each other's ("Lock is not acquired/owned by you").
(async () => [await build(), await buildWeb()])().then(
  (built) => console.error(built.some(Boolean) ? "build: done" : "build: up to date"),
  (error) => {
    console.error(`build failed: ${error.message}`);
    process.exit(1);
  },
);
