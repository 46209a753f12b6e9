import { Args, ArgsType, Ctx, Field, ID, Mutation, ObjectType, Resolver } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import { badUserInput, forbidden } from "../errors";
import type { Context } from "../server/context";
import { DateTimeScalar } from "../server/scalars";
import { ActionType } from "./action-type";
import { isActiveMember, recordActivity, recordActivityOnce } from "./activity.sql";

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

/** Printable ASCII, space to tilde: generated keys (uuids, hashes) are made of it; a control character is a client bug. */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]*$/;
const IDEMPOTENCY_KEY_MAX_LENGTH = 200;

function parseIdempotencyKey(key: string): string {
  if (key.length === 0) throw badUserInput("idempotencyKey must not be empty", "idempotencyKey");
  if (key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw badUserInput(`idempotencyKey must be at most ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`, "idempotencyKey");
  }
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw badUserInput("idempotencyKey must be printable ASCII (space to ~)", "idempotencyKey");
  }
  return key;
}

/**
 * The earliest occurredAt recorded. Older instants are client bugs (a zero date, `0001-01-01`): they would mark
 * centuries-old dates stale in every tenant's freshness, and some are outside PostgreSQL's timestamp range.
 */
const EARLIEST_OCCURRED_AT = new Date("2000-01-01T00:00:00Z");

function parseOccurredAt(occurredAt: Date | null | undefined): Date | null {
  if (occurredAt && occurredAt < EARLIEST_OCCURRED_AT) {
    throw badUserInput(`occurredAt must be ${EARLIEST_OCCURRED_AT.toISOString()} or later`, "occurredAt");
  }
  return occurredAt ?? null;
}

@ArgsType()
class RecordActivityArgs {
  @Field(() => ActionType)
  actionType!: ActionType;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Makes retries safe. The first call with a key records the action; any later call by the same viewer " +
      "(activity_log.user_id) with the same key, within 24 hours of that first call, writes nothing and returns the first " +
      "record (same id, actionType, tenantId, occurredAt), also when the calls run at the same time. Such a retry " +
      "must repeat actionType and occurredAt (both omitted, or the same instant), else BAD_USER_INPUT " +
      '"idempotencyKey was already used for a different activity" and nothing is written. Keys belong to one ' +
      "user in one tenant: another user's equal key, or the same user's in another tenant, is unrelated. A key is kept for 24 hours; after that it records a new " +
      "action again. 1 to 200 characters of printable ASCII (space to ~), else BAD_USER_INPUT. " +
      "Omitted: every call records a new action.",
  })
  idempotencyKey?: string | null;
}

@Resolver()
export class ActivityResolver {
  @Mutation(() => ActivityRecord, {
    description:
      "Records one action by the viewer, in the viewer's tenant, at occurredAt\n(default now; not in the future). A viewer with no tenant gets BAD_USER_INPUT.\n" +
      "Now is the database's clock; occurredAt may be ahead of it by at most 60 s (clock tolerance), else BAD_USER_INPUT and nothing is written.\n" +
      "occurredAt before 2000-01-01T00:00:00.000Z: BAD_USER_INPUT, nothing written.\n" +
      "A viewer whose users row is gone, names another tenant, or whose tenant is inactive: FORBIDDEN, nothing written.",
  })
  @Auth(Role.AGENT, Role.ASSISTANT, Role.TENANT_ADMIN, Role.SUPER_ADMIN)
  async recordActivity(
    @Ctx() { viewer, db: { primary: db } }: Context,
    @Args(() => RecordActivityArgs) { actionType, occurredAt, idempotencyKey }: RecordActivityArgs,
  ): Promise<ActivityRecord> {
    const { id: userId, tenantId } = viewer!;
    if (!tenantId) throw badUserInput("The viewer has no tenant to record activity in");
    const fields = { tenantId, userId, actionType, occurredAt: parseOccurredAt(occurredAt) };
    const key = idempotencyKey === null || idempotencyKey === undefined ? null : parseIdempotencyKey(idempotencyKey);
    if (!(await isActiveMember(db, { userId, tenantId }))) {
      throw forbidden("The viewer is no longer a user of an active tenant: its token records nothing");
    }
    if (key === null) {
      const record = await recordActivity(db, fields);
      if (!record) throw futureOccurredAt();
      return record;
    }
    const recording = await recordActivityOnce(db, { ...fields, key });
    if (recording.outcome === "future") throw futureOccurredAt();
    if (recording.outcome === "mismatch") {
      throw badUserInput("idempotencyKey was already used for a different activity", "idempotencyKey");
    }
    return recording;
  }
}

function futureOccurredAt() {
  return badUserInput("occurredAt is in the future", "occurredAt");
}
