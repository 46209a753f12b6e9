import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, type ValidationContext } from "graphql";

/**
 * Query limits, checked while the query is parsed and validated, before any
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
  // A full selection of the widest dashboard query costs ~40; aliases and tokens cap the rest.
  cost: 1_000,
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
    costLimit: { maxCost: QUERY_LIMITS.cost, ...rejectWith(LimitCode.cost) },
    blockFieldSuggestion: { enabled: production },
  }).protect();
  return { plugins, validationRules, parseOptions: { maxTokens: QUERY_LIMITS.tokens } };
}
