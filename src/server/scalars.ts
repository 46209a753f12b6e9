import { GraphQLScalarType, Kind } from "graphql";
import { GraphQLDate, GraphQLDateTime } from "graphql-scalars";
import { badUserInput } from "../errors";

/** Whether a graphql-scalars scalar takes `value` as a variable; its errors are replaced by ours. */
export function acceptedBy(scalar: GraphQLScalarType, value: string): boolean {
  try {
    scalar.parseValue(value);
    return true;
  } catch {
    return false;
  }
}

/** Year 0 does not exist (and PostgreSQL refuses it), where graphql-scalars' calendar takes it. */
const yearZero = (value: string) => value.startsWith("0000");

/** A real calendar date: `2026-02-30` is refused, not rolled over to March. */
export function parseCalendarDate(value: unknown): string {
  if (typeof value === "string" && acceptedBy(GraphQLDate, value) && !yearZero(value)) return value;
  throw badUserInput(`Date must be a calendar date formatted YYYY-MM-DD; got ${preview(value)}`);
}

/** The timestamps this API has always taken: seconds optional, at most nanoseconds, an uppercase T and zone. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value === "string" && DATE_TIME.test(value) && !yearZero(value)) {
    // graphql-scalars checks the calendar and the clock; it wants the seconds this API lets a client leave out.
    const withSeconds = value[16] === ":" ? value : `${value.slice(0, 16)}:00${value.slice(16)}`;
    if (acceptedBy(GraphQLDateTime, withSeconds)) return new Date(value);
  }
  throw badUserInput(
    `DateTime must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-22T14:30:00.000Z; got ${preview(value)}`,
  );
}

function preview(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : typeof value;
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Dates travel inside the gateway as `YYYY-MM-DD` strings, or Date values at UTC midnight. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: "Date",
  description: "Calendar date, formatted YYYY-MM-DD: in UTC, or in the timeZone an answer states.",
  serialize: (value) => (value instanceof Date ? value.toISOString().slice(0, 10) : parseCalendarDate(value)),
  parseValue: parseCalendarDate,
  parseLiteral: (ast) => parseCalendarDate(ast.kind === Kind.STRING ? ast.value : undefined),
});

export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: "DateTime",
  description: "ISO-8601 timestamp in UTC, e.g. 2026-11-22T14:30:00.000Z.",
  serialize: (value) => (value instanceof Date ? value : parseDateTime(value)).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : undefined),
});
