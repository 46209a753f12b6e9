import { randomUUID } from "node:crypto";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { print, type FormattedExecutionResult } from "graphql";
import { Role } from "../auth/role";
import { signToken } from "../auth/sign-token";
import type { Viewer } from "../auth/viewer";
import { loadConfig, type Config } from "../config";
import type { Logger } from "../logger";
import { startGateway, type Gateway } from "../server/gateway";
import { viewerWithoutRow } from "./factories";
import { createTestDatabase, type TestDatabase } from "./test-database";

export const TEST_JWT_SECRET = "test-secret-of-the-gateway-test-suite-0123456789";

export interface TestGateway extends Gateway {
  config: Config;
  /** POSTs one operation; the typed document gives the typed result. */
  query<TResult, TVariables>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables?: TVariables,
    options?: { token?: string | null; viewer?: Viewer },
  ): Promise<GraphQLResponse<TResult>>;
  /** Raw HTTP for tests that send what a client should not. */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** The text of /metrics, from the gateway's metrics listener. */
  metrics(): Promise<string>;
  token(viewer: Viewer): Promise<string>;
}

export interface GraphQLResponse<TResult> {
  status: number;
  body: FormattedExecutionResult<TResult>;
  /** SQL statements the request sent (the gateway's x-sql-statements header). */
  statements: number;
}

/**
 * A gateway on its own database (embedded in memory, or a clone of the
 * migrated template on PostgreSQL when DATABASE_URL is set), on a free port.
 */
export async function startTestGateway(
  env: Record<string, string> = {},
  options: { log?: Logger } = {},
): Promise<TestGateway> {
  const database: TestDatabase = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: "test",
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "silent",
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: "memory://",
    DEMO_DATA: "false",
    ROLLUP_ENABLED: "false",
    // A free port for each test gateway's /metrics (9464 by default).
    METRICS_PORT: "0",
    ...database.env,
    ...env,
  });
  const gateway = await startGateway(config, options);
  const base = `http://127.0.0.1:${gateway.port}`;
  const token = (viewer: Viewer) => signToken(config.jwt.secret ?? TEST_JWT_SECRET, viewer);
  return {
    ...gateway,
    config,
    token,
    fetch: (path, init) => fetch(`${base}${path}`, init),
    metrics: async () => (await fetch(`http://127.0.0.1:${gateway.metricsPort}/metrics`)).text(),
    async query(document, variables, options = {}) {
      const bearer = options.token !== undefined ? options.token : options.viewer ? await token(options.viewer) : null;
      const response = await fetch(`${base}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        body: JSON.stringify({ query: print(document), variables }),
      });
      return {
        status: response.status,
        body: (await response.json()) as FormattedExecutionResult<never>,
        statements: Number(response.headers.get("x-sql-statements") ?? NaN),
      };
    },
    async stop() {
      await gateway.stop();
      await database.drop();
    },
  };
}

/** The codes of a response's errors, for assertions. */
export function errorCodes(body: FormattedExecutionResult<unknown>): unknown[] {
  return (body.errors ?? []).map((error) => error.extensions?.code);
}

/**
 * The file's one gateway: started in beforeAll, stopped in afterAll. The
 * object is filled in by beforeAll, so use it inside hooks and tests only.
 */
export function useTestGateway(env: Record<string, string> = {}): TestGateway {
  const gateway = {} as TestGateway;
  beforeAll(async () => {
    Object.assign(gateway, await startTestGateway(env));
  });
  afterAll(() => gateway.stop());
  return gateway;
}

/**
 * Every role not in `allowed` is FORBIDDEN and anonymous is UNAUTHENTICATED,
 * each with no data and before any SQL. The viewers have no users row.
 */
export async function expectRoles<TResult, TVariables>(
  gateway: TestGateway,
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  { allowed }: { allowed: Role[] },
): Promise<void> {
  const tenantId = randomUUID();
  for (const role of Object.values(Role).filter((role) => !allowed.includes(role))) {
    const { body, statements } = await gateway.query(document, variables, { viewer: viewerWithoutRow(role, tenantId) });
    expect({ role, data: body.data ?? null, codes: errorCodes(body), statements }).toEqual({
      role,
      data: null,
      codes: ["FORBIDDEN"],
      statements: 0,
    });
  }
  const { body, statements } = await gateway.query(document, variables);
  expect({ data: body.data ?? null, codes: errorCodes(body), statements }).toEqual({
    data: null,
    codes: ["UNAUTHENTICATED"],
    statements: 0,
  });
}
