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
  query WebUsage($range: UsageRange, $from: Date, $to: Date, $granularity: UsageGranularity) {
    usageMetrics(range: $range, from: $from, to: $to, granularity: $granularity) {
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
