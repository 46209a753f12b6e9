import { Field, ObjectType, Query, Resolver, registerEnumType } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";

export enum QuotaStatus {
  COMING_SOON = "COMING_SOON",
}
registerEnumType(QuotaStatus, { name: "QuotaStatus" });

/** Providers in the order the dashboard card lists them (contract). */
const TRACKED_PROVIDERS = ["apollo", "contactout", "exa", "edgar", "claude"];

@ObjectType()
export class ApiQuota {
  @Field(() => QuotaStatus)
  status!: QuotaStatus;

  @Field(() => String, { description: "Why figures are not available yet, for the dashboard card." })
  message!: string;

  @Field(() => [String], {
    description: "The providers that will be tracked: apollo, contactout, exa, edgar, claude, in that order.",
  })
  providers!: string[];
}

@Resolver()
export class QuotaResolver {
  @Query(() => ApiQuota, {
    description: "Enrichment providers' API quota. Tracking is not instrumented yet: status is COMING_SOON.",
  })
  @Auth(Role.SUPER_ADMIN)
  apiQuota(): ApiQuota {
    return {
      status: QuotaStatus.COMING_SOON,
      message: "Provider quota tracking is not instrumented yet; figures will appear here once it is.",
      providers: [...TRACKED_PROVIDERS],
    };
  }
}
