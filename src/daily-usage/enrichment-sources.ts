/** The sources every enrichment view lists first, in this order (contract: EnrichmentHealthDay.sources, FailedEnrichment.sourceDetails). */
export const KNOWN_SOURCES = ["contactout", "exa", "edgar", "claude"];
