import { Kind, type GraphQLResolveInfo } from "graphql";
import { GraphQLUUID } from "graphql-scalars";
import { badUserInput } from "../errors";
import { acceptedBy } from "./scalars";

/**
 * The 8-4-4-4-12 hex form PostgreSQL prints (any case); checked before any SQL so a malformed id never reaches a
 * cast. 36 characters: graphql-scalars also takes it in braces.
 */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && value.length === 36 && acceptedBy(GraphQLUUID, value);
}

/** An optional tenant id argument as the client wrote it, or null; anything but a uuid is BAD_USER_INPUT. */
export function parseTenantId(value: string | null | undefined, argumentName: string): string | null {
  if (value === null || value === undefined) return null;
  if (!isUuid(value)) throw badUserInput(`${argumentName} must be a uuid`, argumentName);
  return value;
}

/**
 * Whether the client wrote this argument on the field (a literal, or a
 * variable it sent or that has a default in the operation), as opposed to
 * leaving it to its schema default: the resolver sees the same value either way.
 */
export function isArgumentGiven(info: GraphQLResolveInfo, argumentName: string): boolean {
  const node = info.fieldNodes[0].arguments?.find((argument) => argument.name.value === argumentName);
  if (node === undefined) return false;
  return node.value.kind !== Kind.VARIABLE || Object.hasOwn(info.variableValues, node.value.name.value);
}

export interface DateWindow {
  from: string;
  to: string;
}

/** Longest custom window, in days (a leap year). */
export const MAX_WINDOW_DAYS = 366;
const DAY_MS = 86_400_000;

/**
 * An optional custom window of whole dates (in the answer's zone) (already valid calendar dates,
 * by the Date scalar): both bounds or neither, from <= to, at most
 * MAX_WINDOW_DAYS dates, and not together with `exclusiveWith` when the
 * client gave that argument. Whether `to` is in the future needs the
 * database's today; the query checks that.
 */
export function parseDateWindow(
  from: string | null | undefined,
  to: string | null | undefined,
  { exclusiveWith }: { exclusiveWith: string | null },
): DateWindow | null {
  const hasFrom = from !== null && from !== undefined;
  const hasTo = to !== null && to !== undefined;
  if (!hasFrom && !hasTo) return null;
  if (!hasFrom || !hasTo) throw badUserInput("from and to go together: give both or neither", hasFrom ? "to" : "from");
  if (exclusiveWith !== null)
    throw badUserInput(`${exclusiveWith} and from/to exclude each other: give one or the other`, exclusiveWith);
  if (from > to) throw badUserInput(`from (${from}) must not be after to (${to})`, "from");
  const days = datesIn({ from, to });
  if (days > MAX_WINDOW_DAYS)
    throw badUserInput(`from..to covers ${days} days; at most ${MAX_WINDOW_DAYS} are allowed`, "to");
  return { from, to };
}

/** The number of dates from..to, both included. */
export function datesIn({ from, to }: DateWindow): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
}
