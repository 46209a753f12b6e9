/** The usage counters, in the API's order, with the label the page gives each. */
export const COUNTERS = [
  ["totalLogins", "Logins"],
  ["searchesExecuted", "Searches"],
  ["profilesViewed", "Profiles viewed"],
  ["profilesEnriched", "Profiles enriched"],
  ["csvExports", "CSV exports"],
  ["listsCreated", "Lists created"],
  ["personasCreated", "Personas created"],
  ["lookalikeSearches", "Lookalike searches"],
] as const;

export type Counter = (typeof COUNTERS)[number][0];
