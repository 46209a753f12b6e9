import type { ApolloServerPlugin } from "@apollo/server";
import { BREAK, visit, type DocumentNode } from "graphql";
import { currentTally } from "../db/statement-counter";
import { forbidden, isClientError } from "../errors";
import { Role } from "../auth/role";
import type { Context } from "./context";

/**
 * Logs the original of every error the client will only see masked, and
 * stamps the request id on every error sent, so a user's report finds the
 * log line. Closes introspection to all but super admins in production.
 */
export function errorReportingPlugin({ production }: { production: boolean }): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, document, operationName }) {
          contextValue.report.operation = operationName ?? undefined;
          if (production && contextValue.viewer?.role !== Role.SUPER_ADMIN && usesIntrospection(document)) {
            throw forbidden("Introspection is open to super admins only", 403);
          }
        },
        async didEncounterErrors({ contextValue, errors }) {
          // A client that left had its statements dropped or cancelled (src/db/pool.ts): their errors are no fault.
          const clientLeft = currentTally()?.signal?.aborted === true;
          for (const error of errors) {
            if (isClientError(error)) continue;
            const fields = { err: error.originalError ?? error, path: error.path };
            if (clientLeft) contextValue.log.info(fields, `the client left: ${error.message}`);
            else contextValue.log.error(fields, error.message);
          }
        },
        async willSendResponse({ contextValue, response }) {
          if (response.body.kind !== "single" || !response.body.singleResult.errors) return;
          contextValue.report.errorCodes = response.body.singleResult.errors.map((error) =>
            String(error.extensions?.code),
          );
          response.body.singleResult.errors = response.body.singleResult.errors.map((error) => ({
            ...error,
            extensions: { ...error.extensions, requestId: contextValue.requestId },
          }));
        },
      };
    },
  };
}

function usesIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === "__schema" || node.name.value === "__type") {
        found = true;
        return BREAK;
      }
    },
  });
  return found;
}
