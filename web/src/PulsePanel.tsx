import { useQuery } from "urql";
import { formatDecimal, formatInteger } from "./format";
import { Panel } from "./Panel";
import { PULSE } from "./queries";

function Card({ name, label, value, detail }: { name: string; label: string; value: string; detail: string }) {
  return (
    <div className="card" data-testid={`pulse-${name}`}>
      <p className="card-label">{label}</p>
      <p className="card-value" data-testid="value">
        {value}
      </p>
      <p className="card-detail">{detail}</p>
    </div>
  );
}

/** The super admin's platform pulse: four cards from one platformPulse answer. */
export function PulsePanel() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: PULSE });
  const pulse = data?.platformPulse;
  return (
    <Panel
      id="pulse"
      title="Platform pulse"
      fetching={fetching}
      error={error}
      answer={pulse}
      freshness={pulse?.freshness}
      empty={false}
      refresh={() => refetch({ requestPolicy: "network-only" })}
    >
      {pulse && (
        <div className="cards">
          <Card
            name="total-prospects"
            label="Total prospects"
            value={formatInteger(pulse.totalProspects)}
            detail={`${formatInteger(pulse.enrichedProspects)} enriched`}
          />
          <Card
            name="coverage"
            label="Enrichment coverage"
            value={`${formatDecimal(pulse.enrichmentCoverage)}%`}
            detail="of prospects enriched"
          />
          <Card
            name="failed"
            label="Enrichment failed"
            value={formatInteger(pulse.enrichmentFailed)}
            detail="prospects"
          />
          <Card
            name="active-users"
            label="Active users today"
            value={formatInteger(pulse.activeUsersToday)}
            detail={`7-day average ${formatDecimal(pulse.activeUsers7dAvg)}`}
          />
        </div>
      )}
    </Panel>
  );
}
