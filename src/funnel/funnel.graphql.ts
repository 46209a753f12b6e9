import {
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  Int,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import { FreshnessField } from "../daily-usage/freshness.graphql";
import { freshnessLoader, type FreshnessRow } from "../daily-usage/freshness.sql";
import { resolveTimeZone } from "../daily-usage/time-zones";
import { checkWindowDays, TENANT_SCOPED_ZONE, TIME_ZONE_FIELD, type TimeZoneName } from "../daily-usage/windows";
import { parseTenantId } from "../server/arguments";
import type { Context } from "../server/context";
import { datesRead, RAW_ROWS } from "../server/cost";
import {
  funnelChangeLoader,
  FunnelMode,
  FunnelStageKey,
  readFunnel,
  type FunnelChangeRow,
  type FunnelWindow,
} from "./funnel.sql";

registerEnumType(FunnelStageKey, { name: "FunnelStageKey" });

registerEnumType(FunnelMode, {
  name: "FunnelMode",
  description:
    "What a funnel stage's value counts. The window is the `days` dates ending today in the funnel's timeZone, [today - (days - 1), today] " +
    "(a row stamped later today counts). With tenantId only that tenant's activity_log rows count; without, every row " +
    "(all tenants, including inactive tenants and tenant ids with no tenants row).",
  valuesConfig: {
    EVENTS: {
      description:
        "activity_log rows in the window whose action_type is the stage's action (search_executed, profile_viewed, " +
        "profile_enriched, csv_exported); each stage is counted on its own, so a conversionRate may exceed 1.",
    },
    USERS: {
      description:
        "Distinct users (activity_log.user_id) who reached the stage after the previous one, within the window. A user " +
        "reaches SEARCHES at the created_at of their earliest search_executed row in the window; PROFILE_VIEWS at their " +
        "earliest profile_viewed row whose created_at is at or after (>=) the instant they reached SEARCHES; ENRICHMENTS " +
        "at the earliest profile_enriched row at or after the PROFILE_VIEWS instant; EXPORTS at the earliest csv_exported " +
        "row at or after the ENRICHMENTS instant. A row at the same instant as the previous stage counts as after it; a " +
        "row before it counts nowhere (an export before any search, a view before the first search), nor do rows " +
        "outside the window (a search the day before the window opens nothing). With tenantId a user's rows of that " +
        "tenant alone count; without, a user's rows in every tenant combine into one sequence. Each stage's users are " +
        "among the previous stage's, so conversionRate is at most 1.",
    },
  },
});

@ObjectType()
export class FunnelStage {
  @Field(() => FunnelStageKey)
  key!: FunnelStageKey;

  @Field(() => String, { description: "Searches, Profile Views, Enrichments, Exports." })
  stage!: string;

  @Field(() => Int, {
    description:
      "The stage's figure in the window: activity_log rows of its action (mode EVENTS), or users who reached it " +
      "(mode USERS); see FunnelMode.",
  })
  value!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      "value / previous stage's value, rounded to four decimals; null for the first stage or when the previous value is 0. " +
      "Rounding is half away from zero.",
  })
  conversionRate!: number | null;

  /** Not a GraphQL field: what the previous-period field resolvers ask funnelChangeLoader for. */
  window!: FunnelWindow;
}

@ObjectType({
  description:
    "Counts of activity_log rows in the window: search_executed, profile_viewed, profile_enriched, csv_exported. " +
    "That is mode EVENTS, the default; mode USERS counts the users who reached each stage after the previous one " +
    "(see FunnelMode).",
})
export class Funnel {
  @Field(() => Int)
  days!: number;

  @Field(() => FunnelMode, { description: "The mode the figures are counted in." })
  mode!: FunnelMode;

  @Field(() => ID, {
    nullable: true,
    description:
      "The tenant the counts cover; null for all tenants (every row, including inactive tenants and tenant ids with no tenants row).",
  })
  tenantId!: string | null;

  @Field(() => String, { description: TIME_ZONE_FIELD })
  timeZone!: TimeZoneName;

  @Field(() => [FunnelStage], {
    description: "Always the four stages, in order SEARCHES, PROFILE_VIEWS, ENRICHMENTS, EXPORTS.",
  })
  stages!: FunnelStage[];
}

/** The stage's figures in the window before; one statement for all the stages of a funnel, when first asked. */
async function changeOf(stage: FunnelStage, ctx: Context): Promise<FunnelChangeRow> {
  return (await ctx.loader(funnelChangeLoader).load(stage.window))[stage.key];
}

@ArgsType()
class FunnelArgs {
  @Field(() => Int, { defaultValue: 7 })
  days!: number;

  @Field(() => ID, { nullable: true })
  tenantId?: string | null;

  @Field(() => FunnelMode, {
    defaultValue: FunnelMode.EVENTS,
    description:
      "EVENTS (default): activity_log rows per stage, the contract's funnel. USERS: distinct users who reached " +
      "each stage at or after the instant they reached the previous one, within the window; see FunnelMode.",
  })
  mode!: FunnelMode;

  @Field(() => String, { nullable: true, description: TENANT_SCOPED_ZONE })
  timeZone?: string | null;
}

// FunnelStage's previous-period fields live here, not in a resolver of their own, so the schema's resolver list is unchanged.
@Resolver(() => FunnelStage)
export class FunnelResolver {
  @Query(() => Funnel, {
    // Its days, RAW_ROWS times in USERS mode (activity_log's rows), once more for the previous-period fields.
    complexity: datesRead(({ days, mode }, selects) => {
      checkWindowDays(days as number);
      const previous = ["previousValue", "change", "changePercent"].some((field) => selects("stages", field));
      return (days as number) * (mode === FunnelMode.USERS ? RAW_ROWS : 1) * (1 + Number(previous));
    }),
    description:
      "days: 1 to 90, else BAD_USER_INPUT. tenantId narrows the counts to one tenant. " +
      "A tenantId that is not a uuid (8-4-4-4-12 hex) is BAD_USER_INPUT; a well-formed one with no tenants row gets zeros. " +
      "mode: what the stages count (default EVENTS, rows; USERS, users who reached each stage in order).",
  })
  @Auth(Role.SUPER_ADMIN)
  async funnel(
    @Ctx() ctx: Context,
    @Args(() => FunnelArgs) { days, tenantId, mode, timeZone }: FunnelArgs,
  ): Promise<Funnel> {
    checkWindowDays(days);
    const tenant = parseTenantId(tenantId, "tenantId");
    const zone = await resolveTimeZone(ctx, timeZone, tenant);
    const stages = await readFunnel(ctx.db, { days, tenantId: tenant, mode, zone });
    return { days, mode, tenantId: tenant, timeZone: zone, stages };
  }

  @FieldResolver(() => Int, {
    description:
      "The same stage's value over the `days` dates (in the funnel's timeZone) just before the window, [today - (2 * days - 1), today - days], " +
      "in the same mode and with the same tenant filter. In mode USERS the stages are reached anew within that window " +
      "alone: rows of the current window do not complete a sequence begun before it, nor the other way round.",
  })
  async previousValue(@Root() stage: FunnelStage, @Ctx() ctx: Context): Promise<number> {
    return (await changeOf(stage, ctx)).previousValue;
  }

  @FieldResolver(() => Int, { description: "value - previousValue (negative when the stage fell)." })
  async change(@Root() stage: FunnelStage, @Ctx() ctx: Context): Promise<number> {
    return (await changeOf(stage, ctx)).change;
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      "100 * change / previousValue, rounded to one decimal, half away from zero (so -12.25 is -12.3); " +
      "null when previousValue is 0.",
  })
  async changePercent(@Root() stage: FunnelStage, @Ctx() ctx: Context): Promise<number | null> {
    return (await changeOf(stage, ctx)).changePercent;
  }
}

/** Funnel's own field, in a resolver of its own: FunnelResolver's field resolvers are FunnelStage's. */
@Resolver(() => Funnel)
export class FunnelFreshnessResolver {
  @FreshnessField("the `days` dates ending today")
  freshness(@Root() funnel: Funnel, @Ctx() ctx: Context): Promise<FreshnessRow> {
    return ctx.loader(freshnessLoader).load({
      days: funnel.days,
      zone: funnel.timeZone,
      readsRollup: funnel.mode === FunnelMode.EVENTS,
      tenantId: funnel.tenantId,
    });
  }
}
