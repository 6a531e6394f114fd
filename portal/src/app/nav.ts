import type { NavEntry } from "../shared/module";
import type { Session } from "../shared/session";
import { MODULES } from "./modules";

/** The navigation this person sees: by the organization's roles, the person's duty and admin right. */
export function navFor(session: Session): NavEntry[] {
  return MODULES.flatMap((m) => m.nav)
    .filter((e) => !e.roles || e.roles.some((r) => session.has(r)))
    .filter((e) => !e.duties || e.duties.includes(session.duty))
    .filter((e) => !e.adminOnly || session.isAdmin)
    .map((e, i) => ({ e, i }))
    .sort((a, b) => (a.e.order ?? 100) - (b.e.order ?? 100) || a.i - b.i)
    .map(({ e }) => e);
}
