/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** The action types that activity_log.action_type holds (stored in lower snake case, e.g. search_executed). */
export type ActionType =
  | 'CSV_EXPORTED'
  | 'LIST_CREATED'
  | 'LOGIN'
  | 'LOOKALIKE_SEARCH'
  | 'PERSONA_CREATED'
  | 'PROFILE_ENRICHED'
  | 'PROFILE_VIEWED'
  | 'SEARCH_EXECUTED';

export type FunnelStageKey =
  | 'ENRICHMENTS'
  | 'EXPORTS'
  | 'PROFILE_VIEWS'
  | 'SEARCHES';

export type QuotaStatus =
  | 'COMING_SOON';

export type Role =
  | 'AGENT'
  | 'ASSISTANT'
  | 'SUPER_ADMIN'
  | 'TENANT_ADMIN';

export type UsageRange =
  | 'LAST_7_DAYS'
  | 'LAST_30_DAYS'
  | 'LAST_90_DAYS';

export type BenchSchemaFieldsQueryVariables = Exact<{ [key: string]: never; }>;


export type BenchSchemaFieldsQuery = { query: { fields: Array<{ name: string }> | null } | null, mutation: { fields: Array<{ name: string }> | null } | null };

export type DashboardUsageQueryVariables = Exact<{
  range: UsageRange;
}>;


export type DashboardUsageQuery = { usageMetrics: { startDate: string, endDate: string, totals: { searchesExecuted: number, csvExports: number }, daily: Array<{ date: string, searchesExecuted: number }> } };

export type PlatformOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type PlatformOverviewQuery = { platformPulse: { totalProspects: number, enrichmentCoverage: number, activeUsersToday: number, activeUsers7dAvg: number }, tenantActivity: Array<{ name: string, searches7d: number, lastActive: string | null, users: Array<{ fullName: string | null, searches7d: number }> }> };

export type ActivityRecordMutationVariables = Exact<{
  actionType: ActionType;
  occurredAt?: string | null | undefined;
}>;


export type ActivityRecordMutation = { recordActivity: { id: string, actionType: ActionType, tenantId: string, userId: string, occurredAt: string } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { id: string, role: Role, tenantId: string | null, fullName: string | null } };

export type ApiQuotaQueryVariables = Exact<{ [key: string]: never; }>;


export type ApiQuotaQuery = { apiQuota: { status: QuotaStatus, message: string, providers: Array<string> } };

export type JwksViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type JwksViewerQuery = { viewer: { id: string, role: Role } };

export type EnrichmentHealthSeriesQueryVariables = Exact<{
  days?: number | null | undefined;
}>;


export type EnrichmentHealthSeriesQuery = { enrichmentHealth: { days: number, series: Array<{ date: string, sources: Array<{ source: string, success: number, failed: number }> }> } };

export type ErrorFeedPageQueryVariables = Exact<{
  limit?: number | null | undefined;
  page?: number | null | undefined;
}>;


export type ErrorFeedPageQuery = { errorFeed: { total: number, page: number, limit: number, items: Array<{ id: string, fullName: string, userName: string | null, tenantId: string, tenantName: string | null, enrichmentStatus: string, updatedAt: string, sourceDetails: Array<{ source: string, status: string, error: string | null, at: string | null }> }> } };

export type FunnelStagesQueryVariables = Exact<{
  days?: number | null | undefined;
  tenantId?: string | number | null | undefined;
}>;


export type FunnelStagesQuery = { funnel: { days: number, tenantId: string | null, stages: Array<{ key: FunnelStageKey, stage: string, value: number, conversionRate: number | null }> } };

export type PulsePlatformPulseQueryVariables = Exact<{ [key: string]: never; }>;


export type PulsePlatformPulseQuery = { platformPulse: { totalProspects: number, enrichedProspects: number, enrichmentCoverage: number, enrichmentFailed: number, activeUsersToday: number, activeUsers7dAvg: number } };

export type RollupRunRollupMutationVariables = Exact<{
  date?: string | null | undefined;
}>;


export type RollupRunRollupMutation = { runRollup: { date: string, status: string, startedAt: string, finishedAt: string | null, rowsWritten: number | null, error: string | null } };

export type RollupStatusQueryVariables = Exact<{ [key: string]: never; }>;


export type RollupStatusQuery = { rollupStatus: { lastRolledUpDate: string | null, lagDays: number | null, recentRuns: Array<{ date: string, status: string, startedAt: string, finishedAt: string | null, rowsWritten: number | null, error: string | null }> } };

export type OutagePulseQueryVariables = Exact<{ [key: string]: never; }>;


export type OutagePulseQuery = { platformPulse: { totalProspects: number, activeUsersToday: number } };

export type OutageRollupMutationVariables = Exact<{
  date: string;
}>;


export type OutageRollupMutation = { runRollup: { status: string, error: string | null, rowsWritten: number | null } };

export type TenantsTenantActivityQueryVariables = Exact<{ [key: string]: never; }>;


export type TenantsTenantActivityQuery = { tenantActivity: Array<{ id: string, name: string, userCount: number, searches7d: number, enrichments7d: number, exports7d: number, lastActive: string | null, users: Array<{ id: string, fullName: string | null, searches7d: number, enrichments7d: number, exports7d: number }> }> };

export type UsageMetricsFullQueryVariables = Exact<{
  range: UsageRange;
  tenantId?: string | number | null | undefined;
}>;


export type UsageMetricsFullQuery = { usageMetrics: { range: UsageRange, startDate: string, endDate: string, tenantId: string | null, daily: Array<{ date: string, totalLogins: number, searchesExecuted: number, profilesViewed: number, profilesEnriched: number, csvExports: number, listsCreated: number, personasCreated: number, lookalikeSearches: number }>, totals: { totalLogins: number, searchesExecuted: number, profilesViewed: number, profilesEnriched: number, csvExports: number, listsCreated: number, personasCreated: number, lookalikeSearches: number }, userBreakdown: Array<{ userId: string, fullName: string | null, totalLogins: number, searchesExecuted: number, profilesViewed: number, profilesEnriched: number, csvExports: number, listsCreated: number, personasCreated: number, lookalikeSearches: number }> | null } };

export type UsageMetricsTotalsQueryVariables = Exact<{
  tenantId?: string | number | null | undefined;
}>;


export type UsageMetricsTotalsQuery = { usageMetrics: { range: UsageRange, startDate: string, endDate: string, totals: { searchesExecuted: number } } };


export const BenchSchemaFieldsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"BenchSchemaFields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","alias":{"kind":"Name","value":"query"},"name":{"kind":"Name","value":"__type"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"StringValue","value":"Query","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}},{"kind":"Field","alias":{"kind":"Name","value":"mutation"},"name":{"kind":"Name","value":"__type"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"name"},"value":{"kind":"StringValue","value":"Mutation","block":false}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]} as unknown as DocumentNode<BenchSchemaFieldsQuery, BenchSchemaFieldsQueryVariables>;
export const DashboardUsageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"DashboardUsage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"range"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UsageRange"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"usageMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"range"},"value":{"kind":"Variable","name":{"kind":"Name","value":"range"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}},{"kind":"Field","name":{"kind":"Name","value":"totals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchesExecuted"}},{"kind":"Field","name":{"kind":"Name","value":"csvExports"}}]}},{"kind":"Field","name":{"kind":"Name","value":"daily"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"searchesExecuted"}}]}}]}}]}}]} as unknown as DocumentNode<DashboardUsageQuery, DashboardUsageQueryVariables>;
export const PlatformOverviewDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PlatformOverview"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"platformPulse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalProspects"}},{"kind":"Field","name":{"kind":"Name","value":"enrichmentCoverage"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsersToday"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsers7dAvg"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tenantActivity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"searches7d"}},{"kind":"Field","name":{"kind":"Name","value":"lastActive"}},{"kind":"Field","name":{"kind":"Name","value":"users"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"searches7d"}}]}}]}}]}}]} as unknown as DocumentNode<PlatformOverviewQuery, PlatformOverviewQueryVariables>;
export const ActivityRecordDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ActivityRecord"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"actionType"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ActionType"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"occurredAt"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"recordActivity"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"actionType"},"value":{"kind":"Variable","name":{"kind":"Name","value":"actionType"}}},{"kind":"Argument","name":{"kind":"Name","value":"occurredAt"},"value":{"kind":"Variable","name":{"kind":"Name","value":"occurredAt"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"actionType"}},{"kind":"Field","name":{"kind":"Name","value":"tenantId"}},{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}}]}}]}}]} as unknown as DocumentNode<ActivityRecordMutation, ActivityRecordMutationVariables>;
export const ViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"tenantId"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}}]}}]}}]} as unknown as DocumentNode<ViewerQuery, ViewerQueryVariables>;
export const ApiQuotaDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ApiQuota"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"apiQuota"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"providers"}}]}}]}}]} as unknown as DocumentNode<ApiQuotaQuery, ApiQuotaQueryVariables>;
export const JwksViewerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"JwksViewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]} as unknown as DocumentNode<JwksViewerQuery, JwksViewerQueryVariables>;
export const EnrichmentHealthSeriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EnrichmentHealthSeries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"enrichmentHealth"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"success"}},{"kind":"Field","name":{"kind":"Name","value":"failed"}}]}}]}}]}}]}}]} as unknown as DocumentNode<EnrichmentHealthSeriesQuery, EnrichmentHealthSeriesQueryVariables>;
export const ErrorFeedPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ErrorFeedPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"limit"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"page"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"errorFeed"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"limit"},"value":{"kind":"Variable","name":{"kind":"Name","value":"limit"}}},{"kind":"Argument","name":{"kind":"Name","value":"page"},"value":{"kind":"Variable","name":{"kind":"Name","value":"page"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"page"}},{"kind":"Field","name":{"kind":"Name","value":"limit"}},{"kind":"Field","name":{"kind":"Name","value":"items"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"userName"}},{"kind":"Field","name":{"kind":"Name","value":"tenantId"}},{"kind":"Field","name":{"kind":"Name","value":"tenantName"}},{"kind":"Field","name":{"kind":"Name","value":"enrichmentStatus"}},{"kind":"Field","name":{"kind":"Name","value":"sourceDetails"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"source"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"at"}}]}},{"kind":"Field","name":{"kind":"Name","value":"updatedAt"}}]}}]}}]}}]} as unknown as DocumentNode<ErrorFeedPageQuery, ErrorFeedPageQueryVariables>;
export const FunnelStagesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"FunnelStages"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"days"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tenantId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"funnel"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"days"},"value":{"kind":"Variable","name":{"kind":"Name","value":"days"}}},{"kind":"Argument","name":{"kind":"Name","value":"tenantId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tenantId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"days"}},{"kind":"Field","name":{"kind":"Name","value":"tenantId"}},{"kind":"Field","name":{"kind":"Name","value":"stages"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"conversionRate"}}]}}]}}]}}]} as unknown as DocumentNode<FunnelStagesQuery, FunnelStagesQueryVariables>;
export const PulsePlatformPulseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PulsePlatformPulse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"platformPulse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalProspects"}},{"kind":"Field","name":{"kind":"Name","value":"enrichedProspects"}},{"kind":"Field","name":{"kind":"Name","value":"enrichmentCoverage"}},{"kind":"Field","name":{"kind":"Name","value":"enrichmentFailed"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsersToday"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsers7dAvg"}}]}}]}}]} as unknown as DocumentNode<PulsePlatformPulseQuery, PulsePlatformPulseQueryVariables>;
export const RollupRunRollupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"RollupRunRollup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"date"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"date"},"value":{"kind":"Variable","name":{"kind":"Name","value":"date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"rowsWritten"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]} as unknown as DocumentNode<RollupRunRollupMutation, RollupRunRollupMutationVariables>;
export const RollupStatusDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RollupStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rollupStatus"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lastRolledUpDate"}},{"kind":"Field","name":{"kind":"Name","value":"lagDays"}},{"kind":"Field","name":{"kind":"Name","value":"recentRuns"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"rowsWritten"}},{"kind":"Field","name":{"kind":"Name","value":"error"}}]}}]}}]}}]} as unknown as DocumentNode<RollupStatusQuery, RollupStatusQueryVariables>;
export const OutagePulseDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"OutagePulse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"platformPulse"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalProspects"}},{"kind":"Field","name":{"kind":"Name","value":"activeUsersToday"}}]}}]}}]} as unknown as DocumentNode<OutagePulseQuery, OutagePulseQueryVariables>;
export const OutageRollupDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"OutageRollup"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"date"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Date"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runRollup"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"date"},"value":{"kind":"Variable","name":{"kind":"Name","value":"date"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"error"}},{"kind":"Field","name":{"kind":"Name","value":"rowsWritten"}}]}}]}}]} as unknown as DocumentNode<OutageRollupMutation, OutageRollupMutationVariables>;
export const TenantsTenantActivityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TenantsTenantActivity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"tenantActivity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"userCount"}},{"kind":"Field","name":{"kind":"Name","value":"searches7d"}},{"kind":"Field","name":{"kind":"Name","value":"enrichments7d"}},{"kind":"Field","name":{"kind":"Name","value":"exports7d"}},{"kind":"Field","name":{"kind":"Name","value":"lastActive"}},{"kind":"Field","name":{"kind":"Name","value":"users"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"searches7d"}},{"kind":"Field","name":{"kind":"Name","value":"enrichments7d"}},{"kind":"Field","name":{"kind":"Name","value":"exports7d"}}]}}]}}]}}]} as unknown as DocumentNode<TenantsTenantActivityQuery, TenantsTenantActivityQueryVariables>;
export const UsageMetricsFullDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UsageMetricsFull"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"range"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"UsageRange"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tenantId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"usageMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"range"},"value":{"kind":"Variable","name":{"kind":"Name","value":"range"}}},{"kind":"Argument","name":{"kind":"Name","value":"tenantId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tenantId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"range"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}},{"kind":"Field","name":{"kind":"Name","value":"tenantId"}},{"kind":"Field","name":{"kind":"Name","value":"daily"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"date"}},{"kind":"Field","name":{"kind":"Name","value":"totalLogins"}},{"kind":"Field","name":{"kind":"Name","value":"searchesExecuted"}},{"kind":"Field","name":{"kind":"Name","value":"profilesViewed"}},{"kind":"Field","name":{"kind":"Name","value":"profilesEnriched"}},{"kind":"Field","name":{"kind":"Name","value":"csvExports"}},{"kind":"Field","name":{"kind":"Name","value":"listsCreated"}},{"kind":"Field","name":{"kind":"Name","value":"personasCreated"}},{"kind":"Field","name":{"kind":"Name","value":"lookalikeSearches"}}]}},{"kind":"Field","name":{"kind":"Name","value":"totals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalLogins"}},{"kind":"Field","name":{"kind":"Name","value":"searchesExecuted"}},{"kind":"Field","name":{"kind":"Name","value":"profilesViewed"}},{"kind":"Field","name":{"kind":"Name","value":"profilesEnriched"}},{"kind":"Field","name":{"kind":"Name","value":"csvExports"}},{"kind":"Field","name":{"kind":"Name","value":"listsCreated"}},{"kind":"Field","name":{"kind":"Name","value":"personasCreated"}},{"kind":"Field","name":{"kind":"Name","value":"lookalikeSearches"}}]}},{"kind":"Field","name":{"kind":"Name","value":"userBreakdown"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"userId"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"totalLogins"}},{"kind":"Field","name":{"kind":"Name","value":"searchesExecuted"}},{"kind":"Field","name":{"kind":"Name","value":"profilesViewed"}},{"kind":"Field","name":{"kind":"Name","value":"profilesEnriched"}},{"kind":"Field","name":{"kind":"Name","value":"csvExports"}},{"kind":"Field","name":{"kind":"Name","value":"listsCreated"}},{"kind":"Field","name":{"kind":"Name","value":"personasCreated"}},{"kind":"Field","name":{"kind":"Name","value":"lookalikeSearches"}}]}}]}}]}}]} as unknown as DocumentNode<UsageMetricsFullQuery, UsageMetricsFullQueryVariables>;
export const UsageMetricsTotalsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UsageMetricsTotals"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"tenantId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"usageMetrics"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"tenantId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"tenantId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"range"}},{"kind":"Field","name":{"kind":"Name","value":"startDate"}},{"kind":"Field","name":{"kind":"Name","value":"endDate"}},{"kind":"Field","name":{"kind":"Name","value":"totals"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"searchesExecuted"}}]}}]}}]}}]} as unknown as DocumentNode<UsageMetricsTotalsQuery, UsageMetricsTotalsQueryVariables>;