import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import { FreshnessField } from "../daily-usage/freshness.graphql";
import { freshnessLoader, type FreshnessRow } from "../daily-usage/freshness.sql";
import { resolveTimeZone } from "../daily-usage/time-zones";
import { PLATFORM_ZONE, TIME_ZONE_FIELD, type TimeZoneName } from "../daily-usage/windows";
import type { Context } from "../server/context";
import { datesRead } from "../server/cost";
import { DateTimeScalar } from "../server/scalars";
import { readTenantActivity, TENANT_ACTIVITY_WINDOW, tenantUsersLoader } from "./tenants.sql";

// simpleResolvers: these fields are plain properties with no middleware or auth of their own, so graphql-js
// reads them directly instead of through type-graphql's per-field wrapper (thousands of fields per answer).
@ObjectType({ simpleResolvers: true })
export class TenantUserActivity {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { nullable: true })
  fullName!: string | null;

  @Field(() => Int)
  searches7d!: number;

  @Field(() => Int)
  enrichments7d!: number;

  @Field(() => Int)
  exports7d!: number;
}

@ObjectType({ description: "Window: the 7 dates ending today.", simpleResolvers: true })
export class TenantActivity {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Int, { description: "Users whose users.tenant_id is this tenant." })
  userCount!: number;

  @Field(() => Int)
  searches7d!: number;

  @Field(() => Int)
  enrichments7d!: number;

  @Field(() => Int)
  exports7d!: number;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: "Latest activity_log.created_at in this tenant within the last 90 days; null if none.",
  })
  lastActive!: Date | null;

  @Field(() => String, { description: `${TIME_ZONE_FIELD} The same for every tenant of the answer.` })
  timeZone!: TimeZoneName;
}

@ArgsType()
class TenantActivityArgs {
  @Field(() => String, { nullable: true, description: PLATFORM_ZONE })
  timeZone?: string | null;
}

@Resolver(() => TenantActivity)
export class TenantsResolver {
  @Query(() => [TenantActivity], {
    // The 7 dates ending today, for the tenants and, in another statement, for their users.
    complexity: datesRead((_args, selects) => TENANT_ACTIVITY_WINDOW.days * (1 + Number(selects("users")))),
    description:
      'Active tenants (tenants.is_active), by searches7d descending, then name ascending. Names compare by code point (COLLATE "C"); tenants with equal searches7d and name, by id ascending.',
  })
  @Auth(Role.SUPER_ADMIN)
  async tenantActivity(
    @Ctx() ctx: Context,
    @Args(() => TenantActivityArgs) { timeZone }: TenantActivityArgs,
  ): Promise<TenantActivity[]> {
    return readTenantActivity(ctx.db, await resolveTimeZone(ctx, timeZone, null));
  }

  @FieldResolver(() => [TenantUserActivity], {
    description: "Every user of the tenant, zeros included; by searches7d descending, then id ascending.",
  })
  users(@Root() tenant: TenantActivity, @Ctx() ctx: Context): Promise<TenantUserActivity[]> {
    return ctx.loader(tenantUsersLoader).load({ tenantId: tenant.id, zone: tenant.timeZone });
  }

  @FreshnessField(
    `the ${TENANT_ACTIVITY_WINDOW.days} dates ending today, the same for every tenant (its 7-day counts are read for ` +
      "all tenants at once)",
  )
  freshness(@Root() tenant: TenantActivity, @Ctx() ctx: Context): Promise<FreshnessRow> {
    return ctx
      .loader(freshnessLoader)
      .load({ ...TENANT_ACTIVITY_WINDOW, zone: tenant.timeZone, readsRollup: true, tenantId: null });
  }
}
