import { graphql } from "./gql";

// One request per panel: each panel's whole answer, freshness included, in one operation.

export const FRESHNESS = graphql(`
  fragment PanelFreshness on Freshness {
    asOf
    rolledUpThrough
    liveDates
    missingDates
  }
`);

export const VIEWER = graphql(`
  query WebViewer {
    viewer {
      id
      role
      fullName
      tenantId
    }
  }
`);

export const PULSE = graphql(`
  query WebPulse {
    platformPulse {
      totalProspects
      enrichedProspects
      enrichmentCoverage
      enrichmentFailed
      activeUsersToday
      activeUsers7dAvg
      freshness {
        ...PanelFreshness
      }
    }
  }
`);

export const USAGE = graphql(`
  query WebUsage(
    $range: UsageRange
    $from: Date
    $to: Date
    $granularity: UsageGranularity
    $timeZone: String
    $tenantId: ID
  ) {
    usageMetrics(
      range: $range
      from: $from
      to: $to
      granularity: $granularity
      timeZone: $timeZone
      tenantId: $tenantId
    ) {
      startDate
      endDate
      tenantId
      timeZone
      changes {
        totalLogins {
          ...Change
        }
        searchesExecuted {
          ...Change
        }
        profilesViewed {
          ...Change
        }
        profilesEnriched {
          ...Change
        }
        csvExports {
          ...Change
        }
        listsCreated {
          ...Change
        }
        personasCreated {
          ...Change
        }
        lookalikeSearches {
          ...Change
        }
      }
      buckets {
        periodStart
        periodEnd
        partial
        ...BucketCounts
      }
      userBreakdown {
        userId
        fullName
        ...UserCounts
      }
      freshness {
        ...PanelFreshness
      }
    }
  }

  fragment Change on CounterChange {
    current
    previous
    absolute
    percent
  }

  fragment BucketCounts on UsageBucket {
    totalLogins
    searchesExecuted
    profilesViewed
    profilesEnriched
    csvExports
    listsCreated
    personasCreated
    lookalikeSearches
  }

  fragment UserCounts on UserUsage {
    totalLogins
    searchesExecuted
    profilesViewed
    profilesEnriched
    csvExports
    listsCreated
    personasCreated
    lookalikeSearches
  }
`);

export const TENANTS = graphql(`
  query WebTenants {
    tenantActivity {
      id
      name
      userCount
      searches7d
      enrichments7d
      exports7d
      lastActive
      users {
        id
        fullName
        searches7d
        enrichments7d
        exports7d
      }
    }
  }
`);

export const ENRICHMENT = graphql(`
  query WebEnrichment($days: Int!) {
    enrichmentHealth(days: $days) {
      days
      series {
        date
        sources {
          source
          success
          failed
        }
      }
      freshness {
        ...PanelFreshness
      }
    }
  }
`);

export const FUNNEL = graphql(`
  query WebFunnel($mode: FunnelMode!) {
    funnel(days: 7, mode: $mode) {
      days
      stages {
        key
        stage
        value
        conversionRate
        previousValue
        change
        changePercent
      }
      freshness {
        ...PanelFreshness
      }
    }
  }
`);

export const ERROR_FEED = graphql(`
  query WebErrorFeed($page: Int!, $limit: Int!) {
    errorFeed(page: $page, limit: $limit) {
      total
      page
      limit
      items {
        id
        fullName
        userName
        tenantName
        updatedAt
        sourceDetails {
          source
          status
          error
          at
        }
      }
    }
  }
`);

export const QUOTA = graphql(`
  query WebQuota {
    apiQuota {
      status
      message
      providers
    }
  }
`);

export const ROLLUP = graphql(`
  query WebRollup {
    rollupStatus {
      lastRolledUpDate
      lagDays
      missingDates
      recentRuns {
        date
        status
        startedAt
        finishedAt
        rowsWritten
        error
      }
    }
  }
`);
