import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type ValidationContext } from "graphql";
import { costLimitPlugin } from "./cost";

/**
 * Query limits, checked while the query is parsed and validated (the cost,
 * which needs the variables, once the operation is resolved), before any
 * resolver runs (so before any SQL). Sized from the dashboards' real queries:
 * the deepest (errorFeed items sourceDetails) is depth 4, the widest asks for
 * ~40 fields; every one of them passes with room, a brute-force query not.
 * Each limit has its own error code, documented in the README.
 */
export const QUERY_LIMITS = {
  // Our types do not nest; only introspection does (GraphiQL's own query is depth ~13).
  depth: 15,
  aliases: 20,
  directives: 20,
  tokens: 3000,
  // Dates read per statement (cost.ts): any one usageMetrics, whatever its window and selection, costs at most
  // 1,113 (366 dates, three statements); six year-long aliases cost 2,196 and more, twenty 90-day ones 1,820.
  cost: 1_200,
};

export const LimitCode = {
  depth: "QUERY_LIMIT_DEPTH",
  aliases: "QUERY_LIMIT_ALIASES",
  directives: "QUERY_LIMIT_DIRECTIVES",
  tokens: "QUERY_LIMIT_TOKENS",
  cost: "QUERY_LIMIT_COST",
} as const;

function rejectWith(code: string) {
  return {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => {
        context?.reportError(new GraphQLError(error.message, { extensions: { code } }));
      },
    ],
  };
}

export function queryLimits({ production }: { production: boolean }) {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: {
      n: QUERY_LIMITS.depth,
      ignoreIntrospection: false,
      flattenFragments: true,
      ...rejectWith(LimitCode.depth),
    },
    maxAliases: { n: QUERY_LIMITS.aliases, allowList: [], ...rejectWith(LimitCode.aliases) },
    maxDirectives: { n: QUERY_LIMITS.directives, ...rejectWith(LimitCode.directives) },
    // The parser's own limit (parseOptions) stops earlier and answers 400; see queryLimits' parseOptions.
    maxTokens: { enabled: false },
    // Superseded by costLimitPlugin, which sees the variables (a window's length is usually one).
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  return {
    plugins: [...plugins, costLimitPlugin({ limit: QUERY_LIMITS.cost, code: LimitCode.cost })],
    validationRules,
    parseOptions: { maxTokens: QUERY_LIMITS.tokens },
  };
}
