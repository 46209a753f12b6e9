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
    "\n  query WebUsage(\n    $range: UsageRange\n    $from: Date\n    $to: Date\n    $granularity: UsageGranularity\n    $timeZone: String\n    $tenantId: ID\n  ) {\n    usageMetrics(\n      range: $range\n      from: $from\n      to: $to\n      granularity: $granularity\n      timeZone: $timeZone\n      tenantId: $tenantId\n    ) {\n      startDate\n      endDate\n      tenantId\n      timeZone\n      changes {\n        totalLogins {\n          ...Change\n        }\n        searchesExecuted {\n          ...Change\n        }\n        profilesViewed {\n          ...Change\n        }\n        profilesEnriched {\n          ...Change\n        }\n        csvExports {\n          ...Change\n        }\n        listsCreated {\n          ...Change\n        }\n        personasCreated {\n          ...Change\n        }\n        lookalikeSearches {\n          ...Change\n        }\n      }\n      buckets {\n        periodStart\n        periodEnd\n        partial\n        ...BucketCounts\n      }\n      userBreakdown {\n        userId\n        fullName\n        ...UserCounts\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n\n  fragment Change on CounterChange {\n    current\n    previous\n    absolute\n    percent\n  }\n\n  fragment BucketCounts on UsageBucket {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n\n  fragment UserCounts on UserUsage {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n": typeof types.WebUsageDocument,
    "\n  query WebTenants {\n    tenantActivity {\n      id\n      name\n      userCount\n      searches7d\n      enrichments7d\n      exports7d\n      lastActive\n      users {\n        id\n        fullName\n        searches7d\n        enrichments7d\n        exports7d\n      }\n    }\n  }\n": typeof types.WebTenantsDocument,
    "\n  query WebEnrichment($days: Int!) {\n    enrichmentHealth(days: $days) {\n      days\n      series {\n        date\n        sources {\n          source\n          success\n          failed\n        }\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n": typeof types.WebEnrichmentDocument,
    "\n  query WebFunnel($mode: FunnelMode!) {\n    funnel(days: 7, mode: $mode) {\n      days\n      stages {\n        key\n        stage\n        value\n        conversionRate\n        previousValue\n        change\n        changePercent\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n": typeof types.WebFunnelDocument,
    "\n  query WebErrorFeed($page: Int!, $limit: Int!) {\n    errorFeed(page: $page, limit: $limit) {\n      total\n      page\n      limit\n      items {\n        id\n        fullName\n        userName\n        tenantName\n        updatedAt\n        sourceDetails {\n          source\n          status\n          error\n          at\n        }\n      }\n    }\n  }\n": typeof types.WebErrorFeedDocument,
    "\n  query WebQuota {\n    apiQuota {\n      status\n      message\n      providers\n    }\n  }\n": typeof types.WebQuotaDocument,
    "\n  query WebRollup {\n    rollupStatus {\n      lastRolledUpDate\n      lagDays\n      missingDates\n      recentRuns {\n        date\n        status\n        startedAt\n        finishedAt\n        rowsWritten\n        error\n      }\n    }\n  }\n": typeof types.WebRollupDocument,
};
const documents: Documents = {
    "\n  fragment PanelFreshness on Freshness {\n    asOf\n    rolledUpThrough\n    liveDates\n    missingDates\n  }\n": types.PanelFreshnessFragmentDoc,
    "\n  query WebViewer {\n    viewer {\n      id\n      role\n      fullName\n      tenantId\n    }\n  }\n": types.WebViewerDocument,
    "\n  query WebPulse {\n    platformPulse {\n      totalProspects\n      enrichedProspects\n      enrichmentCoverage\n      enrichmentFailed\n      activeUsersToday\n      activeUsers7dAvg\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n": types.WebPulseDocument,
    "\n  query WebUsage(\n    $range: UsageRange\n    $from: Date\n    $to: Date\n    $granularity: UsageGranularity\n    $timeZone: String\n    $tenantId: ID\n  ) {\n    usageMetrics(\n      range: $range\n      from: $from\n      to: $to\n      granularity: $granularity\n      timeZone: $timeZone\n      tenantId: $tenantId\n    ) {\n      startDate\n      endDate\n      tenantId\n      timeZone\n      changes {\n        totalLogins {\n          ...Change\n        }\n        searchesExecuted {\n          ...Change\n        }\n        profilesViewed {\n          ...Change\n        }\n        profilesEnriched {\n          ...Change\n        }\n        csvExports {\n          ...Change\n        }\n        listsCreated {\n          ...Change\n        }\n        personasCreated {\n          ...Change\n        }\n        lookalikeSearches {\n          ...Change\n        }\n      }\n      buckets {\n        periodStart\n        periodEnd\n        partial\n        ...BucketCounts\n      }\n      userBreakdown {\n        userId\n        fullName\n        ...UserCounts\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n\n  fragment Change on CounterChange {\n    current\n    previous\n    absolute\n    percent\n  }\n\n  fragment BucketCounts on UsageBucket {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n\n  fragment UserCounts on UserUsage {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n": types.WebUsageDocument,
    "\n  query WebTenants {\n    tenantActivity {\n      id\n      name\n      userCount\n      searches7d\n      enrichments7d\n      exports7d\n      lastActive\n      users {\n        id\n        fullName\n        searches7d\n        enrichments7d\n        exports7d\n      }\n    }\n  }\n": types.WebTenantsDocument,
    "\n  query WebEnrichment($days: Int!) {\n    enrichmentHealth(days: $days) {\n      days\n      series {\n        date\n        sources {\n          source\n          success\n          failed\n        }\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n": types.WebEnrichmentDocument,
    "\n  query WebFunnel($mode: FunnelMode!) {\n    funnel(days: 7, mode: $mode) {\n      days\n      stages {\n        key\n        stage\n        value\n        conversionRate\n        previousValue\n        change\n        changePercent\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n": types.WebFunnelDocument,
    "\n  query WebErrorFeed($page: Int!, $limit: Int!) {\n    errorFeed(page: $page, limit: $limit) {\n      total\n      page\n      limit\n      items {\n        id\n        fullName\n        userName\n        tenantName\n        updatedAt\n        sourceDetails {\n          source\n          status\n          error\n          at\n        }\n      }\n    }\n  }\n": types.WebErrorFeedDocument,
    "\n  query WebQuota {\n    apiQuota {\n      status\n      message\n      providers\n    }\n  }\n": types.WebQuotaDocument,
    "\n  query WebRollup {\n    rollupStatus {\n      lastRolledUpDate\n      lagDays\n      missingDates\n      recentRuns {\n        date\n        status\n        startedAt\n        finishedAt\n        rowsWritten\n        error\n      }\n    }\n  }\n": types.WebRollupDocument,
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
export function graphql(source: "\n  query WebUsage(\n    $range: UsageRange\n    $from: Date\n    $to: Date\n    $granularity: UsageGranularity\n    $timeZone: String\n    $tenantId: ID\n  ) {\n    usageMetrics(\n      range: $range\n      from: $from\n      to: $to\n      granularity: $granularity\n      timeZone: $timeZone\n      tenantId: $tenantId\n    ) {\n      startDate\n      endDate\n      tenantId\n      timeZone\n      changes {\n        totalLogins {\n          ...Change\n        }\n        searchesExecuted {\n          ...Change\n        }\n        profilesViewed {\n          ...Change\n        }\n        profilesEnriched {\n          ...Change\n        }\n        csvExports {\n          ...Change\n        }\n        listsCreated {\n          ...Change\n        }\n        personasCreated {\n          ...Change\n        }\n        lookalikeSearches {\n          ...Change\n        }\n      }\n      buckets {\n        periodStart\n        periodEnd\n        partial\n        ...BucketCounts\n      }\n      userBreakdown {\n        userId\n        fullName\n        ...UserCounts\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n\n  fragment Change on CounterChange {\n    current\n    previous\n    absolute\n    percent\n  }\n\n  fragment BucketCounts on UsageBucket {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n\n  fragment UserCounts on UserUsage {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n"): (typeof documents)["\n  query WebUsage(\n    $range: UsageRange\n    $from: Date\n    $to: Date\n    $granularity: UsageGranularity\n    $timeZone: String\n    $tenantId: ID\n  ) {\n    usageMetrics(\n      range: $range\n      from: $from\n      to: $to\n      granularity: $granularity\n      timeZone: $timeZone\n      tenantId: $tenantId\n    ) {\n      startDate\n      endDate\n      tenantId\n      timeZone\n      changes {\n        totalLogins {\n          ...Change\n        }\n        searchesExecuted {\n          ...Change\n        }\n        profilesViewed {\n          ...Change\n        }\n        profilesEnriched {\n          ...Change\n        }\n        csvExports {\n          ...Change\n        }\n        listsCreated {\n          ...Change\n        }\n        personasCreated {\n          ...Change\n        }\n        lookalikeSearches {\n          ...Change\n        }\n      }\n      buckets {\n        periodStart\n        periodEnd\n        partial\n        ...BucketCounts\n      }\n      userBreakdown {\n        userId\n        fullName\n        ...UserCounts\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n\n  fragment Change on CounterChange {\n    current\n    previous\n    absolute\n    percent\n  }\n\n  fragment BucketCounts on UsageBucket {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n\n  fragment UserCounts on UserUsage {\n    totalLogins\n    searchesExecuted\n    profilesViewed\n    profilesEnriched\n    csvExports\n    listsCreated\n    personasCreated\n    lookalikeSearches\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebTenants {\n    tenantActivity {\n      id\n      name\n      userCount\n      searches7d\n      enrichments7d\n      exports7d\n      lastActive\n      users {\n        id\n        fullName\n        searches7d\n        enrichments7d\n        exports7d\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebTenants {\n    tenantActivity {\n      id\n      name\n      userCount\n      searches7d\n      enrichments7d\n      exports7d\n      lastActive\n      users {\n        id\n        fullName\n        searches7d\n        enrichments7d\n        exports7d\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebEnrichment($days: Int!) {\n    enrichmentHealth(days: $days) {\n      days\n      series {\n        date\n        sources {\n          source\n          success\n          failed\n        }\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebEnrichment($days: Int!) {\n    enrichmentHealth(days: $days) {\n      days\n      series {\n        date\n        sources {\n          source\n          success\n          failed\n        }\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebFunnel($mode: FunnelMode!) {\n    funnel(days: 7, mode: $mode) {\n      days\n      stages {\n        key\n        stage\n        value\n        conversionRate\n        previousValue\n        change\n        changePercent\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebFunnel($mode: FunnelMode!) {\n    funnel(days: 7, mode: $mode) {\n      days\n      stages {\n        key\n        stage\n        value\n        conversionRate\n        previousValue\n        change\n        changePercent\n      }\n      freshness {\n        ...PanelFreshness\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebErrorFeed($page: Int!, $limit: Int!) {\n    errorFeed(page: $page, limit: $limit) {\n      total\n      page\n      limit\n      items {\n        id\n        fullName\n        userName\n        tenantName\n        updatedAt\n        sourceDetails {\n          source\n          status\n          error\n          at\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebErrorFeed($page: Int!, $limit: Int!) {\n    errorFeed(page: $page, limit: $limit) {\n      total\n      page\n      limit\n      items {\n        id\n        fullName\n        userName\n        tenantName\n        updatedAt\n        sourceDetails {\n          source\n          status\n          error\n          at\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebQuota {\n    apiQuota {\n      status\n      message\n      providers\n    }\n  }\n"): (typeof documents)["\n  query WebQuota {\n    apiQuota {\n      status\n      message\n      providers\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebRollup {\n    rollupStatus {\n      lastRolledUpDate\n      lagDays\n      missingDates\n      recentRuns {\n        date\n        status\n        startedAt\n        finishedAt\n        rowsWritten\n        error\n      }\n    }\n  }\n"): (typeof documents)["\n  query WebRollup {\n    rollupStatus {\n      lastRolledUpDate\n      lagDays\n      missingDates\n      recentRuns {\n        date\n        status\n        startedAt\n        finishedAt\n        rowsWritten\n        error\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;