import { Arg, Ctx, Field, Float, ID, Int, ObjectType, Query, Resolver, registerEnumType } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import { checkWindowDays } from "../enrichment/enrichment.graphql";
import { parseTenantId } from "../server/arguments";
import type { Context } from "../server/context";
import { readFunnel } from "./funnel.sql";

export enum FunnelStageKey {
  SEARCHES = "SEARCHES",
  PROFILE_VIEWS = "PROFILE_VIEWS",
  ENRICHMENTS = "ENRICHMENTS",
  EXPORTS = "EXPORTS",
}
registerEnumType(FunnelStageKey, { name: "FunnelStageKey" });

@ObjectType()
export class FunnelStage {
  @Field(() => FunnelStageKey)
  key!: FunnelStageKey;

  @Field(() => String, { description: "Searches, Profile Views, Enrichments, Exports." })
  stage!: string;

  @Field(() => Int)
  value!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      "value / previous stage's value, rounded to four decimals; null for the first stage or when the previous value is 0. " +
      "Rounding is half away from zero.",
  })
  conversionRate!: number | null;
}

@ObjectType({
  description:
    "Counts of activity_log rows in the window: search_executed, profile_viewed, profile_enriched, csv_exported.",
})
export class Funnel {
  @Field(() => Int)
  days!: number;

  @Field(() => ID, {
    nullable: true,
    description:
      "The tenant the counts cover; null for all tenants (every row, including inactive tenants and tenant ids with no tenants row).",
  })
  tenantId!: string | null;

  @Field(() => [FunnelStage], {
    description: "Always the four stages, in order SEARCHES, PROFILE_VIEWS, ENRICHMENTS, EXPORTS.",
  })
  stages!: FunnelStage[];
}

@Resolver()
export class FunnelResolver {
  @Query(() => Funnel, {
    description:
      "days: 1 to 90, else BAD_USER_INPUT. tenantId narrows the counts to one tenant. " +
      "A tenantId that is not a uuid (8-4-4-4-12 hex) is BAD_USER_INPUT; a well-formed one with no tenants row gets zeros.",
  })
  @Auth(Role.SUPER_ADMIN)
  // Parameter decorators run last to first: this order emits `days` before `tenantId`, as the contract lists them.
  async funnel(
    @Ctx() ctx: Context,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId: string | null | undefined,
    @Arg("days", () => Int, { defaultValue: 7 }) days: number,
  ): Promise<Funnel> {
    checkWindowDays(days);
    const tenant = parseTenantId(tenantId, "tenantId");
    return { days, tenantId: tenant, stages: await readFunnel(ctx.db, { days, tenantId: tenant }) };
  }
}
