import { Arg, Ctx, Field, ID, Mutation, ObjectType, Resolver } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import { badUserInput } from "../errors";
import type { Context } from "../server/context";
import { DateTimeScalar } from "../server/scalars";
import { ActionType } from "./action-type";
import { recordActivity } from "./activity.sql";

@ObjectType()
export class ActivityRecord {
  @Field(() => ID, { description: "activity_log.id." })
  id!: string;

  @Field(() => ActionType)
  actionType!: ActionType;

  @Field(() => ID)
  tenantId!: string;

  @Field(() => ID)
  userId!: string;

  @Field(() => DateTimeScalar, { description: "activity_log.created_at." })
  occurredAt!: Date;
}

@Resolver()
export class ActivityResolver {
  @Mutation(() => ActivityRecord, {
    description:
      "Records one action by the viewer, in the viewer's tenant, at occurredAt\n(default now; not in the future). A viewer with no tenant gets BAD_USER_INPUT.\n" +
      "Now is the database's clock; occurredAt may be ahead of it by at most 60 s (clock tolerance), else BAD_USER_INPUT and nothing is written.",
  })
  @Auth(Role.AGENT, Role.ASSISTANT, Role.TENANT_ADMIN, Role.SUPER_ADMIN)
  // Parameter decorators run last to first: this order emits `actionType` before `occurredAt`, as the contract lists them.
  async recordActivity(
    @Ctx() { viewer, db }: Context,
    @Arg("occurredAt", () => DateTimeScalar, { nullable: true }) occurredAt: Date | null | undefined,
    @Arg("actionType", () => ActionType) actionType: ActionType,
  ): Promise<ActivityRecord> {
    const { id: userId, tenantId } = viewer!;
    if (!tenantId) throw badUserInput("The viewer has no tenant to record activity in");
    const record = await recordActivity(db, { tenantId, userId, actionType, occurredAt: occurredAt ?? null });
    if (!record) throw badUserInput("occurredAt is in the future", "occurredAt");
    return record;
  }
}
