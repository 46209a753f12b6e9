import { adminQuery, directServerUrl, serverUrl, templateName } from "./test-database";

export default async function globalTeardown(): Promise<void> {
  if (serverUrl && directServerUrl)
    await adminQuery(directServerUrl, `DROP DATABASE IF EXISTS "${templateName(serverUrl)}" WITH (FORCE)`);
}
