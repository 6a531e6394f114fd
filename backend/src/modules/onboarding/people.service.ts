import { createHash, randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import { AppError, notFound } from "../../shared/errors";
import { inTransaction, sqlState } from "../../shared/transaction";
import type { AuthContext } from "../../shared/http/auth";
import { OrganizationEntity, UserEntity, type Duty, type User } from "./onboarding.entity";
import type { OnboardingService } from "./onboarding.service";
import { hashPassword } from "./passwords";
import type { IssuedSession, Sessions } from "./sessions";

/** An invitation link is good for this long. */
export const INVITATION_TTL_MS = 7 * 86_400_000;

const sha256 = (s: string) => createHash("sha256").update(s).digest();

export interface Invitation {
  id: string;
  organizationId: string;
  email: string;
  name: string;
  duty: Duty;
  role: User["role"];
  expiresAt: Date;
}

const emailTaken = (email: string) => new AppError("USER.DUPLICATE", 409, `${email} already signs in to the platform; invite another address.`);

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
    await this.onboarding.requireAdminOf(auth, organizationId);
    const [taken] = await this.ds.query(
      `SELECT 1 FROM users WHERE lower(email) = lower($1) AND (password_hash IS NOT NULL OR organization_id = $2)`,
      [input.email, organizationId],
    );
    if (taken) throw emailTaken(input.email);
    const token = randomBytes(32).toString("base64url");
    const [row] = await this.ds.query(
      `INSERT INTO invitations (organization_id, email, name, role, duty, token_hash, invited_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + $8 * interval '1 millisecond') RETURNING id, expires_at`,
      [organizationId, input.email, input.name, input.role, input.duty, sha256(token), auth.user.id, INVITATION_TTL_MS],
    );
    return { invitation: { id: row.id, organizationId, ...input, expiresAt: new Date(row.expires_at) }, token };
  }

  /** The invited person chooses a password: their user is created and signed in. */
  async accept(token: string, password: string, client: { address: string; userAgent: string }): Promise<IssuedSession> {
    const hash = await hashPassword(password);
    try {
      return await inTransaction(this.ds, async (em) => {
        const [inv] = await em.query(
          `SELECT * FROM invitations WHERE token_hash = $1 AND accepted_at IS NULL AND expires_at > now() FOR UPDATE`,
          [sha256(token)],
        );
        if (!inv) throw new AppError("INVITATION.INVALID", 404, "This invitation link is not valid: it was used already or has expired. Ask your organization's admin for a new one.");
        const users = em.getRepository(UserEntity);
        const user = await users.save(
          users.create({ organizationId: inv.organization_id, email: inv.email, name: inv.name, role: inv.role, duty: inv.duty, passwordHash: hash, passwordChangedAt: new Date() }),
        );
        await em.query(`UPDATE invitations SET accepted_at = now(), user_id = $2 WHERE id = $1`, [inv.id, user.id]);
        const organization = await em.getRepository(OrganizationEntity).findOneByOrFail({ id: inv.organization_id });
        return this.sessions.open(em, { ...user, passwordHash: null }, organization, client);
      });
    } catch (e) {
      if (sqlState(e) === "23505") throw new AppError("USER.DUPLICATE", 409, "This email already signs in to the platform: sign in with it instead.");
      throw e;
    }
  }

  async changeDuty(auth: AuthContext, organizationId: string, userId: string, duty: Duty): Promise<User> {
    await this.onboarding.requireAdminOf(auth, organizationId, () => notFound("user", userId));
    const users = this.ds.getRepository(UserEntity);
    const user = await users.findOneBy({ id: userId, organizationId });
    if (!user) throw notFound("user", userId);
    await users.update({ id: userId }, { duty });
    return { ...user, duty };
  }
}
