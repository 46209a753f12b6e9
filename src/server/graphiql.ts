/**
 * Self-hosted GraphiQL. The gateway runs on machines without internet access,
 * so the page and everything it loads come from our own node_modules rather
 * than a CDN. GraphiQL 3's CSS inlines its fonts as data: URIs and it uses
 * CodeMirror 5 (no Monaco, no web workers), so these four files are all the
 * page ever loads.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

/** URL prefix under which the router must serve `graphiqlAsset(name)`. */
export const GRAPHIQL_ASSET_PREFIX = "/graphql/assets/";

interface AssetSource {
  pkg: string;
  file: string;
  contentType: string;
}

const JS = "text/javascript; charset=utf-8";

// The allow-list: the only files that can ever be served, so a request name
// is a lookup key and never becomes part of a filesystem path.
// A Map (not an object literal) so names like "__proto__" or "constructor" miss.
const SOURCES = new Map<string, AssetSource>([
  ["react.js", { pkg: "react", file: "umd/react.production.min.js", contentType: JS }],
  [
    "react-dom.js",
    {
      pkg: "react-dom",
      file: "umd/react-dom.production.min.js",
      contentType: JS,
    },
  ],
  // Expects the React / ReactDOM globals set by the two bundles above, and
  // bundles its own copy of graphql-js, so no further files are needed.
  ["graphiql.js", { pkg: "graphiql", file: "dist/index.umd.js", contentType: JS }],
  [
    "graphiql.css",
    {
      pkg: "graphiql",
      file: "dist/style.css",
      contentType: "text/css; charset=utf-8",
    },
  ],
]);

const cache = new Map<string, { body: Buffer; contentType: string }>();

// These packages' "exports" maps hide umd/ and dist/ from require.resolve, but
// all of them export package.json, which gives us the package root.
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

export function graphiqlAsset(name: string): { body: Buffer; contentType: string } | null {
  const source = SOURCES.get(name);
  if (!source) return null;
  let asset = cache.get(name);
  if (!asset) {
    asset = {
      body: readFileSync(packageFile(source.pkg, source.file)),
      contentType: source.contentType,
    };
    cache.set(name, asset);
  }
  return asset;
}

// Kept under ~55 columns so it is not cut off beside the toolbar on a laptop.
const DEFAULT_QUERY = `# Analytics gateway
#
# Requests need a bearer token. Open the "Headers"
# tab below and paste:
#
#   {"Authorization": "Bearer <token>"}
#
# The gateway prints tokens to its log at start-up.
# Headers are saved in this browser (localStorage).
# The schema (docs, autocomplete) is fetched on load,
# so reload the page after pasting a new token.

{
  viewer {
    id
    role
  }
}
`;

// JSON is valid JS, but "</script>" inside a string would still end the
// inline script element, so "<" is escaped as well.
function scriptLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

export function graphiqlPage(endpoint: string): string {
  const asset = (name: string) => GRAPHIQL_ASSET_PREFIX + name;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Analytics gateway · GraphiQL</title>
<!-- Empty icon: otherwise every visit logs a 404 for /favicon.ico. -->
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset("graphiql.css")}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${asset("react.js")}"></script>
<script src="${asset("react-dom.js")}"></script>
<script src="${asset("graphiql.js")}"></script>
<script>
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher: GraphiQL.createFetcher({ url: ${scriptLiteral(endpoint)} }),
    defaultQuery: ${scriptLiteral(DEFAULT_QUERY)},
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: true,
  }),
);
</script>
</body>
</html>
`;
}
