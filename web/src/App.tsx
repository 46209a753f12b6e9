import { useCallback, useEffect, useMemo, useState } from "react";
import { Client, fetchExchange, Provider, useQuery } from "urql";
import { EnrichmentPanel, ErrorFeedPanel, FunnelPanel, QuotaPanel, RollupPanel, TenantsPanel } from "./HealthPanels";
import { errorCode } from "./Panel";
import { PulsePanel } from "./PulsePanel";
import { VIEWER } from "./queries";
import { forgetToken, pageOptions, readToken, saveToken } from "./session";
import { SignIn } from "./SignIn";
import { UsagePanel, type TenantName } from "./UsagePanel";

/**
 * No client cache: every panel's figures are the API's latest answer to its own request, and Refresh asks again.
 * POST, as the gateway's CSRF protection expects of a browser.
 */
function clientFor(token: string): Client {
  return new Client({
    url: "/graphql",
    exchanges: [fetchExchange],
    preferGetMethod: false,
    fetchOptions: { headers: { authorization: `Bearer ${token}` } },
  });
}

function NoAccess({ onSignOut }: { onSignOut: () => void }) {
  return (
    <main className="no-access">
      <h1>No analytics access</h1>
      <p>The dashboards are for tenant admins and super admins; this account&apos;s role has no access to them.</p>
      <button type="button" onClick={onSignOut}>
        Sign in with another token
      </button>
    </main>
  );
}

function Dashboards({ onSignOut, onRejected }: { onSignOut: () => void; onRejected: () => void }) {
  const [{ data, error }] = useQuery({ query: VIEWER });
  const [forbidden, setForbidden] = useState(false);
  const onForbidden = useCallback(() => setForbidden(true), []);
  const [tenants, setTenants] = useState<readonly TenantName[]>();
  const rejected = errorCode(error) === "UNAUTHENTICATED";
  useEffect(() => {
    if (rejected) onRejected();
  }, [rejected, onRejected]);
  if (forbidden) return <NoAccess onSignOut={onSignOut} />;
  const viewer = data?.viewer;
  return (
    <>
      <header className="top">
        <h1>Analytics dashboards</h1>
        <p>
          {viewer ? `${viewer.fullName ?? viewer.id} · ${viewer.role.toLowerCase().replace("_", " ")}` : ""}{" "}
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </p>
      </header>
      <main>
        {error && (
          <p role="alert" className="state error">
            Could not read who is signed in: {error.message}
          </p>
        )}
        {viewer?.role === "SUPER_ADMIN" && <PulsePanel />}
        {viewer && <UsagePanel onForbidden={onForbidden} tenants={tenants} />}
        {viewer?.role === "SUPER_ADMIN" && (
          <>
            <TenantsPanel onTenants={setTenants} />
            <EnrichmentPanel />
            <FunnelPanel />
            <ErrorFeedPanel />
            <div className="side-by-side">
              <QuotaPanel />
              <RollupPanel />
            </div>
          </>
        )}
      </main>
    </>
  );
}

export function App() {
  const { demoUsers } = useMemo(pageOptions, []);
  const [token, setToken] = useState(readToken);
  const [message, setMessage] = useState<string>();
  const client = useMemo(() => token && clientFor(token), [token]);
  const signOut = useCallback(() => {
    forgetToken();
    setToken(null);
  }, []);
  const rejected = useCallback(() => {
    signOut();
    setMessage("The gateway did not accept that token: it may have expired.");
  }, [signOut]);
  if (!client) {
    return (
      <SignIn
        demoUsers={demoUsers}
        message={message}
        onToken={(next) => {
          saveToken(next);
          setMessage(undefined);
          setToken(next);
        }}
      />
    );
  }
  return (
    <Provider value={client}>
      <Dashboards onSignOut={signOut} onRejected={rejected} />
    </Provider>
  );
}
