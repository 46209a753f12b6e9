/**
 * CSV downloads of the dashboards' tables: GET /export/usage.csv and GET /export/error-feed.csv.
 *
 * Each export runs one fixed GraphQL operation through the gateway's own Apollo server, with the context the
 * /graphql route builds from the same Authorization header, and renders its rows. So authorization, tenant
 * scoping, argument validation, defaults and every figure are those of `usageMetrics` and `errorFeed` by
 * construction: the query string only supplies the operation's variables.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";
import { COUNTER_NAMES, type Counts } from "../daily-usage/counters";
import { ErrorCode, HttpError } from "../errors";
import { observeRequest } from "../server/observe";
import type { Route, RouteRequest, RouteServices } from "../server/routes";

const EXPORT_PREFIX = "/export/";

/** How a query-string value becomes the operation's variable. */
type ParameterKind = "string" | "int";

interface CsvTable {
  filename: string;
  columns: readonly string[];
  rows: Iterable<Record<string, unknown>>;
  headers?: Record<string, string>;
}

interface CsvExport<TData> {
  /**
   * One named operation whose variables are exactly the parameters below, all optional (the schema's defaults
   * apply); which rows it selects may depend on which were given.
   */
  document(variables: Readonly<Record<string, unknown>>): string;
  parameters: ReadonlyMap<string, ParameterKind>;
  table(data: TData, variables: Readonly<Record<string, unknown>>): CsvTable;
}

type Usage = Counts & { date: string };
type UsageBucket = Counts & { periodStart: string; periodEnd: string; from: string; to: string; partial: boolean };

interface UsageCsvData {
  usageMetrics: { startDate: string; endDate: string; timeZone: string; daily?: Usage[]; buckets?: UsageBucket[] };
}

const BUCKET_COLUMNS = ["periodStart", "periodEnd", "from", "to", "partial", ...COUNTER_NAMES];
const DAILY_COLUMNS = ["date", ...COUNTER_NAMES];

const usageExport: CsvExport<UsageCsvData> = {
  // One row per date, or with granularity one per period (buckets).
  document: ({ granularity }) => {
    const [field, columns] = granularity === undefined ? ["daily", DAILY_COLUMNS] : ["buckets", BUCKET_COLUMNS];
    return `query UsageCsv(
      $range: UsageRange, $tenantId: ID, $from: Date, $to: Date, $granularity: UsageGranularity, $timeZone: String
    ) {
      usageMetrics(range: $range, tenantId: $tenantId, from: $from, to: $to, granularity: $granularity, timeZone: $timeZone) {
        startDate
        endDate
        timeZone
        ${field} { ${columns.join(" ")} }
      }
    }`;
  },
  parameters: new Map([
    ["range", "string"],
    ["tenantId", "string"],
    ["from", "string"],
    ["to", "string"],
    ["granularity", "string"],
    ["timeZone", "string"],
  ]),
  // The dates' zone in a header: the rows are the same shape whatever it is.
  table: ({ usageMetrics: { startDate, endDate, timeZone, daily, buckets } }, { granularity }) => ({
    ...(buckets
      ? {
          filename: `usage-${startDate}-${endDate}-${String(granularity).toLowerCase()}.csv`,
          columns: BUCKET_COLUMNS,
          rows: buckets,
        }
      : { filename: `usage-${startDate}-${endDate}.csv`, columns: DAILY_COLUMNS, rows: daily ?? [] }),
    headers: { "x-time-zone": timeZone },
  }),
};

interface ErrorFeedCsvData {
  errorFeed: {
    total: number;
    page: number;
    limit: number;
    timeZone: string;
    items: Array<Record<string, unknown> & { sourceDetails: unknown[] }>;
  };
}

const errorFeedExport: CsvExport<ErrorFeedCsvData> = {
  document: () => `query ErrorFeedCsv($limit: Int, $page: Int, $timeZone: String) {
    errorFeed(limit: $limit, page: $page, timeZone: $timeZone) {
      total
      page
      limit
      timeZone
      items {
        id fullName userName tenantId tenantName enrichmentStatus updatedAt
        sourceDetails { source status error at }
      }
    }
  }`,
  parameters: new Map([
    ["limit", "int"],
    ["page", "int"],
    ["timeZone", "string"],
  ]),
  table: ({ errorFeed: feed }) => ({
    filename: `error-feed-page-${feed.page}.csv`,
    columns: ["id", "fullName", "userName", "tenantId", "tenantName", "enrichmentStatus", "updatedAt", "sourceDetails"],
    // JSON rather than a "source:status:error" list: sources and error texts may contain any separator, and `at` stays.
    rows: feed.items.map((item) => ({ ...item, sourceDetails: JSON.stringify(item.sourceDetails) })),
    // The 7 dates' zone in a header, as the usage export sends its own: the rows are the same shape whatever it is.
    headers: { "x-total-count": String(feed.total), "x-time-zone": feed.timeZone },
  }),
};

const EXPORTS = new Map<string, CsvExport<never>>([
  ["usage.csv", usageExport],
  ["error-feed.csv", errorFeedExport],
]);

/** /export/<name>, registered by gateway.ts; the operations it runs are shipped, so /metrics labels their names. */
export const exportRoutes: readonly Route[] = [
  {
    path: EXPORT_PREFIX,
    handle: handleCsvExport,
    operations: [...EXPORTS.values()].map((spec) => spec.document({})),
  },
];

const STATUS_BY_CODE = new Map<string, number>([
  [ErrorCode.BAD_USER_INPUT, 400],
  [ErrorCode.UNAUTHENTICATED, 401],
  [ErrorCode.FORBIDDEN, 403],
  [ErrorCode.RATE_LIMITED, 429],
]);

/** A signed integer; anything else goes to GraphQL as it is, so the Int coercion error is the one /graphql gives. */
const INTEGER = /^[+-]?\d+$/;

/** Answers its errors itself: one `text/plain` line, `CODE: reason` (README, "CSV export"). */
async function handleCsvExport(request: RouteRequest, services: RouteServices): Promise<void> {
  const { req, res, url, log } = request;
  try {
    const spec = EXPORTS.get(url.pathname.slice(EXPORT_PREFIX.length));
    if (!spec) {
      const known = [...EXPORTS.keys()].map((name) => EXPORT_PREFIX + name).join(", ");
      throw new HttpError(404, "NOT_FOUND", `no such export; there are ${known}`);
    }
    if (req.method !== "GET") {
      res.setHeader("allow", "GET");
      throw new HttpError(405, "METHOD_NOT_ALLOWED", "use GET");
    }
    const variables = variablesFrom(url, spec.parameters);
    const table = spec.table((await execute(services, spec, variables, request)) as never, variables);
    res.writeHead(200, {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${table.filename}"`,
      "cache-control": "no-store",
      ...table.headers,
    });
    await pipeline(
      Readable.from(table.rows),
      stringify({
        header: true,
        columns: [...table.columns],
        record_delimiter: "\r\n",
        // With a record_delimiter given, csv-stringify quotes only fields holding that exact CRLF: a lone LF or CR
        // went unquoted and split the record. RFC 4180 quotes any line break.
        quote_record_delimiter: true,
        escape_formulas: true,
        cast: { boolean: (value) => String(value) },
      }),
      res,
    );
  } catch (error) {
    if (res.headersSent) {
      log.error({ err: error }, "csv export failed while streaming");
      return void res.destroy();
    }
    if (!(error instanceof HttpError)) log.error({ err: error }, "csv export failed");
    const { status, code, message } =
      error instanceof HttpError ? error : new HttpError(500, ErrorCode.INTERNAL_SERVER_ERROR, "Internal server error");
    res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" });
    res.end(`${code}: ${message.replace(/\s+/g, " ").trim()}\n`);
  }
}

function variablesFrom(url: URL, parameters: ReadonlyMap<string, ParameterKind>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const name of new Set(url.searchParams.keys())) {
    const kind = parameters.get(name);
    if (!kind) {
      const known = [...parameters.keys()].join(", ");
      throw new HttpError(400, ErrorCode.BAD_USER_INPUT, `unknown parameter ${name}; this export takes ${known}`);
    }
    const values = url.searchParams.getAll(name);
    if (values.length > 1) throw new HttpError(400, ErrorCode.BAD_USER_INPUT, `${name} must be given at most once`);
    variables[name] = kind === "int" && INTEGER.test(values[0]) ? Number(values[0]) : values[0];
  }
  return variables;
}

/** The operation's data, or the HttpError its first GraphQL error maps to. */
async function execute(
  deps: RouteServices,
  spec: CsvExport<never>,
  variables: Record<string, unknown>,
  { req, res, requestId, log }: RouteRequest,
): Promise<unknown> {
  const observation = observeRequest(deps.metrics, log, res);
  const viewer = await deps.verifyToken(req.headers.authorization);
  const context = deps.contextFor({ viewer, requestId, log });
  const response = await observation.count(() =>
    deps.apollo.executeOperation({ query: spec.document(variables), variables }, { contextValue: context }),
  );
  const result = response.body.kind === "single" ? response.body.singleResult : undefined;
  const first = result?.errors?.[0];
  const code = first
    ? typeof first.extensions?.code === "string"
      ? first.extensions.code
      : ErrorCode.INTERNAL_SERVER_ERROR
    : undefined;
  const status = code === undefined ? 200 : (STATUS_BY_CODE.get(code) ?? 500);
  observation.record("csv export", {
    operation: context.report.operation,
    status,
    errorCodes: context.report.errorCodes,
    executor: context.report.executor,
    viewer: viewer?.id,
  });
  // A refusal's Retry-After and RateLimit headers, as /graphql sends them.
  if (status === 429) for (const [name, value] of response.http.headers) res.setHeader(name, value);
  if (first && code)
    throw new HttpError(status, status === 500 ? ErrorCode.INTERNAL_SERVER_ERROR : code, first.message);
  if (!result?.data) throw new Error("the export's operation answered with no data");
  return result.data;
}
