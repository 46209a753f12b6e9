import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { createTenant, createUser, insertActivity, viewerWithoutRow } from "../test/factories";
import { graphql } from "../test/gql";
import { addDays, databaseToday } from "../test/scenario";
import { errorCodes, useTestGateway } from "../test/test-gateway";

const UsageFreshness = graphql(`
  query UsageFreshness($tenantId: ID) {
    usageMetrics(range: LAST_7_DAYS, tenantId: $tenantId) {
      daily {
        date
        totalLogins
      }
      freshness {
        asOf
        rolledUpThrough
        liveDates
        missingDates
      }
    }
    rollupStatus {
      missingDates
    }
  }
`);

const RawAnswersFreshness = graphql(`
  query RawAnswersFreshness {
    events: funnel(days: 5) {
      freshness {
        rolledUpThrough
        liveDates
        missingDates
      }
    }
    users: funnel(days: 5, mode: USERS) {
      freshness {
        liveDates
      }
    }
    platformPulse {
      freshness {
        liveDates
        missingDates
      }
    }
    enrichmentHealth(days: 2) {
      freshness {
        liveDates
        missingDates
      }
    }
  }
`);

const TenantActivityFreshness = graphql(`
  query TenantActivityFreshness {
    tenantActivity {
      id
      freshness {
        liveDates
        missingDates
      }
    }
  }
`);

const TenantActivityPlain = graphql(`
  query TenantActivityPlain {
    tenantActivity {
      id
    }
  }
`);

const FreshnessRollup = graphql(`
  mutation FreshnessRollup($date: Date!) {
    runRollup(date: $date) {
      status
    }
  }
`);

const gateway = useTestGateway();
const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);
let today: string;
let tenantId: string;
let admin: Viewer;
/** The database's today plus `days`. */
const d = (days: number) => addDays(today, days);

async function rollUp(date: string) {
  const { body } = await gateway.query(FreshnessRollup, { date }, { viewer: superAdmin });
  expect(body.data?.runRollup.status).toBe("succeeded");
}

async function failedRun(date: string) {
  await gateway.db.pool.query(
    `INSERT INTO rollup_runs (date, status, started_at, finished_at, trigger, error)
     VALUES ($1::date, 'failed', clock_timestamp(), clock_timestamp(), 'manual', 'connection reset')`,
    [date],
  );
}

async function usageFreshness() {
  const { body } = await gateway.query(UsageFreshness, { tenantId }, { viewer: superAdmin });
  expect(errorCodes(body)).toEqual([]);
  return body.data!;
}

// The story of one file's database, in order: its rollup state is shared by every test below.
describe("freshness", () => {
  beforeAll(async () => {
    const pool = gateway.db.pool;
    today = await databaseToday(pool);
    tenantId = await createTenant(pool);
    admin = await createUser(pool, { tenantId, role: Role.TENANT_ADMIN });
    // Two logins on each of the 5 dates before today and today, at both UTC midnights' edges; nothing on d(-6).
    await insertActivity(
      pool,
      [-5, -4, -3, -2, -1, 0].flatMap((days) => [
        { tenantId, userId: admin.id, actionType: "login", createdAt: `${d(days)}T00:00:00.000Z` },
        { tenantId, userId: admin.id, actionType: "login", createdAt: `${d(days)}T23:59:59.999Z` },
      ]),
    );
    for (const days of [-5, -4, -3]) await rollUp(d(days));
    await failedRun(d(-2));
  });

  it("says which dates are live and which rollups are missing, and when it was read", async () => {
    const before = await gateway.db.pool.query<{ now: Date }>("SELECT now()");
    const data = await usageFreshness();
    const after = await gateway.db.pool.query<{ now: Date }>("SELECT now()");
    const { asOf, ...freshness } = data.usageMetrics.freshness;
    expect(new Date(asOf).getTime()).toBeGreaterThanOrEqual(before.rows[0].now.getTime());
    expect(new Date(asOf).getTime()).toBeLessThanOrEqual(after.rows[0].now.getTime());
    expect(freshness).toEqual({
      rolledUpThrough: d(-3),
      // d(-6) has no rows and no rollup; d(-2) only failed; d(-1) never ran; today is never rolled up.
      liveDates: [d(-6), d(-2), d(-1), d(0)],
      // d(-6) lies before the earliest activity, today is not due.
      missingDates: [d(-2), d(-1)],
    });
    expect(data.rollupStatus.missingDates).toEqual([d(-2), d(-1)]);
    expect(data.usageMetrics.daily.map((day) => day.totalLogins)).toEqual([0, 2, 2, 2, 2, 2, 2]);
  });

  it("shows a failed run behind a successful one as missing, while its figures still come from its rollup", async () => {
    await failedRun(d(-4));
    const data = await usageFreshness();
    expect(data.usageMetrics.freshness).toMatchObject({
      rolledUpThrough: d(-3),
      liveDates: [d(-6), d(-2), d(-1), d(0)],
      missingDates: [d(-4), d(-2), d(-1)],
    });
    expect(data.rollupStatus.missingDates).toEqual([d(-4), d(-2), d(-1)]);
    await rollUp(d(-4));
    expect((await usageFreshness()).rollupStatus.missingDates).toEqual([d(-2), d(-1)]);
  });

  it("keeps a rolled-up date current through late inserts, and makes it live after an UPDATE until it is rolled again", async () => {
    await insertActivity(gateway.db.pool, [
      { tenantId, userId: admin.id, actionType: "login", createdAt: `${d(-3)}T12:00:00.000Z` },
    ]);
    let data = await usageFreshness();
    expect(data.usageMetrics.freshness).toMatchObject({
      rolledUpThrough: d(-3),
      liveDates: [d(-6), d(-2), d(-1), d(0)],
    });
    expect(data.usageMetrics.daily.find((day) => day.date === d(-3))?.totalLogins).toBe(3);

    await gateway.db.pool.query(
      "UPDATE activity_log SET action_type = 'csv_exported' WHERE tenant_id = $1 AND created_at = $2",
      [tenantId, `${d(-3)}T12:00:00.000Z`],
    );
    data = await usageFreshness();
    expect(data.usageMetrics.freshness).toMatchObject({
      rolledUpThrough: d(-4),
      liveDates: [d(-6), d(-3), d(-2), d(-1), d(0)],
    });
    expect(data.usageMetrics.daily.find((day) => day.date === d(-3))?.totalLogins).toBe(2);

    await rollUp(d(-3));
    expect((await usageFreshness()).usageMetrics.freshness).toMatchObject({
      rolledUpThrough: d(-3),
      liveDates: [d(-6), d(-2), d(-1), d(0)],
    });
  });

  it("lists every date of the window as live for the answers that read raw tables, rolled-up dates not for the rest", async () => {
    const { body } = await gateway.query(RawAnswersFreshness, {}, { viewer: superAdmin });
    expect(errorCodes(body)).toEqual([]);
    expect(body.data).toEqual({
      events: { freshness: { rolledUpThrough: d(-3), liveDates: [d(-2), d(-1), d(0)], missingDates: [d(-2), d(-1)] } },
      users: { freshness: { liveDates: [-4, -3, -2, -1, 0].map(d) } },
      platformPulse: {
        freshness: { liveDates: [-7, -6, -2, -1, 0].map(d), missingDates: [d(-2), d(-1)] },
      },
      enrichmentHealth: { freshness: { liveDates: [d(-1), d(0)], missingDates: [d(-1)] } },
    });
  });

  it("costs tenantActivity one statement for every tenant together", async () => {
    await createTenant(gateway.db.pool);
    await createTenant(gateway.db.pool);
    const plain = await gateway.query(TenantActivityPlain, {}, { viewer: superAdmin });
    const withFreshness = await gateway.query(TenantActivityFreshness, {}, { viewer: superAdmin });
    expect(errorCodes(withFreshness.body)).toEqual([]);
    const tenants = withFreshness.body.data!.tenantActivity;
    expect(tenants.length).toBeGreaterThanOrEqual(3);
    for (const tenant of tenants)
      expect(tenant.freshness).toEqual({ liveDates: [-6, -2, -1, 0].map(d), missingDates: [d(-2), d(-1)] });
    expect(withFreshness.statements).toBe(plain.statements + 1);
  });
});
