import { Args, ArgsType, Ctx, Field, Float, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import { FreshnessField } from "../daily-usage/freshness.graphql";
import { freshnessLoader, type FreshnessRow } from "../daily-usage/freshness.sql";
import { resolveTimeZone } from "../daily-usage/time-zones";
import { PLATFORM_ZONE, TIME_ZONE_FIELD, type TimeZoneName } from "../daily-usage/windows";
import type { Context } from "../server/context";
import { datesRead } from "../server/cost";
import { PULSE_WINDOW, readPlatformPulse } from "./pulse.sql";

@ObjectType()
export class PlatformPulse {
  @Field(() => Int, { description: "Rows in prospects." })
  totalProspects!: number;

  @Field(() => Int, { description: "Prospects with enrichment_status 'complete'." })
  enrichedProspects!: number;

  @Field(() => Float, {
    description: "100 * enrichedProspects / totalProspects, rounded to one decimal; 0 when there are no prospects.",
  })
  enrichmentCoverage!: number;

  @Field(() => Int, { description: "Prospects with enrichment_status 'failed'." })
  enrichmentFailed!: number;

  @Field(() => Int, { description: "Distinct users with at least one activity_log row today." })
  activeUsersToday!: number;

  @Field(() => Float, {
    description:
      "Mean, over the 7 dates before today, of the distinct users active on each date; rounded to one decimal.",
  })
  activeUsers7dAvg!: number;

  @Field(() => String, { description: TIME_ZONE_FIELD })
  timeZone!: TimeZoneName;
}

@ArgsType()
class PlatformPulseArgs {
  @Field(() => String, { nullable: true, description: PLATFORM_ZONE })
  timeZone?: string | null;
}

@Resolver(() => PlatformPulse)
export class PulseResolver {
  @Query(() => PlatformPulse, { complexity: datesRead(() => PULSE_WINDOW.days) })
  @Auth(Role.SUPER_ADMIN)
  async platformPulse(
    @Ctx() ctx: Context,
    @Args(() => PlatformPulseArgs) { timeZone }: PlatformPulseArgs,
  ): Promise<PlatformPulse> {
    const zone = await resolveTimeZone(ctx, timeZone, null);
    return { ...(await readPlatformPulse(ctx.db, zone)), timeZone: zone };
  }

  @FreshnessField(`the ${PULSE_WINDOW.days} dates ending today (activeUsers7dAvg and today)`)
  freshness(@Root() pulse: PlatformPulse, @Ctx() ctx: Context): Promise<FreshnessRow> {
    return ctx
      .loader(freshnessLoader)
      .load({ ...PULSE_WINDOW, zone: pulse.timeZone, readsRollup: true, tenantId: null });
  }
}
