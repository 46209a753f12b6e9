import { Args, ArgsType, Ctx, Extensions, Field, ID, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import type { Viewer } from "../auth/viewer";
import { checkTimeZone, tenantTimeZone, TIME_ZONE_MAX_LENGTH } from "../daily-usage/time-zones";
import { UTC } from "../daily-usage/windows";
import { badUserInput, forbidden } from "../errors";
import { parseTenantId } from "../server/arguments";
import type { Context } from "../server/context";
import { INVALIDATES_CACHED_ANSWERS } from "../server/response-cache";
import { writeTenantTimeZone } from "./tenant-settings.sql";

/** What the fields' descriptions say of the names, once. */
const ACCEPTED_NAMES =
  "An IANA Area/Location name exactly as PostgreSQL lists it in pg_timezone_names (case-sensitive), in one of the " +
  "areas Africa, America, Antarctica, Arctic, Asia, Atlantic, Australia, Europe, Indian and Pacific, such as " +
  '"Asia/Kolkata", "America/Argentina/Buenos_Aires" or "Pacific/Chatham"; or "UTC". Not abbreviations ("EST", ' +
  '"IST"), offsets ("UTC+5", "+05:30"), POSIX or legacy names ("EST5EDT", "Etc/GMT+5", "US/Eastern", "posix/...").';

const TENANT_ID =
  "The tenant. Required for a super admin (else BAD_USER_INPUT); a tenant admin may leave it out for their own " +
  "tenant, and gets FORBIDDEN for any other (and when their token has no tenant). Not a uuid: BAD_USER_INPUT. " +
  "A uuid with no tenants row: BAD_USER_INPUT, nothing read or written.";

@ObjectType({
  description:
    "A tenant's settings, kept by the gateway (never in the platform's tenants table). For now its time zone: the zone " +
    "of the tenant's answers that are given no timeZone argument.",
})
export class TenantSettings {
  @Field(() => ID)
  tenantId!: string;

  @Field(() => String, {
    description:
      "The tenant's default time zone: the zone of every answer scoped to this tenant (a tenant admin's own, a super " +
      "admin's with its tenantId) that is given no timeZone argument; its dates are this zone's local calendar days. " +
      '"UTC" when none is set. Answers not scoped to one tenant (all tenants, tenantActivity) are in UTC unless given a timeZone.',
  })
  timeZone!: string;
}

@ArgsType()
class TenantSettingsArgs {
  @Field(() => ID, { nullable: true, description: TENANT_ID })
  tenantId?: string | null;
}

@ArgsType()
class SetTenantTimeZoneArgs {
  @Field(() => ID, { nullable: true, description: TENANT_ID })
  tenantId?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      `The tenant's new default zone. ${ACCEPTED_NAMES} Anything else, an empty string or more than ` +
      `${TIME_ZONE_MAX_LENGTH} characters: BAD_USER_INPUT, nothing written. Null or left out: the setting is ` +
      "removed, and the tenant's answers are in UTC again.",
  })
  timeZone?: string | null;
}

@Resolver()
export class TenantSettingsResolver {
  @Query(() => TenantSettings, {
    description:
      "A tenant's settings, as setTenantTimeZone left them. Super admins read any tenant's, tenant admins their own.",
  })
  @Auth(Role.TENANT_ADMIN, Role.SUPER_ADMIN)
  async tenantSettings(
    @Ctx() ctx: Context,
    @Args(() => TenantSettingsArgs) { tenantId }: TenantSettingsArgs,
  ): Promise<TenantSettings> {
    const scoped = settingsTenant(ctx.viewer!, parseTenantId(tenantId, "tenantId"));
    const { tenantExists, timeZone } = await tenantTimeZone(ctx, scoped);
    if (!tenantExists) throw unknownTenant(scoped);
    return { tenantId: scoped, timeZone };
  }

  @Mutation(() => TenantSettings, {
    description:
      "Sets a tenant's default time zone (TenantSettings.timeZone), or with timeZone null removes it (back to UTC); " +
      "returns the settings as written. Applies from the next request on to every answer scoped to the tenant that " +
      "is given no timeZone argument, CSV exports included (with a read replica, once it has replayed the write; " +
      "at once for the viewer who wrote it). Super admins set any tenant's, tenant admins their own. " +
      "A tenant admin's write is made only while their users row is in that tenant and the tenant is active, else " +
      "FORBIDDEN and nothing is written (as for recordActivity).",
  })
  @Auth(Role.TENANT_ADMIN, Role.SUPER_ADMIN)
  // Every viewer's answer about the tenant given no timeZone changes zone: none may come from a cached answer.
  @Extensions({ [INVALIDATES_CACHED_ANSWERS]: true })
  async setTenantTimeZone(
    @Ctx() ctx: Context,
    @Args(() => SetTenantTimeZoneArgs) { tenantId, timeZone }: SetTenantTimeZoneArgs,
  ): Promise<TenantSettings> {
    const viewer = ctx.viewer!;
    const scoped = settingsTenant(viewer, parseTenantId(tenantId, "tenantId"));
    const zone =
      timeZone === null || timeZone === undefined ? null : checkTimeZone(ctx.timeZones, timeZone, "timeZone");
    const asMember = viewer.role !== Role.SUPER_ADMIN;
    const write = await writeTenantTimeZone(ctx.db.primary, {
      tenantId: scoped,
      timeZone: zone,
      writerId: viewer.id,
      asMember,
    });
    if (!write.tenantExists) throw unknownTenant(scoped);
    if (!write.written) throw forbidden("The viewer is no longer a user of this active tenant: its token sets nothing");
    return { tenantId: scoped, timeZone: zone ?? UTC };
  }
}

/** The tenant whose settings the viewer reads or writes: a super admin names it, a tenant admin has their own. */
function settingsTenant(viewer: Viewer, tenantId: string | null): string {
  const asked = tenantId?.toLowerCase() ?? null;
  if (viewer.role === Role.SUPER_ADMIN) {
    if (asked === null) throw badUserInput("tenantId is required: which tenant's settings?", "tenantId");
    return asked;
  }
  if (viewer.tenantId === null) throw forbidden("A tenant admin without a tenant has no settings");
  if (asked !== null && asked !== viewer.tenantId)
    throw forbidden("A tenant admin has only their own tenant's settings");
  return viewer.tenantId;
}

function unknownTenant(tenantId: string) {
  return badUserInput(`No tenant has the id ${tenantId}`, "tenantId");
}
