import { parse } from "csv-parse/sync";
import { Role } from "../auth/role";
import { createTenant, createUser, insertProspects, viewerWithoutRow } from "../test/factories";
import { graphql } from "../test/gql";
import { useTestGateway } from "../test/test-gateway";

const ErrorFeedRfc4180 = graphql(`
  query ErrorFeedRfc4180($limit: Int) {
    errorFeed(limit: $limit) {
      items {
        id
        fullName
        userName
        tenantId
        tenantName
        enrichmentStatus
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

/** Names that break a CSV whose writer quotes only CRLF: each line break must stay inside its quoted field. */
const LINE_BREAKS = ["Line\nBreak", "\r=1+1", "Carriage\rreturn", "Trailing\n", "\n=2+2", "Both\r\nkinds", "x\n\r\ny"];

const gateway = useTestGateway();
const superAdmin = viewerWithoutRow(Role.SUPER_ADMIN, null);

beforeAll(async () => {
  const pool = gateway.db.pool;
  const tenantId = await createTenant(pool, { name: "Tenant\nwith a break" });
  const user = await createUser(pool, { tenantId, fullName: "\r@SUM(A1)" });
  await insertProspects(
    pool,
    LINE_BREAKS.map((fullName) => ({
      tenantId,
      userId: user.id,
      fullName,
      enrichmentStatus: "failed",
      enrichmentSourceStatus: { exa: { status: "failed", error: "first\nsecond\rthird" } },
      updatedAt: new Date(),
    })),
  );
});

/** What a spreadsheet should see: null an empty cell, text starting like a formula (or a CR) behind a `'`. */
function cell(value: string | null): string {
  if (value === null) return "";
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

it("quotes every field holding a CR or LF, so a strict RFC 4180 reader gets GraphQL's rows cell for cell", async () => {
  const { body } = await gateway.query(ErrorFeedRfc4180, { limit: 100 }, { viewer: superAdmin });
  const items = body.data!.errorFeed.items;
  expect(items.map((item) => item.fullName).sort()).toEqual([...LINE_BREAKS].sort());

  const response = await gateway.fetch("/export/error-feed.csv?limit=100", {
    headers: { authorization: `Bearer ${await gateway.token(superAdmin)}` },
  });
  expect(response.status).toBe(200);
  const text = await response.text();
  // Strict: any CR or LF outside quotes ends a record, and a record of another width is an error, not a guess.
  const records = parse(text, { record_delimiter: ["\r\n", "\n", "\r"], relax_quotes: false });
  expect(text.endsWith("\r\n")).toBe(true);
  const [header, ...rows] = records;
  expect(header).toEqual([
    "id",
    "fullName",
    "userName",
    "tenantId",
    "tenantName",
    "enrichmentStatus",
    "updatedAt",
    "sourceDetails",
  ]);
  // sourceDetails is the GraphQL list as JSON: compared as the value it encodes.
  expect(rows.map((row) => [...row.slice(0, -1), JSON.parse(row[row.length - 1]) as unknown])).toEqual(
    items.map((item) => [
      ...[
        item.id,
        item.fullName,
        item.userName,
        item.tenantId,
        item.tenantName,
        item.enrichmentStatus,
        item.updatedAt,
      ].map(cell),
      item.sourceDetails,
    ]),
  );
  expect(rows.map((row) => row[1])).toEqual(expect.arrayContaining(["Line\nBreak", "'\r=1+1", "\n=2+2"]));
  expect(rows.map((row) => row[2])).toContain("'\r@SUM(A1)");
});
