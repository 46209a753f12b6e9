import { ApolloArmor } from "@escape.tech/graphql-armor";
import { GraphQLError, Lexer, Source, TokenKind, type ValidationContext } from "graphql";
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
  // Brackets ({, (, [) open at once. graphql-js parses them recursively: a few thousand overflow the stack before
  // the token limit is reached. The introspection query nests 14; a list literal rarely more than 2.
  nesting: 64,
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

const OPENING = new Set<string>([TokenKind.BRACE_L, TokenKind.PAREN_L, TokenKind.BRACKET_L]);
const CLOSING = new Set<string>([TokenKind.BRACE_R, TokenKind.PAREN_R, TokenKind.BRACKET_R]);

/**
 * The parse error of a document nested deeper than the limit, found by graphql-js's own lexer (a loop: no
 * recursion), before the parser recurses; undefined for any other document, whose errors the parser reports.
 */
export function excessiveNesting(document: string): string | undefined {
  const lexer = new Lexer(new Source(document));
  let depth = 0;
  try {
    for (let tokens = 0, token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > QUERY_LIMITS.tokens) return undefined;
      if (OPENING.has(token.kind) && ++depth > QUERY_LIMITS.nesting)
        return `Syntax Error: brackets nested deeper than ${QUERY_LIMITS.nesting}.`;
      if (CLOSING.has(token.kind)) depth -= 1;
    }
  } catch {
    return undefined;
  }
  return undefined;
}
