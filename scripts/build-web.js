// The dashboards' bundle (web/): web-dist/app.js, rebuilt only when its inputs changed, like dist/ (build.js).
// Also run on its own by the browser tests, which need the bundle but not dist/.
const { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { join } = require("node:path");
const { ROOT, buildOnce, hashInputs } = require("./build-cache");

const WEB_DIST = join(ROOT, "web-dist");
const STAMP = ".inputs-sha256";
const INPUTS = ["web/src", "web/tsconfig.json", "package-lock.json", "scripts/build-web.js"];

async function buildWeb() {
  const hash = hashInputs(INPUTS);
  return buildOnce({
    name: "web",
    hash,
    stampFile: join(WEB_DIST, STAMP),
    async build() {
      const next = join(ROOT, `.build-web-${process.pid}`);
      const previous = `${next}-previous`;
      try {
        mkdirSync(next);
        await require("esbuild").build({
          entryPoints: [join(ROOT, "web/src/main.tsx")],
          outfile: join(next, "app.js"),
          tsconfig: join(ROOT, "web/tsconfig.json"),
          bundle: true,
          minify: true,
          format: "iife",
          target: "es2020",
          // React's and the chart library's development-only checks are dropped from the bundle.
          define: { "process.env.NODE_ENV": '"production"' },
          legalComments: "none",
          logLevel: "warning",
        });
        writeFileSync(join(next, STAMP), hash);
        if (existsSync(WEB_DIST)) renameSync(WEB_DIST, previous);
        renameSync(next, WEB_DIST);
      } finally {
        rmSync(next, { recursive: true, force: true });
        rmSync(previous, { recursive: true, force: true });
      }
    },
  });
}

module.exports = { buildWeb, WEB_DIST };

if (require.main === module) {
  buildWeb().then(
    (built) => console.error(built ? "build web: done" : "build web: up to date"),
    (error) => {
      console.error(`build web failed: ${error.message}`);
      process.exit(1);
    },
  );
}
