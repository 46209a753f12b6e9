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
    "\n  query BenchSchemaFields {\n    query: __type(name: \"Query\") {\n      fields {\n        name\n      }\n    }\n    mutation: __type(name: \"Mutation\") {\n      fields {\n        name\n      }\n    }\n  }\n": typeof types.BenchSchemaFieldsDocument,
    "query DashboardUsage($range: UsageRange!) {\n  usageMetrics(range: $range) {\n    startDate\n    endDate\n    totals {\n      searchesExecuted\n      csvExports\n    }\n    daily {\n      date\n      searchesExecuted\n    }\n  }\n}\n\nquery PlatformOverview {\n  platformPulse {\n    totalProspects\n    enrichmentCoverage\n    activeUsersToday\n    activeUsers7dAvg\n  }\n  tenantActivity {\n    name\n    searches7d\n    lastActive\n    users {\n      fullName\n      searches7d\n    }\n  }\n}": typeof types.DashboardUsageDocument,
    "\n  mutation ActivityRecord($actionType: ActionType!, $occurredAt: DateTime) {\n    recordActivity(actionType: $actionType, occurredAt: $occurredAt) {\n      id\n      actionType\n      tenantId\n      userId\n      occurredAt\n    }\n  }\n": typeof types.ActivityRecordDocument,
    "\n  query Viewer {\n    viewer {\n      id\n      role\n      tenantId\n      fullName\n    }\n  }\n": typeof types.ViewerDocument,
    "\n  query ApiQuota {\n    apiQuota {\n      status\n      message\n      providers\n    }\n  }\n": typeof types.ApiQuotaDocument,
    "\n  query JwksViewer {\n    viewer {\n      id\n      role\n    }\n  }\n": typeof types.JwksViewerDocument,
    "\n  query EnrichmentHealthSeries($days: Int) {\n    enrichmentHealth(days: $days) {\n      days\n      series {\n        date\n        sources {\n          source\n          success\n          failed\n        }\n      }\n    }\n  }\n": typeof types.EnrichmentHealthSeriesDocument,
    "\n  query ErrorFeedPage($limit: Int, $page: Int) {\n    errorFeed(limit: $limit, page: $page) {\n      total\n      page\n      limit\n      items {\n        id\n        fullName\n        userName\n        tenantId\n        tenantName\n        enrichmentStatus\n        sourceDetails {\n          source\n          status\n          error\n          at\n        }\n        updatedAt\n      }\n    }\n  }\n": typeof types.ErrorFeedPageDocument,
    "\n  query FunnelStages($days: Int, $tenantId: ID) {\n    funnel(days: $days, tenantId: $tenantId) {\n      days\n      tenantId\n      stages {\n        key\n        stage\n        value\n        conversionRate\n      }\n    }\n  }\n": typeof types.FunnelStagesDocument,
    "\n  query PulsePlatformPulse {\n    platformPulse {\n      totalProspects\n      enrichedProspects\n      enrichmentCoverage\n      enrichmentFailed\n      activeUsersToday\n      activeUsers7dAvg\n    }\n  }\n": typeof types.PulsePlatformPulseDocument,
    "\n  mutation RollupRunRollup($date: Date) {\n    runRollup(date: $date) {\n      date\n      status\n      startedAt\n      finishedAt\n      rowsWritten\n      error\n    }\n  }\n": typeof types.RollupRunRollupDocument,
    "\n  query RollupStatus {\n    rollupStatus {\n      lastRolledUpDate\n      lagDays\n      recentRuns {\n        date\n        status\n        startedAt\n        finishedAt\n        rowsWritten\n        error\n      }\n    }\n  }\n": typeof types.RollupStatusDocument,
    "\n  query OutagePulse {\n    platformPulse {\n      totalProspects\n      activeUsersToday\n    }\n  }\n": typeof types.OutagePulseDocument,
    "\n  mutation OutageRollup($date: Date!) {\n    runRollup(date: $date) {\n      status\n      error\n      rowsWritten\n    }\n  }\n": typeof types.OutageRollupDocument,
    "\n  query TenantsTenantActivity {\n    tenantActivity {\n      id\n      name\n      userCount\n      searches7d\n      enrichments7d\n      exports7d\n      lastActive\n      users {\n        id\n        fullName\n        searches7d\n        enrichments7d\n        exports7d\n      }\n    }\n  }\n": typeof types.TenantsTenantActivityDocument,
    "\n  query UsageMetricsFull($range: UsageRange!, $tenantId: ID) {\n    usageMetrics(range: $range, tenantId: $tenantId) {\n      range\n      startDate\n      endDate\n      tenantId\n      daily {\n        date\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n      totals {\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n      userBreakdown {\n        userId\n        fullName\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n    }\n  }\n": typeof types.UsageMetricsFullDocument,
    "\n  query UsageMetricsTotals($tenantId: ID) {\n    usageMetrics(tenantId: $tenantId) {\n      range\n      startDate\n      endDate\n      totals {\n        searchesExecuted\n      }\n    }\n  }\n": typeof types.UsageMetricsTotalsDocument,
};
const documents: Documents = {
    "\n  query BenchSchemaFields {\n    query: __type(name: \"Query\") {\n      fields {\n        name\n      }\n    }\n    mutation: __type(name: \"Mutation\") {\n      fields {\n        name\n      }\n    }\n  }\n": types.BenchSchemaFieldsDocument,
    "query DashboardUsage($range: UsageRange!) {\n  usageMetrics(range: $range) {\n    startDate\n    endDate\n    totals {\n      searchesExecuted\n      csvExports\n    }\n    daily {\n      date\n      searchesExecuted\n    }\n  }\n}\n\nquery PlatformOverview {\n  platformPulse {\n    totalProspects\n    enrichmentCoverage\n    activeUsersToday\n    activeUsers7dAvg\n  }\n  tenantActivity {\n    name\n    searches7d\n    lastActive\n    users {\n      fullName\n      searches7d\n    }\n  }\n}": types.DashboardUsageDocument,
    "\n  mutation ActivityRecord($actionType: ActionType!, $occurredAt: DateTime) {\n    recordActivity(actionType: $actionType, occurredAt: $occurredAt) {\n      id\n      actionType\n      tenantId\n      userId\n      occurredAt\n    }\n  }\n": types.ActivityRecordDocument,
    "\n  query Viewer {\n    viewer {\n      id\n      role\n      tenantId\n      fullName\n    }\n  }\n": types.ViewerDocument,
    "\n  query ApiQuota {\n    apiQuota {\n      status\n      message\n      providers\n    }\n  }\n": types.ApiQuotaDocument,
    "\n  query JwksViewer {\n    viewer {\n      id\n      role\n    }\n  }\n": types.JwksViewerDocument,
    "\n  query EnrichmentHealthSeries($days: Int) {\n    enrichmentHealth(days: $days) {\n      days\n      series {\n        date\n        sources {\n          source\n          success\n          failed\n        }\n      }\n    }\n  }\n": types.EnrichmentHealthSeriesDocument,
    "\n  query ErrorFeedPage($limit: Int, $page: Int) {\n    errorFeed(limit: $limit, page: $page) {\n      total\n      page\n      limit\n      items {\n        id\n        fullName\n        userName\n        tenantId\n        tenantName\n        enrichmentStatus\n        sourceDetails {\n          source\n          status\n          error\n          at\n        }\n        updatedAt\n      }\n    }\n  }\n": types.ErrorFeedPageDocument,
    "\n  query FunnelStages($days: Int, $tenantId: ID) {\n    funnel(days: $days, tenantId: $tenantId) {\n      days\n      tenantId\n      stages {\n        key\n        stage\n        value\n        conversionRate\n      }\n    }\n  }\n": types.FunnelStagesDocument,
    "\n  query PulsePlatformPulse {\n    platformPulse {\n      totalProspects\n      enrichedProspects\n      enrichmentCoverage\n      enrichmentFailed\n      activeUsersToday\n      activeUsers7dAvg\n    }\n  }\n": types.PulsePlatformPulseDocument,
    "\n  mutation RollupRunRollup($date: Date) {\n    runRollup(date: $date) {\n      date\n      status\n      startedAt\n      finishedAt\n      rowsWritten\n      error\n    }\n  }\n": types.RollupRunRollupDocument,
    "\n  query RollupStatus {\n    rollupStatus {\n      lastRolledUpDate\n      lagDays\n      recentRuns {\n        date\n        status\n        startedAt\n        finishedAt\n        rowsWritten\n        error\n      }\n    }\n  }\n": types.RollupStatusDocument,
    "\n  query OutagePulse {\n    platformPulse {\n      totalProspects\n      activeUsersToday\n    }\n  }\n": types.OutagePulseDocument,
    "\n  mutation OutageRollup($date: Date!) {\n    runRollup(date: $date) {\n      status\n      error\n      rowsWritten\n    }\n  }\n": types.OutageRollupDocument,
    "\n  query TenantsTenantActivity {\n    tenantActivity {\n      id\n      name\n      userCount\n      searches7d\n      enrichments7d\n      exports7d\n      lastActive\n      users {\n        id\n        fullName\n        searches7d\n        enrichments7d\n        exports7d\n      }\n    }\n  }\n": types.TenantsTenantActivityDocument,
    "\n  query UsageMetricsFull($range: UsageRange!, $tenantId: ID) {\n    usageMetrics(range: $range, tenantId: $tenantId) {\n      range\n      startDate\n      endDate\n      tenantId\n      daily {\n        date\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n      totals {\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n      userBreakdown {\n        userId\n        fullName\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n    }\n  }\n": types.UsageMetricsFullDocument,
    "\n  query UsageMetricsTotals($tenantId: ID) {\n    usageMetrics(tenantId: $tenantId) {\n      range\n      startDate\n      endDate\n      totals {\n        searchesExecuted\n      }\n    }\n  }\n": types.UsageMetricsTotalsDocument,
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
export function graphql(source: "\n  query BenchSchemaFields {\n    query: __type(name: \"Query\") {\n      fields {\n        name\n      }\n    }\n    mutation: __type(name: \"Mutation\") {\n      fields {\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query BenchSchemaFields {\n    query: __type(name: \"Query\") {\n      fields {\n        name\n      }\n    }\n    mutation: __type(name: \"Mutation\") {\n      fields {\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DashboardUsage($range: UsageRange!) {\n  usageMetrics(range: $range) {\n    startDate\n    endDate\n    totals {\n      searchesExecuted\n      csvExports\n    }\n    daily {\n      date\n      searchesExecuted\n    }\n  }\n}\n\nquery PlatformOverview {\n  platformPulse {\n    totalProspects\n    enrichmentCoverage\n    activeUsersToday\n    activeUsers7dAvg\n  }\n  tenantActivity {\n    name\n    searches7d\n    lastActive\n    users {\n      fullName\n      searches7d\n    }\n  }\n}"): (typeof documents)["query DashboardUsage($range: UsageRange!) {\n  usageMetrics(range: $range) {\n    startDate\n    endDate\n    totals {\n      searchesExecuted\n      csvExports\n    }\n    daily {\n      date\n      searchesExecuted\n    }\n  }\n}\n\nquery PlatformOverview {\n  platformPulse {\n    totalProspects\n    enrichmentCoverage\n    activeUsersToday\n    activeUsers7dAvg\n  }\n  tenantActivity {\n    name\n    searches7d\n    lastActive\n    users {\n      fullName\n      searches7d\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ActivityRecord($actionType: ActionType!, $occurredAt: DateTime) {\n    recordActivity(actionType: $actionType, occurredAt: $occurredAt) {\n      id\n      actionType\n      tenantId\n      userId\n      occurredAt\n    }\n  }\n"): (typeof documents)["\n  mutation ActivityRecord($actionType: ActionType!, $occurredAt: DateTime) {\n    recordActivity(actionType: $actionType, occurredAt: $occurredAt) {\n      id\n      actionType\n      tenantId\n      userId\n      occurredAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Viewer {\n    viewer {\n      id\n      role\n      tenantId\n      fullName\n    }\n  }\n"): (typeof documents)["\n  query Viewer {\n    viewer {\n      id\n      role\n      tenantId\n      fullName\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ApiQuota {\n    apiQuota {\n      status\n      message\n      providers\n    }\n  }\n"): (typeof documents)["\n  query ApiQuota {\n    apiQuota {\n      status\n      message\n      providers\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query JwksViewer {\n    viewer {\n      id\n      role\n    }\n  }\n"): (typeof documents)["\n  query JwksViewer {\n    viewer {\n      id\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query EnrichmentHealthSeries($days: Int) {\n    enrichmentHealth(days: $days) {\n      days\n      series {\n        date\n        sources {\n          source\n          success\n          failed\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query EnrichmentHealthSeries($days: Int) {\n    enrichmentHealth(days: $days) {\n      days\n      series {\n        date\n        sources {\n          source\n          success\n          failed\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ErrorFeedPage($limit: Int, $page: Int) {\n    errorFeed(limit: $limit, page: $page) {\n      total\n      page\n      limit\n      items {\n        id\n        fullName\n        userName\n        tenantId\n        tenantName\n        enrichmentStatus\n        sourceDetails {\n          source\n          status\n          error\n          at\n        }\n        updatedAt\n      }\n    }\n  }\n"): (typeof documents)["\n  query ErrorFeedPage($limit: Int, $page: Int) {\n    errorFeed(limit: $limit, page: $page) {\n      total\n      page\n      limit\n      items {\n        id\n        fullName\n        userName\n        tenantId\n        tenantName\n        enrichmentStatus\n        sourceDetails {\n          source\n          status\n          error\n          at\n        }\n        updatedAt\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FunnelStages($days: Int, $tenantId: ID) {\n    funnel(days: $days, tenantId: $tenantId) {\n      days\n      tenantId\n      stages {\n        key\n        stage\n        value\n        conversionRate\n      }\n    }\n  }\n"): (typeof documents)["\n  query FunnelStages($days: Int, $tenantId: ID) {\n    funnel(days: $days, tenantId: $tenantId) {\n      days\n      tenantId\n      stages {\n        key\n        stage\n        value\n        conversionRate\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PulsePlatformPulse {\n    platformPulse {\n      totalProspects\n      enrichedProspects\n      enrichmentCoverage\n      enrichmentFailed\n      activeUsersToday\n      activeUsers7dAvg\n    }\n  }\n"): (typeof documents)["\n  query PulsePlatformPulse {\n    platformPulse {\n      totalProspects\n      enrichedProspects\n      enrichmentCoverage\n      enrichmentFailed\n      activeUsersToday\n      activeUsers7dAvg\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RollupRunRollup($date: Date) {\n    runRollup(date: $date) {\n      date\n      status\n      startedAt\n      finishedAt\n      rowsWritten\n      error\n    }\n  }\n"): (typeof documents)["\n  mutation RollupRunRollup($date: Date) {\n    runRollup(date: $date) {\n      date\n      status\n      startedAt\n      finishedAt\n      rowsWritten\n      error\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RollupStatus {\n    rollupStatus {\n      lastRolledUpDate\n      lagDays\n      recentRuns {\n        date\n        status\n        startedAt\n        finishedAt\n        rowsWritten\n        error\n      }\n    }\n  }\n"): (typeof documents)["\n  query RollupStatus {\n    rollupStatus {\n      lastRolledUpDate\n      lagDays\n      recentRuns {\n        date\n        status\n        startedAt\n        finishedAt\n        rowsWritten\n        error\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OutagePulse {\n    platformPulse {\n      totalProspects\n      activeUsersToday\n    }\n  }\n"): (typeof documents)["\n  query OutagePulse {\n    platformPulse {\n      totalProspects\n      activeUsersToday\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation OutageRollup($date: Date!) {\n    runRollup(date: $date) {\n      status\n      error\n      rowsWritten\n    }\n  }\n"): (typeof documents)["\n  mutation OutageRollup($date: Date!) {\n    runRollup(date: $date) {\n      status\n      error\n      rowsWritten\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TenantsTenantActivity {\n    tenantActivity {\n      id\n      name\n      userCount\n      searches7d\n      enrichments7d\n      exports7d\n      lastActive\n      users {\n        id\n        fullName\n        searches7d\n        enrichments7d\n        exports7d\n      }\n    }\n  }\n"): (typeof documents)["\n  query TenantsTenantActivity {\n    tenantActivity {\n      id\n      name\n      userCount\n      searches7d\n      enrichments7d\n      exports7d\n      lastActive\n      users {\n        id\n        fullName\n        searches7d\n        enrichments7d\n        exports7d\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsageMetricsFull($range: UsageRange!, $tenantId: ID) {\n    usageMetrics(range: $range, tenantId: $tenantId) {\n      range\n      startDate\n      endDate\n      tenantId\n      daily {\n        date\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n      totals {\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n      userBreakdown {\n        userId\n        fullName\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n    }\n  }\n"): (typeof documents)["\n  query UsageMetricsFull($range: UsageRange!, $tenantId: ID) {\n    usageMetrics(range: $range, tenantId: $tenantId) {\n      range\n      startDate\n      endDate\n      tenantId\n      daily {\n        date\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n      totals {\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n      userBreakdown {\n        userId\n        fullName\n        totalLogins\n        searchesExecuted\n        profilesViewed\n        profilesEnriched\n        csvExports\n        listsCreated\n        personasCreated\n        lookalikeSearches\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UsageMetricsTotals($tenantId: ID) {\n    usageMetrics(tenantId: $tenantId) {\n      range\n      startDate\n      endDate\n      totals {\n        searchesExecuted\n      }\n    }\n  }\n"): (typeof documents)["\n  query UsageMetricsTotals($tenantId: ID) {\n    usageMetrics(tenantId: $tenantId) {\n      range\n      startDate\n      endDate\n      totals {\n        searchesExecuted\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;