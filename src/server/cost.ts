import type { ApolloServerPlugin } from "@apollo/server";
import {
  getNamedType,
  getVariableValues,
  GraphQLError,
  isLeafType,
  Kind,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import {
  createComplexityRule,
  fieldExtensionsEstimator,
  type ComplexityEstimator,
  type ComplexityEstimatorArgs,
} from "graphql-query-complexity";
import type { Context } from "./context";

/**
 * The query cost model: what an operation will read, counted before it runs.
 *
 * The unit is one date of one statement's window: the dashboards' statements read, per date, the rollup rows of
 * that date (or its raw rows), so a 366-day usageMetrics reads about 52 times what a 7-day one does, and each
 * alias runs its own statements. A field that reads a window declares its cost next to its resolver
 * (`complexity: datesRead(...)`): its dates times the statements its selection sends, times RAW_ROWS where the
 * statement reads activity_log's rows rather than the rollup's. Any other object field costs OBJECT (one small
 * statement at most, or none), a leaf nothing. An argument the resolver refuses reads nothing and costs nothing:
 * the client gets that argument's own error, not this one.
 *
 * Sizes (QUERY_LIMITS.cost in limits.ts is 1,200): GraphiQL's tabs cost 1 to 116 as they open, the two usage
 * tabs 736 over a 366-day window, GraphiQL's introspection 71; any one usageMetrics, whatever its window and
 * selection, at most 1,113 (366 dates, three statements, eight counter changes). Six year-long usageMetrics
 * aliases cost 2,196 and more, twenty 90-day ones 1,820.
 */

/**
 * A date of activity_log's own rows instead of the rollup's, which sum several events per (tenant, user) row. No more
 * than 4: a 90-day USERS funnel with its previous values, a real question, costs 722.
 */
export const RAW_ROWS = 4;
const OBJECT = 1;

/** Whether the field's selection asks for a field at this path, through fragments (skip and include ignored: the bound is an upper one). */
export type Selects = (...path: string[]) => boolean;

/** What the estimators get besides the field: the document's fragments, which selections spread. */
interface CostContext {
  fragments: Map<string, FragmentDefinitionNode>;
}

/**
 * A field's cost as the dates it reads, from its arguments and selection, plus its children's. A `count` that
 * throws (the resolver's own check of an argument refusing it) reads nothing.
 */
export function datesRead(
  count: (args: Record<string, unknown>, selects: Selects) => number,
): (options: ComplexityEstimatorArgs) => number {
  return ({ args, node, childComplexity, context }) => {
    const { fragments } = context as CostContext;
    const selects = (selectionSet: SelectionSetNode | undefined, path: string[]): boolean =>
      (selectionSet?.selections ?? []).some((selection) => {
        if (selection.kind === Kind.INLINE_FRAGMENT) return selects(selection.selectionSet, path);
        if (selection.kind === Kind.FRAGMENT_SPREAD)
          return selects(fragments.get(selection.name.value)?.selectionSet, path);
        if (selection.name.value !== path[0]) return false;
        return path.length === 1 || selects(selection.selectionSet, path.slice(1));
      });
    try {
      return count(args, (...path) => selects(node.selectionSet, path)) + childComplexity;
    } catch {
      return childComplexity;
    }
  };
}

/** Fields that declare no cost: OBJECT for an object, nothing for a leaf. */
const byShape: ComplexityEstimator = ({ field, childComplexity }) =>
  (isLeafType(getNamedType(field.type)) ? 0 : OBJECT) + childComplexity;

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions)
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  return fragments;
}

/**
 * The operation's cost, or null when its variables do not coerce: execution refuses those with their own errors,
 * before any resolver runs. A field whose arguments fail to coerce counts nothing (it fails alone, reading nothing);
 * a document too large to count (its fragments multiplying past the library's node limit) is infinitely costly.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
): number | null {
  if (getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors) return null;
  let cost = 0;
  const rule = createComplexityRule({
    maximumComplexity: Number.MAX_SAFE_INTEGER,
    variables,
    operationName: operation.name?.value,
    estimators: [fieldExtensionsEstimator(), byShape],
    context: { fragments: fragmentsOf(document) } satisfies CostContext,
    onComplete: (complexity) => (cost = complexity),
  });
  try {
    validate(schema, document, [rule]);
  } catch (error) {
    if (error instanceof GraphQLError) return Infinity;
    throw error;
  }
  return cost;
}

/** Refuses, once the operation is known and before anything runs, an operation that costs more than `limit`. */
export function costLimitPlugin({ limit, code }: { limit: number; code: string }): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          if (!operation) return;
          const cost = operationCost(schema, document, operation, request.variables ?? {});
          if (cost !== null) contextValue.report.cost = cost;
          if (cost !== null && cost > limit)
            throw new GraphQLError(
              `Query cost ${Number.isFinite(cost) ? cost : "too large to count"} exceeds the limit of ${limit} ` +
                "(a date of a window read by one statement costs 1; see the README's Errors table)",
              { extensions: { code, cost: Number.isFinite(cost) ? cost : null, limit, http: { status: 400 } } },
            );
        },
      };
    },
  };
}
