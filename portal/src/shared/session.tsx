/**
 * Who is signed in (GET /v1/me), held by TanStack Query under ["me"] and read by every page
 * through useSession(). The shell renders only once it is known.
 */
import { createContext, useContext, type ReactNode } from "react";
import type { Schemas } from "../api/client";
import { ORG_ROLES, type Duty, type OrgRole } from "./module";

export type Me = { user: Schemas["User"]; organization: Schemas["Organization"] };

export interface Session extends Me {
  roles: OrgRole[];
  duty: Duty;
  isAdmin: boolean;
  has: (role: OrgRole) => boolean;
}

export const ME_KEY = ["me"] as const;

export function toSession(me: Me): Session {
  const roles = ORG_ROLES.filter((r) => me.organization.roles.includes(r));
  return {
    ...me,
    roles,
    // an auditor organization's people read only, whatever their duty (the API refuses every write)
    duty: roles.includes("auditor") ? "viewer" : me.user.duty,
    isAdmin: me.user.role === "admin",
    has: (role) => roles.includes(role),
  };
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ session, children }: { session: Session; children: ReactNode }) {
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error("useSession outside the signed-in shell");
  return s;
}
