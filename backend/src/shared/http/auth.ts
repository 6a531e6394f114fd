import type { Request } from "express";
import { unauthorized } from "../errors";
import type { Duty, Organization, OrgRole, User } from "../principal";

/**
 * Who is calling: a user of an organization, through one of its API keys or a person's browser
 * session. The onboarding module authenticates (see its authentication.ts); the HTTP layer only
 * reads the result.
 */
export interface AuthContext {
  organization: Organization;
  user: User;
  /** The API key used; null for a browser session. */
  apiKeyId: string | null;
  /** The browser session used; null for an API key. */
  sessionId: string | null;
  /** The person's duty: viewer reads, clerk prepares, approver commits. */
  duty: Duty;
  /** Writes are refused whatever the route (an auditor's people). */
  readOnly: boolean;
  has(role: OrgRole): boolean;
}

/** The operator and auditors read every tenant's records (and change none: Routes.invoke). */
export const readsAll = (a: Pick<AuthContext, "has">) => a.has("operator") || a.has("auditor");

export function authOf(req: Request): AuthContext {
  const auth = (req as Request & { auth?: AuthContext }).auth;
  if (!auth) throw unauthorized();
  return auth;
}

export function setAuth(req: Request, auth: AuthContext): void {
  (req as Request & { auth?: AuthContext }).auth = auth;
}
