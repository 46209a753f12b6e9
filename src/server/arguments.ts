import { badUserInput } from "../errors";

/** The 8-4-4-4-12 hex form PostgreSQL prints (any case); checked before any SQL so a malformed id never reaches a cast. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/** An optional tenant id argument as the client wrote it, or null; anything but a uuid is BAD_USER_INPUT. */
export function parseTenantId(value: string | null | undefined, argumentName: string): string | null {
  if (value === null || value === undefined) return null;
  if (!isUuid(value)) throw badUserInput(`${argumentName} must be a uuid`, argumentName);
  return value;
}
