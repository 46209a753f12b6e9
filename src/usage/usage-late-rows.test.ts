import { Role } from "../auth/role";
import type { Counts } from "../daily-usage/counters";
import { createTenant, createUser, insertActivity, viewerWithoutRow, type ActivityRow } from "../test/factories";
import { graphql } from "../test/gql";
import { addDays, databaseToday, KNOWN_ACTIONS } from "../test/scenario";
import { errorCodes, useTestGateway } from "../test/test-gateway";

const LateRowsUsage = graphql(`
  query LateRowsUsage($tenantId: ID) {
    usageMetrics(range: LAST_30_DAYS, tenantId: $tenantId) {
      daily {
        date
        totalLogins
        searchesExecuted
        profilesViewed
        profilesEnriched
        csvExports
        listsCreated
        personasCreated
        lookalikeSearches
      }
    }
  }
`);

const LateRowsRollup = graphql(`
  mutation LateRowsRollup($date: Date!) {
    runRollup(date: $date) {
      status
    }
  }
`);

const gateway = useTestGateway();
const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);

/** Per date of the last 30, the eight counters by plain SQL over activity_log (one tenant, or all). */
async function expectedDaily(tenantId: string | null) {
  const { rows } = await gateway.db.pool.query<Counts & { date: string }>(
    `SELECT to_char(d, 'YYYY-MM-DD') AS date,
            count(a.*) FILTER (WHERE a.action_type = 'login')::int AS "totalLogins",
            count(a.*) FILTER (WHERE a.action_type = 'search_executed')::int AS "searchesExecuted",
            count(a.*) FILTER (WHERE a.action_type = 'profile_viewed')::int AS "profilesViewed",
            count(a.*) FILTER (WHERE a.action_type = 'profile_enriched')::int AS "profilesEnriched",
            count(a.*) FILTER (WHERE a.action_type = 'csv_exported')::int AS "csvExports",
            count(a.*) FILTER (WHERE a.action_type = 'list_created')::int AS "listsCreated",
            count(a.*) FILTER (WHERE a.action_type = 'persona_created')::int AS "personasCreated",
            count(a.*) FILTER (WHERE a.action_type = 'lookalike_search')::int AS "lookalikeSearches"
       FROM generate_series((now() AT TIME ZONE 'UTC')::date - 29, (now() AT TIME ZONE 'UTC')::date, interval '1 day') d
       LEFT JOIN activity_log a ON to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') = to_char(d, 'YYYY-MM-DD')
        AND ($1::uuid IS NULL OR a.tenant_id = $1::uuid)
      GROUP BY d ORDER BY d`,
    [tenantId],
  );
  return rows;
}

async function usageDaily(tenantId: string | null) {
  const { body } = await gateway.query(LateRowsUsage, { tenantId }, { viewer: superAdmin });
  expect(errorCodes(body)).toEqual([]);
  return body.data!.usageMetrics.daily;
}

describe("late rows racing with the rollup of their dates", () => {
  it("are each counted once, in the rollup or in a delta, and the figures equal plain SQL once settled", async () => {
    const pool = gateway.db.pool;
    const today = await databaseToday(pool);
    const dates = [-25, -24, -23, -22, -21].map((days) => addDays(today, days));
    const tenantId = await createTenant(pool);
    const users = await Promise.all([0, 1, 2].map(() => createUser(pool, { tenantId })));
    // Deterministic rows on every edge of each date: its first and last millisecond, and an unknown action type.
    const rowsFor = (batch: number): ActivityRow[] =>
      dates.flatMap((date, i) => [
        {
          tenantId,
          userId: users[(batch + i) % 3].id,
          actionType: KNOWN_ACTIONS[(batch * 5 + i) % KNOWN_ACTIONS.length],
          createdAt: `${date}T00:00:00.000Z`,
        },
        {
          tenantId,
          userId: users[(batch + i + 1) % 3].id,
          actionType: KNOWN_ACTIONS[(batch * 3 + i) % KNOWN_ACTIONS.length],
          createdAt: `${date}T23:59:59.999Z`,
        },
        { tenantId, userId: users[batch % 3].id, actionType: "unknown_action", createdAt: `${date}T12:00:00.000Z` },
      ]);
    await insertActivity(pool, rowsFor(0));
    const rollUp = (date: string) => gateway.query(LateRowsRollup, { date }, { viewer: superAdmin });
    for (const date of dates) expect((await rollUp(date)).body.data?.runRollup.status).toBe("succeeded");

    const writes = Array.from({ length: 30 }, (_, batch) => insertActivity(pool, rowsFor(batch + 1)));
    const rollups = [...dates, ...dates].map(rollUp);
    const reads = Array.from({ length: 5 }, () => usageDaily(tenantId));
    const [, rolled] = await Promise.all([Promise.all(writes), Promise.all(rollups), Promise.all(reads)]);
    expect(rolled.map((run) => run.body.data?.runRollup.status)).toEqual(rolled.map(() => "succeeded"));

    const expected = await expectedDaily(tenantId);
    const counted = expected.flatMap((day) => Object.values(day).filter((value) => typeof value === "number"));
    // 31 batches of two known-type rows on each of 5 dates; the unknown ones count nowhere.
    expect(counted.reduce((sum, n) => sum + n, 0)).toBe(31 * 2 * 5);
    expect(await usageDaily(tenantId)).toEqual(expected);
    expect(await usageDaily(null)).toEqual(await expectedDaily(null));

    // The race left some rows in deltas or none; either way one more run absorbs what is left and changes nothing.
    for (const date of dates) await rollUp(date);
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM usage_deltas WHERE date = ANY($1::date[])",
      [dates],
    );
    expect(rows[0].n).toBe(0);
    expect(await usageDaily(tenantId)).toEqual(expected);
  });
});
