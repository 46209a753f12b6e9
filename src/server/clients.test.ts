import { Client, fetchExchange } from "@urql/core";
import { GraphQLClient } from "graphql-request";
import { graphql } from "../test/gql";
import { createTenant, createUser } from "../test/factories";
import { useTestGateway } from "../test/test-gateway";
import type { Role } from "../auth/role";

// The clients people use, with their default settings: only the token is theirs to add.

const ClientViewer = graphql(`
  query ClientViewer {
    viewer {
      id
      role
    }
  }
`);

const ClientRecordsSearch = graphql(`
  mutation ClientRecordsSearch {
    recordActivity(actionType: SEARCH_EXECUTED) {
      id
      userId
    }
  }
`);

const gateway = useTestGateway();

/** What each request the client sent looked like on the wire (the client's own fetch, only watched). */
interface Sent {
  method: string;
  contentType: string | null;
  headers: string[];
}

function watchedFetch(sent: Sent[]): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    sent.push({
      method: init?.method ?? "GET",
      contentType: headers.get("content-type"),
      headers: [...headers.keys()].sort(),
    });
    return fetch(input, init);
  };
}

async function agent(): Promise<{ id: string; role: Role; authorization: string }> {
  const tenantId = await createTenant(gateway.db.pool);
  const user = await createUser(gateway.db.pool, { tenantId });
  return { id: user.id, role: user.role, authorization: `Bearer ${await gateway.token(user)}` };
}

async function activityOf(userId: string): Promise<number> {
  const { rows } = await gateway.db.pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM activity_log WHERE user_id = $1",
    [userId],
  );
  return rows[0].n;
}

describe("urql (@urql/core, default settings)", () => {
  it("sends queries as GET without a content type, and they are answered", async () => {
    const viewer = await agent();
    const sent: Sent[] = [];
    const client = new Client({
      url: gateway.url,
      exchanges: [fetchExchange],
      fetchOptions: { headers: { authorization: viewer.authorization } },
      fetch: watchedFetch(sent),
    });
    const result = await client.query(ClientViewer, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.viewer).toEqual({ id: viewer.id, role: "AGENT" });
    expect(sent).toEqual([{ method: "GET", contentType: null, headers: ["accept", "authorization"] }]);
  });

  it("sends mutations as POST, and they act for the token's user", async () => {
    const viewer = await agent();
    const client = new Client({
      url: gateway.url,
      exchanges: [fetchExchange],
      fetchOptions: { headers: { authorization: viewer.authorization } },
    });
    const result = await client.mutation(ClientRecordsSearch, {}).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data?.recordActivity.userId).toBe(viewer.id);
    expect(await activityOf(viewer.id)).toBe(1);
  });
});

describe("graphql-request (default settings, and its GET mode)", () => {
  it("POSTs queries and mutations by default", async () => {
    const viewer = await agent();
    const client = new GraphQLClient(gateway.url, { headers: { authorization: viewer.authorization } });
    expect((await client.request(ClientViewer)).viewer).toEqual({ id: viewer.id, role: "AGENT" });
    expect((await client.request(ClientRecordsSearch)).recordActivity.userId).toBe(viewer.id);
    expect(await activityOf(viewer.id)).toBe(1);
  });

  it("GET mode: a query is answered, with no header but the token's", async () => {
    const viewer = await agent();
    const sent: Sent[] = [];
    const client = new GraphQLClient(gateway.url, {
      method: "GET",
      headers: { authorization: viewer.authorization },
      fetch: watchedFetch(sent),
    });
    expect((await client.request(ClientViewer)).viewer).toEqual({ id: viewer.id, role: "AGENT" });
    expect(sent.map(({ method, contentType }) => ({ method, contentType }))).toEqual([
      { method: "GET", contentType: null },
    ]);
    expect(sent[0].headers).not.toContain("apollo-require-preflight");
  });

  it("GET mode sends a mutation as POST; a mutation over GET is refused and writes nothing, even with the token", async () => {
    const viewer = await agent();
    const sent: Sent[] = [];
    const client = new GraphQLClient(gateway.url, {
      method: "GET",
      headers: { authorization: viewer.authorization },
      fetch: watchedFetch(sent),
    });
    expect((await client.request(ClientRecordsSearch)).recordActivity.userId).toBe(viewer.id);
    expect(sent.map(({ method }) => method)).toEqual(["POST"]);
    const query = encodeURIComponent("mutation { recordActivity(actionType: SEARCH_EXECUTED) { id } }");
    const overGet = await gateway.fetch(`/graphql?query=${query}`, {
      headers: { authorization: viewer.authorization },
    });
    expect(overGet.status).toBe(405);
    expect(await activityOf(viewer.id)).toBe(1);
  });
});

describe("what a cross-site page can send without a preflight acts for nobody", () => {
  it("a form's POST (text/plain) is refused before any operation runs", async () => {
    const viewer = await agent();
    const response = await gateway.fetch("/graphql", {
      method: "POST",
      headers: { "content-type": "text/plain", authorization: viewer.authorization },
      body: JSON.stringify({ query: "mutation { recordActivity(actionType: SEARCH_EXECUTED) { id } }" }),
    });
    expect(response.status).toBe(415);
    expect(await activityOf(viewer.id)).toBe(0);
  });

  it("a GET without the Authorization header (a link, an image) is anonymous", async () => {
    const response = await gateway.fetch(`/graphql?query=${encodeURIComponent("{ viewer { id } }")}`);
    const body = (await response.json()) as { data: unknown; errors: { extensions: { code: string } }[] };
    expect({ data: body.data, codes: body.errors.map((error) => error.extensions.code) }).toEqual({
      data: null,
      codes: ["UNAUTHENTICATED"],
    });
  });
});
