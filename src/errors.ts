import { HeaderMap, type GraphQLResponse } from "@apollo/server";
import { GraphQLError, type GraphQLFormattedError } from "graphql";

/** The contract's error codes (contract/README.md, "Errors"). */
export const ErrorCode = {
  UNAUTHENTICATED: "UNAUTHENTICATED",
  FORBIDDEN: "FORBIDDEN",
  BAD_USER_INPUT: "BAD_USER_INPUT",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  /** Over a budget (src/server/budget.ts): HTTP 429, nothing was run. */
  RATE_LIMITED: "RATE_LIMITED",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const clientCodes = new Set<string>([
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.FORBIDDEN,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.RATE_LIMITED,
  // Apollo's own request-level codes, raised before anything runs.
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
]);

export function unauthenticated(message = "Authentication required: send Authorization: Bearer <token>"): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED } });
}

/** `httpStatus` for a refusal before execution, which Apollo would otherwise answer 500. */
export function forbidden(message = "Your role may not read this field", httpStatus?: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.FORBIDDEN, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
  });
}

/** What a RATE_LIMITED refusal says in its headers (draft-ietf-httpapi-ratelimit-headers: RateLimit-Policy, RateLimit). */
export interface RateLimitRefusal {
  /** The policy's name in the headers. */
  policy: string;
  /** What the policy allows: requests at once, or per window. */
  quota: number;
  windowSeconds?: number;
  retryAfterSeconds: number;
}

/** A request over a budget (src/server/budget.ts), refused before anything ran. */
export class RateLimited extends Error {
  constructor(
    message: string,
    readonly refusal: RateLimitRefusal,
  ) {
    super(message);
  }
}

/** RATE_LIMITED's answer: HTTP 429, Retry-After and the RateLimit headers, the error and no data. */
export function rateLimitedResponse({ message, refusal }: RateLimited): GraphQLResponse {
  const window = refusal.windowSeconds === undefined ? "" : `;w=${refusal.windowSeconds}`;
  return {
    http: {
      status: 429,
      headers: new HeaderMap([
        ["retry-after", String(refusal.retryAfterSeconds)],
        ["ratelimit-policy", `"${refusal.policy}";q=${refusal.quota}${window}`],
        ["ratelimit", `"${refusal.policy}";r=0;t=${refusal.retryAfterSeconds}`],
      ]),
    },
    body: {
      kind: "single",
      singleResult: {
        errors: [{ message, extensions: { code: ErrorCode.RATE_LIMITED, retryAfter: refusal.retryAfterSeconds } }],
      },
    },
  };
}

/** A request refused outside GraphQL (a path, a method, a body, an export's parameters): its HTTP status and code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function badUserInput(message: string, argumentName?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(argumentName ? { argumentName } : {}) },
  });
}

/**
 * Apollo labels every validation error GRAPHQL_VALIDATION_FAILED; a query
 * limit or a bad literal (a date like 2026-02-30) keeps its own code, so a
 * client can tell which rule it broke. The parser's token limit has no code
 * of its own, only its message.
 */
const NULL_FOR_NON_NULL = /^Argument "\w+" of non-null type "[^"]+" must not be null\.$/;

function refinedCode(formatted: GraphQLFormattedError, error: unknown): string | undefined {
  const original = error instanceof GraphQLError ? error.originalError : undefined;
  const code = original instanceof GraphQLError ? original.extensions.code : undefined;
  if (typeof code === "string" && (code.startsWith("QUERY_LIMIT_") || code === ErrorCode.BAD_USER_INPUT)) return code;
  // A nullable variable sent as null for a non-null argument that has a default: graphql-js
  // refuses it only while executing, with no code; it is the client's mistake.
  if (original instanceof GraphQLError && code === undefined && NULL_FOR_NON_NULL.test(original.message)) {
    return ErrorCode.BAD_USER_INPUT;
  }
  if (refusedByApollo(error)) return "BAD_REQUEST";
  if (
    formatted.extensions?.code === "GRAPHQL_PARSE_FAILED" &&
    /Document contains more th\w+ \d+ tokens/.test(formatted.message)
  ) {
    return "QUERY_LIMIT_TOKENS";
  }
  return undefined;
}

/**
 * Apollo refuses some requests with an HTTP 4xx and no code (a persisted query whose sha256Hash does not match its
 * query, an unknown persisted-query version): the client's mistake, which would otherwise be INTERNAL_SERVER_ERROR.
 */
function refusedByApollo(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.extensions.code !== undefined) return false;
  const status = (error.extensions.http as { status?: number } | undefined)?.status;
  return status !== undefined && status >= 400 && status < 500;
}

/** Whether an error is one we meant the client to see (its message is safe). */
export function isClientError(error: GraphQLFormattedError | GraphQLError): boolean {
  const code = error.extensions?.code;
  if (code === undefined) return refusedByApollo(error);
  return typeof code === "string" && (clientCodes.has(code) || code.startsWith("QUERY_LIMIT_"));
}

/** graphql-js's hints name the schema's fields and enum values (variable coercion's too): none in production. */
const SUGGESTION = / ?Did you mean .*\?$/s;

/**
 * Apollo's formatError: client errors pass as they are; anything else is an
 * INTERNAL_SERVER_ERROR whose message, in production, says nothing of the
 * cause (no SQL, no stack). The cause is logged with the request id by the
 * error-logging plugin.
 */
export function formatError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = refinedCode(formatted, error);
    const message = production ? formatted.message.replace(SUGGESTION, "") : formatted.message;
    if (code) return { ...formatted, message, extensions: { ...formatted.extensions, code } };
    if (isClientError(formatted)) return { ...formatted, message };
    if (!production)
      return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.INTERNAL_SERVER_ERROR } };
    return {
      message: "Internal server error",
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
