import { adminQuery, serverUrl, templateName } from "./test-database";

export default async function globalTeardown(): Promise<void> {
  if (serverUrl) await adminQuery(serverUrl, `DROP DATABASE IF EXISTS "${templateName(serverUrl)}" WITH (FORCE)`);
}
