import { Fragment, useEffect, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";
import { useQuery } from "urql";
import { downloadExport } from "./download";
import { formatChange, formatDecimal, formatInteger, formatTime } from "./format";
import type { FunnelMode, WebTenantsQuery } from "./gql/graphql";
import { Panel } from "./Panel";
import { ENRICHMENT, ERROR_FEED, FUNNEL, QUOTA, ROLLUP, TENANTS } from "./queries";

// The super admin's health dashboard: a panel per question, each one request.

const network = { requestPolicy: "network-only" } as const;
const dateTime = (iso: string | null) => (iso ? `${iso.slice(0, 10)} ${formatTime(iso)}` : "never");

type Tenant = WebTenantsQuery["tenantActivity"][number];
const HEAT_COLUMNS = [
  ["searches7d", "Searches"],
  ["enrichments7d", "Enrichments"],
  ["exports7d", "Exports"],
] as const;

/** A cell's background from light to mid blue by its share of the column's largest value; dark text stays readable. */
function heat(value: number, max: number): string {
  return `hsl(215 70% ${97 - (max > 0 ? (27 * value) / max : 0)}%)`;
}

/** `onTenants` hears each answer's tenants: the usage panel's tenant picker offers them. */
export function TenantsPanel({ onTenants }: { onTenants: (tenants: readonly Tenant[]) => void }) {
  const [{ data, fetching, error }, refetch] = useQuery({ query: TENANTS });
  useEffect(() => {
    if (data) onTenants(data.tenantActivity);
  }, [data, onTenants]);
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const tenants = data?.tenantActivity;
  const max = (column: (typeof HEAT_COLUMNS)[number][0]) => Math.max(0, ...(tenants ?? []).map((t) => t[column]));
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const cells = (row: Pick<Tenant, "searches7d" | "enrichments7d" | "exports7d">) =>
    HEAT_COLUMNS.map(([column]) => (
      <td key={column} data-counter={column} style={{ background: heat(row[column], max(column)) }}>
        {formatInteger(row[column])}
      </td>
    ));
  return (
    <Panel
      id="tenants"
      title="Tenant activity, last 7 days"
      fetching={fetching}
      error={error}
      answer={tenants}
      empty={tenants?.length === 0}
      refresh={() => refetch(network)}
    >
      {tenants && (
        <div className="table-scroll" tabIndex={0}>
          <table data-testid="tenant-heatmap">
            <caption>Active tenants, most searches first; a tenant&apos;s row opens to its users</caption>
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                {HEAT_COLUMNS.map(([column, label]) => (
                  <th scope="col" key={column}>
                    {label}
                  </th>
                ))}
                <th scope="col">Users</th>
                <th scope="col">Last active</th>
              </tr>
            </thead>
            <tbody>
              {tenants.map((tenant) => (
                <Fragment key={tenant.id}>
                  <tr data-tenant-id={tenant.id}>
                    <th scope="row">
                      <button type="button" aria-expanded={open.has(tenant.id)} onClick={() => toggle(tenant.id)}>
                        {tenant.name}
                      </button>
                    </th>
                    {cells(tenant)}
                    <td data-counter="userCount">{formatInteger(tenant.userCount)}</td>
                    <td>{dateTime(tenant.lastActive)}</td>
                  </tr>
                  {open.has(tenant.id) &&
                    tenant.users.map((user) => (
                      <tr key={user.id} className="sub-row" data-user-id={user.id}>
                        <th scope="row">{user.fullName ?? user.id}</th>
                        {cells(user)}
                        <td colSpan={2} />
                      </tr>
                    ))}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

const DAY_CHOICES = [7, 14, 30, 90];
const SUCCESS = ["#2f5fa7", "#3f8f4f", "#7a4fa0", "#a0602a"];

export function EnrichmentPanel() {
  const [days, setDays] = useState(14);
  const [{ data, fetching, error }, refetch] = useQuery({ query: ENRICHMENT, variables: { days } });
  const health = data?.enrichmentHealth;
  const sources = health?.series[0]?.sources.map((entry) => entry.source) ?? [];
  const rows = health?.series.map((day) => ({
    date: day.date,
    ...Object.fromEntries(
      day.sources.flatMap((s) => [[`${s.source} ok`, s.success] as const, [`${s.source} failed`, s.failed] as const]),
    ),
  }));
  return (
    <Panel
      id="enrichment"
      title="Enrichment health"
      fetching={fetching}
      error={error}
      answer={health}
      freshness={health?.freshness}
      empty={sources.length === 0}
      refresh={() => refetch(network)}
      controls={
        <div className="controls">
          <label>
            Days{" "}
            <select value={days} onChange={(event) => setDays(Number(event.target.value))}>
              {DAY_CHOICES.map((choice) => (
                <option key={choice} value={choice}>
                  {choice}
                </option>
              ))}
            </select>
          </label>
        </div>
      }
    >
      {health && (
        <>
          <figure className="chart wide" role="img" aria-label="Successes and failures per source per day">
            <BarChart width={640} height={220} data={rows} margin={{ top: 4, right: 4, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="date" tick={{ fontSize: 10 }} minTickGap={16} />
              <YAxis allowDecimals={false} tick={{ fontSize: 10 }} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              {sources.flatMap((source, index) => [
                <Bar
                  key={`${source} ok`}
                  dataKey={`${source} ok`}
                  stackId={source}
                  fill={SUCCESS[index % 4]}
                  isAnimationActive={false}
                />,
                <Bar
                  key={`${source} failed`}
                  dataKey={`${source} failed`}
                  stackId={source}
                  fill="#b3261e"
                  isAnimationActive={false}
                />,
              ])}
            </BarChart>
          </figure>
          <details>
            <summary>As a table</summary>
            <div className="table-scroll" tabIndex={0}>
              <table data-testid="enrichment-table">
                <caption>Enrichments per source per day</caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    {sources.map((source) => (
                      <th scope="col" key={source}>
                        {source} ok / failed
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {health.series.map((day) => (
                    <tr key={day.date} data-date={day.date}>
                      <th scope="row">{day.date}</th>
                      {day.sources.map((entry) => (
                        <td key={entry.source} data-source={entry.source}>
                          {formatInteger(entry.success)} / {formatInteger(entry.failed)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
        </>
      )}
    </Panel>
  );
}

export function FunnelPanel() {
  const [mode, setMode] = useState<FunnelMode>("EVENTS");
  const [{ data, fetching, error }, refetch] = useQuery({ query: FUNNEL, variables: { mode } });
  const funnel = data?.funnel;
  return (
    <Panel
      id="funnel"
      title="Search-to-export funnel, last 7 days"
      fetching={fetching}
      error={error}
      answer={funnel}
      freshness={funnel?.freshness}
      empty={false}
      refresh={() => refetch(network)}
      controls={
        <div className="controls" role="group" aria-label="Count">
          {(["EVENTS", "USERS"] as const).map((choice) => (
            <button key={choice} type="button" aria-pressed={mode === choice} onClick={() => setMode(choice)}>
              {choice === "EVENTS" ? "Events" : "Users"}
            </button>
          ))}
        </div>
      }
    >
      {funnel && (
        <div className="funnel">
          <figure className="chart" role="img" aria-label="Funnel stages">
            <BarChart width={300} height={180} data={funnel.stages} layout="vertical" margin={{ left: 24 }}>
              <XAxis type="number" allowDecimals={false} tick={{ fontSize: 10 }} />
              <YAxis type="category" dataKey="stage" tick={{ fontSize: 10 }} width={90} />
              <Tooltip />
              <Bar dataKey="value" fill="#2f5fa7" isAnimationActive={false} />
            </BarChart>
          </figure>
          <ol className="stages">
            {funnel.stages.map((stage) => (
              <li key={stage.key} data-stage={stage.key}>
                <strong>{stage.stage}</strong>: <span data-testid="value">{formatInteger(stage.value)}</span>
                {stage.conversionRate !== null && (
                  <span data-testid="conversion">
                    {" "}
                    · {formatDecimal(stage.conversionRate * 100)}% of the previous stage
                  </span>
                )}
                <span className="card-detail" data-testid="change">
                  {" "}
                  · {formatChange(stage.change, stage.changePercent)} vs previous 7 days
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
    </Panel>
  );
}

const FEED_PAGE = 10;

export function ErrorFeedPanel() {
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string>();
  const [downloadError, setDownloadError] = useState<string>();
  const [{ data, fetching, error }, refetch] = useQuery({ query: ERROR_FEED, variables: { page, limit: FEED_PAGE } });
  const feed = data?.errorFeed;
  const pages = feed ? Math.max(1, Math.ceil(feed.total / feed.limit)) : 1;
  return (
    <Panel
      id="error-feed"
      title="Failed enrichments, last 7 days"
      fetching={fetching}
      error={error}
      answer={feed}
      empty={feed?.total === 0}
      refresh={() => refetch(network)}
    >
      {feed && (
        <>
          <div className="table-scroll" tabIndex={0}>
            <table data-testid="error-feed-table">
              <caption>
                {formatInteger(feed.total)} failed, page <span data-testid="page">{feed.page}</span> of {pages}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Prospect</th>
                  <th scope="col">User</th>
                  <th scope="col">Tenant</th>
                  <th scope="col">Updated</th>
                </tr>
              </thead>
              <tbody>
                {feed.items.map((item) => (
                  <Fragment key={item.id}>
                    <tr data-id={item.id}>
                      <th scope="row">
                        <button
                          type="button"
                          aria-expanded={open === item.id}
                          onClick={() => setOpen(open === item.id ? undefined : item.id)}
                        >
                          {item.fullName}
                        </button>
                      </th>
                      <td>{item.userName ?? "unknown"}</td>
                      <td>{item.tenantName ?? "unknown"}</td>
                      <td>{dateTime(item.updatedAt)}</td>
                    </tr>
                    {open === item.id &&
                      item.sourceDetails.map((detail) => (
                        <tr key={detail.source} className="sub-row" data-source={detail.source}>
                          <th scope="row">{detail.source}</th>
                          <td>{detail.status}</td>
                          <td>{detail.error ?? ""}</td>
                          <td>{detail.at ? dateTime(detail.at) : ""}</td>
                        </tr>
                      ))}
                  </Fragment>
                ))}
              </tbody>
            </table>
          </div>
          <nav className="pager" aria-label="Error feed pages">
            <button
              type="button"
              onClick={() => {
                setDownloadError(undefined);
                downloadExport("/export/error-feed.csv", "error-feed.csv").catch((failure: Error) =>
                  setDownloadError(failure.message),
                );
              }}
            >
              Download CSV (every page)
            </button>
            <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
              Previous
            </button>
            <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>
              Next
            </button>
          </nav>
          {downloadError && (
            <p role="alert" className="state error">
              {downloadError}
            </p>
          )}
        </>
      )}
    </Panel>
  );
}

export function QuotaPanel() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: QUOTA });
  const quota = data?.apiQuota;
  return (
    <Panel
      id="quota"
      title="API quota"
      fetching={fetching}
      error={error}
      answer={quota}
      empty={false}
      refresh={() => refetch(network)}
    >
      {quota && (
        <div className="card">
          <p className="card-value">{quota.status === "COMING_SOON" ? "Coming soon" : quota.status}</p>
          <p>{quota.message}</p>
          <p className="card-detail">Providers: {quota.providers.join(", ")}</p>
        </div>
      )}
    </Panel>
  );
}

export function RollupPanel() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: ROLLUP });
  const rollup = data?.rollupStatus;
  return (
    <Panel
      id="rollup"
      title="Rollup status"
      fetching={fetching}
      error={error}
      answer={rollup}
      empty={false}
      refresh={() => refetch(network)}
    >
      {rollup && (
        <>
          <p>
            Rolled up through <strong data-testid="last-date">{rollup.lastRolledUpDate ?? "never"}</strong>
            {rollup.lagDays !== null && (
              <>
                {" "}
                · lag <strong data-testid="lag">{rollup.lagDays}</strong> {rollup.lagDays === 1 ? "day" : "days"}
              </>
            )}
            {" · "}
            <span data-testid="missing">
              {rollup.missingDates.length === 0 ? "no missing dates" : `${rollup.missingDates.length} missing dates`}
            </span>
          </p>
          {rollup.recentRuns.length > 0 && (
            <div className="table-scroll" tabIndex={0}>
              <table>
                <caption>Recent runs</caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Status</th>
                    <th scope="col">Started</th>
                    <th scope="col">Rows</th>
                    <th scope="col">Error</th>
                  </tr>
                </thead>
                <tbody>
                  {rollup.recentRuns.map((run) => (
                    <tr key={`${run.date} ${run.startedAt}`}>
                      <th scope="row">{run.date}</th>
                      <td>{run.status}</td>
                      <td>{dateTime(run.startedAt)}</td>
                      <td>{run.rowsWritten === null ? "" : formatInteger(run.rowsWritten)}</td>
                      <td>{run.error ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </Panel>
  );
}
