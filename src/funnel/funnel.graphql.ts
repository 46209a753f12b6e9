import { Arg, Ctx, Field, Float, ID, Int, ObjectType, Query, Resolver, registerEnumType } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import { checkWindowDays } from "../enrichment/enrichment.graphql";
import { badUserInput } from "../errors";
import type { Context } from "../server/context";
import { readFunnel } from "./funnel.sql";

export enum FunnelStageKey {
  SEARCHES = "SEARCHES",
  PROFILE_VIEWS = "PROFILE_VIEWS",
  ENRICHMENTS = "ENRICHMENTS",
  EXPORTS = "EXPORTS",
}
registerEnumType(FunnelStageKey, { name: "FunnelStageKey" });

/** The canonical 8-4-4-4-12 hex form (any case); anything else never reaches SQL. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  async funnel(
    @Arg("days", () => Int, { defaultValue: 7 }) days: number,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<Funnel> {
    checkWindowDays(days);
    const tenant = tenantId ?? null;
    if (tenant !== null && !UUID.test(tenant)) throw badUserInput("tenantId must be a uuid", "tenantId");
    return { days, tenantId: tenant, stages: await readFunnel(ctx.db, { days, tenantId: tenant }) };
  }
}
