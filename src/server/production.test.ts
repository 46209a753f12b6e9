import { getIntrospectionQuery } from "graphql";
import { Role } from "../auth/role";
import { viewerWithoutRow } from "../test/factories";
import { useTestGateway } from "../test/test-gateway";

/** What changes with NODE_ENV=production: introspection for super admins only, no schema hints in errors. */
const gateway = useTestGateway({ NODE_ENV: "production" });

async function post(query: string, role?: Role) {
  const token = role
    ? await gateway.token(viewerWithoutRow(role, role === Role.SUPER_ADMIN ? null : viewerTenant))
    : null;
  const response = await gateway.fetch("/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string } }[];
  };
  return { status: response.status, body, statements: Number(response.headers.get("x-sql-statements")) };
}
const viewerTenant = "0e000000-0000-4000-8000-000000000001";

describe("in production", () => {
  it("answers introspection for super admins only, with no SQL sent for the others", async () => {
    const allowed = await post(getIntrospectionQuery(), Role.SUPER_ADMIN);
    expect(allowed.body.errors).toBeUndefined();
    expect(allowed.body.data).toHaveProperty("__schema");
    for (const role of [undefined, Role.AGENT, Role.ASSISTANT, Role.TENANT_ADMIN]) {
      const refused = await post("{ __schema { queryType { name } } }", role);
      expect(refused.body.data ?? null).toBeNull();
      expect(refused.body.errors?.map((error) => error.extensions?.code)).toEqual(["FORBIDDEN"]);
      expect(refused.statements).toBe(0);
      expect((await post('{ __type(name: "Query") { name } }', role)).body.errors?.[0].extensions?.code).toBe(
        "FORBIDDEN",
      );
    }
  });

  it("gives no field suggestions in validation errors", async () => {
    const { status, body } = await post("{ viewr { id } }", Role.SUPER_ADMIN);
    expect(status).toBe(400);
    expect(JSON.stringify(body)).not.toMatch(/Did you mean/);
  });
});
