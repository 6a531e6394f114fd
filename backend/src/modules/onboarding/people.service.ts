import type { DataSource, EntityManager } from "typeorm";
import { AppError, notFound } from "../../shared/errors";
import { inTransaction, sqlState } from "../../shared/transaction";
import type { AuthContext } from "../../shared/http/auth";
import { OrganizationEntity, UserEntity, type Duty, type User } from "./onboarding.entity";
import type { OnboardingService } from "./onboarding.service";
import { hashPassword } from "./passwords";
import { newToken, tokenHash, type IssuedSession, type Sessions } from "./sessions";

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
  const [row] = await em.query(
    `INSERT INTO invitations (organization_id, email, name, role, duty, token_hash, invited_by, expires_at, user_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now() + $8 * interval '1 millisecond', $9) RETURNING id, expires_at`,
    [input.organizationId, input.email, input.name, input.role, input.duty, tokenHash(token), input.invitedBy, INVITATION_TTL_MS, input.userId],
  );
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

/** Whether an organization has an admin (who may sign in or use keys). */
async function hasAdmin(em: EntityManager, organizationId: string): Promise<boolean> {
  const [row] = await em.query(`SELECT 1 FROM users WHERE organization_id = $1 AND role = 'admin' AND disabled_at IS NULL LIMIT 1`, [organizationId]);
  return !!row;
}

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
    const [existing]: { id: string; signs_in: boolean }[] = await this.ds.query(
      `SELECT id, password_hash IS NOT NULL AS signs_in FROM users WHERE lower(email) = lower($1) AND organization_id = $2`,
      [input.email, organizationId],
    );
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
      const [org] = await em.query(`SELECT id FROM organizations WHERE id = $1 FOR UPDATE`, [organizationId]);
      if (!org) throw notFound("organization", organizationId);
      // an admin and approver: the one person who can then invite the rest (an admin who is a clerk could not)
      if (input.role !== "admin" || input.duty !== "approver") throw firstAdminOnly();
      if (await hasAdmin(em, organizationId)) throw firstAdminOnly();
      await em.query(
        `UPDATE invitations SET expires_at = now() WHERE organization_id = $1 AND accepted_at IS NULL AND expires_at > now()
           AND invited_by IN (SELECT id FROM users WHERE organization_id <> $1)`,
        [organizationId],
      );
      const { id, expiresAt, token } = await createInvitation(em, { organizationId, ...input, invitedBy: auth.user.id, userId: null });
      return { invitation: { id, organizationId, ...input, expiresAt }, token };
    });
  }

  /** The invited person chooses a password: their user is created and signed in. */
  async accept(token: string, password: string, client: { address: string; userAgent: string }): Promise<IssuedSession> {
    const hash = await hashPassword(password);
    try {
      return await inTransaction(this.ds, async (em) => {
        const [inv] = await em.query(
          `SELECT * FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > now() FOR UPDATE`,
          [tokenHash(token)],
        );
        if (!inv) throw invitationInvalid();
        // a first admin's invitation (from the operator) is void once the organization has an admin
        const [outsider] = await em.query(`SELECT 1 FROM users WHERE id = $1 AND organization_id <> $2`, [inv.invited_by, inv.organization_id]);
        if (outsider) {
          await em.query(`SELECT id FROM organizations WHERE id = $1 FOR UPDATE`, [inv.organization_id]);
          if (await hasAdmin(em, inv.organization_id)) throw invitationInvalid();
        }
        const users = em.getRepository(UserEntity);
        const fields = { role: inv.role, duty: inv.duty, passwordHash: hash, passwordChangedAt: new Date() };
        if (inv.user_id) await users.update({ id: inv.user_id }, fields);
        const user = inv.user_id
          ? await users.findOneByOrFail({ id: inv.user_id })
          : await users.save(users.create({ organizationId: inv.organization_id, email: inv.email, name: inv.name, ...fields }));
        await em.query(`UPDATE invitations SET accepted_at = now(), user_id = $2 WHERE id = $1`, [inv.id, user.id]);
        const organization = await em.getRepository(OrganizationEntity).findOneByOrFail({ id: inv.organization_id });
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
    const users = this.ds.getRepository(UserEntity);
    const user = await users.findOneBy({ id: userId, organizationId });
    if (!user) throw notFound("user", userId);
    await users.update({ id: userId }, { duty });
    return { ...user, duty };
  }
}
