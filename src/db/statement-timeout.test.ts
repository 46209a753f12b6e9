import { Client } from "pg";
import { createTenant, createUser } from "../test/factories";
import { graphql } from "../test/gql";
import { serverUrl } from "../test/test-database";
import { errorCodes, useTestGateway } from "../test/test-gateway";
import { until } from "../test/until";

const TimeoutViewer = graphql(`
  query TimeoutViewer {
    viewer {
      id
      fullName
    }
  }
`);

const onPostgres = serverUrl ? describe : describe.skip;

// The CI runs this through PgBouncer in transaction mode too, which refuses a statement_timeout startup parameter.
onPostgres("statement timeout (PostgreSQL only: the pool's deadline, which holds through a transaction pooler)", () => {
  const gateway = useTestGateway({ DB_STATEMENT_TIMEOUT_MS: "1000" });

  it("cuts a statement that runs longer: the answer is an error, the server stops running it, the pool goes on", async () => {
    const user = await createUser(gateway.db.pool, { tenantId: await createTenant(gateway.db.pool) });
    const { database } = gateway.config;
    const holder = new Client({ connectionString: database.kind === "postgres" ? database.url : "" });
    await holder.connect();
    try {
      // Until the test commits, the request's statement (users) waits: only the timeout can end it.
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE users IN ACCESS EXCLUSIVE MODE");
      const cut = await gateway.query(TimeoutViewer, {}, { viewer: user });
      expect({ data: cut.body.data, codes: errorCodes(cut.body), path: cut.body.errors?.[0].path }).toEqual({
        data: { viewer: { id: user.id, fullName: null } },
        codes: ["INTERNAL_SERVER_ERROR"],
        path: ["viewer", "fullName"],
      });
      expect(cut.body.errors?.[0].message).toMatch(/statement timeout/);
      await until(
        "no statement of the gateway left running",
        async () => {
          const { rowCount } = await holder.query(
            `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                AND application_name = 'analytics-gateway' AND state <> 'idle'`,
          );
          return rowCount === 0;
        },
        10_000,
      );
      await holder.query("COMMIT");
      const after = await gateway.query(TimeoutViewer, {}, { viewer: user });
      expect(after.body).toEqual({ data: { viewer: { id: user.id, fullName: user.fullName } } });
    } finally {
      await holder.end();
    }
  });
});
