/**
 * The statement triggers of migration 20261207020000 that keep prospect_count_deltas exact on every write to
 * prospects (the pulse's counts per status, the error feed's failed prospects per quarter hour): what a measurement of
 * their cost on the platform's writes disables and enables again.
 */
export const PROSPECT_COUNT_TRIGGERS = [
  "prospects_counts_insert",
  "prospects_counts_update",
  "prospects_counts_delete",
  "prospects_counts_truncate",
] as const;
