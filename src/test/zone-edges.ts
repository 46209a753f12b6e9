import type { Pool } from "pg";

/**
 * The zones of issue 16's oracle tests that the platform-wide answers are checked in: half-hour and 45-minute
 * offsets, a southern DST with a 45-minute offset, a northern DST, and both ends of the offsets (+14, -11).
 */
export const EDGE_ZONES = [
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "Pacific/Chatham",
  "America/New_York",
  "Pacific/Kiritimati",
  "Pacific/Pago_Pago",
];

/** Today in `zone`, by the database's clock and time-zone database. */
export async function databaseTodayIn(pool: Pool, zone: string): Promise<string> {
  const { rows } = await pool.query<{ today: string }>(
    `SELECT to_char((now() AT TIME ZONE $1::text)::date, 'YYYY-MM-DD') AS today`,
    [zone],
  );
  return rows[0].today;
}

/**
 * Instants one second before, at and one second after each local midnight of `zone` from date `first` to `last`,
 * and each change of its offset between them (found quarter hour by quarter hour), as ISO strings in UTC: the
 * database's time-zone database decides them, never the host's.
 */
export async function zoneEdges(pool: Pool, zone: string, first: string, last: string): Promise<string[]> {
  const { rows } = await pool.query<{ at: string }>(
    `WITH marks AS (
       SELECT d::timestamp AT TIME ZONE $1::text AS at FROM generate_series($2::date, $3::date, interval '1 day') AS d
       UNION
       SELECT t FROM generate_series(($2::date - 1)::timestamp AT TIME ZONE 'UTC', ($3::date + 1)::timestamp AT TIME ZONE 'UTC',
                                     interval '15 minutes') AS t
        WHERE (t AT TIME ZONE $1::text) - ((t - interval '15 minutes') AT TIME ZONE $1::text) <> interval '15 minutes'
     )
     SELECT to_char((m.at + s * interval '1 second') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
       FROM marks m CROSS JOIN unnest(ARRAY[-1, 0, 1]) AS s
      ORDER BY 1`,
    [zone, first, last],
  );
  return rows.map((row) => row.at);
}
