import { AppError } from "../../shared/errors";
import { readsAll, type AuthContext } from "../../shared/http/auth";
import type { Duty, User } from "./onboarding.entity";
import type { OperationRow } from "./onboarding.repository";
import type { Account } from "./people.repository";


/**
 * Why the caller may not act as an admin of `organizationId`: it calls from another organization
 * (the operator included: it never acts inside another one), or is not an admin; null if it may.
 */
export function adminProblem(auth: Pick<AuthContext, "organization" | "user">, organizationId: string): "outside" | "not-admin" | null {
  if (auth.organization.id !== organizationId) return "outside";
  return auth.user.role === "admin" ? null : "not-admin";
}

/**
 * The duty an admin needs to change who may act for an organization (add people, set duties, issue
 * keys for others): approver, since each such act hands out the power to act for it.
 */
export const dutyManagesPeople = (duty: Duty) => duty === "approver";

/**
 * The one person the operator may invite into another organization: its first admin, an admin and
 * approver, who can then invite the rest (an admin who is a clerk could not).
 */
export const isFirstAdmin = (invitee: Pick<User, "role" | "duty">) => invitee.role === "admin" && invitee.duty === "approver";

/** A browser session's last use is recorded at most this often. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;
export const lastSeenStale = (lastSeenAt: Date, now: number) => now - lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS;

export const credentialsInvalid = () => new AppError("SESSION.CREDENTIALS_INVALID", 401, "The email or the password is wrong.");

/**
 * The account a sign-in opens among those the password opened (`matching`): an enabled one, of
 * `organizationId` if the person named one. None: the same answer as a wrong password. Several: the
 * person names the organization.
 */
export function signInAccount(matching: Account[], organizationId?: string): Account {
  const usable = matching.filter((a) => !a.user.disabledAt && (!organizationId || a.organization.id === organizationId));
  if (usable.length === 0) throw credentialsInvalid();
  if (usable.length > 1) {
    // `organizations` is what a client reads to offer the choice; `errors` keeps the same names
    // as text, for clients written before it
    const choices = usable.map((a) => ({ id: a.organization.id, legalName: a.organization.legalName }));
    throw new AppError(
      "SESSION.ORGANIZATION_REQUIRED",
      409,
      "This email and password open accounts in several organizations: sign in again naming one (organizationId).",
      choices.map((o) => ({ field: "body.organizationId", message: `${o.id}: ${o.legalName}` })),
      { organizations: choices },
    );
  }
  return usable[0];
}

/**
 * An operation as the caller sees it, or null if it may not: its own organization's request, one
 * about its organization (its onboarding), one about what it is a `party` to (its owner module
 * says so: OnboardingService.shareOperations), or any for the operator and auditors. "mined" promises
 * read-your-writes: until the indexer has projected its block, it is still "submitted".
 */
export function operationAsSeen(auth: Pick<AuthContext, "organization" | "has">, found: OperationRow | undefined, party = false): Pick<OperationRow, "op" | "tx"> | null {
  const op = found?.op;
  const mine = op && (party || op.organizationId === auth.organization.id || op.aggregateId === auth.organization.id);
  if (!found || !op || (!readsAll(auth) && !mine)) return null;
  const tx = found.tx;
  if (op.status === "mined" && tx?.blockNumber != null && tx.blockNumber > found.indexed) return { op: { ...op, status: "submitted" as const }, tx };
  return { op, tx };
}
