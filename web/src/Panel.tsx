import { useEffect, useState, type ReactNode } from "react";
import type { CombinedError } from "urql";
import { formatTime } from "./format";
import type { PanelFreshnessFragment } from "./gql/graphql";

/** The code of the API's first error (FORBIDDEN, BAD_USER_INPUT...), if the API answered with one. */
export function errorCode(error: CombinedError | undefined): string | undefined {
  const code = error?.graphQLErrors[0]?.extensions?.code;
  return typeof code === "string" ? code : undefined;
}

/** A few dates in full; more as their count and span, so a long outage does not fill the panel. */
function datesList(dates: readonly string[]): string {
  return dates.length <= 3 ? dates.join(", ") : `${dates.length} dates, ${dates[0]} to ${dates[dates.length - 1]}`;
}

function Freshness({ freshness }: { freshness: PanelFreshnessFragment }) {
  const { asOf, rolledUpThrough, liveDates, missingDates } = freshness;
  return (
    <p className="freshness" data-testid="freshness">
      As of <time dateTime={asOf}>{formatTime(asOf)}</time>
      {rolledUpThrough ? ` · rolled up through ${rolledUpThrough}` : " · not rolled up yet"}
      {liveDates.length > 0 && ` · ${liveDates.length} live ${liveDates.length === 1 ? "date" : "dates"}`}
      {missingDates.length > 0 && <span className="warning"> · rollup missing for {datesList(missingDates)}</span>}
    </p>
  );
}

interface PanelProps {
  id: string;
  title: string;
  fetching: boolean;
  error: CombinedError | undefined;
  /** The panel's answer; undefined until there is one. */
  answer: unknown;
  /** The answer's freshness, for an answer that has one; else the panel says when the answer came. */
  freshness?: PanelFreshnessFragment;
  /** True when the answer has nothing to show. */
  empty: boolean;
  refresh: () => void;
  controls?: ReactNode;
  children?: ReactNode;
}

/**
 * One dashboard panel around one request: its title, controls and freshness, and a loading, error or empty state in
 * place of its content. A panel's error stays in the panel: the rest of the page goes on.
 */
export function Panel({
  id,
  title,
  fetching,
  error,
  answer,
  freshness,
  empty,
  refresh,
  controls,
  children,
}: PanelProps) {
  const headingId = `${id}-title`;
  const [answeredAt, setAnsweredAt] = useState<string>();
  useEffect(() => {
    if (answer !== undefined) setAnsweredAt(new Date().toISOString());
  }, [answer]);
  let body: ReactNode;
  if (error) {
    body = (
      <p role="alert" className="state error">
        Could not load this panel: {error.graphQLErrors[0]?.message ?? error.networkError?.message ?? error.message}
        {errorCode(error) && ` (${errorCode(error)})`}
      </p>
    );
  } else if (answer === undefined) {
    body = <p className="state">Loading…</p>;
  } else if (empty) {
    body = <p className="state">Nothing to show for this selection.</p>;
  } else {
    body = children;
  }
  return (
    <section className="panel" id={id} aria-labelledby={headingId} aria-busy={fetching} data-testid={id}>
      <header className="panel-header">
        <h2 id={headingId}>{title}</h2>
        <button type="button" onClick={refresh} disabled={fetching}>
          {fetching ? "Refreshing…" : "Refresh"}
        </button>
      </header>
      {controls}
      {answer !== undefined && !error && freshness && <Freshness freshness={freshness} />}
      {answer !== undefined && !error && !freshness && answeredAt && (
        <p className="freshness" data-testid="freshness">
          Answered at <time dateTime={answeredAt}>{formatTime(answeredAt)}</time>
        </p>
      )}
      {body}
    </section>
  );
}
