import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
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
import type { Viewer } from "../auth/viewer";
import { forbidden } from "../errors";
import { parseTenantId } from "../server/arguments";
import type { Context } from "../server/context";
import { DateScalar } from "../server/scalars";
import { readUsageSeries, readUserUsage, type UserUsageRow } from "./usage.sql";

export enum UsageRange {
  LAST_7_DAYS = "LAST_7_DAYS",
  LAST_30_DAYS = "LAST_30_DAYS",
  LAST_90_DAYS = "LAST_90_DAYS",
}
registerEnumType(UsageRange, { name: "UsageRange" });

const RANGE_DAYS: Record<UsageRange, number> = {
  [UsageRange.LAST_7_DAYS]: 7,
  [UsageRange.LAST_30_DAYS]: 30,
  [UsageRange.LAST_90_DAYS]: 90,
};

@ObjectType({
  description:
    "Counts of activity_log rows per action type. Figures equal the raw\nactivity_log counts for the dates covered, whether or not those dates have\nbeen rolled up yet.",
})
export class UsageCounts {
  @Field(() => Int)
  totalLogins!: number;

  @Field(() => Int)
  searchesExecuted!: number;

  @Field(() => Int)
  profilesViewed!: number;

  @Field(() => Int)
  profilesEnriched!: number;

  @Field(() => Int)
  csvExports!: number;

  @Field(() => Int)
  listsCreated!: number;

  @Field(() => Int)
  personasCreated!: number;

  @Field(() => Int)
  lookalikeSearches!: number;
}

@ObjectType()
export class DailyUsage extends UsageCounts {
  @Field(() => DateScalar)
  date!: string;
}

@ObjectType()
export class UserUsage extends UsageCounts {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, { nullable: true, description: "From users.full_name; null if the user row is gone." })
  fullName!: string | null;
}

@ObjectType()
export class UsageMetrics {
  @Field(() => UsageRange)
  range!: UsageRange;

  @Field(() => DateScalar, { description: "today - (N - 1) for a range of N days." })
  startDate!: string;

  @Field(() => DateScalar, { description: "Today." })
  endDate!: string;

  @Field(() => ID, {
    nullable: true,
    description: "The tenant the figures cover; null for a super admin's all-tenant view.",
  })
  tenantId!: string | null;

  @Field(() => [DailyUsage], {
    description: "One entry per date from startDate to endDate, oldest first, zeros where nothing happened.",
  })
  daily!: DailyUsage[];

  @Field(() => UsageCounts)
  totals!: UsageCounts;
}

@Resolver(() => UsageMetrics)
export class UsageResolver {
  @Query(() => UsageMetrics, {
    description:
      "Usage of one tenant, or of all tenants. A tenant admin always gets their own\ntenant (asking for another tenantId is FORBIDDEN). A super admin gets all\ntenants, or one when tenantId is given.\nA tenantId that is not a uuid is BAD_USER_INPUT; a uuid with no tenants row gets zeros. A tenant admin whose token has no tenant is FORBIDDEN.",
  })
  @Auth(Role.TENANT_ADMIN, Role.SUPER_ADMIN)
  // Parameter decorators run last to first: this order emits `range` before `tenantId`, as the contract lists them.
  async usageMetrics(
    @Ctx() { viewer, db }: Context,
    @Arg("tenantId", () => ID, { nullable: true }) tenantId: string | null | undefined,
    @Arg("range", () => UsageRange, { defaultValue: UsageRange.LAST_30_DAYS }) range: UsageRange,
  ): Promise<UsageMetrics> {
    const scoped = scopeTenant(viewer as Viewer, parseTenantId(tenantId, "tenantId"));
    const series = await readUsageSeries(db, { tenantId: scoped, days: RANGE_DAYS[range] });
    return { range, tenantId: scoped, ...series };
  }

  /** Its own statement, sent only when a client asks for the breakdown. */
  @FieldResolver(() => [UserUsage], {
    nullable: true,
    description:
      "Every user of the tenant (users.tenant_id), plus any other user with activity\nin the tenant in the range; zeros included. Ordered by the sum of all counts\ndescending, then userId ascending. Null in the all-tenant view.\nuserId ascending is uuid order, the code-point order of its lower-case text. Activity means any activity_log row, counted action or not.",
  })
  userBreakdown(@Root() usage: UsageMetrics, @Ctx() { db }: Context): Promise<UserUsageRow[]> | null {
    if (usage.tenantId === null) return null;
    return readUserUsage(db, { tenantId: usage.tenantId, from: usage.startDate, to: usage.endDate });
  }
}

/** The tenant whose figures the viewer gets (null: all tenants, super admins only). */
function scopeTenant(viewer: Viewer, tenantId: string | null): string | null {
  const asked = tenantId?.toLowerCase() ?? null;
  if (viewer.role === Role.SUPER_ADMIN) return asked;
  if (viewer.tenantId === null) throw forbidden("A tenant admin without a tenant has no usage to read");
  if (asked !== null && asked !== viewer.tenantId)
    throw forbidden("A tenant admin reads only their own tenant's usage");
  return viewer.tenantId;
}
