import { Field, FieldResolver, ObjectType } from "type-graphql";
import { DateScalar, DateTimeScalar } from "../server/scalars";

@ObjectType({
  description:
    "How current an answer's figures are. Every figure is exact whatever this says; it tells a dashboard what " +
    "it is looking at: live dates move while you watch, missing ones point at a rollup to fix.",
})
export class Freshness {
  @Field(() => DateTimeScalar, {
    description:
      "The database's clock when this was read, in the same request just after the figures: no figure counts a " +
      "row committed after it. With a read replica (DATABASE_READ_URL), the primary's time at the position the " +
      "replica has replayed: the replica's clock while it streams and has replayed all it received, else the commit " +
      "time of the last transaction it replayed. An answer from the response cache (a request sent with " +
      "Cache-Control: max-age=N) is the stored answer whole: its asOf is that of its computation, at most N seconds ago.",
  })
  asOf!: Date;

  @Field(() => DateScalar, {
    nullable: true,
    description:
      "The latest date (in or out of the window; in the answer's timeZone, the latest whose UTC dates all are) " +
      "whose figures come from a current rollup: its latest " +
      "successful run took in everything inserted before it, and no UPDATE or DELETE of activity_log touched " +
      "the answer's rows of it since (for an answer of one tenant, that tenant's rows; else any row). Null when " +
      "there is none.",
  })
  rolledUpThrough!: string | null;

  @Field(() => [DateScalar], {
    description:
      "Dates of the window answered from raw rows, oldest first: for usage, tenant activity's 7-day counts, platform " +
      "pulse's active users and the funnel in mode EVENTS, the dates without a current rollup (today, and any date " +
      "not rolled up or touched since); for the funnel in mode USERS, which reads the raw rows, and enrichment " +
      "health, whose counts triggers keep current at every write to prospects, every date of the window. Late " +
      "inserts on a rolled-up date do not make it live: they are added to its rollup as they are written. For an " +
      "answer of one tenant, only an UPDATE or DELETE of that tenant's rows (a row moved into or out of it " +
      "included) makes a date live: another tenant's writes never show here.",
  })
  liveDates!: string[];

  @Field(() => [DateScalar], {
    description:
      "Dates of the window whose rollup failed (the latest finished run) or never succeeded, oldest first; " +
      "today (not due yet) and dates before the earliest activity_log row (nothing to roll up) never are. " +
      "The same rule as rollupStatus.missingDates; for an answer of one tenant, only dates holding rows of that " +
      "tenant, so other tenants' rows never bring a date in.",
  })
  missingDates!: string[];
}

/**
 * Declares a resolver's `freshness` field: how current its answer's figures are, for the window (in words) they cover.
 * The method returns the answer's freshnessLoader row.
 */
export function FreshnessField(window: string): MethodDecorator {
  return FieldResolver(() => Freshness, { description: `How current the figures are. Window: ${window}.` });
}
