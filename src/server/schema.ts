import "reflect-metadata";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import {
  DirectiveLocation,
  GraphQLDirective,
  GraphQLEnumType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLSchema,
} from "graphql";
import { buildSchema, type NonEmptyArray } from "type-graphql";
import { authChecker } from "../auth/auth.decorator";
import { ActivityResolver } from "../activity/activity.graphql";
import { EnrichmentResolver } from "../enrichment/enrichment.graphql";
import { ErrorFeedResolver } from "../error-feed/error-feed.graphql";
import { FunnelFreshnessResolver, FunnelResolver } from "../funnel/funnel.graphql";
import { PulseResolver } from "../pulse/pulse.graphql";
import { TenantsResolver } from "../tenants/tenants.graphql";
import { UsageResolver } from "../usage/usage.graphql";
// Query lists its fields in the order their modules load: these come after usageMetrics in schema.graphql.
import { QuotaResolver } from "../quota/quota.graphql";
import { RollupResolver } from "../rollup/rollup.graphql";
import { ViewerResolver } from "../viewer/viewer.graphql";
// Issue 16's tenantSettings and setTenantTimeZone come last in Query and Mutation.
import { TenantSettingsResolver } from "../tenant-settings/tenant-settings.graphql";
import { DateScalar, DateTimeScalar } from "./scalars";

/** Every resolver of the gateway: adding a feature adds one line here. */
const resolvers: NonEmptyArray<Function> = [
  PulseResolver,
  TenantsResolver,
  EnrichmentResolver,
  FunnelResolver,
  ErrorFeedResolver,
  ActivityResolver,
  RollupResolver,
  ViewerResolver,
  QuotaResolver,
  UsageResolver,
  FunnelFreshnessResolver,
  TenantSettingsResolver,
];

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    authChecker,
    authMode: "error",
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    orphanedTypes: [],
  });
  return withAuthDirective(schema);
}

/** Declares `@auth` (type-graphql only stamps its uses) on the schema's own Role enum, and the contract's Date scalar. */
function withAuthDirective(schema: GraphQLSchema): GraphQLSchema {
  const role = schema.getType("Role") as GraphQLEnumType;
  const auth = new GraphQLDirective({
    name: "auth",
    description:
      "Resolved only for a viewer whose role is listed; others get a FORBIDDEN error, anonymous callers UNAUTHENTICATED.",
    locations: [DirectiveLocation.OBJECT, DirectiveLocation.FIELD_DEFINITION],
    args: { requires: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(role))) } },
  });
  const config = schema.toConfig();
  const types = schema.getType("Date") ? config.types : [...config.types, DateScalar];
  return new GraphQLSchema({ ...config, types, directives: [...config.directives, auth] });
}

/** The SDL committed as schema.graphql; `emitSchemaFile` would drop the `@auth` uses. */
export function printGatewaySchema(schema: GraphQLSchema): string {
  return `${printSchemaWithDirectives(schema)}\n`;
}
