/**
 * The counted action types, in the API's order. Each is an activity_log.action_type value, a GraphQL field
 * (UsageCounts, UsageChanges, the usage CSV's columns) and a column of the tables that hold its counts
 * (usage_metrics_daily, usage_metrics_daily_tenant_totals, usage_metrics_daily_totals, usage_deltas). Any other
 * action_type is stored and counted nowhere. A new one is a row here and a migration adding its column to those four
 * tables and its count to record_usage_deltas(); everything else is derived from this table.
 */
export const COUNTERS = [
  { actionType: "login", field: "totalLogins", column: "total_logins" },
  { actionType: "search_executed", field: "searchesExecuted", column: "searches_executed" },
  { actionType: "profile_viewed", field: "profilesViewed", column: "profiles_viewed" },
  { actionType: "profile_enriched", field: "profilesEnriched", column: "profiles_enriched" },
  { actionType: "csv_exported", field: "csvExports", column: "csv_exports" },
  { actionType: "list_created", field: "listsCreated", column: "lists_created" },
  { actionType: "persona_created", field: "personasCreated", column: "personas_created" },
  { actionType: "lookalike_search", field: "lookalikeSearches", column: "lookalike_searches" },
] as const;

export type Counter = (typeof COUNTERS)[number];

/** A counter's GraphQL field name, which is also its name in every row type. */
export type CounterName = Counter["field"];

/** An action_type that some counter counts. */
export type CountedAction = Counter["actionType"];

/** One figure per counter. */
export type Counts = Record<CounterName, number>;

/** The counters' field names in the API's order. */
export const COUNTER_NAMES: readonly CounterName[] = COUNTERS.map((counter) => counter.field);

/** The counter of an action type. */
export function counterOf(actionType: CountedAction): Counter {
  return COUNTERS.find((counter) => counter.actionType === actionType) as Counter;
}

/** A row's counters alone, in the API's order. */
export function countsOf(row: Counts): Counts {
  return Object.fromEntries(COUNTERS.map(({ field }) => [field, row[field]])) as Counts;
}
