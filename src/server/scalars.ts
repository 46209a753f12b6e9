import { GraphQLScalarType, Kind } from "graphql";
import { badUserInput } from "../errors";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date: `2026-02-30` is refused, not rolled over to March. */
export function parseCalendarDate(value: unknown): string {
  const match = typeof value === "string" ? DATE.exec(value) : null;
  if (match) {
    const date = new Date(0);
    // setUTCFullYear, not Date.UTC: the latter reads years 0-99 as 1900-1999.
    date.setUTCFullYear(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    // Year 0 does not exist (and PostgreSQL refuses it).
    if (Number(match[1]) >= 1 && date.toISOString().slice(0, 10) === value) return value as string;
  }
  throw badUserInput(`Date must be a calendar date formatted YYYY-MM-DD; got ${preview(value)}`);
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value === "string" && DATE_TIME.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime()) && parseCalendarDateSafe(value.slice(0, 10))) return date;
  }
  throw badUserInput(
    `DateTime must be an ISO-8601 timestamp with a time zone, e.g. 2026-11-22T14:30:00.000Z; got ${preview(value)}`,
  );
}

function parseCalendarDateSafe(value: string): boolean {
  try {
    parseCalendarDate(value);
    return true;
  } catch {
    return false;
  }
}

function preview(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : typeof value;
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Dates travel inside the gateway as `YYYY-MM-DD` strings, or Date values at UTC midnight. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: "Date",
  description: "Calendar date in UTC, formatted YYYY-MM-DD.",
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
