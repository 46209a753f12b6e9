import type { IncomingMessage, ServerResponse } from "node:http";
import cors from "cors";

/**
 * CORS for pages on the allowed origins (CORS_ORIGINS). Every preflight is
 * answered (204); only an allowed origin gets `Access-Control-Allow-Origin`,
 * so a browser on any other origin refuses the call. No credentials: the API
 * reads the Authorization header only, never a cookie (README, "Browsers and
 * clients").
 */
export function corsFor(origins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const middleware = cors({
    origin: [...origins],
    methods: ["GET", "POST"],
    allowedHeaders: ["authorization", "content-type", "x-request-id", "cache-control"],
    exposedHeaders: [
      "x-request-id",
      "x-sql-statements",
      "retry-after",
      "ratelimit",
      "ratelimit-policy",
      "x-total-count",
      "content-disposition",
      "age",
    ],
    maxAge: 600,
  });
  // With static options `cors` decides synchronously: `next` is called unless it answered a preflight itself.
  return (req, res) => {
    let answered = true;
    middleware(req, res, () => (answered = false));
    return answered;
  };
}
