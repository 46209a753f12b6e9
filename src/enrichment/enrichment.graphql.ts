import { Arg, Ctx, Field, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import { FreshnessField } from "../daily-usage/freshness.graphql";
import { freshnessLoader, type FreshnessRow } from "../daily-usage/freshness.sql";
import { resolveTimeZone } from "../daily-usage/time-zones";
import { checkWindowDays, PLATFORM_ZONE, TIME_ZONE_FIELD } from "../daily-usage/windows";
import type { Context } from "../server/context";
import { datesRead } from "../server/cost";
import { DateScalar } from "../server/scalars";
import { readEnrichmentHealth } from "./enrichment.sql";

@ObjectType()
export class SourceHealth {
  @Field(() => String)
  source!: string;

  @Field(() => Int)
  success!: number;

  @Field(() => Int)
  failed!: number;
}

@ObjectType()
export class EnrichmentHealthDay {
  @Field(() => DateScalar)
  date!: string;

  @Field(() => [SourceHealth], {
    description:
      "contactout, exa, edgar, claude always, in that order, then any other source seen in the window, by name. " +
      "A source is seen when it is a key of an object-valued enrichment_source_status of a prospect updated on any date " +
      'of the window (whatever its entry holds), so every date lists the same sources; names by code point (COLLATE "C").',
  })
  sources!: SourceHealth[];
}

@ObjectType({
  description:
    "Per source, per date of prospects.updated_at in timeZone, prospects whose\n" +
    "enrichment_source_status entry for that source is 'complete' (success) or\n" +
    "'failed' (failed). An entry is either a status string or an object with a\n" +
    "status field; other statuses are not counted.",
})
export class EnrichmentHealth {
  @Field(() => Int)
  days!: number;

  @Field(() => String, { description: TIME_ZONE_FIELD })
  timeZone!: string;

  @Field(() => [EnrichmentHealthDay], { description: "One entry per date of the window, oldest first, zero-filled." })
  series!: EnrichmentHealthDay[];
}

@Resolver(() => EnrichmentHealth)
export class EnrichmentResolver {
  @Query(() => EnrichmentHealth, {
    complexity: datesRead(({ days }) => {
      checkWindowDays(days as number);
      return days as number;
    }),
    description: "days: 1 to 90, else BAD_USER_INPUT. The dates are the `days` dates ending today in timeZone.",
  })
  @Auth(Role.SUPER_ADMIN)
  async enrichmentHealth(
    @Arg("days", () => Int, { defaultValue: 14 }) days: number,
    @Arg("timeZone", () => String, { nullable: true, description: PLATFORM_ZONE }) timeZone: string | null,
    @Ctx() ctx: Context,
  ): Promise<EnrichmentHealth> {
    checkWindowDays(days);
    // Platform-wide: no tenant's default applies.
    const zone = await resolveTimeZone(ctx, timeZone, null);
    return { days, timeZone: zone, series: await readEnrichmentHealth(ctx.db, { days, zone }) };
  }

  @FreshnessField("the `days` dates ending today in timeZone")
  freshness(@Root() health: EnrichmentHealth, @Ctx() ctx: Context): Promise<FreshnessRow> {
    return ctx
      .loader(freshnessLoader)
      .load({ days: health.days, zone: health.timeZone, readsRollup: false, tenantId: null });
  }
}
