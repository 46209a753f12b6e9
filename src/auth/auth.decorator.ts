import { Authorized, Directive, type AuthChecker } from "type-graphql";
import { forbidden, unauthenticated } from "../errors";
import type { Context } from "../server/context";
import { roleName, type Role } from "./role";

/**
 * The one way to protect a field: stamps the `@auth` directive of the
 * contract into the emitted schema and has type-graphql enforce the same
 * roles, so the two can never disagree.
 */
export function Auth(...roles: Role[]): MethodDecorator & PropertyDecorator {
  const directive = Directive(`@auth(requires: [${roles.map(roleName).join(", ")}])`);
  const authorized = Authorized(...roles);
  return (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    directive(target, key, descriptor as TypedPropertyDescriptor<unknown>);
    authorized(target, key, descriptor as TypedPropertyDescriptor<unknown>);
  };
}

/** type-graphql's check for every `@Auth` field, with the contract's codes. */
export const authChecker: AuthChecker<Context, Role> = ({ context }, roles) => {
  if (!context.viewer) throw unauthenticated();
  if (!roles.includes(context.viewer.role)) throw forbidden();
  return true;
};
