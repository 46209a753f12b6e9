import { loadConfigForCommand } from "./config";
import { DEMO_USERS } from "./db/seed";
import { signToken } from "./auth/sign-token";
import { startGateway } from "./server/gateway";

async function main(): Promise<void> {
  const config = loadConfigForCommand();
  if ("exitWith" in config) process.exit(config.exitWith);
  const gateway = await startGateway(config);
  const { log } = gateway;
  log.info({ url: gateway.url, database: config.database.kind }, "gateway ready");
  if (config.database.kind === "embedded" && config.jwt.secret) {
    const lines = [
      `Analytics gateway on ${gateway.url} (GraphiQL: open it in a browser)`,
      `Dashboards: ${new URL("/dashboard", gateway.url).href} (sign in as any demo user from this machine)`,
      `Embedded database in ${config.database.dataDir}; development JWT secret: ${config.jwt.secret}`,
      "Paste one of these in GraphiQL's Headers tab:",
    ];
    for (const user of Object.values(DEMO_USERS)) {
      const token = await signToken(
        config.jwt.secret,
        { id: user.id, role: user.role, tenantId: user.tenantId },
        { expiresInSeconds: config.jwt.maxLifetimeSeconds },
      );
      lines.push(`  ${user.role.padEnd(12)} ${user.fullName}: {"Authorization": "Bearer ${token}"}`);
    }
    process.stdout.write(`\n${lines.join("\n")}\n\n`);
  }
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    gateway.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  console.error(`The gateway could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
