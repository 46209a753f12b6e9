/** The signed-in token: this tab's session storage, so it is gone when the tab closes. */
const KEY = "analytics-dashboard-token";

export const readToken = (): string | null => sessionStorage.getItem(KEY);
export const saveToken = (token: string): void => sessionStorage.setItem(KEY, token);
export const forgetToken = (): void => sessionStorage.removeItem(KEY);

/** A demo user the gateway offers a browser on its own machine (the embedded demo only). */
export interface DemoUser {
  role: string;
  fullName: string;
  token: string;
}

/** The page's options, from the JSON element the gateway writes into it. */
export function pageOptions(): { demoUsers: DemoUser[] } {
  const element = document.getElementById("dashboard-options");
  return element?.textContent ? (JSON.parse(element.textContent) as { demoUsers: DemoUser[] }) : { demoUsers: [] };
}
