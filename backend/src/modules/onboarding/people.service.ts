import type { DataSource, EntityManager } from "typeorm";
import { AppError, notFound } from "../../shared/errors";
import { inTransaction, sqlState } from "../../shared/transaction";
import type { AuthContext } from "../../shared/http/auth";
import type { Duty, User } from "./onboarding.entity";
import type { OnboardingService } from "./onboarding.service";
import { hashPassword } from "./passwords";
import { newToken, tokenHash, type IssuedSession, type Sessions } from "./sessions";
import { insertUser, organizationByIdOrFail, updateUser, userByIdOrFail, userOf } from "./onboarding.repository";
import * as repo from "./people.repository";
import { isFirstAdmin } from "./onboarding.rules";

/** An invitation link is good for this long. */
export const INVITATION_TTL_MS = 7 * 86_400_000;

export interface Invitation {
  id: string;
  organizationId: string;
  email: string;
  name: string;
  duty: Duty;
  role: User["role"];
  expiresAt: Date;
}

/**
 * Records an invitation and returns its token (only its hash is stored). `userId`: a user of the
 * organization who has no password yet (API keys only, or the bootstrap admin); accepting gives
 * that user a password instead of creating one.
 */
export async function createInvitation(
  em: EntityManager,
  input: Pick<Invitation, "organizationId" | "email" | "name" | "duty" | "role"> & { invitedBy: string; userId: string | null },
): Promise<{ id: string; expiresAt: Date; token: string }> {
  const token = newToken();
  const row = await repo.insertInvitation(em, { ...input, tokenHash: tokenHash(token), ttlMs: INVITATION_TTL_MS });
  return { id: row.id, expiresAt: new Date(row.expires_at), token };
}

const invitationInvalid = () =>
  new AppError("INVITATION.INVALID", 404, "This invitation link is not valid: it was used already or has expired. Ask your organization's admin for a new one.");
const firstAdminOnly = () =>
  new AppError(
    "OPERATOR.NOT_A_MEMBER",
    403,
    "The operator only invites an organization's first admin (role admin, duty approver), while it has none; its admins invite everyone else.",
  );

const emailTaken = (email: string) => new AppError("USER.DUPLICATE", 409, `${email} is already a user of this organization who signs in; change their duty instead.`);

/**
 * People of member organizations: an organization's admin (or the operator) invites a person with
 * a role and a duty; the person accepts with the link's token and chooses a password, which signs
 * them in. Admins change duties.
 */
export class PeopleService {
  constructor(
    private readonly ds: DataSource,
    private readonly onboarding: OnboardingService,
    private readonly sessions: Sessions,
  ) {}

  async invite(auth: AuthContext, organizationId: string, input: Pick<Invitation, "email" | "name" | "duty" | "role">): Promise<{ invitation: Invitation; token: string }> {
    if (auth.has("operator") && organizationId !== auth.organization.id) return this.inviteFirstAdmin(auth, organizationId, input);
    await this.onboarding.requirePeopleManager(auth, organizationId);
    // only this organization's users are looked at: whether an email signs in elsewhere is no admin's
    // business (the person learns it when accepting, and signs in with it instead)
    const existing = await repo.userByEmail(this.ds, organizationId, input.email);
    if (existing?.signs_in) throw emailTaken(input.email);
    // a user of this organization without a password (API keys only) gets one by accepting
    const { id, expiresAt, token } = await createInvitation(this.ds.manager, { organizationId, ...input, invitedBy: auth.user.id, userId: existing?.id ?? null });
    return { invitation: { id, organizationId, ...input, expiresAt }, token };
  }

  /**
   * The operator's one power inside another organization: inviting its first admin (an approver of
   * the operator does it) while the organization has no admin. A new invitation replaces an earlier
   * one not yet accepted (a lost link), and accepting checks again that there is still no admin, so
   * a link kept back can never add a second one.
   */
  private async inviteFirstAdmin(auth: AuthContext, organizationId: string, input: Pick<Invitation, "email" | "name" | "duty" | "role">) {
    if (auth.duty !== "approver") throw new AppError("DUTY.APPROVER_REQUIRED", 403, "Inviting an organization's first admin needs an approver of the operator.");
    return inTransaction(this.ds, async (em) => {
      if (!(await repo.lockOrganizationRow(em, organizationId))) throw notFound("organization", organizationId);
      if (!isFirstAdmin(input)) throw firstAdminOnly();
      if (await repo.hasAdmin(em, organizationId)) throw firstAdminOnly();
      await repo.expireOutsidersInvitations(em, organizationId);
      const { id, expiresAt, token } = await createInvitation(em, { organizationId, ...input, invitedBy: auth.user.id, userId: null });
      return { invitation: { id, organizationId, ...input, expiresAt }, token };
    });
  }

  /** The invited person chooses a password: their user is created and signed in. */
  async accept(token: string, password: string, client: { address: string; userAgent: string }): Promise<IssuedSession> {
    const hash = await hashPassword(password);
    try {
      return await inTransaction(this.ds, async (em) => {
        const inv = await repo.lockOpenInvitation(em, tokenHash(token));
        if (!inv) throw invitationInvalid();
        // a first admin's invitation (from the operator) is void once the organization has an admin
        if (await repo.isOutsider(em, inv.invited_by, inv.organization_id)) {
          await repo.lockOrganizationRow(em, inv.organization_id);
          if (await repo.hasAdmin(em, inv.organization_id)) throw invitationInvalid();
        }
        const fields = { role: inv.role, duty: inv.duty, passwordHash: hash, passwordChangedAt: new Date() };
        if (inv.user_id) await updateUser(em, inv.user_id, fields);
        const user = inv.user_id ? await userByIdOrFail(em, inv.user_id) : await insertUser(em, { organizationId: inv.organization_id, email: inv.email, name: inv.name, ...fields });
        await repo.markInvitationAccepted(em, inv.id, user.id);
        const organization = await organizationByIdOrFail(em, inv.organization_id);
        return this.sessions.open(em, { ...user, passwordHash: null }, organization, client);
      });
    } catch (e) {
      // only ever this organization's own user (the email signs in to it already): another tenant's
      // users are never looked at, so accepting tells nobody whether the email is used elsewhere
      if (sqlState(e) === "23505") throw new AppError("USER.DUPLICATE", 409, "This email already signs in to this organization: sign in with it instead.");
      throw e;
    }
  }

  async changeDuty(auth: AuthContext, organizationId: string, userId: string, duty: Duty): Promise<User> {
    await this.onboarding.requirePeopleManager(auth, organizationId, () => notFound("user", userId));
    const user = await userOf(this.ds, organizationId, userId);
    if (!user) throw notFound("user", userId);
    await updateUser(this.ds, userId, { duty });
    return { ...user, duty };
  }
}
