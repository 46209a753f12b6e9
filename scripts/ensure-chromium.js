// The GraphiQL browser test drives Debian's chromium (playwright cannot download its own browser here, nor behind
// many firewalls: ../shared/NOTES.md). `npm test` installs it on a fresh Debian machine when it may (root, apt-get);
// elsewhere it says what to install, and the browser test fails with the same words.
const { execSync } = require("node:child_process");
const { existsSync } = require("node:fs");

const CHROMIUM = "/usr/bin/chromium";

if (!existsSync(CHROMIUM)) {
  const canInstall = process.getuid?.() === 0 && existsSync("/usr/bin/apt-get");
  if (canInstall) {
    console.log("installing Debian's chromium for the browser test (apt-get install chromium)");
    try {
      execSync("apt-get update -qq && apt-get install -y -qq chromium", { stdio: ["ignore", "ignore", "inherit"] });
    } catch {
      console.warn("chromium could not be installed; the browser test will fail");
    }
  } else {
    console.warn(`the browser test needs Debian's chromium at ${CHROMIUM}: apt-get install chromium`);
  }
}
