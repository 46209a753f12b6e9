import type { ApolloServerOptionsWithGateway } from "@apollo/server";
import { execute, getVariableValues, GraphQLError, printSchema, type DocumentNode, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { LRUCache } from "lru-cache";
import type { Context } from "./context";

type Gateway = ApolloServerOptionsWithGateway<Context>["gateway"];

interface Seen {
  runs: number;
  compiled: CompiledQuery | null;
}

/**
 * Executes operations through Apollo's gateway hook so that a document sent again and again (a dashboard's) runs as
 * graphql-jit's compiled function instead of graphql-js's generic walk of the document: an answer of thousands of
 * fields (tenantActivity, a large tenant's userBreakdown) spent most of its Node time there. Parsing, validation,
 * the query limits, the plugins and the error formatting stay Apollo's; only execution changes hands.
 * A document is compiled on its `compileAfter`-th execution and runs graphql-js before that, so a client sending
 * ever-new documents pays graphql-js's price, not a compilation each; `capacity` documents are remembered, the
 * least recently used forgotten first.
 */
export function jitExecution(schema: GraphQLSchema, { compileAfter = 2, capacity = 200 } = {}): Gateway {
  const seen = new LRUCache<string, Seen>({ max: capacity });
  /** The document's compiled query from its `compileAfter`-th run on; null before, or if it did not compile. */
  const compiledOnceHot = (document: DocumentNode, operationName: string, queryHash: string): CompiledQuery | null => {
    const key = `${operationName}\u0000${queryHash}`;
    let entry = seen.get(key);
    if (!entry) seen.set(key, (entry = { runs: 0, compiled: null }));
    entry.runs += 1;
    if (entry.compiled === null && entry.runs === compileAfter) {
      entry.compiled = compiledOrNull(schema, document, operationName);
    }
    return entry.compiled;
  };
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => undefined;
    },
    async load() {
      return {
        async executor({ document, operation, operationName, queryHash, context, request }) {
          const variables = request.variables ?? {};
          // No operation resolved: graphql-js reports that the way Apollo expects.
          const compiled = operation ? compiledOnceHot(document, operationName ?? "", queryHash) : null;
          const { report } = context as Context;
          if (!operation || compiled === null) {
            report.executor = "graphql-js";
            return execute({
              schema,
              document,
              contextValue: context,
              variableValues: variables,
              // The request's name: Apollo's is null when no operation has it, and graphql-js must say so.
              operationName: request.operationName,
            });
          }
          report.executor = "compiled";
          // graphql-js coerces the variables first: its errors are those Apollo answers as BAD_USER_INPUT (400).
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
          if (coerced.errors) return { errors: coerced.errors };
          const result = await compiled.query(undefined, context, variables);
          return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
        },
      };
    },
    async stop() {
      seen.clear();
    },
  };
}

/** graphql-jit's function for the operation; null where it declines or fails, and graphql-js answers instead. */
function compiledOrNull(schema: GraphQLSchema, document: DocumentNode, operationName: string): CompiledQuery | null {
  try {
    const compiled = compileQuery(schema, document, operationName || undefined, {
      disablingCapturingStackErrors: true,
    });
    return isCompiledQuery(compiled) ? compiled : null;
  } catch {
    return null;
  }
}

/**
 * graphql-jit reports an error as an object of its own, an instance of GraphQLError by prototype only: its message
 * is read-only (graphql-armor rewrites messages in production and would throw) and it carries the thrown error as
 * originalError. Rebuilt as the GraphQLError graphql-js's locatedError makes: the same message, path, locations,
 * originalError and extensions.
 */
function asGraphQLError(
  error: Pick<GraphQLError, "message" | "path" | "locations" | "originalError" | "extensions">,
): GraphQLError {
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    // graphql-jit's own errors (an argument's null) have none: graphql-js's have the error it threw.
    originalError: error.originalError ?? new GraphQLError(error.message),
    extensions: error.extensions,
  });
  Object.defineProperty(rebuilt, "locations", { value: error.locations, enumerable: error.locations !== undefined });
  return rebuilt;
}
