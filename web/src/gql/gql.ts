/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  fragment PanelFreshness on Freshness {\n    asOf\n    rolledUpThrough\n    liveDates\n    missingDates\n  }\n": typeof types.PanelFreshnessFragmentDoc,
    "\n  query WebViewer {\n    viewer {\n      id\n      role\n      fullName\n      tenantId\n    }\n  }\n": typeof types.WebViewerDocument,
    "\n  query WebPulse {\n    platformPulse {\n      totalProspects\n      enrichedProspects\n      enrichmentCoverage\n      enrichmentFailed\n      activeUsersToday\n      activeUsers7dAvg\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n": typeof types.WebPulseDocument,
    "\n  query WebUsage($range: UsageRange, $from: Date, $to: Date, $granularity: UsageGranularity) {\n    usageMetrics(range: $range, from: $from, to: $to, granularity: $granularity) {\n      startDate\n      endDate\n      tenantId\n      timeZone\n      changes {\n        totalLogins {\n          ...Change\n        }\n        searchesExecuted {\n          ...Change\n        }\n        profilesViewed {\n          ...Change\n        }\n        profilesEnriched {\n          ...Change\n        }\n        csvExports {\n          ...Change\n        }\n        listsCreated {\n          ...Change\n        }\n        personasCreated {\n          ...Change\n        }\n        lookalikeSearches {\n          ...Change\n        }\n      }\n      buckets {\n        periodStart\n        periodEnd\n        partial\n        ...BucketCounts\n      }\n      userBreakdown {\n        userId\n        fullName\n        ...UserCounts\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n\n  fragment Change on CounterChange {\n    current\n    previous\n    absolute\n    percent\n  }\n\n  fragment BucketCounts on UsageBucket {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n\n  fragment UserCounts on UserUsage {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n": typeof types.WebUsageDocument,
};
const documents: Documents = {
    "\n  fragment PanelFreshness on Freshness {\n    asOf\n    rolledUpThrough\n    liveDates\n    missingDates\n  }\n": types.PanelFreshnessFragmentDoc,
    "\n  query WebViewer {\n    viewer {\n      id\n      role\n      fullName\n      tenantId\n    }\n  }\n": types.WebViewerDocument,
    "\n  query WebPulse {\n    platformPulse {\n      totalProspects\n      enrichedProspects\n      enrichmentCoverage\n      enrichmentFailed\n      activeUsersToday\n      activeUsers7dAvg\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n": types.WebPulseDocument,
    "\n  query WebUsage($range: UsageRange, $from: Date, $to: Date, $granularity: UsageGranularity) {\n    usageMetrics(range: $range, from: $from, to: $to, granularity: $granularity) {\n      startDate\n      endDate\n      tenantId\n      timeZone\n      changes {\n        totalLogins {\n          ...Change\n        }\n        searchesExecuted {\n          ...Change\n        }\n        profilesViewed {\n          ...Change\n        }\n        profilesEnriched {\n          ...Change\n        }\n        csvExports {\n          ...Change\n        }\n        listsCreated {\n          ...Change\n        }\n        personasCreated {\n          ...Change\n        }\n        lookalikeSearches {\n          ...Change\n        }\n      }\n      buckets {\n        periodStart\n        periodEnd\n        partial\n        ...BucketCounts\n      }\n      userBreakdown {\n        userId\n        fullName\n        ...UserCounts\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n\n  fragment Change on CounterChange {\n    current\n    previous\n    absolute\n    percent\n  }\n\n  fragment BucketCounts on UsageBucket {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n\n  fragment UserCounts on UserUsage {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n": types.WebUsageDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment PanelFreshness on Freshness {\n    asOf\n    rolledUpThrough\n    liveDates\n    missingDates\n  }\n"): (typeof documents)["\n  fragment PanelFreshness on Freshness {\n    asOf\n    rolledUpThrough\n    liveDates\n    missingDates\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebViewer {\n    viewer {\n      id\n      role\n      fullName\n      tenantId\n    }\n  }\n"): (typeof documents)["\n  query WebViewer {\n    viewer {\n      id\n      role\n      fullName\n      tenantId\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebPulse {\n    platformPulse {\n      totalProspects\n      enrichedProspects\n      enrichmentCoverage\n      enrichmentFailed\n      activeUsersToday\n      activeUsers7dAvg\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebPulse {\n    platformPulse {\n      totalProspects\n      enrichedProspects\n      enrichmentCoverage\n      enrichmentFailed\n      activeUsersToday\n      activeUsers7dAvg\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebUsage($range: UsageRange, $from: Date, $to: Date, $granularity: UsageGranularity) {\n    usageMetrics(range: $range, from: $from, to: $to, granularity: $granularity) {\n      startDate\n      endDate\n      tenantId\n      timeZone\n      changes {\n        totalLogins {\n          ...Change\n        }\n        searchesExecuted {\n          ...Change\n        }\n        profilesViewed {\n          ...Change\n        }\n        profilesEnriched {\n          ...Change\n        }\n        csvExports {\n          ...Change\n        }\n        listsCreated {\n          ...Change\n        }\n        personasCreated {\n          ...Change\n        }\n        lookalikeSearches {\n          ...Change\n        }\n      }\n      buckets {\n        periodStart\n        periodEnd\n        partial\n        ...BucketCounts\n      }\n      userBreakdown {\n        userId\n        fullName\n        ...UserCounts\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n\n  fragment Change on CounterChange {\n    current\n    previous\n    absolute\n    percent\n  }\n\n  fragment BucketCounts on UsageBucket {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n\n  fragment UserCounts on UserUsage {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n"): (typeof documents)["\n  query WebUsage($range: UsageRange, $from: Date, $to: Date, $granularity: UsageGranularity) {\n    usageMetrics(range: $range, from: $from, to: $to, granularity: $granularity) {\n      startDate\n      endDate\n      tenantId\n      timeZone\n      changes {\n        totalLogins {\n          ...Change\n        }\n        searchesExecuted {\n          ...Change\n        }\n        profilesViewed {\n          ...Change\n        }\n        profilesEnriched {\n          ...Change\n        }\n        csvExports {\n          ...Change\n        }\n        listsCreated {\n          ...Change\n        }\n        personasCreated {\n          ...Change\n        }\n        lookalikeSearches {\n          ...Change\n        }\n      }\n      buckets {\n        periodStart\n        periodEnd\n        partial\n        ...BucketCounts\n      }\n      userBreakdown {\n        userId\n        fullName\n        ...UserCounts\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n\n  fragment Change on CounterChange {\n    current\n    previous\n    absolute\n    percent\n  }\n\n  fragment BucketCounts on UsageBucket {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n\n  fragment UserCounts on UserUsage {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;