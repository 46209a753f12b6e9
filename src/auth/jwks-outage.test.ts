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

/**
 * A provider serving one key (key-1) and a gateway verifying against it, refreshing after 1 s; started before the
 * describe block's tests, stopped after them.
 */
function useProviderAndGateway(settings: Record<string, string> = {}) {
  const setup = { provider: new JwksProvider() } as { provider: JwksProvider; gateway: TestGateway; key: SigningKey };
  beforeAll(async () => {
    setup.key = await signingKey("key-1");
    setup.provider.keys = [setup.key.jwk];
    await setup.provider.start();
    setup.gateway = await startTestGateway({
      JWT_SECRET: "",
      JWT_JWKS_URL: setup.provider.url,
      JWT_JWKS_REFRESH_SECONDS: "1",
      JWT_JWKS_COOLDOWN_SECONDS: "1",
      ...settings,
    });
  });
  afterAll(async () => {
    await setup.gateway.stop();
    await setup.provider.stop();
  });
  return setup;
}

describe("the identity provider's JWKS down, hanging, restarted", () => {
  const setup = useProviderAndGateway();

  it("keeps accepting tokens of the keys last seen while the provider fails, long past the refresh age", async () => {
    expect(await viewerOf(setup.gateway, setup.key)).toBe(sub);
    setup.provider.mode = "down";
    const fetchesBefore = setup.provider.fetches;
    // Several refreshes fail (each after the key set is 1 s old, 1 s apart); every request in between is answered.
    await until("three failed refreshes", async () => {
      expect(await viewerOf(setup.gateway, setup.key)).toBe(sub);
      return setup.provider.fetches >= fetchesBefore + 3;
    });
    expect(await viewerOf(setup.gateway, setup.key)).toBe(sub);
  });

  it("answers while a refresh hangs, without waiting for it, one fetch at a time", async () => {
    setup.provider.mode = "hang";
    setup.provider.maxPending = 0;
    const [hanging] = await until("a refresh to hang", async () => {
      expect(await viewerOf(setup.gateway, setup.key)).toBe(sub);
      return setup.provider.pending.size > 0 && [...setup.provider.pending];
    });
    // Answered while that fetch is still open (it hangs until the gateway's 5 s timeout): no request waited for it.
    for (let i = 0; i < 5; i += 1) {
      expect(await viewerOf(setup.gateway, setup.key)).toBe(sub);
      expect(setup.provider.pending.has(hanging)).toBe(true);
    }
    expect(setup.provider.maxPending).toBe(1);
  });

  it("picks up a rotated key once the provider is back on its port", async () => {
    const second = await signingKey("key-2");
    const port = setup.provider.port;
    await setup.provider.stop();
    setup.provider.mode = "up";
    setup.provider.keys = [second.jwk];
    await setup.provider.start(port);
    await until("the rotated key to be accepted", async () => {
      return (await viewerOf(setup.gateway, second)) === sub;
    });
    expect(await viewerOf(setup.gateway, second)).toBe(sub);
  });
});

describe("keys kept only for JWT_JWKS_MAX_STALE_SECONDS", () => {
  const setup = useProviderAndGateway({ JWT_JWKS_MAX_STALE_SECONDS: "3" });

  it("refuses tokens once the last good key set is older than the limit, and accepts them when the provider returns", async () => {
    expect(await viewerOf(setup.gateway, setup.key)).toBe(sub);
    setup.provider.mode = "down";
    await until("the key set to expire", async () => (await viewerOf(setup.gateway, setup.key)) === null);
    setup.provider.mode = "up";
    await until(
      "the provider's keys to be fetched again",
      async () => (await viewerOf(setup.gateway, setup.key)) === sub,
    );
  });
});
