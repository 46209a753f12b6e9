import { registerEnumType } from "type-graphql";
import { COUNTERS, type CountedAction } from "../daily-usage/counters";

/**
 * The counted action types, as the counters table lists them: values are what activity_log.action_type holds, names
 * their upper case; any other stored value (e.g. `LOGIN`) is unknown and counted nowhere.
 */
export const ActionType = Object.fromEntries(
  COUNTERS.map(({ actionType }) => [actionType.toUpperCase(), actionType]),
) as { [A in CountedAction as Uppercase<A>]: A };
export type ActionType = CountedAction;

registerEnumType(ActionType, {
  name: "ActionType",
  description:
    "The action types that activity_log.action_type holds (stored in lower snake case, e.g. search_executed).",
});
