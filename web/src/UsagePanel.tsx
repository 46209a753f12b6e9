import { useEffect, useMemo, useState } from "react";
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from "recharts";
import { useQuery } from "urql";
import { COUNTERS, type Counter } from "./counters";
import { formatChange, formatInteger } from "./format";
import type { UsageGranularity, UsageRange, WebUsageQuery, WebUsageQueryVariables } from "./gql/graphql";
import { errorCode, Panel } from "./Panel";
import { USAGE } from "./queries";

type Usage = WebUsageQuery["usageMetrics"];
type UserRow = NonNullable<Usage["userBreakdown"]>[number];

const PRESETS: [UsageRange, string][] = [
  ["LAST_7_DAYS", "7 days"],
  ["LAST_30_DAYS", "30 days"],
  ["LAST_90_DAYS", "90 days"],
];
const GRANULARITIES: UsageGranularity[] = ["DAY", "WEEK", "MONTH"];
/** A few zones, and the browser's own; "" is the API's default (the tenant's zone for one tenant, else UTC). */
const TIME_ZONES = [
  ...new Set([
    "UTC",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    Intl.DateTimeFormat().resolvedOptions().timeZone,
  ]),
];

export interface TenantName {
  id: string;
  name: string;
}

/** The window asked for: a preset, or a custom from..to. */
type Window = { range: UsageRange } | { from: string; to: string };

function Controls({
  window,
  granularity,
  timeZone,
  tenants,
  tenantId,
  onTenant,
  onWindow,
  onGranularity,
  onTimeZone,
}: {
  window: Window;
  granularity: UsageGranularity;
  timeZone: string;
  tenants: readonly TenantName[] | undefined;
  tenantId: string;
  onTenant: (tenantId: string) => void;
  onWindow: (window: Window) => void;
  onGranularity: (granularity: UsageGranularity) => void;
  onTimeZone: (timeZone: string) => void;
}) {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  return (
    <div className="controls">
      <div role="group" aria-label="Range">
        {PRESETS.map(([range, label]) => (
          <button
            key={range}
            type="button"
            aria-pressed={"range" in window && window.range === range}
            onClick={() => onWindow({ range })}
          >
            {label}
          </button>
        ))}
      </div>
      <form
        className="custom-range"
        onSubmit={(event) => {
          event.preventDefault();
          if (from && to) onWindow({ from, to });
        }}
      >
        <label>
          From <input type="date" value={from} onChange={(event) => setFrom(event.target.value)} />
        </label>
        <label>
          To <input type="date" value={to} onChange={(event) => setTo(event.target.value)} />
        </label>
        <button type="submit">Apply</button>
      </form>
      <label>
        Granularity{" "}
        <select
          aria-label="Granularity"
          value={granularity}
          onChange={(event) => onGranularity(event.target.value as UsageGranularity)}
        >
          {GRANULARITIES.map((value) => (
            <option key={value} value={value}>
              {value.toLowerCase()}
            </option>
          ))}
        </select>
      </label>
      {tenants && (
        <label>
          Tenant{" "}
          <select aria-label="Tenant" value={tenantId} onChange={(event) => onTenant(event.target.value)}>
            <option value="">all tenants</option>
            {tenants.map((tenant) => (
              <option key={tenant.id} value={tenant.id}>
                {tenant.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Time zone{" "}
        <select aria-label="Time zone" value={timeZone} onChange={(event) => onTimeZone(event.target.value)}>
          <option value="">default</option>
          {TIME_ZONES.map((zone) => (
            <option key={zone} value={zone}>
              {zone}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

function Totals({ usage }: { usage: Usage }) {
  return (
    <div className="cards">
      {COUNTERS.map(([counter, label]) => {
        const change = usage.changes[counter];
        return (
          <div className="card" key={counter} data-testid={`usage-total-${counter}`}>
            <p className="card-label">{label}</p>
            <p className="card-value" data-testid="value">
              {formatInteger(change.current)}
            </p>
            <p className="card-detail" data-testid="change">
              {formatChange(change.absolute, change.percent)} vs previous period
            </p>
          </div>
        );
      })}
    </div>
  );
}

function Charts({ usage }: { usage: Usage }) {
  return (
    <div className="charts">
      {COUNTERS.map(([counter, label]) => (
        <figure key={counter} className="chart" role="img" aria-label={`${label} per period`}>
          <figcaption>{label}</figcaption>
          <BarChart width={280} height={140} data={usage.buckets} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
            <CartesianGrid strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="periodStart" tick={{ fontSize: 10 }} minTickGap={16} />
            <YAxis allowDecimals={false} tick={{ fontSize: 10 }} />
            <Tooltip />
            <Bar dataKey={counter} name={label} fill="#2f5fa7" isAnimationActive={false} />
          </BarChart>
        </figure>
      ))}
    </div>
  );
}

type SortKey = Counter | "fullName";

function UserTable({ users }: { users: readonly UserRow[] }) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({
    key: "searchesExecuted",
    descending: true,
  });
  const rows = useMemo(() => {
    const value = (row: UserRow) => (sort.key === "fullName" ? (row.fullName ?? "") : row[sort.key]);
    return [...users].sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      const order = x < y ? -1 : x > y ? 1 : 0;
      return sort.descending ? -order : order;
    });
  }, [users, sort]);
  const header = (key: SortKey, label: string) => (
    <th scope="col" key={key} aria-sort={sort.key === key ? (sort.descending ? "descending" : "ascending") : "none"}>
      <button
        type="button"
        onClick={() => setSort({ key, descending: sort.key === key ? !sort.descending : key !== "fullName" })}
      >
        {label}
      </button>
    </th>
  );
  return (
    <div className="table-scroll" tabIndex={0}>
      <table data-testid="user-breakdown">
        <caption>Users</caption>
        <thead>
          <tr>
            {header("fullName", "User")}
            {COUNTERS.map(([counter, label]) => header(counter, label))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.userId} data-user-id={row.userId}>
              <th scope="row">{row.fullName ?? row.userId}</th>
              {COUNTERS.map(([counter]) => (
                <td key={counter} data-counter={counter}>
                  {formatInteger(row[counter])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The buckets on screen as CSV, for the download link. */
function bucketsCsv(usage: Usage): string {
  const lines = [["periodStart", "periodEnd", "partial", ...COUNTERS.map(([counter]) => counter)].join(",")];
  for (const bucket of usage.buckets) {
    const counts = COUNTERS.map(([counter]) => bucket[counter]);
    lines.push([bucket.periodStart, bucket.periodEnd, bucket.partial, ...counts].join(","));
  }
  return `${lines.join("\n")}\n`;
}

function CsvLink({ usage }: { usage: Usage }) {
  const href = useMemo(() => URL.createObjectURL(new Blob([bucketsCsv(usage)], { type: "text/csv" })), [usage]);
  useEffect(() => () => URL.revokeObjectURL(href), [href]);
  return (
    <a className="download" href={href} download={`usage-${usage.startDate}-${usage.endDate}.csv`}>
      Download CSV
    </a>
  );
}

/**
 * Usage of the viewer's tenant (a super admin: all tenants): totals with their change, a chart per counter and the
 * user breakdown, from one usageMetrics answer. The API's FORBIDDEN goes to `onForbidden`: the viewer has no
 * analytics access at all.
 */
export function UsagePanel({
  onForbidden,
  tenants,
}: {
  onForbidden: () => void;
  /** A super admin's tenants to pick one from (the tenant activity panel's answer); none for a tenant admin. */
  tenants?: readonly TenantName[];
}) {
  const [window, setWindow] = useState<Window>({ range: "LAST_30_DAYS" });
  const [granularity, setGranularity] = useState<UsageGranularity>("DAY");
  const [timeZone, setTimeZone] = useState("");
  const [tenantId, setTenantId] = useState("");
  const variables: WebUsageQueryVariables = {
    ...window,
    granularity,
    ...(timeZone && { timeZone }),
    ...(tenantId && { tenantId }),
  };
  const [{ data, fetching, error }, refetch] = useQuery({ query: USAGE, variables });
  const forbidden = errorCode(error) === "FORBIDDEN";
  useEffect(() => {
    if (forbidden) onForbidden();
  }, [forbidden, onForbidden]);
  const usage = data?.usageMetrics;
  return (
    <Panel
      id="usage"
      title="Usage"
      fetching={fetching}
      error={error}
      answer={usage}
      freshness={usage?.freshness}
      empty={usage !== undefined && usage.buckets.length === 0}
      refresh={() => refetch({ requestPolicy: "network-only" })}
      controls={
        <Controls
          window={window}
          granularity={granularity}
          timeZone={timeZone}
          tenants={tenants}
          tenantId={tenantId}
          onTenant={setTenantId}
          onWindow={setWindow}
          onGranularity={setGranularity}
          onTimeZone={setTimeZone}
        />
      }
    >
      {usage && (
        <>
          <p className="window" data-testid="usage-window">
            {usage.startDate} to {usage.endDate} ({usage.timeZone}) {usage.tenantId ? "" : "· all tenants"}{" "}
            <CsvLink usage={usage} />
          </p>
          <Totals usage={usage} />
          <Charts usage={usage} />
          {usage.userBreakdown && <UserTable users={usage.userBreakdown} />}
        </>
      )}
    </Panel>
  );
}
