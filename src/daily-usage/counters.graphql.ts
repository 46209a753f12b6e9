import type { GraphQLScalarType } from "graphql";
import { Field, ObjectType, type ClassType, type ObjectTypeOptions } from "type-graphql";
import { COUNTERS, type CounterName } from "./counters";

/**
 * The object type `name` whose fields are the counters, in the table's order, each of the GraphQL type `type` (a
 * counter's figure, or something about it). A class extending it gets its own fields after the counters.
 */
export function counterFields<T>(
  name: string,
  type: () => GraphQLScalarType | ClassType,
  options: ObjectTypeOptions = {},
): ClassType<Record<CounterName, T>> {
  @ObjectType(name, options)
  class Counters {}
  for (const { field } of COUNTERS) Field(type)(Counters.prototype, field);
  return Counters as ClassType<Record<CounterName, T>>;
}
