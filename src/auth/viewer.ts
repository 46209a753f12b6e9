import type { Role } from "./role";

/** The caller, as the verified token says. */
export interface Viewer {
  id: string;
  role: Role;
  /** null for platform staff. */
  tenantId: string | null;
}
