import { Args, ArgsType, Ctx, Field, ID, Int, ObjectType, Query, Resolver } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import { resolveTimeZone } from "../daily-usage/time-zones";
import { PLATFORM_ZONE, TIME_ZONE_FIELD } from "../daily-usage/windows";
import { badUserInput } from "../errors";
import type { Context } from "../server/context";
import { datesRead } from "../server/cost";
import { DateTimeScalar } from "../server/scalars";
import { readErrorFeedPage } from "./error-feed.sql";

// simpleResolvers: these fields are plain properties with no middleware or auth of their own, so graphql-js
// reads them directly instead of through type-graphql's per-field wrapper (thousands of fields per answer).
@ObjectType({ simpleResolvers: true })
export class SourceDetail {
  @Field(() => String)
  source!: string;

  @Field(() => String, {
    description: "The entry's status string, or its object's status when that is a string; otherwise unknown.",
  })
  status!: string;

  @Field(() => String, { nullable: true, description: "The object's error when it is a string; else null." })
  error!: string | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description:
      "The object's at when it is a valid ISO-8601 timestamp with a zone (YYYY-MM-DDTHH:MM[:SS[.ffffff]] then Z or " +
      "an offset up to ±15:59, a real calendar date, years 1000 to 9999 in UTC), in UTC. Anything else (garbage, no " +
      "zone, a number, an impossible date) is null rather than an error: the rest of the entry is still worth showing.",
  })
  at!: Date | null;
}

@ObjectType({ simpleResolvers: true })
export class FailedEnrichment {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => String, { nullable: true, description: "users.full_name of prospects.user_id; null if unknown." })
  userName!: string | null;

  @Field(() => ID)
  tenantId!: string;

  @Field(() => String, { nullable: true, description: "tenants.name; null if unknown." })
  tenantName!: string | null;

  @Field(() => String)
  enrichmentStatus!: string;

  @Field(() => [SourceDetail], {
    description:
      "One entry per key of enrichment_source_status: known sources first (contactout, exa, edgar, claude), then others by name. " +
      'Names by code point (COLLATE "C"); a column value that is not a JSON object has no entries.',
  })
  sourceDetails!: SourceDetail[];

  @Field(() => DateTimeScalar)
  updatedAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class ErrorFeed {
  @Field(() => [FailedEnrichment], { description: "Ordered by updatedAt descending, then id ascending." })
  items!: FailedEnrichment[];

  @Field(() => Int, { description: "All matching prospects, across pages." })
  total!: number;

  @Field(() => Int)
  page!: number;

  @Field(() => Int)
  limit!: number;

  @Field(() => String, { description: TIME_ZONE_FIELD })
  timeZone!: string;
}

@ArgsType()
class ErrorFeedArgs {
  @Field(() => Int, { defaultValue: 50 })
  limit!: number;

  @Field(() => Int, { defaultValue: 1 })
  page!: number;

  @Field(() => String, { nullable: true, description: PLATFORM_ZONE })
  timeZone!: string | null;
}

@Resolver()
export class ErrorFeedResolver {
  @Query(() => ErrorFeed, {
    // Failed prospects updated on the 7 dates ending today.
    complexity: datesRead(() => 7),
    description:
      "Failed enrichments updated in the last 7 days. limit: 1 to 100, page: 1 or more, else BAD_USER_INPUT. " +
      "The last 7 days are the 7 dates in timeZone ending today there (a row stamped later today counts); a page past " +
      "the end has no items.",
  })
  @Auth(Role.SUPER_ADMIN)
  async errorFeed(
    @Ctx() ctx: Context,
    @Args(() => ErrorFeedArgs) { limit, page, timeZone }: ErrorFeedArgs,
  ): Promise<ErrorFeed> {
    if (limit < 1 || limit > 100) throw badUserInput(`limit must be 1 to 100; got ${limit}`, "limit");
    if (page < 1) throw badUserInput(`page must be 1 or more; got ${page}`, "page");
    // Platform-wide: no tenant's default applies.
    const zone = await resolveTimeZone(ctx, timeZone, null);
    return { ...(await readErrorFeedPage(ctx.db, { limit, page, zone })), page, limit, timeZone: zone };
  }
}
