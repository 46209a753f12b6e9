import { readToken } from "./session";

/** Saves one of the gateway's CSV exports: fetched with the signed-in token, which a plain link could not send. */
export async function downloadExport(path: string, filename: string): Promise<void> {
  const response = await fetch(path, { headers: { authorization: `Bearer ${readToken() ?? ""}` } });
  if (!response.ok) throw new Error(`The export failed (HTTP ${response.status})`);
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = href;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(href);
}
