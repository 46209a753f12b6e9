import type { GraphQLResolveInfo } from "graphql";
import {
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  Info,
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
import type { Counts } from "../daily-usage/counters";
import { counterFields } from "../daily-usage/counters.graphql";
import { FreshnessField } from "../daily-usage/freshness.graphql";
import { freshnessLoader, type FreshnessRow } from "../daily-usage/freshness.sql";
import { resolveTimeZone } from "../daily-usage/time-zones";
import { TENANT_SCOPED_ZONE, TIME_ZONE_FIELD, type TimeZoneName, type UsagePeriodUnit } from "../daily-usage/windows";
import { forbidden } from "../errors";
import { datesIn, isArgumentGiven, MAX_WINDOW_DAYS, parseDateWindow, parseTenantId } from "../server/arguments";
import type { Context } from "../server/context";
import { datesRead } from "../server/cost";
import { DateScalar } from "../server/scalars";
import {
  readUsageSeries,
  readUserUsage,
  usageComparisonLoader,
  type UsageChangesRow,
  type UsageComparisonRow,
  type UserUsageRow,
} from "./usage.sql";

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

/** The dates a usageMetrics call reads: its custom window, or its range (range with from/to is refused anyway). */
function usageDates(from: string | null, to: string | null, range: UsageRange): number {
  const window = parseDateWindow(from, to, { exclusiveWith: null });
  return window ? datesIn(window) : RANGE_DAYS[range];
}

export enum UsageGranularity {
  DAY = "DAY",
  WEEK = "WEEK",
  MONTH = "MONTH",
}
registerEnumType(UsageGranularity, {
  name: "UsageGranularity",
  description: "The period of UsageMetrics.buckets, in the answer's timeZone.",
  valuesConfig: {
    DAY: { description: "One date." },
    WEEK: { description: "An ISO week, Monday to Sunday." },
    MONTH: { description: "A calendar month." },
  },
});

const PERIOD_UNIT: Record<UsageGranularity, UsagePeriodUnit> = {
  [UsageGranularity.DAY]: "day",
  [UsageGranularity.WEEK]: "week",
  [UsageGranularity.MONTH]: "month",
};

export const UsageCounts = counterFields<number>("UsageCounts", () => Int, {
  description:
    "Counts of activity_log rows per action type. Figures equal the raw\nactivity_log counts for the dates covered, whether or not those dates have\nbeen rolled up yet.",
});

@ObjectType()
export class DailyUsage extends UsageCounts {
  @Field(() => DateScalar)
  date!: string;
}

@ObjectType({
  description: "The counts of one period (see UsageGranularity) over the dates of the window that fall in it.",
})
export class UsageBucket extends UsageCounts {
  @Field(() => DateScalar, { description: "The period's first date (for WEEK a Monday, for MONTH the 1st)." })
  periodStart!: string;

  @Field(() => DateScalar, { description: "The period's last date, whether or not the window reaches it." })
  periodEnd!: string;

  @Field(() => DateScalar, {
    description: "The first date of the window in the period: the later of periodStart and startDate.",
  })
  from!: string;

  @Field(() => DateScalar, {
    description: "The last date of the window in the period: the earlier of periodEnd and endDate.",
  })
  to!: string;

  @Field(() => Boolean, {
    description:
      "True when the counts do not cover the whole period: the window cuts it (from > periodStart or to < periodEnd) " +
      "or it is not over (periodEnd is today or later).",
  })
  partial!: boolean;
}

@ObjectType({ description: "One counter in the window against the same counter in the previous window." })
export class CounterChange {
  @Field(() => Int, { description: "The counter over the window (as in totals)." })
  current!: number;

  @Field(() => Int, { description: "The counter over the previous window (as in previousTotals)." })
  previous!: number;

  @Field(() => Int, { description: "current - previous." })
  absolute!: number;

  @Field(() => Float, {
    nullable: true,
    description: "100 * absolute / previous, rounded to one decimal, half away from zero; null when previous is 0.",
  })
  percent!: number | null;
}

export const UsageChanges = counterFields<CounterChange>("UsageChanges", () => CounterChange, {
  description: "Each counter of totals against previousTotals.",
});

@ObjectType()
export class UserUsage extends UsageCounts {
  @Field(() => ID)
  userId!: string;

  @Field(() => String, { nullable: true, description: "From users.full_name; null if the user row is gone." })
  fullName!: string | null;
}

@ObjectType()
export class UsageMetrics {
  @Field(() => UsageRange, {
    description: "The range argument as given or defaulted; it is ignored when from and to are given.",
  })
  range!: UsageRange;

  @Field(() => DateScalar, { description: "today - (N - 1) for a range of N days. from, when from and to are given." })
  startDate!: string;

  @Field(() => DateScalar, { description: "Today. to, when from and to are given." })
  endDate!: string;

  @Field(() => ID, {
    nullable: true,
    description: "The tenant the figures cover; null for a super admin's all-tenant view.",
  })
  tenantId!: string | null;

  @Field(() => String, { description: TIME_ZONE_FIELD })
  timeZone!: TimeZoneName;

  @Field(() => [DailyUsage], {
    description: "One entry per date from startDate to endDate, oldest first, zeros where nothing happened.",
  })
  daily!: DailyUsage[];

  @Field(() => UsageCounts)
  totals!: Counts;

  @Field(() => [UsageBucket], {
    description:
      "One entry per period of the granularity argument that intersects startDate..endDate, oldest first, zeros " +
      "where nothing happened. For DAY, one per date, as daily.",
  })
  buckets!: UsageBucket[];
}

@ArgsType()
class UsageMetricsArgs {
  @Field(() => UsageRange, { defaultValue: UsageRange.LAST_30_DAYS })
  range!: UsageRange;

  @Field(() => ID, { nullable: true })
  tenantId?: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description:
      `First date of a custom window, from..to (dates in timeZone, both included), used instead of range. Give both or ` +
      `neither, and not together with range; from <= to, at most ${MAX_WINDOW_DAYS} dates; else BAD_USER_INPUT.`,
  })
  from?: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: "Last date of a custom window, from..to: today at the latest, else BAD_USER_INPUT.",
  })
  to?: string | null;

  @Field(() => UsageGranularity, {
    nullable: true,
    defaultValue: UsageGranularity.DAY,
    description: "The period of buckets; null counts as DAY. daily stays one entry per date whatever it is.",
  })
  granularity!: UsageGranularity | null;

  @Field(() => String, { nullable: true, description: TENANT_SCOPED_ZONE })
  timeZone?: string | null;
}

@Resolver(() => UsageMetrics)
export class UsageResolver {
  @Query(() => UsageMetrics, {
    // The window's dates, once more for previousTotals or changes (the window before) and for userBreakdown.
    complexity: datesRead(
      ({ from, to, range }, selects) =>
        usageDates(from as string | null, to as string | null, range as UsageRange) *
        (1 + Number(selects("previousTotals") || selects("changes")) + Number(selects("userBreakdown"))),
    ),
    description:
      "Usage of one tenant, or of all tenants. A tenant admin always gets their own\ntenant (asking for another tenantId is FORBIDDEN). A super admin gets all\ntenants, or one when tenantId is given.\nA tenantId that is not a uuid is BAD_USER_INPUT; a uuid with no tenants row gets zeros. A tenant admin whose token has no tenant is FORBIDDEN.",
  })
  @Auth(Role.TENANT_ADMIN, Role.SUPER_ADMIN)
  async usageMetrics(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Args(() => UsageMetricsArgs) { range, tenantId, from, to, granularity, timeZone }: UsageMetricsArgs,
  ): Promise<UsageMetrics> {
    const scoped = scopeTenant(ctx.viewer as Viewer, parseTenantId(tenantId, "tenantId"));
    const window = parseDateWindow(from, to, { exclusiveWith: isArgumentGiven(info, "range") ? "range" : null });
    const zone = await resolveTimeZone(ctx, timeZone, scoped);
    const series = await readUsageSeries(ctx.db, {
      tenantId: scoped,
      window: window ?? { days: RANGE_DAYS[range] },
      unit: PERIOD_UNIT[granularity ?? UsageGranularity.DAY],
      zone,
    });
    return { range, tenantId: scoped, timeZone: zone, ...series };
  }

  /** With changes, one statement of its own, sent only when a client asks for either. */
  @FieldResolver(() => UsageCounts, {
    description:
      "Counts over the window of the same length just before this one: the N dates from startDate - N to " +
      "startDate - 1, N being the number of dates from startDate to endDate. Zeros before any activity.",
  })
  async previousTotals(@Root() usage: UsageMetrics, @Ctx() ctx: Context): Promise<Counts> {
    return (await compareWithPrevious(usage, ctx)).previousTotals;
  }

  @FieldResolver(() => UsageChanges, { description: "totals against previousTotals, counter by counter." })
  async changes(@Root() usage: UsageMetrics, @Ctx() ctx: Context): Promise<UsageChangesRow> {
    return (await compareWithPrevious(usage, ctx)).changes;
  }

  /** Its own statement, sent only when a client asks for the breakdown. */
  @FieldResolver(() => [UserUsage], {
    nullable: true,
    description:
      "Every user of the tenant (users.tenant_id), plus any other user with activity\nin the tenant in the range; zeros included. Ordered by the sum of all counts\ndescending, then userId ascending. Null in the all-tenant view.\nuserId ascending is uuid order, the code-point order of its lower-case text. Activity means any activity_log row, counted action or not. The range is startDate..endDate, so from..to when they are given.",
  })
  userBreakdown(@Root() usage: UsageMetrics, @Ctx() { db }: Context): Promise<UserUsageRow[]> | null {
    if (usage.tenantId === null) return null;
    return readUserUsage(db, {
      tenantId: usage.tenantId,
      zone: usage.timeZone,
      from: usage.startDate,
      to: usage.endDate,
    });
  }

  @FreshnessField("startDate to endDate")
  freshness(@Root() usage: UsageMetrics, @Ctx() ctx: Context): Promise<FreshnessRow> {
    return ctx.loader(freshnessLoader).load({
      from: usage.startDate,
      to: usage.endDate,
      zone: usage.timeZone,
      readsRollup: true,
      tenantId: usage.tenantId,
    });
  }
}

/** previousTotals and changes of an answer, from the request's one statement for its window. */
function compareWithPrevious(usage: UsageMetrics, ctx: Context): Promise<UsageComparisonRow> {
  return ctx.loader(usageComparisonLoader).load({
    tenantId: usage.tenantId,
    zone: usage.timeZone,
    from: usage.startDate,
    to: usage.endDate,
    totals: usage.totals,
  });
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
