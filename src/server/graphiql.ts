/**
 * Self-hosted GraphiQL. The gateway runs on machines without internet access,
 * so the page and everything it loads come from our own node_modules rather
 * than a CDN. GraphiQL 3's CSS inlines its fonts as data: URIs and it uses
 * CodeMirror 5 (no Monaco, no web workers), so these four files and our own
 * start script are all the page ever loads.
 */
import { readFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import path from "node:path";
import { Kind, parse, print, visit, type ASTNode, type FragmentDefinitionNode, type Location } from "graphql";
import { Role } from "../auth/role";
import { signToken } from "../auth/sign-token";
import type { Config } from "../config";
import { DEMO_USERS } from "../db/seed";
import { HttpError } from "../errors";
import type { Route } from "./routes";

/** Where the page loads its files from (graphiqlAssetRoute). */
const GRAPHIQL_ASSET_PREFIX = "/graphql/assets/";

interface AssetSource {
  pkg: string;
  file: string;
  contentType: string;
}

/** The element holding the page's options as JSON (data, not script: the CSP allows no inline script). */
const OPTIONS_ELEMENT_ID = "graphiql-options";

/**
 * Renders GraphiQL with the options the page carries. A file of its own rather than an inline script, so the
 * content security policy needs no inline-script exception, and no token in the page can ever run as code.
 */
const START_SCRIPT = `"use strict";
(function () {
  var options = JSON.parse(document.getElementById(${JSON.stringify(OPTIONS_ELEMENT_ID)}).textContent);
  var props = {
    fetcher: GraphiQL.createFetcher({ url: options.endpoint }),
    defaultTabs: options.tabs,
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: "headers",
    shouldPersistHeaders: true,
  };
  if (options.headers !== null) props.defaultHeaders = options.headers;
  ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, props));
})();
`;

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

const cache = new Map<string, { body: Buffer; contentType: string }>([
  ["start.js", { body: Buffer.from(START_SCRIPT), contentType: JS }],
]);

// These packages' "exports" maps hide umd/ and dist/ from require.resolve, but
// all of them export package.json, which gives us the package root.
function packageFile(pkg: string, file: string): string {
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

function graphiqlAsset(name: string): { body: Buffer; contentType: string } | null {
  const cached = cache.get(name);
  if (cached) return cached;
  const source = SOURCES.get(name);
  if (!source) return null;
  const asset = { body: readFileSync(packageFile(source.pkg, source.file)), contentType: source.contentType };
  cache.set(name, asset);
  return asset;
}

/** GET of the page's files; any other method gets the 404 of an unknown path. */
export const graphiqlAssetRoute: Route = {
  path: GRAPHIQL_ASSET_PREFIX,
  methods: ["GET"],
  async handle({ res, url }) {
    const asset = graphiqlAsset(url.pathname.slice(GRAPHIQL_ASSET_PREFIX.length));
    if (!asset) throw new HttpError(404, "NOT_FOUND", "No such asset");
    res.writeHead(200, {
      "content-type": asset.contentType,
      "cache-control": "public, max-age=86400",
      "x-content-type-options": "nosniff",
    });
    res.end(asset.body);
  },
};

/** One saved tab of the page: GraphiQL titles it with the operation's name. */
export interface GraphiqlTab {
  query: string;
  variables?: Record<string, unknown>;
}

/** What the page is opened with beyond the saved tabs. */
export interface GraphiqlOptions {
  /**
   * The embedded development demo's: mints a demo user's token, for a browser on the gateway's own machine only
   * (GraphiQL's Headers editor opens with the super admin's; the dashboards offer each role's). Undefined: the
   * pages open without one, for the user to paste theirs.
   */
  demoToken?: (role: Role) => Promise<string>;
}

// Comments kept under ~55 columns so they are not cut off beside the toolbar on a laptop.
const WELCOME = (prefilled: boolean) => `# Analytics gateway
#
# One tab per dashboard above; run one with the play
# button (Ctrl-Enter), edit its Variables below.
# The dashboards as charts: open /dashboard
#
${
  prefilled
    ? `# This is the embedded demo: the Headers tab below
# holds a token of the demo super admin. Paste
# another user's (printed at start-up) to see their
# view.`
    : `# Requests need a bearer token. Open the "Headers"
# tab below and paste:
#
#   {"Authorization": "Bearer <token>"}
#
# Headers are saved in this browser (localStorage).
# The schema (docs, autocomplete) is fetched on load,
# so reload the page after pasting a new token.`
}
`;

/**
 * The README's examples, also codegen's typed documents: the one copy of the operations the tabs run. Two levels up
 * from src/server (tsx, jest) and from dist/server (`npm start`) alike, so docs/ is read in place, never copied.
 */
const EXAMPLES_FILE = path.join(__dirname, "../../docs/examples.graphql");

const VARIABLES_COMMENT = "# variables:";

/** The fragments `node` spreads, and theirs, each once. */
function fragmentsOf(
  node: ASTNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  found = new Map<string, FragmentDefinitionNode>(),
): Map<string, FragmentDefinitionNode> {
  visit(node, {
    FragmentSpread({ name: { value } }) {
      const fragment = fragments.get(value);
      if (!fragment || found.has(value)) return;
      found.set(value, fragment);
      fragmentsOf(fragment, fragments, found);
    },
  });
  return found;
}

/**
 * A tab per operation of `source`, in its order: the operation and the fragments it uses, below the comment lines
 * right above it; a `# variables: {...}` line among them is the tab's variables (JSON) instead.
 */
function tabsOf(source: string): GraphiqlTab[] {
  const lines = source.split(/\r?\n/);
  const { definitions } = parse(source);
  const fragments = new Map(
    definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((fragment) => [fragment.name.value, fragment]),
  );
  return definitions
    .filter((d) => d.kind === Kind.OPERATION_DEFINITION)
    .map((operation) => {
      const above = (operation.loc as Location).startToken.line - 1;
      let first = above;
      while (first > 0 && lines[first - 1].trimStart().startsWith("#")) first--;
      const comments = lines.slice(first, above).map((line) => line.trim());
      const variables = comments.find((line) => line.startsWith(VARIABLES_COMMENT));
      const text = print({
        kind: Kind.DOCUMENT,
        definitions: [operation, ...fragmentsOf(operation, fragments).values()],
      });
      return {
        query: [...comments.filter((line) => line !== variables), `${text}\n`].join("\n"),
        ...(variables && {
          variables: JSON.parse(variables.slice(VARIABLES_COMMENT.length)) as Record<string, unknown>,
        }),
      };
    });
}

/** The dashboards' questions, each a ready-to-run tab (the tests run every one). */
export const DASHBOARD_TABS: readonly GraphiqlTab[] = tabsOf(readFileSync(EXAMPLES_FILE, "utf8"));

/**
 * The embedded development demo only (never in production nor with DATABASE_URL): a token of a demo user, minted
 * for each page as main.ts mints the tokens it prints, so it is always within the maximum lifetime.
 */
export async function demoGraphiqlOptions(config: Config): Promise<GraphiqlOptions> {
  const secret = config.jwt.secret;
  if (config.database.kind !== "embedded" || config.production || !secret) return {};
  return {
    demoToken: (role) => {
      const user = DEMO_USERS[role];
      return signToken(
        secret,
        { id: user.id, role, tenantId: user.tenantId },
        { expiresInSeconds: config.jwt.maxLifetimeSeconds },
      );
    },
  };
}

/**
 * The page's response headers (GraphiQL's and the dashboards'). The policy allows scripts from the gateway only (no inline script, no eval);
 * styles may be inline because GraphiQL's components apply inline styles (without it the headers editor never
 * shows; graphiql.test.ts watches for violations). frame-ancestors 'none' (and the older
 * X-Frame-Options) keep the page out of other sites' frames, where a click could be stolen.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join("; "),
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "no-referrer",
  // The demo's pages hold tokens: no cache keeps them.
  "cache-control": "no-store",
};

const LOOPBACK_PEER = /^(127(\.\d{1,3}){3}|::1|::ffff:127(\.\d{1,3}){3})$/;
const LOCAL_HOST = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/i;
const FORWARDING_HEADER = /^(forwarded|via|x-real-ip|x-forwarded-.+)$/i;

/**
 * A browser on the gateway's own machine, asking for it by a loopback name: the connection comes from a loopback
 * address (not through a proxy or a port forward, which add forwarding headers), and the Host is localhost or a
 * loopback address (not a name an attacker's page made resolve here: DNS rebinding).
 */
export function fromThisMachine(req: IncomingMessage): boolean {
  return (
    LOOPBACK_PEER.test(req.socket.remoteAddress ?? "") &&
    LOCAL_HOST.test(req.headers.host ?? "") &&
    !Object.keys(req.headers).some((name) => FORWARDING_HEADER.test(name))
  );
}

/** Answers a browser's GET of the API's URL: the page, with its security headers and the demo's token if allowed. */
export async function graphiqlPage(
  req: IncomingMessage,
  res: ServerResponse,
  endpoint: string,
  { demoToken }: GraphiqlOptions = {},
): Promise<void> {
  const token = demoToken && fromThisMachine(req) ? await demoToken(Role.SUPER_ADMIN) : undefined;
  res.writeHead(200, PAGE_HEADERS);
  res.end(pageHtml(endpoint, token && `{"Authorization": "Bearer ${token}"}`));
}

// "</script>" inside a JSON string would still end the script element holding it, so "<" is escaped.
export function scriptLiteral(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c");
}

/** The start of a page of the gateway's, up to its own head elements: GraphiQL's and the dashboards'. */
export function pageHead(title: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<!-- Empty icon: otherwise every visit logs a 404 for /favicon.ico. -->
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${stylesheet}">`;
}

function pageHtml(endpoint: string, headers: string | undefined): string {
  const asset = (name: string) => GRAPHIQL_ASSET_PREFIX + name;
  const tabs = DASHBOARD_TABS.map((tab, index) => ({
    query: index === 0 ? `${WELCOME(headers !== undefined)}\n${tab.query}` : tab.query,
    variables: tab.variables ? JSON.stringify(tab.variables, null, 2) : null,
    headers: headers ?? null,
  }));
  return `${pageHead("Analytics gateway · GraphiQL", asset("graphiql.css"))}
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${asset("react.js")}"></script>
<script src="${asset("react-dom.js")}"></script>
<script src="${asset("graphiql.js")}"></script>
<script type="application/json" id="${OPTIONS_ELEMENT_ID}">${scriptLiteral({ endpoint, tabs, headers: headers ?? null })}</script>
<script src="${asset("start.js")}"></script>
</body>
</html>
`;
}
