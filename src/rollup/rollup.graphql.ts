import { Arg, Ctx, Field, FieldResolver, Int, Mutation, ObjectType, Query, Resolver } from "type-graphql";
import { Auth } from "../auth/auth.decorator";
import { Role } from "../auth/role";
import { badUserInput } from "../errors";
import type { Context } from "../server/context";
import { datesRead, RAW_ROWS } from "../server/cost";
import { DateScalar, DateTimeScalar } from "../server/scalars";
import { readManualDate, readMissingDates, readRecentRuns, readRollupStatus, type RollupRunRow } from "./rollup.sql";

@ObjectType()
export class RollupRun {
  @Field(() => DateScalar)
  date!: string | Date;

  @Field(() => String, { description: "succeeded, failed or running." })
  status!: string;

  @Field(() => DateTimeScalar)
  startedAt!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "The number of (tenant, user) rows the run wrote: every pair with a row on the date, rewritten or not.",
  })
  rowsWritten!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;
}

@ObjectType()
export class RollupStatus {
  @Field(() => DateScalar, { nullable: true, description: "Latest date rolled up successfully; null if none." })
  lastRolledUpDate!: string | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Whole days from lastRolledUpDate to yesterday; 0 when up to date, null when nothing has been rolled up. " +
      "Also 0 when lastRolledUpDate is today.",
  })
  lagDays!: number | null;
}

@Resolver(() => RollupStatus)
export class RollupResolver {
  @Query(() => RollupStatus, { description: "State of the daily rollup." })
  @Auth(Role.SUPER_ADMIN)
  rollupStatus(@Ctx() { db }: Context): Promise<RollupStatus> {
    return readRollupStatus(db);
  }

  @FieldResolver(() => [RollupRun], { description: "Most recent first, at most 20." })
  recentRuns(@Ctx() { db }: Context): Promise<RollupRunRow[]> {
    return readRecentRuns(db);
  }

  @FieldResolver(() => [DateScalar], {
    description:
      "Of the 90 UTC dates ending yesterday, those whose rollup is missing, oldest first: no successful run, or " +
      "the latest finished run failed (a failed day behind a successful one shows here, where lagDays cannot " +
      "show it). Dates before the earliest activity_log row have nothing to roll up and are never missing. " +
      "Their usage figures stay exact (read from raw rows); only their speed suffers.",
  })
  missingDates(@Ctx() { db }: Context): Promise<string[]> {
    return readMissingDates(db);
  }

  @Mutation(() => RollupRun, {
    // One date recounted from its raw rows.
    complexity: datesRead(() => RAW_ROWS),
    description:
      "Rolls up one UTC date (default yesterday) now, replacing that date's rows. Not a future date.\n" +
      "Today may be rolled. Waits for a run in progress (on any replica) to finish first, then runs, and returns " +
      "when its own run has finished, succeeded or failed. Requests for a date whose run is still waiting share that run.",
  })
  @Auth(Role.SUPER_ADMIN)
  async runRollup(
    @Arg("date", () => DateScalar, { nullable: true }) date: string | null | undefined,
    @Ctx() { db, rollup, viewer }: Context,
  ): Promise<RollupRunRow> {
    const target = await readManualDate(db, date ?? null);
    if (target.future) throw badUserInput(`date ${target.date} is in the future`, "date");
    return rollup.runNow(target.date, viewer?.id);
  }
}
