/**
 * The dashboards' web app (web/, built into web-dist/ by scripts/build-web.js): its page at /dashboard and its two
 * files, under the same security headers as GraphiQL and with the same demo-token rule.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Role } from "../auth/role";
import { DEMO_USERS } from "../db/seed";
import { HttpError } from "../errors";
import { fromThisMachine, PAGE_HEADERS, pageHead, scriptLiteral, type GraphiqlOptions } from "./graphiql";
import type { Route } from "./routes";

/** Two levels up from src/server (tsx, jest) and from dist/server (`npm start`) alike. */
const WEB_DIST = path.join(__dirname, "../../web-dist");
const ASSET_PREFIX = "/dashboard/assets/";

// The allow-list: a request name is a lookup key, never part of a filesystem path; a Map, so "__proto__" misses.
const FILES = new Map([
  ["app.js", "text/javascript; charset=utf-8"],
  ["app.css", "text/css; charset=utf-8"],
]);

/** The demo's sign-in buttons, in this order. */
const DEMO_ROLES = [Role.SUPER_ADMIN, Role.TENANT_ADMIN, Role.AGENT, Role.ASSISTANT];

function pageHtml(options: unknown): string {
  return `${pageHead("Analytics dashboards", `${ASSET_PREFIX}app.css`)}
</head>
<body>
<div id="root"></div>
<script type="application/json" id="dashboard-options">${scriptLiteral(options)}</script>
<script src="${ASSET_PREFIX}app.js"></script>
</body>
</html>
`;
}

/** The page and its files; `demoToken` (the embedded demo's) adds a sign-in button per demo user on this machine. */
export function dashboardRoutes({ demoToken }: GraphiqlOptions): Route[] {
  return [
    {
      path: "/dashboard",
      methods: ["GET"],
      async handle({ req, res }) {
        const demoUsers =
          demoToken && fromThisMachine(req)
            ? await Promise.all(
                DEMO_ROLES.map(async (role) => ({
                  role,
                  fullName: DEMO_USERS[role].fullName,
                  token: await demoToken(role),
                })),
              )
            : [];
        res.writeHead(200, PAGE_HEADERS);
        res.end(pageHtml({ demoUsers }));
      },
    },
    {
      path: ASSET_PREFIX,
      methods: ["GET"],
      async handle({ res, url }) {
        const name = url.pathname.slice(ASSET_PREFIX.length);
        const contentType = FILES.get(name);
        if (!contentType) throw new HttpError(404, "NOT_FOUND", "No such asset");
        const body = await readFile(path.join(WEB_DIST, name)).catch(() => {
          throw new HttpError(404, "NOT_FOUND", "The dashboards are not built: run npm run build");
        });
        res.writeHead(200, {
          "content-type": contentType,
          // The names do not change between builds: the browser asks again (a 200 each time, the files are small).
          "cache-control": "no-cache",
          "x-content-type-options": "nosniff",
        });
        res.end(body);
      },
    },
  ];
}
