// `npm start` runs the build on every start, from every replica at once: each
// output carries the hash of its inputs and is rebuilt only when they change,
// by one process at a time, while the others wait for it.
const { spawn } = require("node:child_process");
const { createHash } = require("node:crypto");
const { readdirSync, readFileSync, statSync } = require("node:fs");
const { join, relative } = require("node:path");
const lockfile = require("proper-lockfile");

const ROOT = join(__dirname, "..");

/** Up to ~5 minutes for another process's build; its lock counts as abandoned 10 s after its holder stops renewing it. */
const LOCK_OPTIONS = { stale: 10_000, retries: { retries: 1_200, minTimeout: 100, maxTimeout: 250 } };

/** sha256 of the paths and contents of `paths` (a folder: every file under it that `keep` accepts), relative to the root. */
function hashInputs(paths, keep = () => true) {
  const hash = createHash("sha256");
  for (const path of paths.flatMap(listFiles).filter(keep).sort()) {
    hash
      .update(`${path}\0`)
      .update(readFileSync(join(ROOT, path)))
      .update("\0");
  }
  return hash.digest("hex");
}

function listFiles(path) {
  const full = join(ROOT, path);
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)).split("\\").join("/"));
}

function readStamp(stampFile) {
  try {
    return readFileSync(stampFile, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * Runs `build` unless `stampFile` holds `hash`; `build` writes the stamp last,
 * so a stamp only ever stands beside complete outputs. The check is repeated
 * under the lock: the process that waited finds the build done.
 */
async function buildOnce({ name, hash, stampFile, build }) {
  if (readStamp(stampFile) === hash) return false;
  const release = await lockfile.lock(ROOT, { ...LOCK_OPTIONS, lockfilePath: join(ROOT, `.build-${name}.lock`) });
  try {
    if (readStamp(stampFile) === hash) return false;
    await build();
    return true;
  } finally {
    await release();
  }
}

/** A child process, awaited without blocking the event loop (which renews the lock). */
function run(args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"], ...options });
    child.once("error", reject);
    child.once("exit", (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${args.join(" ")} failed (${signal ?? `exit code ${code}`})`)),
    );
  });
}

module.exports = { ROOT, hashInputs, buildOnce, run };
