import { useState } from "react";
import type { DemoUser } from "./session";

const ROLE_LABELS: Record<string, string> = {
  super_admin: "Super admin",
  tenant_admin: "Tenant admin",
  agent: "Agent",
  assistant: "Assistant",
};

/**
 * Sign-in by pasting a token; in the embedded demo, opened on the gateway's own machine, also a button per demo
 * user (the gateway puts their tokens in the page only then).
 */
export function SignIn({
  demoUsers,
  message,
  onToken,
}: {
  demoUsers: readonly DemoUser[];
  message?: string;
  onToken: (token: string) => void;
}) {
  const [token, setToken] = useState("");
  return (
    <main className="sign-in">
      <h1>Analytics dashboards</h1>
      {message && (
        <p role="alert" className="state error">
          {message}
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const trimmed = token.trim().replace(/^Bearer\s+/i, "");
          if (trimmed) onToken(trimmed);
        }}
      >
        <label htmlFor="token">Access token</label>
        <textarea
          id="token"
          rows={4}
          value={token}
          onChange={(event) => setToken(event.target.value)}
          placeholder="eyJhbGciOi…"
        />
        <button type="submit">Sign in</button>
        <p className="hint">The token stays in this tab only (session storage).</p>
      </form>
      {demoUsers.length > 0 && (
        <section aria-labelledby="demo-title" className="demo">
          <h2 id="demo-title">Embedded demo: sign in as</h2>
          <ul>
            {demoUsers.map((user) => (
              <li key={user.role}>
                <button type="button" onClick={() => onToken(user.token)}>
                  {ROLE_LABELS[user.role] ?? user.role}: {user.fullName}
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
