import { registerEnumType } from "type-graphql";

/** Values are what activity_log.action_type holds; any other stored value (e.g. `LOGIN`) is unknown and counted nowhere. */
export enum ActionType {
  LOGIN = "login",
  SEARCH_EXECUTED = "search_executed",
  PROFILE_VIEWED = "profile_viewed",
  PROFILE_ENRICHED = "profile_enriched",
  CSV_EXPORTED = "csv_exported",
  LIST_CREATED = "list_created",
  PERSONA_CREATED = "persona_created",
  LOOKALIKE_SEARCH = "lookalike_search",
}

registerEnumType(ActionType, {
  name: "ActionType",
  description:
    "The action types that activity_log.action_type holds (stored in lower snake case, e.g. search_executed).",
});
