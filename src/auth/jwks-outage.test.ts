import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from "jose";
import { graphql } from "../test/gql";
import { errorCodes, startTestGateway, type TestGateway } from "../test/test-gateway";
import { until } from "../test/until";

const OutageViewer = graphql(`
  query JwksOutageViewer {
    viewer {
      id
    }
  }
`);

/** The identity provider's JWKS endpoint, on 127.0.0.1, which the test answers with, fails, hangs or stops. */
class JwksProvider {
  mode: "up" | "down" | "hang" = "up";
  keys: JWK[] = [];
  fetches = 0;
  /** Fetches answered with nothing yet (hanging). */
  readonly pending = new Set<ServerResponse>();
  maxPending = 0;
  private server: Server = this.create();
  port = 0;

  private create(): Server {
    return createServer((_req: IncomingMessage, res: ServerResponse) => {
      this.fetches += 1;
      if (this.mode === "hang") {
        this.pending.add(res);
        this.maxPending = Math.max(this.maxPending, this.pending.size);
        res.on("close", () => this.pending.delete(res));
        return;
      }
      res.writeHead(this.mode === "up" ? 200 : 503, { "content-type": "application/json" });
      res.end(this.mode === "up" ? JSON.stringify({ keys: this.keys }) : "{}");
    });
  }

  async start(port = 0): Promise<void> {
    this.server = this.create();
    await new Promise<void>((resolve) => this.server.listen(port, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/.well-known/jwks.json`;
  }
}

interface SigningKey {
  kid: string;
  privateKey: KeyLike;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const pair = await generateKeyPair("ES256");
  return { kid, privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: "ES256" } };
}

const sub = randomUUID();
function token(key: SigningKey): Promise<string> {
  return new SignJWT({ app_metadata: { role: "agent", tenant_id: randomUUID() } })
    .setProtectedHeader({ alg: "ES256", kid: key.kid })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime("10m")
    .sign(key.privateKey);
}

async function viewerOf(gateway: TestGateway, key: SigningKey): Promise<string | null> {
  const { body } = await gateway.query(OutageViewer, {}, { token: await token(key) });
  if (!body.data?.viewer) expect(errorCodes(body)).toEqual(["UNAUTHENTICATED"]);
  return body.data?.viewer?.id ?? null;
}

describe("the identity provider's JWKS down, hanging, restarted", () => {
  const provider = new JwksProvider();
  let gateway: TestGateway;
  let first: SigningKey;

  beforeAll(async () => {
    first = await signingKey("key-1");
    provider.keys = [first.jwk];
    await provider.start();
    gateway = await startTestGateway({
      JWT_SECRET: "",
      JWT_JWKS_URL: provider.url,
      JWT_JWKS_REFRESH_SECONDS: "1",
      JWT_JWKS_COOLDOWN_SECONDS: "1",
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await provider.stop();
  });

  it("keeps accepting tokens of the keys last seen while the provider fails, long past the refresh age", async () => {
    expect(await viewerOf(gateway, first)).toBe(sub);
    provider.mode = "down";
    const fetchesBefore = provider.fetches;
    // Several refreshes fail (each after the key set is 1 s old, 1 s apart); every request in between is answered.
    await until("three failed refreshes", async () => {
      expect(await viewerOf(gateway, first)).toBe(sub);
      return provider.fetches >= fetchesBefore + 3;
    });
    expect(await viewerOf(gateway, first)).toBe(sub);
  });

  it("answers while a refresh hangs, without waiting for it, one fetch at a time", async () => {
    provider.mode = "hang";
    provider.maxPending = 0;
    const [hanging] = await until("a refresh to hang", async () => {
      expect(await viewerOf(gateway, first)).toBe(sub);
      return provider.pending.size > 0 && [...provider.pending];
    });
    // Answered while that fetch is still open (it hangs until the gateway's 5 s timeout): no request waited for it.
    for (let i = 0; i < 5; i += 1) {
      expect(await viewerOf(gateway, first)).toBe(sub);
      expect(provider.pending.has(hanging)).toBe(true);
    }
    expect(provider.maxPending).toBe(1);
  });

  it("picks up a rotated key once the provider is back on its port", async () => {
    const second = await signingKey("key-2");
    const port = provider.port;
    await provider.stop();
    provider.mode = "up";
    provider.keys = [second.jwk];
    await provider.start(port);
    await until("the rotated key to be accepted", async () => {
      return (await viewerOf(gateway, second)) === sub;
    });
    expect(await viewerOf(gateway, second)).toBe(sub);
  });
});

describe("keys kept only for JWT_JWKS_MAX_STALE_SECONDS", () => {
  const provider = new JwksProvider();
  let gateway: TestGateway;
  let key: SigningKey;

  beforeAll(async () => {
    key = await signingKey("key-1");
    provider.keys = [key.jwk];
    await provider.start();
    gateway = await startTestGateway({
      JWT_SECRET: "",
      JWT_JWKS_URL: provider.url,
      JWT_JWKS_REFRESH_SECONDS: "1",
      JWT_JWKS_COOLDOWN_SECONDS: "1",
      JWT_JWKS_MAX_STALE_SECONDS: "3",
    });
  });
  afterAll(async () => {
    await gateway.stop();
    await provider.stop();
  });

  it("refuses tokens once the last good key set is older than the limit, and accepts them when the provider returns", async () => {
    expect(await viewerOf(gateway, key)).toBe(sub);
    provider.mode = "down";
    await until("the key set to expire", async () => (await viewerOf(gateway, key)) === null);
    provider.mode = "up";
    await until("the provider's keys to be fetched again", async () => (await viewerOf(gateway, key)) === sub);
  });
});
