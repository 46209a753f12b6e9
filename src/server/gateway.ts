import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { createTokenVerifier } from "../auth/token";
import type { Config } from "../config";
import { loadTimeZones } from "../daily-usage/time-zones";
import { openDatabase, type Database } from "../db/database";
import { applyMigrations } from "../db/migrate";
import { ReadReplica, readYourWritesPlugin } from "../db/read-replica";
import { seedDemoData } from "../db/seed";
import { formatError } from "../errors";
import { exportRoutes } from "../export/export.http";
import { createLogger, type Logger } from "../logger";
import { rollupMetrics } from "../rollup/rollup.metrics";
import { RollupService } from "../rollup/rollup.service";
import { createContext, type Context } from "./context";
import { dashboardRoutes } from "./dashboard";
import { DASHBOARD_TABS, demoGraphiqlOptions, graphiqlAssetRoute } from "./graphiql";
import { createRequestHandler } from "./http";
import { jitExecution } from "./jit";
import { queryLimits } from "./limits";
import { Budgets, budgetPlugin } from "./budget";
import { createReadinessProbe, probeRoutes } from "./readiness";
import { createMetrics, serveMetrics } from "./metrics";
import type { Route } from "./routes";
import { capConnections, httpServerOptions } from "./connections";
import { errorReportingPlugin } from "./plugins";
import { responseCache } from "./response-cache";
import { buildGatewaySchema } from "./schema";

export interface Gateway {
  url: string;
  port: number;
  db: Database;
  log: Logger;
  rollup: RollupService;
  /** Where /metrics is served (METRICS_HOST), null when its port could not be bound. */
  metricsPort: number | null;
  /** Stops accepting, lets in-flight requests finish, stops the scheduler, closes the database. */
  stop(): Promise<void>;
}

/** config -> database -> migrations (-> demo data) -> HTTP server -> scheduler. */
export async function startGateway(config: Config, options: { log?: Logger } = {}): Promise<Gateway> {
  const log = options.log ?? createLogger(config);
  const db = await openDatabase(config);
  // The accepted timeZone names, from the database's own tzdata: the zones its AT TIME ZONE will compute in.
  let timeZones: ReadonlySet<string>;
  try {
    const applied = await applyMigrations(db.direct);
    if (applied.length > 0) log.info({ migrations: applied }, "migrations applied");
    if (config.database.kind === "embedded" && config.database.demoData && (await seedDemoData(db.pool)))
      log.info("embedded database seeded with demo data");
    timeZones = await loadTimeZones(db);
    log.info({ timeZones: timeZones.size }, "time-zone names read");
  } catch (error) {
    await db.close();
    throw error;
  }
  // Dashboard reads go to it while it is usable; writes, migrations and the rollup stay on the primary (db).
  const readReplica =
    config.database.kind === "postgres" && config.database.readUrl
      ? new ReadReplica(db, config.database.readUrl, config, log)
      : null;
  const replicaId = config.replicaId ?? `${hostname()}:${process.pid}`;
  const rollup = new RollupService({ db, log, config: config.rollup, replicaId });
  const httpServer: Server = createServer(httpServerOptions(config.http));
  capConnections(httpServer, config.http, log);
  const limits = queryLimits({ production: config.production });
  const budgets = new Budgets(config.budget);
  const cache = responseCache(config.responseCache);
  const apollo = new ApolloServer<Context>({
    gateway: jitExecution(await buildGatewaySchema()),
    formatError: formatError(config.production),
    includeStacktraceInErrorResponses: !config.production,
    introspection: true,
    // Apollo's CSRF prevention guards cookie sessions; this API reads only the Authorization header, which no
    // cross-site form or image can send, so it would only refuse urql's and graphql-request's GETs (README, "Browsers
    // and clients"). Mutations over GET are refused regardless, and POST takes JSON only (http.ts).
    csrfPrevention: false,
    // main.ts owns the signals: Apollo's own handler would stop it before the HTTP server drains.
    stopOnTerminationSignals: false,
    hideSchemaDetailsFromClientErrors: config.production,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    plugins: [
      ...limits.plugins,
      ApolloServerPluginLandingPageDisabled(),
      // The default cache-control plugin hooks every resolved field (a cache policy per field, and Apollo then wraps
      // every resolver to call it): ~20% of the CPU of a 4,600-user tenantActivity. Our answers have no per-field
      // hints: responseCache gives the whole operation its policy once, and sets `cache-control` on every response.
      ApolloServerPluginCacheControlDisabled(),
      errorReportingPlugin({ production: config.production }),
      // Before the budgets: an answer from the cache is sent before the request is admitted, so it spends nothing.
      ...cache.plugins,
      budgetPlugin(budgets),
      ...(readReplica ? [readYourWritesPlugin(readReplica)] : []),
      // apollo.stop() first stops accepting and lets the requests in flight finish, for at most SHUTDOWN_GRACE_MS.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: SHUTDOWN_GRACE_MS }),
    ],
  });
  await apollo.start();
  const verifyToken = createTokenVerifier(config.jwt);
  const readiness = createReadinessProbe(config, db);
  const pageOptions = await demoGraphiqlOptions(config);
  const routes: Route[] = [
    ...probeRoutes(readiness),
    graphiqlAssetRoute,
    ...dashboardRoutes(pageOptions),
    ...exportRoutes,
  ];
  const metrics = createMetrics(db, {
    shippedOperations: [
      ...DASHBOARD_TABS.map((tab) => tab.query),
      ...routes.flatMap((route) => route.operations ?? []),
    ],
    sources: [rollupMetrics(rollup), cache.metrics],
    replica: readReplica,
  });
  const handleRequest = createRequestHandler({
    apollo,
    verifyToken,
    budgets,
    log,
    contextFor: ({ viewer, requestId, log: requestLog }) =>
      createContext({
        viewer,
        requestId,
        log: requestLog,
        db: readReplica?.databaseFor(viewer) ?? db,
        config,
        rollup,
        timeZones,
      }),
    routes,
    metrics,
    graphiql: pageOptions,
    corsOrigins: config.corsOrigins,
  });
  httpServer.on("request", (req, res) => void handleRequest(req, res));
  await new Promise<void>((resolve, reject) => {
    httpServer.once("error", reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const port = (httpServer.address() as AddressInfo).port;
  const metricsServer = await serveMetrics(metrics, config.metrics, log);
  if (config.rollup.enabled) rollup.start();
  return {
    url: `http://localhost:${port}/graphql`,
    port,
    db,
    log,
    rollup,
    metricsPort: metricsServer?.port ?? null,
    async stop() {
      log.info("stopping: draining requests in flight");
      metricsServer?.server.close();
      metricsServer?.server.closeAllConnections();
      await apollo.stop();
      log.info("stopped accepting; requests in flight finished");
      await rollup.stop();
      log.info("scheduler stopped");
      await readiness.close();
      await readReplica?.close();
      await db.close();
      log.info("database closed");
    },
  };
}

/** In-flight requests get this long to finish on shutdown. */
const SHUTDOWN_GRACE_MS = 10_000;
