import { registerEnumType } from "type-graphql";

/** Values are the lower snake case that tokens (`app_metadata.role`) and `users.role` hold. */
export enum Role {
  AGENT = "agent",
  ASSISTANT = "assistant",
  TENANT_ADMIN = "tenant_admin",
  SUPER_ADMIN = "super_admin",
}

registerEnumType(Role, { name: "Role" });

const roleValues = new Set<string>(Object.values(Role));

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && roleValues.has(value);
}

/** The GraphQL name of a role (`tenant_admin` -> `TENANT_ADMIN`). */
export function roleName(role: Role): string {
  return role.toUpperCase();
}
